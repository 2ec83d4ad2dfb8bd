/* voxomics: the IBSI 2 filter dispatcher: spec defaults, validation, names, reach and apply for every filter
 * kind (voxomics/filter.h); each kind's definition lives in its own file (filter_impl.h lists them).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "filter_impl.h"
#include "wavelet_bank.h"
#include "image/permute.h"

static const char *const kind_names[VX_FILTER_KIND_COUNT] = {
    "none",       "mean",      "log",       "laws",        "gabor",    "wavelet", "simoncelli",
    "square",     "squareroot", "logarithm", "exponential", "gradient", "lbp2d",   "lbp3d",
    "log_recursive", "wavelet_pyradiomics",
};

const char *vx_filter_kind_name(vx_filter_kind k)
{
    return (unsigned)k < VX_FILTER_KIND_COUNT ? kind_names[k] : "?";
}

int vx_filter_kind_find(const char *name)
{
    if (!name)
        return -1;
    for (int k = 0; k < VX_FILTER_KIND_COUNT; k++)
        if (!strcasecmp(name, kind_names[k]))
            return k;
    return -1;
}

void vx_filter_spec_init(vx_filter_spec *f)
{
    memset(f, 0, sizeof *f);
    f->kind = VX_FILTER_NONE;
    f->dim = 3;
    f->pad = VX_PAD_MIRROR;
    f->support = 3;
    f->truncate = 4.0;
    f->energy_delta = -1;
    f->pooling = VX_POOL_MAX;
    f->gamma = 1.0;
    f->delta_theta = 3.14159265358979323846 / 4.0;
    f->level = 1;
    f->lbp_radius = 1.0;
    f->lbp_samples = 8;
    f->lbp_levels = 2;
    f->lbp_icosphere_radius = 1.0;
    f->lbp_icosphere_subdiv = 1;
    f->lbp_map = 1;
    f->gradient_spacing = 1;
}

/* the per-kind functions, by kind (NULL: nothing to do for the kind) */
typedef struct kind_fns {
    vxf_apply_fn apply;
    vxf_reach_fn reach;
    vxf_check_fn check;
} kind_fns;

static kind_fns fns_of(vx_filter_kind k)
{
    switch (k) {
    case VX_FILTER_MEAN:
        return (kind_fns){vxf_mean_apply, vxf_mean_reach, vxf_mean_check};
    case VX_FILTER_LOG:
        return (kind_fns){vxf_log_apply, vxf_log_reach, vxf_log_check};
    case VX_FILTER_LAWS:
        return (kind_fns){vxf_laws_apply, vxf_laws_reach, vxf_laws_check};
    case VX_FILTER_GABOR:
        return (kind_fns){vxf_gabor_apply, vxf_gabor_reach, vxf_gabor_check};
    case VX_FILTER_WAVELET:
        return (kind_fns){vxf_wavelet_apply, vxf_wavelet_reach, vxf_wavelet_check};
    case VX_FILTER_SIMONCELLI:
        return (kind_fns){vxf_simoncelli_apply, vxf_simoncelli_reach, vxf_simoncelli_check};
    case VX_FILTER_LOG_RECURSIVE:
        return (kind_fns){vxf_logrec_apply, vxf_logrec_reach, vxf_logrec_check};
    case VX_FILTER_WAVELET_PYRAD:
        return (kind_fns){vxf_pywavelet_apply, vxf_pywavelet_reach, vxf_pywavelet_check};
    case VX_FILTER_SQUARE:
    case VX_FILTER_SQUAREROOT:
    case VX_FILTER_LOGARITHM:
    case VX_FILTER_EXPONENTIAL:
    case VX_FILTER_GRADIENT:
    case VX_FILTER_LBP2D:
    case VX_FILTER_LBP3D:
        return (kind_fns){vxf_pyrad_apply, vxf_pyrad_reach, vxf_pyrad_check};
    default:
        return (kind_fns){NULL, NULL, NULL};
    }
}

