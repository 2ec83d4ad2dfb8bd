/* voxomics: what every IBSI 2 convolutional filter needs: boundary (padding) modes, FFT convolution on
 * reused FFTW plans, and separable convolution.
 *
 * Arrays are 3D, x fastest: v[x + dims[0] (y + dims[1] z)]. A 2D image is a 3D one with dims[2] = 1.
 *
 * Padding (IBSI 2, boundary conditions GBYQ): the value of an index k outside 0..N-1 along an axis is
 *   constant (Z3VE, "zero padding" for 0):  a given constant;
 *   nearest (SIJG):                          the nearest edge voxel, k' = min(max(k, 0), N - 1);
 *   periodic (Z7YO):                         k' = k mod N;
 *   mirror (ZDTV):                           k' = k mod N when floor(k / N) is even, else N - 1 - (k mod N):
 *                                            the edge voxel is repeated ("abc|cba", SciPy's "reflect").
 *
 * Convolution (both the FFT and the separable form): with a kernel h of K_a voxels along axis a and centre
 * c_a = floor(K_a / 2),
 *   out[x] = sum_j h[j] f~[x + c - j]   (per axis; f~ the padded image),
 * i.e. a true convolution (the kernel is flipped), so that an asymmetric kernel such as a Laws or wavelet
 * filter acts in the direction IBSI 2 defines. The output has the image's size.
 *
 * FFT plans: a vx_fft_cache, owned by the caller, keeps every FFTW plan it has made and hands the same plan
 * back for the same transform (size, strides, kind, flags and array alignment), so that repeated filtering
 * plans once. Plans are executed with FFTW's new-array functions, which are thread-safe; making and
 * destroying plans is not thread-safe in FFTW, so it runs under one process-wide lock (the OpenMP critical
 * section "vx_fftw_plan", shared with every FFTW planner call of the library) and each cache guards its table
 * with its own mutex: one cache may be used from several threads at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_FILTER_H
#define VOXOMICS_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"
#include "voxomics/export.h"
#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- padding -------------------------------------------------------------------------------------------- */
typedef enum vx_pad_mode {
    VX_PAD_CONSTANT = 0, /* a constant value (0: IBSI "zero padding") */
    VX_PAD_NEAREST,      /* nearest edge value */
    VX_PAD_PERIODIC,     /* periodic continuation */
    VX_PAD_MIRROR,       /* symmetric mirror, the edge voxel repeated */
} vx_pad_mode;

/* "constant", "nearest", "periodic", "mirror"; "?" when unknown. vx_pad_find: the reverse (case-insensitive;
 * also "zero", "wrap", "reflect", "symmetric"), -1 when unknown. */
VX_API const char *vx_pad_name(vx_pad_mode m);
VX_API int vx_pad_find(const char *name);

/* Index in 0..n-1 that index k (any integer) reads under mode m, or -1 for VX_PAD_CONSTANT outside 0..n-1
 * (the constant is read there). n must be >= 1. */
VX_API ptrdiff_t vx_pad_index(ptrdiff_t k, size_t n, vx_pad_mode m);

/* Pad the image in (dims) by lo[a] voxels before and hi[a] voxels after along each axis a into out, of
 * (dims[a] + lo[a] + hi[a]) voxels per axis, caller-allocated. cval: the constant of VX_PAD_CONSTANT.
 * Errors: VX_EINVAL for an empty image or an unknown mode; VX_ENOMEM never (no allocation). */
VX_API int vx_pad(const double *in, const size_t dims[3], const size_t lo[3], const size_t hi[3], vx_pad_mode m,
           double cval, double *out, vx_error *err);

/* ---- FFT plans ------------------------------------------------------------------------------------------- */
typedef struct vx_fft_cache vx_fft_cache;
typedef struct vx_fft_plan vx_fft_plan; /* owned by its cache; valid until vx_fft_cache_free */
typedef double vx_complex[2];           /* real, imaginary: the layout of fftw_complex and double _Complex */

/* One dimension of a transform or of its batch ("howmany") loop, FFTW's guru interface: n points, input
 * stride is and output stride os, in elements (doubles for real arrays, vx_complex for complex ones). */
typedef struct vx_fft_dim {
    int n, is, os;
} vx_fft_dim;

