/* voxomics: the IBSI 1 feature families, the feature dictionary and result sets.
 *
 * The dictionary (one row per feature: family, name, IBSI code, tag, PyRadiomics name, unit, flags) is
 * defined once in src/feature/dict_*.def and drives every output name and docs/features.md.
 * A family consumes a vx_roi (the processed region of interest) and appends (feature, aggregation, value)
 * rows to a vx_results.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_FEATURE_H
#define VOXOMICS_FEATURE_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- families ---------------------------------------------------------------------------------------- */
typedef enum vx_family {
    VX_FAM_MORPH = 0, /* morphology, HCUG */
    VX_FAM_LOCAL,     /* local intensity, 9ST6 */
    VX_FAM_STAT,      /* intensity-based statistics, UHIW */
    VX_FAM_IH,        /* intensity histogram, ZVCW */
    VX_FAM_IVH,       /* intensity-volume histogram, P88C */
    VX_FAM_GLCM,      /* grey level co-occurrence matrix, LFYI */
    VX_FAM_GLRLM,     /* grey level run length matrix, TP0I */
    VX_FAM_GLSZM,     /* grey level size zone matrix, 9SAK */
    VX_FAM_GLDZM,     /* grey level distance zone matrix, VMDZ */
    VX_FAM_NGTDM,     /* neighbourhood grey tone difference matrix, IPET */
    VX_FAM_NGLDM,     /* neighbouring grey level dependence matrix, REK0 */
    VX_FAM_COUNT
} vx_family;

typedef struct vx_family_info {
    vx_family family;
    const char *key;       /* config / CLI key, e.g. "glcm", "morphology" */
    const char *name;      /* IBSI family name, e.g. "Grey level co-occurrence matrix" */
    const char *ibsi_code; /* IBSI family code, e.g. "LFYI" */
    const char *tag_prefix;/* IBSI tag prefix, e.g. "cm" */
    unsigned aggregations; /* VX_AGGBIT(...) set the family is defined under */
} vx_family_info;

/* The dictionary entry of family f (static data, never freed); NULL when f is out of range. */
VX_API const vx_family_info *vx_family_get(vx_family f);
/* Family by key ("glcm") or IBSI family code, case-insensitive; NULL when unknown. Static data. */
VX_API const vx_family_info *vx_family_find(const char *key);

/* ---- aggregation methods (IBSI) ---------------------------------------------------------------------- */
typedef enum vx_agg {
    VX_AGG_NONE = 0,   /* DHQ4: computed over the 3D volume (non-texture families) */
    VX_AGG_2D_AVG,     /* BTW3: 2D, features per slice and direction, averaged      (GLCM, GLRLM) */
    VX_AGG_2D_SMRG,    /* SUJT: 2D, directions merged per slice, averaged over slices */
    VX_AGG_25D_DMRG,   /* JJUI: 2.5D, slices merged per direction, averaged over directions */
    VX_AGG_25D_MRG,    /* ZW7Z: 2.5D, all slices and directions merged */
    VX_AGG_3D_AVG,     /* ITBB: 3D, features per direction, averaged */
    VX_AGG_3D_MRG,     /* IAZD: 3D, all directions merged */
    VX_AGG_2D,         /* 8QNN: 2D, features per slice, averaged (GLSZM, GLDZM, NGTDM, NGLDM) */
    VX_AGG_25D,        /* 62GR: 2.5D, slice matrices merged */
    VX_AGG_3D,         /* KOBO: 3D */
    VX_AGG_COUNT
} vx_agg;

#define VX_AGGBIT(a) (1u << (a))
#define VX_AGGS_DIRECTIONAL                                                                                  \
    (VX_AGGBIT(VX_AGG_2D_AVG) | VX_AGGBIT(VX_AGG_2D_SMRG) | VX_AGGBIT(VX_AGG_25D_DMRG) |                     \
     VX_AGGBIT(VX_AGG_25D_MRG) | VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG))