int vx_filter_validate(const vx_filter_spec *f, vx_error *err)
{
    if (!f)
        return vx_error_set(err, VX_EINVAL, "filter: NULL specification");
    if ((unsigned)f->kind >= VX_FILTER_KIND_COUNT)
        return vx_error_set(err, VX_EINVAL, "filter: unknown kind %d", (int)f->kind);
    const char *kn = vx_filter_kind_name(f->kind);
    if (f->dim != 2 && f->dim != 3)
        return vx_error_set(err, VX_EINVAL, "filter %s: dimensionality %d; use 2D (axial slices) or 3D", kn, f->dim);
    if (f->slice_axis < 0 || f->slice_axis > 2)
        return vx_error_set(err, VX_EINVAL, "filter %s: slice axis %d; use 0 (z), 1 (y) or 2 (x)", kn, f->slice_axis);
    if ((unsigned)f->pad > VX_PAD_MIRROR)
        return vx_error_set(err, VX_EINVAL, "filter %s: unknown padding mode %d", kn, (int)f->pad);
    if (!isfinite(f->pad_value))
        return vx_error_set(err, VX_EINVAL, "filter %s: padding constant must be finite", kn);
    if ((unsigned)f->pooling > VX_POOL_MIN)
        return vx_error_set(err, VX_EINVAL, "filter %s: unknown pooling %d; use max, average or min", kn,
                            (int)f->pooling);
    if (vxf_has_riesz(f) && f->kind != VX_FILTER_LOG && f->kind != VX_FILTER_SIMONCELLI)
        return vx_error_set(err, VX_EINVAL, "filter %s: a Riesz order applies to the log and simoncelli filters only",
                            kn);
    if (vxf_has_riesz(f)) {
        int rc = vxf_riesz_check(f, err);
        if (rc != VX_OK)
            return rc;
    }
    kind_fns k = fns_of(f->kind);
    return k.check ? k.check(f, err) : VX_OK;
}

/* a number as names write it: one decimal when that is exact ("3.0", "1.5"), else up to 4 significant digits */
static void fmt_num(char *b, size_t n, double x)
{
    if (fabs(x * 10.0 - nearbyint(x * 10.0)) < 1e-9 * fmax(1.0, fabs(x)))
        snprintf(b, n, "%.1f", x);
    else
        snprintf(b, n, "%.4g", x);
}

static const char *pool_tag(vx_pool p)
{
    return p == VX_POOL_AVERAGE ? "avg" : p == VX_POOL_MIN ? "min" : "max";
}