typedef enum vx_fft_kind {
    VX_FFT_R2C = 0, /* real -> half-complex spectrum (n[last] / 2 + 1 along the last transform dimension) */
    VX_FFT_C2R,     /* the inverse of R2C, unnormalised; destroys its input unless VX_FFT_PRESERVE_INPUT */
    VX_FFT_FORWARD, /* complex -> complex, exponent sign -1 */
    VX_FFT_BACKWARD /* complex -> complex, sign +1, unnormalised */
} vx_fft_kind;

/* Planner flags: the plans are FFTW_ESTIMATE plans (planning never reads nor writes the arrays). */
enum {
    VX_FFT_PRESERVE_INPUT = 1, /* the transform must leave its input unchanged (FFTW_PRESERVE_INPUT) */
    VX_FFT_DESTROY_INPUT = 2,  /* the transform may overwrite its input (FFTW_DESTROY_INPUT) */
};

/* A new empty cache into *out; free it with vx_fft_cache_free (which destroys its plans). VX_ENOMEM. */
VX_API int vx_fft_cache_new(vx_fft_cache **out, vx_error *err);
VX_API void vx_fft_cache_free(vx_fft_cache *c);
/* Number of FFTW plans this cache has made (a hit makes none): lets a caller check that plans are reused. */
VX_API size_t vx_fft_cache_plans_made(const vx_fft_cache *c);
/* Number of plans held. */
VX_API size_t vx_fft_cache_size(const vx_fft_cache *c);

/* The plan for a transform of `rank` dimensions dims[] (FFTW order: the last varies fastest) batched over
 * `howmany_rank` loops hm[] (may be 0 / NULL), of the given kind and flags, on arrays with the alignment of
 * in and out (in == out: in place). Made on the first request, afterwards the cached one. The plan may be
 * executed on any arrays of the same alignment and in-/out-of-place-ness (vx_fft_execute checks).
 * Errors: VX_EINVAL (rank not 1..3, howmany_rank not 0..3, n < 1), VX_ENOMEM (allocation, or FFTW cannot
 * make the plan). */
VX_API int vx_fft_plan_get(vx_fft_cache *c, vx_fft_kind kind, int rank, const vx_fft_dim *dims, int howmany_rank,
                    const vx_fft_dim *hm, void *in, void *out, unsigned flags, const vx_fft_plan **plan,
                    vx_error *err);
/* Execute plan p on in -> out (double or vx_complex arrays as the kind says). Thread-safe. VX_EINVAL when the
 * arrays' alignment or in-place-ness differs from the planned arrays' (FFTW's rule for new-array execution). */
VX_API int vx_fft_execute(const vx_fft_plan *p, void *in, void *out, vx_error *err);

/* Smallest n' >= n whose prime factors are all 2, 3, 5 or 7 (fast FFT sizes); even when `even` != 0. */
VX_API size_t vx_fft_good_size(size_t n, int even);

/* ---- convolution ----------------------------------------------------------------------------------------- */
/* Convolve the image in (dims) with the kernel h (kdims, any sizes >= 1, odd or even) under padding mode m
 * (cval for VX_PAD_CONSTANT) by FFT: the image is padded by K_a - 1 - c_a voxels before and c_a after along
 * each axis, zero-extended to a fast transform size, multiplied with the kernel's spectrum and transformed
 * back. out (dims, caller-allocated, may not alias in) receives the convolution defined above. Plans come
 * from the cache c (required). Errors: VX_EINVAL (empty arrays, unknown mode, NULL cache), VX_ENOMEM. */
VX_API int vx_fft_convolve(vx_fft_cache *c, const double *in, const size_t dims[3], const double *h, const size_t kdims[3],
                    vx_pad_mode m, double cval, double *out, vx_error *err);

/* Separable convolution: in (dims) convolved along axis a with the 1D kernel k[a] of klen[a] voxels (centre
 * floor(klen[a] / 2)), axis by axis (x, then y, then z), each pass padding its input under mode m (cval for
 * VX_PAD_CONSTANT). k[a] NULL (or klen[a] 0) leaves axis a alone, which is how a 2D filter skips z. Equals the
 * 3D convolution with the outer product kernel k[0] (x) k[1] (x) k[2] padded once under m, up to rounding,
 * for every mode: nearest, periodic and mirror index each axis on its own, and for VX_PAD_CONSTANT each pass
 * after the first pads with the constant as the earlier passes left it (cval times the sums of their kernels).
 * out (dims, caller-allocated) may alias in. Errors: VX_EINVAL, VX_ENOMEM. */