#define VX_AGGS_ZONE (VX_AGGBIT(VX_AGG_2D) | VX_AGGBIT(VX_AGG_25D) | VX_AGGBIT(VX_AGG_3D))
#define VX_AGGS_ALL ((1u << VX_AGG_COUNT) - 1u)

typedef struct vx_agg_info {
    vx_agg agg;
    const char *key;        /* config key, e.g. "2D_avg", "3D" */
    const char *name;       /* e.g. "2D, averaged" */
    const char *ibsi_code;  /* e.g. "BTW3" */
    const char *tag_suffix; /* IBSI tag suffix, e.g. "_2D_avg" ("" for VX_AGG_NONE) */
    int dims;               /* 2, 25 (2.5D) or 3; 0 for VX_AGG_NONE */
} vx_agg_info;

/* The entry of aggregation a (static data, never freed); NULL when a is out of range. */
VX_API const vx_agg_info *vx_agg_get(vx_agg a);
/* Aggregation by key ("2D_avg"), IBSI code ("BTW3") or name, case-insensitive; NULL when unknown. Static data. */
VX_API const vx_agg_info *vx_agg_find(const char *key);

/* ---- the feature dictionary -------------------------------------------------------------------------- */
#define VX_FEATURE(id, code, tag, name, pyrad, unit, flags) VX_F_##id,
typedef enum vx_feature_id {
#define VX_FAMILY_BEGIN(fam)
#define VX_FAMILY_END(fam)
#include "voxomics/features.def"
#undef VX_FAMILY_BEGIN
#undef VX_FAMILY_END
    VX_F_COUNT
} vx_feature_id;
#undef VX_FEATURE

/* flags */
#define VX_FF_NOT_STANDARDISED 1u /* IBSI 1 gives no reference value (no consensus); computed, flagged */
#define VX_FF_PYRADIOMICS 2u      /* not an IBSI feature: PyRadiomics' own, computed only with compat pyradiomics
                                     (no IBSI code) */
#define VX_FF_PYRAD_ON_REQUEST 4u /* PyRadiomics computes it only when named (deprecated there): a PyRadiomics
                                     parameter file that enables its whole class leaves it out */

typedef struct vx_feature_info {
    vx_feature_id id;
    const char *ibsi_code; /* 4-character IBSI feature code */
    const char *tag;       /* IBSI tag without aggregation suffix, e.g. "cm_joint_max" */
    const char *name;      /* IBSI feature name, e.g. "Joint maximum" */
    const char *pyradiomics; /* "glcm_MaximumProbability"-style name, or NULL when PyRadiomics lacks it */
    const char *unit;      /* "" for dimensionless */
    unsigned flags;
} vx_feature_info;

/* The dictionary entry of feature id (static data, never freed); NULL when id is out of range. */
VX_API const vx_feature_info *vx_feature_get(vx_feature_id id);
/* The family feature id belongs to (id must be a valid feature). */
VX_API vx_family vx_feature_family(vx_feature_id id);
/* First feature id of a family and the number of features in it (ids of a family are contiguous; f must be a
 * valid family). */
VX_API vx_feature_id vx_feature_first(vx_family f);
VX_API size_t vx_feature_count(vx_family f);
/* Full IBSI tag of a feature under an aggregation, e.g. "cm_joint_max_2D_avg", into buf (len bytes; 96
 * always suffice). VX_OK, or VX_EINVAL for an invalid id or aggregation or when buf is too small. */
VX_API int vx_feature_tag(vx_feature_id id, vx_agg agg, char *buf, size_t len);

/* ---- degenerate regions of interest ------------------------------------------------------------------
 * What features are worth on a region with a single grey level (constant intensities, or one bin after
 * discretisation), a single voxel or a single pair: the value the definition gives, exactly, or NaN where
 * the definition is 0/0 (or a division by zero), or the IBSI convention where IBSI sets one. The same
 * value under every aggregation and thread count where the definition implies it.
 * vx_degenerate_conventions(): the general rules, as Markdown paragraphs (docs/features.md).
 * vx_family_degenerate_note(): a one-line summary per family (never NULL).
 * vx_feature_degenerate_note(): the note of one feature whose value on such a region is NaN or a convention
 * (a short Markdown phrase), NULL when the definition gives an ordinary value.
 * All three return static strings (never freed). */