static int riesz_suffix(const vx_filter_spec *f, char *b, size_t n)
{
    char st[32] = "", s[24];
    if (f->tensor_sigma_mm > 0.0) {
        fmt_num(s, sizeof s, f->tensor_sigma_mm);
        snprintf(st, sizeof st, "_st%smm", s);
    }
    int w = snprintf(b, n, "_%d%d%d%s", f->riesz[0], f->riesz[1], f->riesz[2], st);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* "_t<d>" when the truncation is not the default 4 (LoG, Gabor), else "" */
static void truncate_tag(const vx_filter_spec *f, char *b, size_t n)
{
    char t[16];
    b[0] = '\0';
    if (f->truncate != 4.0) {
        fmt_num(t, sizeof t, f->truncate);
        snprintf(b, n, "_t%s", t);
    }
}

int vx_filter_image_type(const vx_filter_spec *f, char *buf, size_t n)
{
    if (!f || !buf || !n)
        return -1;
    char a[24], b[24], c[24], d[24], rz[64] = "", ri[16] = "";
    const int dim = f->dim;
    const int riesz = vxf_has_riesz(f);
    if (riesz && riesz_suffix(f, rz, sizeof rz))
        return -1;
    if (f->rot_invariant)
        snprintf(ri, sizeof ri, "_ri-%s", pool_tag(f->pooling));
    int w;
    switch (f->kind) {
    case VX_FILTER_NONE:
        w = snprintf(buf, n, "original");
        break;
    case VX_FILTER_MEAN:
        w = snprintf(buf, n, "mean_m%d_%dD", f->support, dim);
        break;
    case VX_FILTER_LOG:
        fmt_num(a, sizeof a, f->sigma_mm);
        truncate_tag(f, c, sizeof c);
        w = snprintf(buf, n, "%slog_s%smm%s%s_%dD", riesz ? "riesz-" : "", a, c, rz, dim);
        break;
    case VX_FILTER_LOG_RECURSIVE:
        fmt_num(a, sizeof a, f->sigma_mm);
        w = snprintf(buf, n, "logrec_s%smm_%dD", a, dim);
        break;
    case VX_FILTER_WAVELET_PYRAD:
        w = snprintf(buf, n, "pywav_%s_%s_l%d_%dD", f->wavelet, f->subband, f->level, dim);
        break;
    case VX_FILTER_LAWS:
        if (f->energy_delta >= 0)
            snprintf(d, sizeof d, "_e%d", f->energy_delta);
        else
            d[0] = '\0';
        w = snprintf(buf, n, "laws_%s%s%s_%dD", f->laws, ri, d, dim);
        break;
    case VX_FILTER_GABOR:
        fmt_num(a, sizeof a, f->sigma_mm);
        fmt_num(b, sizeof b, f->lambda_mm);
        fmt_num(c, sizeof c, f->gamma);
        if (f->rot_invariant)
            snprintf(d, sizeof d, "_dt%.4g", f->delta_theta);
        else
            snprintf(d, sizeof d, "_th%.4g", f->theta);
        truncate_tag(f, a, sizeof a); /* sigma already printed: a is free again */
        {
            char s2[24];
            fmt_num(s2, sizeof s2, f->sigma_mm);
            w = snprintf(buf, n, "gabor_s%smm%s_l%smm_g%s%s%s%s_%dD", s2, a, b, c, d, ri, f->orthogonal ? "_orth" : "",
                         dim);
        }
        break;
    case VX_FILTER_WAVELET:
        w = snprintf(buf, n, "wav_%s_%s_l%d%s_%dD", f->wavelet, f->subband, f->level, ri, dim);
        break;
    case VX_FILTER_SIMONCELLI:
        w = snprintf(buf, n, "%ssim_l%d%s_%dD", riesz ? "riesz-" : "", f->level, rz, dim);
        break;
    case VX_FILTER_LBP2D:
        fmt_num(a, sizeof a, f->lbp_radius);
        w = snprintf(buf, n, "lbp2d_r%s_p%d", a, f->lbp_samples);
        break;
    case VX_FILTER_LBP3D:
        fmt_num(a, sizeof a, f->lbp_icosphere_radius);
        if (f->lbp_map > 0)
            snprintf(d, sizeof d, "m%d", f->lbp_map);
        else
            snprintf(d, sizeof d, "k");
        w = snprintf(buf, n, "lbp3d_r%s_s%d_l%d_%s", a, f->lbp_icosphere_subdiv, f->lbp_levels, d);
        break;
    default: /* the voxel-wise PyRadiomics maps: their kind name */
        w = snprintf(buf, n, "%s", vx_filter_kind_name(f->kind));
        break;
    }
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

const char *vx_filter_naming_doc(void)
{
    return "Every value is computed on one image type, named in the `image_type` column of long tables and as the "
           "prefix `<image type>_` of wide columns whenever the settings list filters (`log_s3.0mm_3D_stat_mean`). "
           "The original (processed) image is `original`; a filter's response map is named from its kind and "
           "parameters (`voxomics/filter.h`, `vx_filter_image_type`) unless the settings give it a `name:`:\n\n"
           "| kind | name | example |\n|---|---|---|\n"
           "| mean | `mean_m<M>_<dim>` | `mean_m5_2D` |\n"
           "| LoG | `log_s<sigma mm>mm[_t<truncation, when not 4>]_<dim>` | `log_s3.0mm_3D` |\n"
           "| recursive LoG (PyRadiomics' LoG) | `logrec_s<sigma mm>mm_<dim>` | `logrec_s1.0mm_3D` |\n"
           "| PyRadiomics' wavelet | `pywav_<wavelet>_<sub-band, x first>_l<level>_<dim>` | `pywav_coif1_LLH_l1_3D` |\n"
           "| Laws | `laws_<kernels>[_ri-<pooling>][_e<delta>]_<dim>` | `laws_L5E5E5_ri-max_e7_3D` |\n"
           "| Gabor | `gabor_s<sigma>mm[_t<truncation>]_l<lambda>mm_g<gamma>_(th<theta>\\|dt<delta theta>)[_ri-<pooling>][_orth]_2D` | "
           "`gabor_s5.0mm_l2.0mm_g1.5_dt0.3927_ri-avg_orth_2D` |\n"
           "| separable wavelet | `wav_<wavelet>_<sub-band, x first>_l<level>[_ri-<pooling>]_<dim>` | "
           "`wav_coif1_LLH_l1_3D` |\n"
           "| Simoncelli | `sim_l<level>_<dim>` | `sim_l1_3D` |\n"
           "| Riesz transform | `riesz-log_s<sigma>mm_<l1l2l3>[_st<sigma tensor>mm]_<dim>`, "
           "`riesz-sim_l<level>_<l1l2l3>[_st<sigma tensor>mm]_<dim>` | `riesz-sim_l1_020_st1.0mm_3D` |\n"
           "| PyRadiomics maps | `square`, `squareroot`, `logarithm`, `exponential`, `gradient`, "
           "`lbp2d_r<radius>_p<samples>`, `lbp3d_r<radius>_s<subdivisions>_l<levels>_(m<level>\\|k)` | `square` |\n"
           "\nNumbers: one decimal when exact (`3.0`, `1.5`), else up to 4 significant digits; pooling `max`, `avg` "
           "or `min`. A PyRadiomics parameter file names its image types as PyRadiomics does (`original`, "
           "`log-sigma-3-0-mm-3D`, `wavelet-LLH`, `wavelet2-HHH`, `square`, `lbp-3D-m1`), and with compat "
           "pyradiomics its wide columns are PyRadiomics' `<image type>_<class>_<Feature>` names "
           "(`wavelet-LLH_glcm_Contrast`). Morphology is a property of the mask: it is computed on the original "
           "image type only.\n";
}

/* Whether f works per slice (dim 2; Gabor's orthogonal planes are 3D). */
static int planar(const vx_filter_spec *f)
{
    return f->dim == 2 && !(f->kind == VX_FILTER_GABOR && f->orthogonal);
}

/* A planar filter with slices perpendicular to f->slice_axis other than z: the axes of the grid that are the
 * filter's x, y and slice axes (vx_slice_axes; PyRadiomics' LBP2D with force2Ddimension 2 swaps its plane
 * to (z, y), as its swapaxes does). 0 when the filter runs on the grid as it is. */
static int filter_axes(const vx_filter_spec *f, int ax[3])
{
    if (!planar(f) || !vx_slice_axes(f->slice_axis, ax))
        return 0;
    if (f->kind == VX_FILTER_LBP2D && f->slice_axis == 2) {
        ax[0] = 2;
        ax[1] = 1;
    }
    return 1;
}

/* vx_filter_reach with the slices perpendicular to z */
static void reach_z(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    kind_fns k = fns_of(f->kind);
    if (k.reach)
        k.reach(f, spacing, reach);
    if (vxf_has_riesz(f)) /* the Riesz transform acts in the Fourier domain on the whole grid */
        reach[0] = reach[1] = reach[2] = SIZE_MAX;
    if (planar(f))
        reach[2] = 0;
}

int vx_filter_wavelet_known(const char *name)
{
    return vxw_bank_known(name);
}

void vx_filter_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    reach[0] = reach[1] = reach[2] = 0;
    if (!f)
        return;
    int ax[3];
    if (!filter_axes(f, ax)) {
        reach_z(f, spacing, reach);
        return;
    }
    const double sp[3] = {spacing[ax[0]], spacing[ax[1]], spacing[ax[2]]};
    size_t r[3] = {0, 0, 0};
    reach_z(f, sp, r);
    for (int k = 0; k < 3; k++)
        reach[ax[k]] = r[k];
}

/* The filter on the grid with its axes permuted per ax (filter_axes), the response permuted back. */
static int apply_permuted(vx_fft_cache *c, const vx_filter_spec *f, const int ax[3], const double *in,
                          const size_t dims[3], const double spacing[3], double *out, vx_error *err)
{
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *pin = malloc(nv * sizeof *pin), *pout = malloc(nv * sizeof *pout);
    if (!pin || !pout) {
        free(pin);
        free(pout);
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for a %zux%zux%zu image",
                            vx_filter_kind_name(f->kind), dims[0], dims[1], dims[2]);
    }
    size_t pd[3];
    int inv[3];
    vx_permute3(in, sizeof *in, dims, ax, pin, pd);
    const double ps[3] = {spacing[ax[0]], spacing[ax[1]], spacing[ax[2]]};
    vx_filter_spec g = *f;
    g.slice_axis = 0;
    int rc = fns_of(f->kind).apply(c, &g, pin, pd, ps, pout, err);
    if (rc == VX_OK) {
        vx_permute_inverse(ax, inv);
        vx_permute3(pout, sizeof *pout, pd, inv, out, NULL);
    }
    free(pin);
    free(pout);
    return rc;
}