VX_API int vx_separable_convolve(const double *in, const size_t dims[3], const double *const k[3], const size_t klen[3],
                          vx_pad_mode m, double cval, double *out, vx_error *err);

/* ---- IBSI 2 filters ------------------------------------------------------------------------------------- */
/* The filters of IBSI 2 (chapter "Convolutional filters"; IBSI ids in brackets) and the voxel-wise and local
 * image types of PyRadiomics. A filter turns an image (double, x fastest, dims[] voxels of spacing[] mm) into
 * a response map of the same grid. 2D filters act on every axial (x, y) slice on its own (Gabor: also on the
 * other two orthogonal planes when asked). Axes: k1 = x, k2 = y, k3 = z (IBSI 2 XKP5). */
typedef enum vx_filter_kind {
    VX_FILTER_NONE = 0,    /* the image itself ("original") */
    VX_FILTER_MEAN,        /* mean filter (S60F): support M voxels (odd) */
    VX_FILTER_LOG,         /* Laplacian of Gaussian (L6PA): scale sigma_mm, truncation d (M = 1 + 2 floor(d sigma + 0.5)) */
    VX_FILTER_LAWS,        /* Laws kernels (JTXT): one 1D kernel per axis, energy map over delta voxels (I176) */
    VX_FILTER_GABOR,       /* Gabor (Q88H): modulus of the complex response */
    VX_FILTER_WAVELET,     /* separable undecimated (a trous) wavelet (25BO): one sub-band of one level */
    VX_FILTER_SIMONCELLI,  /* non-separable Simoncelli wavelet (PRT7): band-pass map of one level */
    /* PyRadiomics image types (voxel-wise maps and local operators; PyRadiomics' definitions) */
    VX_FILTER_SQUARE,      /* (x / sqrt(max |x|))^2 */
    VX_FILTER_SQUAREROOT,  /* sign(x) sqrt(|x| max |x|) */
    VX_FILTER_LOGARITHM,   /* sign(x) log(|x| + 1) scaled to max |x| */
    VX_FILTER_EXPONENTIAL, /* exp(x log(max |x|) / max |x|) */
    VX_FILTER_GRADIENT,    /* gradient magnitude (central differences, in mm or voxels) */
    VX_FILTER_LBP2D,       /* local binary pattern per axial slice */
    VX_FILTER_LBP3D,       /* 3D local binary pattern (spherical harmonics) */
    VX_FILTER_LOG_RECURSIVE, /* PyRadiomics' LoG: ITK's recursive (Deriche) Laplacian of Gaussian, scale sigma_mm,
                                normalised across scale, float32; the whole image (src/filter/recursive_gauss.c) */
    VX_FILTER_WAVELET_PYRAD, /* PyRadiomics' wavelet: odd sizes wrap-padded to even, level-1 transforms of the
                                previous approximation, no dilation (src/filter/pyrad_wavelet.c) */
    VX_FILTER_KIND_COUNT
} vx_filter_kind;

/* Pooling over the response maps of the orientations of a rotation-invariant filter. */
typedef enum vx_pool {
    VX_POOL_MAX = 0,
    VX_POOL_AVERAGE,
    VX_POOL_MIN,
} vx_pool;

/* One filter and its parameters. vx_filter_spec_init gives the defaults; each kind reads only its own fields
 * (vx_filter_validate checks them). Lengths in mm are converted to voxels with the image spacing, along each
 * axis (IBSI 2: sigma = sigma* / s). */