VX_API const char *vx_degenerate_conventions(void);
VX_API const char *vx_family_degenerate_note(vx_family f);
VX_API const char *vx_feature_degenerate_note(vx_feature_id id);

/* ---- results ----------------------------------------------------------------------------------------- */
/* The image a value was computed on (IBSI 2: the original image or a filter's response map): an index into
 * its result set's image types, in the order extraction met them; 0 is always the original image. The names
 * come from the settings (vx_image_type_settings.name: "log_s3.0mm_3D", "wav_coif1_LLH_l1_3D", ...;
 * docs/features.md "Image types"). */
typedef unsigned vx_image_type;
#define VX_IMAGE_ORIGINAL 0u
#define VX_IMAGE_TYPE_NAME_LEN 64 /* longest name + 1 */

/* PyRadiomics output column of feature f under aggregation a computed on the image type named image_type
 * (PyRadiomics' own prefix: "original", "log-sigma-3-0-mm-3D", "wavelet-LLH" ...),
 * "<image type>_<class>_<Feature>" (e.g. "original_glcm_Contrast"), into buf. Returns 0, or -1 when PyRadiomics has no such feature, does not
 * compute it under a (GLCM/GLRLM: 3D_avg, or 2.5D_dmrg with force2D; GLSZM/NGTDM/GLDM: 3D, or 2.5D with
 * force2D; other families: the 3D volume) or buf is too small. */
VX_API int vx_feature_pyradiomics_column(const char *image_type, vx_feature_id f, vx_agg a, char *buf, size_t n);

typedef struct vx_result_row {
    vx_feature_id feature;
    vx_agg agg;
    double value;             /* NaN when undefined for this ROI */
    vx_image_type image_type; /* the image it was computed on */
} vx_result_row;

/* A diagnostic value (IBSI "diagnostic features"), identified by its IBSI tag, e.g. "img_dim_x_init_img". */
typedef struct vx_diag_row {
    char tag[48];
    double value;
    vx_image_type image_type;
} vx_diag_row;

/* A text value: a whole output column of its own, named by key, holding text rather than a number.
 * PyRadiomics' compatibility mode writes its diagnostics this way ("diagnostics_Image-original_Hash" ->
 * "5c9ce3ca..."; "diagnostics_Mask-original_BoundingBox" -> "(162, 84, 11, 47, 70, 7)"; see
 * vx_pyradiomics_diagnostics in voxomics/extract.h). key and value are owned by the result set (malloc'ed
 * copies, freed by vx_results_free). Writers put the text columns before every numeric one, in the order
 * they were added; the long format gives each one a row of family "diagnostics" with the text as its value. */
typedef struct vx_text_row {
    char *key;
    char *value;
} vx_text_row;

typedef struct vx_results {
    vx_result_row *rows;
    size_t n, cap;
    vx_diag_row *diag;
    size_t n_diag, cap_diag;
    vx_text_row *text; /* text values, in the order added (vx_results_add_text) */
    size_t n_text, cap_text;
    /* names of the image types 1..n_types (index t - 1); 0, the original image, has none stored */
    char (*types)[VX_IMAGE_TYPE_NAME_LEN];
    size_t n_types, cap_types;
    /* The image type vx_results_add, _add_block and _add_diag give the rows they add (VX_IMAGE_ORIGINAL after
     * vx_results_init): the extraction loop sets it before computing the families of an image type. */
    vx_image_type image_type;
} vx_results;

/* A result set is a caller's struct: vx_results_init it (empty, nothing allocated), let calls append rows
 * (they grow rows / diag as needed), and release the rows with vx_results_free, which also empties it for
 * reuse (r must not be NULL). */