int vx_filter_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                    const double spacing[3], double *out, vx_error *err)
{
    int rc = vx_filter_validate(f, err);
    if (rc != VX_OK)
        return rc;
    if (!in || !out || !dims || !spacing)
        return vx_error_set(err, VX_EINVAL, "filter %s: NULL argument", vx_filter_kind_name(f->kind));
    if (!dims[0] || !dims[1] || !dims[2])
        return vx_error_set(err, VX_EINVAL, "filter %s: empty image (%zu x %zu x %zu voxels)",
                            vx_filter_kind_name(f->kind), dims[0], dims[1], dims[2]);
    for (int a = 0; a < 3; a++)
        if (!(spacing[a] > 0.0) || !isfinite(spacing[a]))
            return vx_error_set(err, VX_EINVAL, "filter %s: voxel spacing %g mm along axis %d; it must be positive",
                                vx_filter_kind_name(f->kind), spacing[a], a);
    const size_t nv = dims[0] * dims[1] * dims[2];
    if (f->kind == VX_FILTER_NONE) {
        memcpy(out, in, nv * sizeof *out);
        return VX_OK;
    }
    int ax[3];
    if (filter_axes(f, ax))
        return apply_permuted(c, f, ax, in, dims, spacing, out, err);
    return fns_of(f->kind).apply(c, f, in, dims, spacing, out, err);
}

int vx_filter_image(vx_fft_cache *c, const vx_filter_spec *f, const vx_image *img, vx_image **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!f || !img || !img->v || !out)
        return vx_error_set(err, VX_EINVAL, "filter: NULL argument");
    const size_t n = vx_geometry_count(&img->geom);
    double *in = malloc(n * sizeof *in), *res = malloc(n * sizeof *res);
    vx_image *o = vx_image_new(&img->geom);
    if (!in || !res || !o) {
        free(in);
        free(res);
        vx_image_free(o);
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for a %zux%zux%zu image",
                            vx_filter_kind_name(f->kind), img->geom.dims[0], img->geom.dims[1], img->geom.dims[2]);
    }
    for (size_t i = 0; i < n; i++)
        in[i] = img->v[i];
    int rc = vx_filter_apply(c, f, in, img->geom.dims, img->geom.spacing, res, err);
    if (rc == VX_OK)
        for (size_t i = 0; i < n; i++)
            o->v[i] = (float)res[i];
    free(in);
    free(res);
    if (rc != VX_OK)
        vx_image_free(o);
    else
        *out = o;
    return rc;
}