typedef struct vx_filter_spec {
    vx_filter_kind kind;
    int dim;              /* 2: per slice (axial unless slice_axis says otherwise); 3: in the volume (default 3) */
    int slice_axis;       /* 2D filters: the slices are perpendicular to this axis (vx_slice_axis of
                             voxomics/feature.h: 0 z, default; 1 y; 2 x), the in-plane axes taken in increasing
                             order as the filter's x and y (PyRadiomics' force2Ddimension; its LBP2D with 2 takes
                             z, y as it does); the extraction sets it from features.slice_axis */
    vx_pad_mode pad;      /* boundary condition (default mirror) */
    double pad_value;     /* the constant of VX_PAD_CONSTANT (default 0: zero padding) */
    /* mean */
    int support;          /* M voxels, odd >= 1 (default 3) */
    /* LoG (also the LoG that a Riesz transform acts on), Gabor, log_recursive */
    double sigma_mm;      /* scale in mm (> 0) */
    double truncate;      /* LoG, Gabor: size cutoff d in sigmas (default 4; Gabor: sigma max(1, 1/gamma)) */
    /* Laws */
    char laws[16];        /* the 1D kernels along x, y (and z): "E5L5S5" (3D), "L5S5" (2D); L3 E3 S3 L5 E5 S5 W5 R5 */
    int energy_delta;     /* Laws energy map: mean of |response| over a (2 delta + 1)^dim box, after pooling;
                             -1 (default): the response map itself */
    /* rotation invariance: Laws and separable wavelets over the right-angle rotations (4 in 2D, 24 in 3D),
     * Gabor over the orientations theta = 0, delta_theta, ... < 2 pi */
    int rot_invariant;    /* 0 (default) or 1 */
    vx_pool pooling;      /* how the orientations' maps are combined (default max) */
    /* Gabor */
    double lambda_mm;     /* wavelength in mm (> 0) */
    double gamma;         /* spatial aspect ratio (> 0, default 1) */
    double theta;         /* orientation in rad, clockwise in the plane (without rotation invariance) */
    double delta_theta;   /* orientation step in rad (rotation invariance) */
    int orthogonal;       /* 1: average the 2D responses over the three orthogonal planes (3D approximation) */
    /* wavelets (separable and wavelet_pyradiomics) */
    char wavelet[12];     /* separable: "haar", "db1" .. "db38", "sym2" .. "sym20", "coif1" .. "coif5", "bior1.1" ..
                             "bior6.8", "rbio1.1" .. "rbio6.8" (PyWavelets' list) */
    char subband[4];      /* separable: 'L' or 'H' per axis, x first ("LLH"; 2D: "LH"); Simoncelli: unused */
    int level;            /* decomposition level >= 1 (default 1) */
    /* Riesz transform of the LoG or Simoncelli response (IBSI 2 AYRS): order along x, y, z; all 0: none */
    int riesz[3];
    double tensor_sigma_mm; /* > 0: steer the Riesz components along the structure tensor of this scale (1SD3) */
    /* PyRadiomics LBP and gradient */
    double lbp_radius;    /* LBP2D radius in voxels (default 1) */
    int lbp_samples;      /* LBP2D samples (default 8) */
    int lbp_levels;       /* LBP3D spherical-harmonics levels (default 2) */
    double lbp_icosphere_radius; /* LBP3D radius in voxels (default 1) */
    int lbp_icosphere_subdiv;    /* LBP3D icosphere subdivisions (default 1) */
    int lbp_map;                 /* LBP3D output: 1..lbp_levels the level's map (PyRadiomics lbp-3D-m<n>), 0 the
                                    spherical kurtosis (lbp-3D-k); default 1 */
    int gradient_spacing;        /* gradient in mm (1, default) or voxels (0) */
} vx_filter_spec;

/* Defaults of every field, kind VX_FILTER_NONE. */
VX_API void vx_filter_spec_init(vx_filter_spec *f);

/* Check a spec's fields for its kind (ranges, kernel names, sub-band letters against dim, ...). VX_EINVAL with
 * a message naming the parameter, its value and what is allowed. */
VX_API int vx_filter_validate(const vx_filter_spec *f, vx_error *err);

/* The kind's name in settings files: "none", "mean", "log", "laws", "gabor", "wavelet", "simoncelli",
 * "square", "squareroot", "logarithm", "exponential", "gradient", "lbp2d", "lbp3d", "log_recursive",
 * "wavelet_pyradiomics"; "?" when unknown.
 * vx_filter_kind_find: the reverse (case-insensitive), -1 when unknown. */
VX_API const char *vx_filter_kind_name(vx_filter_kind k);
VX_API int vx_filter_kind_find(const char *name);

/* The image-type name of a filter's response map, as tables write it: the kind and its parameters, then
 * "_2D" or "_3D" (docs/features.md "Image types"), e.g. "log_s3.0mm_3D", "wav_coif1_LLH_l1_3D",
 * "mean_m5_2D", "laws_L5E5E5_ri-max_e7_3D", "gabor_s5.0mm_l2.0mm_g1.5_dt0.3927_ri-avg_orth_2D",
 * "sim_l1_3D", "riesz-sim_l1_020_st1.0mm_3D"; "original" for VX_FILTER_NONE. Into buf (n bytes); returns
 * 0, or -1 when buf is too small. */
VX_API int vx_filter_image_type(const vx_filter_spec *f, char *buf, size_t n);