VX_API void vx_results_init(vx_results *r);
VX_API void vx_results_free(vx_results *r);
/* Make the image type called name the current one (r->image_type), adding it when new ("original" is 0).
 * VX_OK, VX_EINVAL (name NULL, empty, of VX_IMAGE_TYPE_NAME_LEN characters or more, or holding a comma, quote,
 * '+' or white space: names are CSV fields and column prefixes), VX_ENOMEM. */
VX_API int vx_results_set_image_type(vx_results *r, const char *name);
/* Name of image type t of r ("original" for 0); "?" when r has no such type. */
VX_API const char *vx_results_image_type_name(const vx_results *r, vx_image_type t);
/* Number of image types r knows (the original image counted): 1 + r->n_types. */
VX_API size_t vx_results_image_type_count(const vx_results *r);

/* Append one (feature, aggregation, value) row, stamped with r->image_type. VX_OK or VX_ENOMEM (r unchanged;
 * no message: no vx_error). */
VX_API int vx_results_add(vx_results *r, vx_feature_id f, vx_agg agg, double value);
/* Add n consecutive features starting at `first` with values vals[0..n-1]. VX_OK or VX_ENOMEM. */
VX_API int vx_results_add_block(vx_results *r, vx_feature_id first, size_t n, vx_agg agg, const double *vals);
/* Append a diagnostic value; tag is copied (truncated to 47 characters). VX_OK or VX_ENOMEM. */
VX_API int vx_results_add_diag(vx_results *r, const char *tag, double value);
/* Append a text value (copies of key and value; a key already present gets the new value in its place).
 * VX_OK, VX_EINVAL (key NULL or empty, value NULL), VX_ENOMEM (r unchanged). */
VX_API int vx_results_add_text(vx_results *r, const char *key, const char *value);
/* The text value of key, NULL when r has none. */
VX_API const char *vx_results_get_text(const vx_results *r, const char *key);
/* Sort rows by (image type, feature, aggregation): makes output order independent of computation order. */
VX_API void vx_results_sort(vx_results *r);
/* Value of a feature under an aggregation (of the first image type that has it, the original image first
 * once sorted; linear search); NaN when absent. */
VX_API double vx_results_get(const vx_results *r, vx_feature_id f, vx_agg agg);

/* ---- the processed region of interest ---------------------------------------------------------------- */
/* How the IVH value of a voxel follows from its processed intensity x (vx_roi's ivh NULL; vx_ivh_values'
 * rules, voxomics/roi.h): method (vx_disc_method) none (0, a zeroed map): x itself; fixed bin size: the bin
 * centre x_min + (g - 0.5) width, g = floor((x - x_min) / width) + 1; fixed bin number: the bin number g of
 * bins bins over [x_min, x_max]. */
typedef struct vx_ivh_map {
    int method;
    double x_min, x_max, width;
    int bins;
} vx_ivh_map;


/* What every family consumes. All arrays share one grid of dims[] voxels (x fastest), which may be the
 * whole image or a crop of it; box_lo/box_hi (half-open) bound the union of both masks within it. Voxels
 * outside the box may still be read (local intensity peaks use intensities around the ROI). */
typedef struct vx_roi {
    size_t dims[3];
    double spacing[3];      /* mm */
    size_t box_lo[3], box_hi[3];
    const float *img;       /* processed intensities (after interpolation and rounding) */
    const uint8_t *imask;   /* intensity mask (after re-segmentation) */
    const uint8_t *mmask;   /* morphological mask */
    size_t n_imask, n_mmask;/* voxel counts of the two masks */
    /* Discretised grey levels for intensity histogram and texture families: 1..n_grey inside the
     * intensity mask, 0 outside. */
    const int32_t *grey;
    int n_grey;
    /* Intensity-volume histogram input: per-voxel IVH intensity (discretised as the IVH settings say),
     * valid inside the intensity mask, stored (ivh) or computed from img (ivh NULL, ivh_map), and the
     * intensity range used for the intensity fraction. */
    const double *ivh;      /* NULL: each voxel's value is computed from img under ivh_map */
    vx_ivh_map ivh_map;
    double ivh_min, ivh_max;
    double ivh_bin_width; /* step between IVH grey levels (1 for integer data and bin numbers; the bin
                             width for fixed-bin-size IVH discretisation); <= 0 is taken as 1 */
    /* FFT plan cache (voxomics/filter.h) the families may plan on, owned by the caller and not by the ROI
     * (vx_roi_free leaves it); NULL: a family that needs FFTs makes its own for the call. */
    struct vx_fft_cache *fft;
} vx_roi;

/* PyRadiomics' GLCM distance weighting (`weightingNorm`; compat pyradiomics only): none keeps one matrix per
 * angle and averages the features over angles (IBSI 3D averaged); the others sum the angles' matrices, each
 * weighted by exp(-||d||^2) with d the angle's offset in mm under the norm named, into one matrix (no_weighting:
 * weight 1, the IBSI 3D merged matrix). */
typedef enum vx_glcm_weighting {
    VX_GLCM_WEIGHT_NONE = 0,
    VX_GLCM_WEIGHT_NO_WEIGHTING,
    VX_GLCM_WEIGHT_MANHATTAN,
    VX_GLCM_WEIGHT_EUCLIDEAN,
    VX_GLCM_WEIGHT_INFINITY,
} vx_glcm_weighting;

/* The axis perpendicular to the slices of the 2D and 2.5D texture aggregations and of 2D filters
 * (features.slice_axis; PyRadiomics' force2Ddimension, whose numbering this follows: 0 is z, its axial
 * slices for an axial image, 1 is y, 2 is x). */
typedef enum vx_slice_axis { VX_SLICE_Z = 0, VX_SLICE_Y = 1, VX_SLICE_X = 2 } vx_slice_axis;

/* Family parameters (IBSI names). */
typedef struct vx_feature_settings {
    unsigned families;       /* bit (1u << vx_family) per family to compute */
    unsigned aggregations;   /* VX_AGGBIT set of texture aggregations to compute */
    int glcm_distance;       /* Chebyshev distance, default 1 */
    int glcm_symmetric;      /* default 1 */
    int ngtdm_distance;      /* default 1 */
    int ngldm_distance;      /* default 1 */
    int ngldm_coarseness;    /* alpha, default 0 */
    int zone_linkage;        /* GLSZM/GLDZM linkage (Chebyshev) distance, default 1 */
    double peak_volume_cc;   /* local intensity sphere volume in cm^3, default 1 */
    int threads;             /* OpenMP threads inside a case; <= 0: library default */
    int slice_axis;          /* vx_slice_axis: the axis the slices of the 2D and 2.5D aggregations (and of 2D
                                filters) are perpendicular to; default VX_SLICE_Z (0) */
    /* PyRadiomics compatibility only (compat == VX_COMPAT_PYRADIOMICS; 0 otherwise): */
    int distance_set;        /* PyRadiomics `distances`: bit d set for each Chebyshev distance d (1..31) whose
                                neighbours (the offsets m with ||m||_inf == d) GLCM, GLDM (NGLDM) and NGTDM use;
                                0: the IBSI distances above */
    int glcm_weighting;      /* vx_glcm_weighting: PyRadiomics `weightingNorm` */
    int compat;              /* VX_COMPAT_IBSI (0, default) or VX_COMPAT_PYRADIOMICS (voxomics/settings.h): with
                                PyRadiomics compatibility the families use PyRadiomics' own definitions where they
                                differ and add the features only PyRadiomics has (VX_FF_PYRADIOMICS) */
} vx_feature_settings;

/* Fill fs with the defaults given above: every family, every aggregation, distances 1, coarseness 0,
 * symmetric GLCM, 1 cm^3 local intensity sphere, threads 0. */
VX_API void vx_feature_settings_default(vx_feature_settings *fs);