/* 1 when name (case-insensitive) is a wavelet the wavelet filters implement (haar, db1 .. db38, sym2 .. sym20,
 * coif1 .. coif5, bior / rbio 1.1 .. 6.8: PyWavelets' names), else 0. */
VX_API int vx_filter_wavelet_known(const char *name);

/* How image types are named, per kind, as Markdown (docs/features.md "Image types"); a static string. */
VX_API const char *vx_filter_naming_doc(void);

/* Voxels along each axis that a response voxel depends on, on each side (the half support of the kernel
 * chain, energy and structure-tensor windows included): a crop of the image that extends this far beyond the
 * voxels of interest gives their exact response. SIZE_MAX along an axis where the filter is global (defined
 * on the whole image grid: Simoncelli and Riesz in the Fourier domain, the
 * PyRadiomics maps scaled by the image maximum). */
VX_API void vx_filter_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3]);

/* Apply filter f to the image in (dims voxels of spacing mm) into out (dims, caller-allocated, may not alias
 * in), float precision or better at every voxel. FFTs plan on c (may be NULL: plans made for the call).
 * Thread-safe for distinct out; the result does not depend on the thread count. Errors: VX_EINVAL (invalid
 * spec, empty image, 2D filter asked of a 3D-only kind), VX_ENOMEM. */
VX_API int vx_filter_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                           const double spacing[3], double *out, vx_error *err);

/* The response map of filter f on the whole image img, on img's grid (no other processing: no resampling,
 * rounding or re-segmentation; `voxomics filter`), as a new image with img's geometry (free with
 * vx_image_free). Errors: those of vx_filter_apply, VX_ENOMEM; *out is NULL on error. */
VX_API int vx_filter_image(vx_fft_cache *c, const vx_filter_spec *f, const vx_image *img, vx_image **out,
                           vx_error *err);

/* ---- the filter parameter descriptor (voxomics/filter.def) ------------------------------------------------ */
typedef enum vx_filter_param_type {
    VX_FP_BOOL = 0, /* int 0/1 */
    VX_FP_INT,      /* int in [lo, hi] */
    VX_FP_REAL,     /* double in [lo, hi], finite */
    VX_FP_ANGLE,    /* double in rad: a number or a multiple of pi ("pi/3", "5pi/4", "-5*pi/8") */
    VX_FP_NAME,     /* a word into a char array (Laws kernels, wavelet name, sub-band) */
    VX_FP_DIM,      /* int 2 or 3: "2D" / "3D" */
    VX_FP_PAD,      /* vx_pad_mode: a word of vx_pad_find */
    VX_FP_POOL,     /* vx_pool: max, average (avg, mean), min */
    VX_FP_ORDER,    /* int[3]: a list of three integers in [lo, hi] */
} vx_filter_param_type;

#define VXF_K(kind) (1u << VX_FILTER_##kind)

typedef struct vx_filter_param {
    const char *key;
    vx_filter_param_type type;
    size_t offset, size; /* offsetof / sizeof the vx_filter_spec member */
    const char *def;     /* default as documented */
    double lo, hi;
    unsigned kinds;      /* VXF_K bits of the kinds that read it */
    const char *doc;
} vx_filter_param;

/* Rows of filter.def in order; vx_filter_param_find: the row of a key, NULL when unknown. */
VX_API size_t vx_filter_param_count(void);
VX_API const vx_filter_param *vx_filter_param_get(size_t i);
VX_API const vx_filter_param *vx_filter_param_find(const char *key);

/* Set parameter p of f from its text: a scalar, or for VX_FP_ORDER the list items joined by commas ("0,2,0").
 * VX_OK, else VX_EINVAL with "got 'TEXT': expected ..." in why (n bytes). Ranges are checked here; the kind's
 * own rules (odd support, kernel names ...) by vx_filter_validate. */
VX_API int vx_filter_param_set(vx_filter_spec *f, const vx_filter_param *p, const char *text, char *why, size_t n);

/* Canonical text of a spec for the settings hash: "kind;key=value;..." over the parameters its kind reads, in
 * filter.def order, numbers as %.17g. 0, or -1 when buf (n bytes) is too small. */
VX_API int vx_filter_canonical(const vx_filter_spec *f, char *buf, size_t n);

/* Text of parameter p's current value in f ("3D", "mirror", "0.5", "[0, 2, 0]") into buf. */
VX_API void vx_filter_param_text(const vx_filter_spec *f, const vx_filter_param *p, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