/* One function per family: compute every feature of the family under every requested aggregation the
 * family supports, appending rows to res. Undefined values (e.g. a division by zero for this ROI) are NaN.
 * Return VX_OK or a VX_E* code with err set (VX_ENOMEM; VX_EINVAL for parameters out of range). Rows
 * appended before an error stay in res (the caller frees res with vx_results_free either way). */
typedef int (*vx_family_fn)(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);

VX_API int vx_morph_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
/* Morphology in two work items (the case scheduler runs them on different threads): vx_morph_compute with
 * with_moran = 0 gives every row of the family with Moran's I and Geary's C left NaN; vx_morph_moran_geary
 * computes those two (inverse Euclidean distance weights in mm between voxel centres over the intensity
 * mask; NaN when undefined). method: VX_MORAN_AUTO picks the cheaper of the two exact evaluations (the
 * direct O(N^2) pair sum, VX_MORAN_DIRECT, or the FFT convolution, VX_MORAN_FFT); threads > 1 parallelises
 * the FFT path, and the result does not depend on it. Together they give vx_morph_compute's rows exactly. */
enum { VX_MORAN_AUTO = 0, VX_MORAN_DIRECT = 1, VX_MORAN_FFT = 2 };
VX_API int vx_morph_compute_ex(const vx_roi *roi, const vx_feature_settings *fs, int with_moran, vx_results *res,
                               vx_error *err);
VX_API int vx_morph_moran_geary(const vx_roi *roi, int method, int threads, double *moran, double *geary,
                                vx_error *err);
VX_API int vx_local_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_stat_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_ih_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_ivh_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_glcm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_glrlm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_glszm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_gldzm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_ngtdm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);
VX_API int vx_ngldm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err);

/* The family function for f; NULL when f is out of range. */
VX_API vx_family_fn vx_family_compute_fn(vx_family f);

/* ---- a kernel sliding along x over a processed ROI (the voxel maps, voxomics/maps.h) -------------------------
 * The kernel of centre c: the voxels u of g with |u_x - c_x| <= h(dy, dz) for each row (dy, dz) of the shape
 * (cube: h = radius; sphere: the largest h with h^2 + dy^2 + dz^2 <= radius^2), within g and, masked, in g's
 * intensity mask (their grey levels 1..g->n_grey). Moving from x to x + 1 removes the voxel at x - h of each row
 * and adds the one at x + 1 + h; the window keeps, exactly, the kernel's grey-level histogram and the GLCM
 * co-occurrence counts of the 13 directions and their sum (src/feature/window.c). The rows of a family are those
 * vx_extract gives on the kernel as its own ROI with N_g = g->n_grey (fbn) or the kernel's highest grey level. */
typedef struct vx_window vx_window;

/* The largest N_g for which the window keeps GLCM counts (14 N_g x N_g matrices). */
#define VX_WINDOW_MAX_GREY 256

/* The families of `families` the window computes under fs (fs->compat set): the intensity statistics (not with
 * compat pyradiomics), the intensity histogram, and the GLCM with the 13 IBSI directions for n_grey <=
 * VX_WINDOW_MAX_GREY. */
VX_API unsigned vx_window_families(const vx_feature_settings *fs, unsigned families, int n_grey);
/* A window over g for kernels of radius (1..15), sphere 1 / cube 0, masked 1 / 0, computing families (from
 * vx_window_families) under fs; NULL when out of memory. g must outlive it. */
VX_API vx_window *vx_window_new(const vx_roi *g, int radius, int sphere, int masked, const vx_feature_settings *fs,
                                unsigned families, int fbn);
VX_API void vx_window_free(vx_window *w);
/* The kernel of voxel (x, y, z) from scratch. */
VX_API void vx_window_start(vx_window *w, size_t x, size_t y, size_t z);
/* The kernel moved from its centre (x, y, z) to (x + 1, y, z). */
VX_API void vx_window_step(vx_window *w);
/* The rows of family f (one of vx_window_families) of the current kernel, appended to res. */
VX_API int vx_window_rows(vx_window *w, vx_family f, vx_results *res, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
