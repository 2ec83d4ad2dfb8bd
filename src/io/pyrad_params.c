/* voxomics: PyRadiomics parameter files mapped onto vx_settings.
 *
 * A PyRadiomics parameter file (https://pyradiomics.readthedocs.io/en/latest/customization.html) is a YAML
 * mapping of up to four sections: imageType (the images to extract from), featureClass (the feature classes
 * and, per class, a list of feature names or null / [] for all), setting (pre-processing and class settings)
 * and voxelSetting (voxel-based extraction). This file reads one as it is and maps it onto the IBSI settings
 * (docs/config.md, "PyRadiomics parameter files"):
 *
 *   setting.binWidth / binCount      fixed bin size / fixed bin number (binCount wins; default binWidth 25)
 *   setting.binMinimum               fixed-bin-size lower bound (default: edges on multiples of binWidth)
 *   setting.resampledPixelSpacing    [x, y, z] mm, 0 keeps an axis; null: no resampling
 *   setting.interpolator             sitkNearestNeighbor (1), sitkLinear (2), sitkBSpline (3) -> nearest,
 *                                    linear, cubic B-spline; null: no resampling. Masks: nearest neighbour.
 *   setting.resegmentRange / Mode    [min] or [min, max], in intensities (absolute), fractions of the ROI
 *                                    maximum (relative) or sd from the ROI mean (sigma): pyradiomics.resegment_mode
 *   setting.resegmentShape           pyradiomics.resegment_shape
 *   setting.normalize, normalizeScale, removeOutliers   pyradiomics.normalize, normalize_scale, remove_outliers
 *   setting.padDistance, preCrop     pyradiomics.pad_distance, pre_crop
 *   setting.minimumROIDimensions / Size, correctMask, geometryTolerance   pyradiomics.minimum_roi_dimensions,
 *                                    minimum_roi_size, correct_mask, geometry_tolerance
 *   setting.label                    mask label (PyRadiomics default 1)
 *   setting.label_channel            input.mask_channel (the channel of a multi-channel NRRD mask)
 *   setting.force2D / Dimension      2.5D aggregations in the planes perpendicular to features.slice_axis
 *                                    (force2Ddimension 0, 1, 2: z, y, x)
 *   setting.distances                GLCM, GLDM and NGTDM neighbours (Chebyshev shells; features.distance_set)
 *   setting.symmetricalGLCM          GLCM symmetry
 *   setting.gldm_a                   NGLDM coarseness (alpha)
 *   setting.voxelArrayShift          energy / RMS shift (compat pyradiomics)
 *   imageType.Original               the only image type; its mapping may override settings
 *   featureClass                     firstorder (statistics + histogram entropy / uniformity), shape
 *                                    (morphology), shape2D (morphology with force2D, a one-slice mask),
 *                                    glcm, glrlm, glszm, gldm (NGLDM), ngtdm
 * The pyradiomics.* settings act in compat pyradiomics (src/prep/pyrad_prep.c). Settings that do not change
 * values (additionalInfo, enableCExtensions, filter settings of filters that are not enabled) are checked and
 * accepted; voxelSetting is checked (src/io/pyrad_voxel.c) and read by `voxomics maps`. Valid PyRadiomics
 * options voxomics does not implement (other interpolators, ...) are VX_EUNSUPPORTED errors that say so; unknown keys
 * and malformed values are VX_EINVAL.
 *
 * Where a PyRadiomics setting maps one to one onto a voxomics setting (table `direct`), its range and its
 * field come from the settings descriptor (include/voxomics/settings.def); so do the voxomics defaults this
 * reader restores and the voxomics keys it refuses at the top level.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "io/pyrad_params.h"
#include "io/pyrad_voxel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* PyRadiomics' filter settings (setting section, or an image type's own mapping) */
typedef struct pyr_fopts {
    const yaml_node_t *sigma; /* LoG sigma list (mm) */
    long start_level, level;  /* wavelet: first level (0-based) and number of levels */
    char wavelet[12];         /* as vx_filter_spec.wavelet */
    int gradient_spacing;
    double lbp2d_radius;
    long lbp2d_samples;
    long lbp3d_levels, lbp3d_subdiv;
    double lbp3d_radius;
    /* an image type's own discretisation (binWidth / binCount / binMinimum in its mapping) */
    int own_disc;
    double bin_width, bin_min;
    long bin_count;
} pyr_fopts;

typedef struct pr {
    yaml_document_t *doc;
    const char *path;
    vx_error *err;
    vx_settings *s;
    /* collected from setting (and imageType.Original), applied at the end */
    double bin_width;
    int bin_count; /* 0: fixed bin size */
    double bin_min;
    int spacing_set; /* resampledPixelSpacing given and not null */
    double spacing[3];
    int interp_null; /* interpolator: null disables resampling */
    double reseg[2];
    int n_reseg;
    int reseg_mode; /* 0 absolute, 1 relative, 2 sigma */
    const yaml_node_t *reseg_node;
    int force2d, force2d_dim;
    const yaml_node_t *force2d_node;
    pyr_fopts fo; /* the filter settings of `setting` */
} pr;

enum { MODE_ABSOLUTE = 0, MODE_RELATIVE, MODE_SIGMA };

static const char *const pyrad_sections[] = {"imageType", "featureClass", "setting", "voxelSetting"};

/* ---- YAML helpers ---- */
static unsigned long line_of(const yaml_node_t *n)
{
    return n ? (unsigned long)n->start_mark.line + 1 : 0UL;
}

static int failv(pr *p, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int failv(pr *p, int code, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vx_error_set(p->err, code, "%s:%lu: %s: %s", p->path, line_of(n), key, msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* YAML null: an empty value, ~ or null (plain, not quoted) */
static int is_null(const yaml_node_t *n)
{
    const char *s = scalar(n);
    if (!n)
        return 1;
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return !*s || !strcmp(s, "~") || !strcasecmp(s, "null");
}

static yaml_node_t *node(pr *p, yaml_node_item_t id)
{
    return yaml_document_get_node(p->doc, id);
}

static long seq_len(const yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE ? (long)(n->data.sequence.items.top - n->data.sequence.items.start) : -1;
}

static int get_double(pr *p, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    if (!s || is_null(n))
        return failv(p, VX_EINVAL, n, key, "expected a number, got %s", s && *s ? s : "nothing");
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return failv(p, VX_EINVAL, n, key, "expected a number, got '%s'", s);
    *out = v;
    return VX_OK;
}

static int get_int(pr *p, const yaml_node_t *n, const char *key, long lo, long hi, long *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    errno = 0;
    long v = s && !is_null(n) ? strtol(s, &end, 10) : 0;
    if (!s || is_null(n) || end == s || *end || errno || v < lo || v > hi)
        return failv(p, VX_EINVAL, n, key, "expected an integer in %ld..%ld, got %s%s%s", lo, hi, s && *s ? "'" : "",
                     s && *s ? s : "nothing", s && *s ? "'" : "");
    *out = v;
    return VX_OK;
}

/* YAML 1.1 booleans, as PyYAML reads them */
static int get_bool(pr *p, const yaml_node_t *n, const char *key, int *out)
{
    const char *s = scalar(n);
    static const char *const yes[] = {"true", "yes", "on", "y"}, *const no[] = {"false", "no", "off", "n"};
    for (int i = 0; s && i < 4; i++) {
        if (!strcasecmp(s, yes[i])) {
            *out = 1;
            return VX_OK;
        }
        if (!strcasecmp(s, no[i])) {
            *out = 0;
            return VX_OK;
        }
    }
    return failv(p, VX_EINVAL, n, key, "expected true or false, got %s%s%s", s && *s ? "'" : "",
                 s && *s ? s : "nothing", s && *s ? "'" : "");
}

/* ---- setting ---- */
typedef struct sitk_interp {
    const char *name;
    int code;   /* SimpleITK enumeration value */
    int interp; /* vx_interp, or -1: not supported */
} sitk_interp;

static const sitk_interp sitk_interps[] = {
    {"sitkNearestNeighbor", 1, VX_INTERP_NEAREST},
    {"sitkLinear", 2, VX_INTERP_LINEAR},
    {"sitkBSpline", 3, VX_INTERP_CUBIC},
    {"sitkGaussian", 4, -1},
    {"sitkLabelGaussian", 5, -1},
    {"sitkHammingWindowedSinc", 6, -1},
    {"sitkCosineWindowedSinc", 7, -1},
    {"sitkWelchWindowedSinc", 8, -1},
    {"sitkLanczosWindowedSinc", 9, -1},
    {"sitkBlackmanWindowedSinc", 10, -1},
};

static int set_interpolator(pr *p, const yaml_node_t *v, const char *key)
{
    if (is_null(v)) {
        p->interp_null = 1; /* PyRadiomics: resampling is disabled */
        return VX_OK;
    }
    const char *s = scalar(v);
    char *end = NULL;
    long code = s ? strtol(s, &end, 10) : -1;
    int numeric = s && end != s && !*end;
    for (size_t i = 0; s && i < sizeof sitk_interps / sizeof sitk_interps[0]; i++) {
        const sitk_interp *si = &sitk_interps[i];
        if (numeric ? code != si->code : strcmp(s, si->name) != 0)
            continue;
        if (si->interp < 0)
            return failv(p, VX_EUNSUPPORTED, v, key,
                         "interpolator %s is not supported; use sitkNearestNeighbor, sitkLinear or sitkBSpline",
                         si->name);
        p->s->interp = (vx_interp)si->interp;
        p->interp_null = 0;
        return VX_OK;
    }
    return failv(p, VX_EINVAL, v, key,
                 "unknown interpolator '%s'; accepted: sitkNearestNeighbor (1), sitkLinear (2), sitkBSpline (3)",
                 s ? s : "(not a word)");
}

static int set_spacing(pr *p, const yaml_node_t *v, const char *key)
{
    if (is_null(v)) {
        p->spacing_set = 0;
        return VX_OK;
    }
    if (seq_len(v) != 3)
        return failv(p, VX_EINVAL, v, key, "expected [x, y, z] spacings in mm (0 keeps an axis), or null");
    for (int a = 0; a < 3; a++) {
        yaml_node_t *n = node(p, v->data.sequence.items.start[a]);
        int rc = get_double(p, n, key, &p->spacing[a]);
        if (rc != VX_OK)
            return rc;
        if (!(p->spacing[a] == 0.0 || (p->spacing[a] >= VX_SPACING_MIN_MM && p->spacing[a] <= 1e4)))
            return failv(p, VX_EINVAL, n, key, "%g mm is out of range: a spacing must be 0 (keeps the axis) or lie in "
                         "[%g, 10000] mm", p->spacing[a], VX_SPACING_MIN_MM);
    }
    p->spacing_set = 1;
    return VX_OK;
}

static int set_reseg_range(pr *p, const yaml_node_t *v, const char *key)
{
    p->reseg_node = v;
    if (is_null(v)) {
        p->n_reseg = 0;
        return VX_OK;
    }
    long len = seq_len(v);
    if (len != 1 && len != 2)
        return failv(p, VX_EINVAL, v, key, "expected [min] or [min, max], or null");
    for (long i = 0; i < len; i++) {
        int rc = get_double(p, node(p, v->data.sequence.items.start[i]), key, &p->reseg[i]);
        if (rc != VX_OK)
            return rc;
    }
    if (len == 2 && p->reseg[0] > p->reseg[1]) { /* PyRadiomics sorts the thresholds */
        double t = p->reseg[0];
        p->reseg[0] = p->reseg[1];
        p->reseg[1] = t;
    }
    p->n_reseg = (int)len;
    return VX_OK;
}


#define SETTING_KEYS                                                                                           \
    "binWidth, binCount, binMinimum, resampledPixelSpacing, interpolator, padDistance, preCrop, "             \
    "resegmentRange, resegmentMode, resegmentShape, label, label_channel, normalize, normalizeScale, "       \
    "removeOutliers, force2D, force2Ddimension, distances, weightingNorm, symmetricalGLCM, gldm_a, "          \
    "voxelArrayShift, correctMask, geometryTolerance, minimumROIDimensions, minimumROISize, additionalInfo, " \
    "enableCExtensions and the filter settings sigma, start_level, level, wavelet, gradientUseSpacing, lbp*"

/* PyRadiomics settings that are one voxomics setting each: read with PyRadiomics' value syntax, checked
 * against the range of the descriptor row and stored through it. */
static const struct {
    const char *pyrad, *key;
} direct[] = {
    {"symmetricalGLCM", "features.glcm.symmetric"},
    {"gldm_a", "features.ngldm.coarseness"},
    {"voxelArrayShift", "voxel_array_shift"},
};

static int direct_setting(pr *p, const vx_setting_info *r, const yaml_node_t *v, const char *full)
{
    int b, rc;
    long iv;
    double d;
    char why[400];
    switch (r->type) {
    case VX_ST_BOOL:
        if ((rc = get_bool(p, v, full, &b)) == VX_OK)
            vx_setting_set(p->s, r, b);
        return rc;
    case VX_ST_INT:
        if ((rc = get_int(p, v, full, (long)r->lo, (long)r->hi, &iv)) == VX_OK)
            vx_setting_set(p->s, r, (double)iv);
        return rc;
    case VX_ST_REAL:
        if ((rc = get_double(p, v, full, &d)) != VX_OK)
            return rc;
        if (!vx_setting_in_range(r, d, why, sizeof why))
            return failv(p, VX_EINVAL, v, full, "%s", why);
        vx_setting_set(p->s, r, d);
        return VX_OK;
    default:
        return failv(p, VX_EINVAL, v, full, "cannot be mapped (voxomics setting %s)", r->key);
    }
}

/* the range [lo, hi] of a descriptor row as longs (PyRadiomics keys that map onto it with a rule of their own) */
static long row_hi(const char *key)
{
    const vx_setting_info *r = vx_setting_find(key);
    return r ? (long)r->hi : 0;
}

static long row_lo(const char *key)
{
    const vx_setting_info *r = vx_setting_find(key);
    return r ? (long)r->lo : 0;
}

/* Returned by the per-concern setting helpers below when the key is not theirs (VX codes are <= 0). */
enum { SETTING_NOT_MINE = 1 };

/* Re-segmentation, mask label and normalisation keys. */
static int mask_setting(pr *p, const char *key, const yaml_node_t *v, const char *full)
{
    vx_settings *s = p->s;
    long iv;
    int b, rc;
    double d;
    if (!strcmp(key, "resegmentRange"))
        return set_reseg_range(p, v, full);
    if (!strcmp(key, "resegmentMode")) {
        const char *m = scalar(v);
        if (m && !strcmp(m, "absolute"))
            p->reseg_mode = MODE_ABSOLUTE;
        else if (m && !strcmp(m, "relative"))
            p->reseg_mode = MODE_RELATIVE;
        else if (m && !strcmp(m, "sigma"))
            p->reseg_mode = MODE_SIGMA;
        else
            return failv(p, VX_EINVAL, v, full, "expected absolute, relative or sigma, got '%s'", m ? m : "?");
        return VX_OK;
    }
    if (!strcmp(key, "resegmentShape")) {
        if ((rc = get_bool(p, v, full, &b)) != VX_OK)
            return rc;
        s->pyrad_reseg_shape = b;
        return VX_OK;
    }
    if (!strcmp(key, "label")) { /* PyRadiomics labels start at 1; 0 (any voxel) is voxomics' own */
        if ((rc = get_int(p, v, full, 1, row_hi("input.mask_label"), &iv)) != VX_OK)
            return rc;
        s->mask_label = (int)iv;
        return VX_OK;
    }
    if (!strcmp(key, "label_channel")) { /* 0, its default, is what compat pyradiomics reads without it */
        if ((rc = get_int(p, v, full, 0, row_hi("input.mask_channel"), &iv)) != VX_OK)
            return rc;
        s->mask_channel = iv == 0 ? -1 : (int)iv;
        return VX_OK;
    }
    if (!strcmp(key, "normalize")) {
        if ((rc = get_bool(p, v, full, &b)) != VX_OK)
            return rc;
        s->pyrad_normalize = b;
        return VX_OK;
    }
    if (!strcmp(key, "normalizeScale") || !strcmp(key, "removeOutliers")) {
        int outl = !strcmp(key, "removeOutliers");
        if (outl && is_null(v)) { /* PyRadiomics' default: no clipping */
            s->pyrad_remove_outliers = 0.0;
            return VX_OK;
        }
        if ((rc = get_double(p, v, full, &d)) != VX_OK)
            return rc;
        if (!(d > 0.0) || d > 1e15)
            return failv(p, VX_EINVAL, v, full, "must be a number in (0, 1e15], got %g", d);
        if (outl)
            s->pyrad_remove_outliers = d;
        else
            s->pyrad_normalize_scale = d;
        return VX_OK;
    }
    return SETTING_NOT_MINE;
}

/* Texture keys: 2D extraction and GLCM/NGTDM distances. */
static int texture_setting(pr *p, const char *key, const yaml_node_t *v, const char *full)
{
    vx_settings *s = p->s;
    long iv;
    int rc;
    if (!strcmp(key, "force2D")) {
        p->force2d_node = v;
        return get_bool(p, v, full, &p->force2d);
    }
    if (!strcmp(key, "force2Ddimension")) {
        if ((rc = get_int(p, v, full, 0, 2, &iv)) != VX_OK)
            return rc;
        p->force2d_dim = (int)iv;
        if (!p->force2d_node)
            p->force2d_node = v;
        return VX_OK;
    }
    if (!strcmp(key, "distances")) {
        /* PyRadiomics' neighbours at each distance d are the offsets m with ||m||_inf == d exactly (GLCM: one
         * matrix per such angle; GLDM and NGTDM: the union of the shells); kept as a bit set */
        long len = seq_len(v);
        if (len < 1)
            return failv(p, VX_EINVAL, v, full, "expected a list of distances, e.g. [1]");
        int set = 0;
        for (long i = 0; i < len; i++) {
            if ((rc = get_int(p, node(p, v->data.sequence.items.start[i]), full, 1, 30, &iv)) != VX_OK)
                return rc;
            set |= 1 << iv;
        }
        s->features.distance_set = set == (1 << 1) ? 0 : set; /* [1]: the IBSI neighbourhoods, identical */
        return VX_OK;
    }
    if (!strcmp(key, "weightingNorm")) {
        if (is_null(v))
            return VX_OK;
        const char *w = scalar(v);
        int e = w ? vx_setting_enum_find(VX_SE_GLCM_WEIGHT, w) : -1;
        if (e <= VX_GLCM_WEIGHT_NONE)
            return failv(p, VX_EINVAL, v, full,
                         "unknown weighting norm '%s'; use manhattan, euclidean, infinity, no_weighting, or null "
                         "(features per angle, averaged)",
                         w ? w : "?");
        s->features.glcm_weighting = e;
        return VX_OK;
    }
    return SETTING_NOT_MINE;
}

/* ---- filter settings (PyRadiomics' image types) ---- */
static void fopts_default(pyr_fopts *fo)
{
    memset(fo, 0, sizeof *fo);
    fo->level = 1;
    snprintf(fo->wavelet, sizeof fo->wavelet, "coif1");
    fo->gradient_spacing = 1;
    fo->lbp2d_radius = 1.0;
    fo->lbp2d_samples = 8;
    fo->lbp3d_levels = 2;
    fo->lbp3d_radius = 1.0;
    fo->lbp3d_subdiv = 1;
    fo->bin_min = NAN;
}

/* The wavelets voxomics implements (src/filter/wavelet_bank.c), by PyWavelets' (lower-case) names. */
static int wavelet_known(const char *w)
{
    for (const char *c = w; *c; c++)
        if (isupper((unsigned char)*c))
            return 0;
    return vx_filter_wavelet_known(w);
}

/* A PyRadiomics filter setting into fo; SETTING_NOT_MINE when key is none. */
static int filter_setting(pr *p, pyr_fopts *fo, const char *key, const yaml_node_t *v, const char *full)
{
    int rc;
    if (!strcmp(key, "sigma")) {
        long n = seq_len(v);
        if (n < 1)
            return failv(p, VX_EINVAL, v, full, "expected a list of LoG scales in mm, e.g. [1.0, 3.0]");
        for (long i = 0; i < n; i++) {
            double d = NAN;
            if ((rc = get_double(p, node(p, v->data.sequence.items.start[i]), full, &d)) != VX_OK)
                return rc;
            if (!(d > 0.0) || d > 1e4)
                return failv(p, VX_EINVAL, v, full, "LoG sigma %g mm: must be > 0 (and at most 10000)", d);
        }
        fo->sigma = v;
        return VX_OK;
    }
    if (!strcmp(key, "start_level"))
        return get_int(p, v, full, 0, 8, &fo->start_level);
    if (!strcmp(key, "level"))
        return get_int(p, v, full, 1, 9, &fo->level);
    if (!strcmp(key, "wavelet")) {
        const char *w = scalar(v);
        if (!w || strlen(w) >= sizeof fo->wavelet)
            return failv(p, VX_EINVAL, v, full, "expected a wavelet name such as coif1");
        if (!wavelet_known(w))
            return failv(p, VX_EUNSUPPORTED, v, full,
                         "wavelet '%s' is not supported; voxomics implements PyWavelets' haar, db1 .. db38, sym2 .. "
                         "sym20, coif1 .. coif5, bior1.1 .. bior6.8 and rbio1.1 .. rbio6.8", w);
        snprintf(fo->wavelet, sizeof fo->wavelet, "%s", w);
        return VX_OK;
    }
    if (!strcmp(key, "gradientUseSpacing"))
        return get_bool(p, v, full, &fo->gradient_spacing);
    if (!strcmp(key, "lbp2DRadius")) {
        if ((rc = get_double(p, v, full, &fo->lbp2d_radius)) != VX_OK)
            return rc;
        return fo->lbp2d_radius > 0.0 && fo->lbp2d_radius <= 100.0
                   ? VX_OK
                   : failv(p, VX_EINVAL, v, full, "must be in (0, 100], got %g", fo->lbp2d_radius);
    }
    if (!strcmp(key, "lbp2DSamples"))
        return get_int(p, v, full, 1, 64, &fo->lbp2d_samples);
    if (!strcmp(key, "lbp2DMethod")) {
        const char *m = scalar(v);
        return m && !strcmp(m, "uniform")
                   ? VX_OK
                   : failv(p, VX_EUNSUPPORTED, v, full, "'%s' is not supported; voxomics implements 'uniform'",
                           m ? m : "?");
    }
    if (!strcmp(key, "lbp3DLevels"))
        return get_int(p, v, full, 1, 16, &fo->lbp3d_levels);
    if (!strcmp(key, "lbp3DIcosphereRadius")) {
        if ((rc = get_double(p, v, full, &fo->lbp3d_radius)) != VX_OK)
            return rc;
        return fo->lbp3d_radius > 0.0 && fo->lbp3d_radius <= 100.0
                   ? VX_OK
                   : failv(p, VX_EINVAL, v, full, "must be in (0, 100], got %g", fo->lbp3d_radius);
    }
    if (!strcmp(key, "lbp3DIcosphereSubdivision"))
        return get_int(p, v, full, 0, 6, &fo->lbp3d_subdiv);
    return SETTING_NOT_MINE;
}

static int one_setting(pr *p, const char *sec, const yaml_node_t *k, const char *key, const yaml_node_t *v)
{
    char full[200];
    snprintf(full, sizeof full, "%s.%s", sec, key);
    long iv;
    int b, rc;
    double d;
    for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++)
        if (!strcmp(key, direct[i].pyrad))
            return direct_setting(p, vx_setting_find(direct[i].key), v, full);
    if (!strcmp(key, "binWidth")) {
        if ((rc = get_double(p, v, full, &d)) != VX_OK)
            return rc;
        if (!(d > 0.0))
            return failv(p, VX_EINVAL, v, full, "must be > 0, got %g", d);
        p->bin_width = d;
        return VX_OK;
    }
    if (!strcmp(key, "binCount")) {
        if (is_null(v)) {
            p->bin_count = 0;
            return VX_OK;
        }
        if ((rc = get_int(p, v, full, row_lo("discretisation.texture.bin_count"),
                          row_hi("discretisation.texture.bin_count"), &iv)) != VX_OK)
            return rc;
        p->bin_count = (int)iv;
        return VX_OK;
    }
    if (!strcmp(key, "binMinimum")) {
        if (is_null(v)) {
            p->bin_min = NAN;
            return VX_OK;
        }
        return get_double(p, v, full, &p->bin_min);
    }
    if (!strcmp(key, "resampledPixelSpacing"))
        return set_spacing(p, v, full);
    if (!strcmp(key, "interpolator"))
        return set_interpolator(p, v, full);
    if (!strcmp(key, "padDistance")) {
        if ((rc = get_int(p, v, full, row_lo("pyradiomics.pad_distance"), row_hi("pyradiomics.pad_distance"),
                          &iv)) == VX_OK)
            p->s->pyrad_pad_distance = (int)iv;
        return rc;
    }
    if (!strcmp(key, "correctMask")) {
        if ((rc = get_bool(p, v, full, &b)) == VX_OK)
            p->s->pyrad_correct_mask = b;
        return rc;
    }
    if (!strcmp(key, "preCrop")) { /* the ROI box plus padDistance before the filters */
        if ((rc = get_bool(p, v, full, &b)) == VX_OK)
            p->s->pyrad_pre_crop = b;
        return rc;
    }
    if (!strcmp(key, "additionalInfo") || !strcmp(key, "enableCExtensions")) {
        if ((rc = get_bool(p, v, full, &b)) == VX_OK && !strcmp(key, "additionalInfo"))
            p->s->pyrad_no_additional_info = !b; /* no diagnostics_* columns (vx_pyradiomics_diagnostics) */
        return rc;
    }
    if (!strcmp(key, "geometryTolerance")) {
        if (is_null(v)) {
            p->s->pyrad_geometry_tolerance = 1e-6; /* SimpleITK's default */
            return VX_OK;
        }
        if ((rc = get_double(p, v, full, &d)) != VX_OK)
            return rc;
        if (!(d > 0.0) || d > 1.0)
            return failv(p, VX_EINVAL, v, full, "must be a number in (0, 1], got %g", d);
        p->s->pyrad_geometry_tolerance = d;
        return VX_OK;
    }
    if (!strcmp(key, "minimumROIDimensions")) {
        if ((rc = get_int(p, v, full, 1, 3, &iv)) == VX_OK)
            p->s->pyrad_min_roi_dims = (int)iv;
        return rc;
    }
    if (!strcmp(key, "minimumROISize")) {
        if (is_null(v)) {
            p->s->pyrad_min_roi_size = 0;
            return VX_OK;
        }
        if ((rc = get_int(p, v, full, 1, 1L << 30, &iv)) == VX_OK)
            p->s->pyrad_min_roi_size = (int)iv;
        return rc;
    }
    if ((rc = mask_setting(p, key, v, full)) != SETTING_NOT_MINE)
        return rc;
    if ((rc = texture_setting(p, key, v, full)) != SETTING_NOT_MINE)
        return rc;
    if ((rc = filter_setting(p, &p->fo, key, v, full)) != SETTING_NOT_MINE)
        return rc;
    return failv(p, VX_EINVAL, k, full, "unknown PyRadiomics setting; accepted: %s", SETTING_KEYS);
}

static int settings_map(pr *p, const char *sec, const yaml_node_t *map)
{
    if (is_null(map))
        return VX_OK;
    if (map->type != YAML_MAPPING_NODE)
        return failv(p, VX_EINVAL, map, sec, "expected a mapping of settings (name: value lines)");
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, q->key);
        const char *ks = scalar(k);
        if (!ks)
            return failv(p, VX_EINVAL, k, sec, "setting names must be plain words");
        int rc = one_setting(p, sec, k, ks, yaml_document_get_node(p->doc, q->value));
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* An image type's own mapping: filter settings and its discretisation; other settings are PyRadiomics' per
 * image type customisation voxomics does not follow (they would change the processing of one image type). */
static int image_type_settings(pr *p, const char *type, const yaml_node_t *map, pyr_fopts *fo)
{
    if (is_null(map))
        return VX_OK;
    char sec[160];
    snprintf(sec, sizeof sec, "imageType.%s", type);
    if (map->type != YAML_MAPPING_NODE)
        return failv(p, VX_EINVAL, map, sec, "expected a mapping of settings, e.g. {} or {sigma: [1.0, 3.0]}");
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *k = node(p, q->key), *v = node(p, q->value);
        const char *ks = scalar(k);
        char full[300];
        snprintf(full, sizeof full, "%s.%s", sec, ks ? ks : "?");
        int rc = ks ? filter_setting(p, fo, ks, v, full) : VX_EINVAL;
        if (rc == SETTING_NOT_MINE && !strcmp(ks, "binWidth")) {
            if ((rc = get_double(p, v, full, &fo->bin_width)) == VX_OK && !(fo->bin_width > 0.0))
                rc = failv(p, VX_EINVAL, v, full, "must be > 0, got %g", fo->bin_width);
            fo->own_disc = 1;
        } else if (rc == SETTING_NOT_MINE && !strcmp(ks, "binCount")) {
            rc = get_int(p, v, full, row_lo("discretisation.texture.bin_count"),
                         row_hi("discretisation.texture.bin_count"), &fo->bin_count);
            fo->own_disc = 1;
        } else if (rc == SETTING_NOT_MINE && !strcmp(ks, "binMinimum")) {
            rc = is_null(v) ? VX_OK : get_double(p, v, full, &fo->bin_min);
            fo->own_disc = 1;
        } else if (rc == SETTING_NOT_MINE) {
            rc = failv(p, VX_EUNSUPPORTED, k, full,
                       "a per-image-type setting voxomics does not support: give it under 'setting' (image types "
                       "may set their filter settings and binWidth / binCount / binMinimum)");
        }
        if (rc != VX_OK)
            return rc == VX_EINVAL && !ks ? failv(p, VX_EINVAL, k, sec, "setting names must be plain words") : rc;
    }
    return VX_OK;
}

/* Python's str() of a YAML number as PyRadiomics names LoG images with it: an integer as written ("3"), a
 * float in its shortest round-trip form with ".0" when integral ("1.0", "1.5"). */
static void py_number_text(const char *yaml_text, double v, char *buf, size_t n)
{
    if (!strpbrk(yaml_text, ".eE")) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        strncat(buf, ".0", n - strlen(buf) - 1);
}

/* Append one filter (its spec's common fields from the file) with PyRadiomics' image-type name. */
static int add_filter(pr *p, const yaml_node_t *at, const char *name, const vx_filter_spec *f, const pyr_fopts *fo)
{
    vx_settings *s = p->s;
    if (s->n_filters >= VX_MAX_FILTERS)
        return failv(p, VX_EINVAL, at, "imageType", "more than %d filtered images; enable fewer", VX_MAX_FILTERS);
    vx_image_type_settings *t = &s->filters[s->n_filters++];
    memset(t, 0, sizeof *t);
    t->filter = *f;
    snprintf(t->name, sizeof t->name, "%s", name);
    if (fo->own_disc) { /* the image type's binCount wins over its binWidth, as PyRadiomics' */
        t->own_texture_disc = 1;
        if (fo->bin_count > 0)
            t->texture_disc = (vx_discretisation){.method = VX_DISC_FBN, .bin_count = (int)fo->bin_count,
                                                  .min_value = NAN};
        else
            t->texture_disc = (vx_discretisation){.method = VX_DISC_FBS,
                                                  .bin_width = fo->bin_width > 0.0 ? fo->bin_width : p->bin_width,
                                                  .min_value = fo->bin_min};
    }
    return VX_OK;
}

/* The filters of one PyRadiomics image type, in PyRadiomics' order and with its names
 * (docs/config.md "PyRadiomics parameter files"). */
static int expand_image_type(pr *p, const yaml_node_t *k, const char *type, const pyr_fopts *fo)
{
    const int two_d = p->force2d;
    vx_filter_spec f;
    vx_filter_spec_init(&f);
    char name[VX_IMAGE_TYPE_NAME_LEN];
    int rc = VX_OK;
    if (!strcmp(type, "LoG")) {
        long n = seq_len(fo->sigma);
        if (n < 1)
            return failv(p, VX_EINVAL, k, "imageType.LoG", "no sigma: give the LoG scales in mm, e.g. "
                                                           "'LoG: {sigma: [1.0, 3.0]}' or setting.sigma");
        f.kind = VX_FILTER_LOG_RECURSIVE; /* SimpleITK's LaplacianRecursiveGaussian, normalised across scale */
        for (long i = 0; rc == VX_OK && i < n; i++) {
            const yaml_node_t *e = node(p, fo->sigma->data.sequence.items.start[i]);
            char num[40], *c;
            f.sigma_mm = strtod(scalar(e), NULL);
            py_number_text(scalar(e), f.sigma_mm, num, sizeof num);
            for (c = num; *c; c++)
                if (*c == '.')
                    *c = '-';
            snprintf(name, sizeof name, "log-sigma-%s-mm-3D", num);
            rc = add_filter(p, k, name, &f, fo);
        }
        return rc;
    }
    if (!strcmp(type, "Wavelet")) {
        /* pywt.swtn over the axes x, y, z (force2D: x, y): the sub-bands in its order, L before H, x first */
        static const char *const bands3[] = {"LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH"};
        static const char *const bands2[] = {"LH", "HL", "HH"};
        const char *const *bands = two_d ? bands2 : bands3;
        const int nb = two_d ? 3 : 7;
        f.kind = VX_FILTER_WAVELET_PYRAD; /* _swt3: odd sizes wrapped to even, undilated level-1 steps */
        f.dim = two_d ? 2 : 3;
        snprintf(f.wavelet, sizeof f.wavelet, "%s", fo->wavelet);
        for (long idx = 1; rc == VX_OK && idx <= fo->level; idx++)
            for (int b = 0; rc == VX_OK && b < nb; b++) {
                snprintf(f.subband, sizeof f.subband, "%s", bands[b]);
                f.level = (int)(fo->start_level + idx);
                if (idx == 1)
                    snprintf(name, sizeof name, "wavelet-%s", bands[b]);
                else
                    snprintf(name, sizeof name, "wavelet%ld-%s", idx, bands[b]);
                rc = add_filter(p, k, name, &f, fo);
            }
        if (rc != VX_OK)
            return rc;
        snprintf(f.subband, sizeof f.subband, "%s", two_d ? "LL" : "LLL");
        f.level = (int)(fo->start_level + fo->level);
        if (fo->level == 1)
            snprintf(name, sizeof name, "wavelet-%s", f.subband);
        else
            snprintf(name, sizeof name, "wavelet%ld-%s", fo->level, f.subband);
        return add_filter(p, k, name, &f, fo);
    }
    static const struct {
        const char *type, *name;
        vx_filter_kind kind;
    } simple[] = {{"Square", "square", VX_FILTER_SQUARE},
                  {"SquareRoot", "squareroot", VX_FILTER_SQUAREROOT},
                  {"Logarithm", "logarithm", VX_FILTER_LOGARITHM},
                  {"Exponential", "exponential", VX_FILTER_EXPONENTIAL},
                  {"Gradient", "gradient", VX_FILTER_GRADIENT},
                  {"LBP2D", "lbp-2D", VX_FILTER_LBP2D},
                  {"LocalBinaryPattern2D", "lbp-2D", VX_FILTER_LBP2D}};
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (!strcmp(type, simple[i].type)) {
            f.kind = simple[i].kind;
            f.gradient_spacing = fo->gradient_spacing;
            f.pad = VX_PAD_NEAREST;
            f.lbp_radius = fo->lbp2d_radius;
            f.lbp_samples = (int)fo->lbp2d_samples;
            if (f.kind == VX_FILTER_LBP2D)
                f.dim = 2;
            return add_filter(p, k, simple[i].name, &f, fo);
        }
    if (!strcmp(type, "LBP3D") || !strcmp(type, "LocalBinaryPattern3D")) {
        f.kind = VX_FILTER_LBP3D;
        f.pad = VX_PAD_NEAREST;
        f.lbp_levels = (int)fo->lbp3d_levels;
        f.lbp_icosphere_radius = fo->lbp3d_radius;
        f.lbp_icosphere_subdiv = (int)fo->lbp3d_subdiv;
        for (long m = 1; rc == VX_OK && m <= fo->lbp3d_levels; m++) {
            f.lbp_map = (int)m;
            snprintf(name, sizeof name, "lbp-3D-m%ld", m);
            rc = add_filter(p, k, name, &f, fo);
        }
        f.lbp_map = 0;
        return rc == VX_OK ? add_filter(p, k, "lbp-3D-k", &f, fo) : rc;
    }
    char full[160];
    snprintf(full, sizeof full, "imageType.%s", type);
    return failv(p, VX_EINVAL, k, full, "unknown image type; PyRadiomics image types: Original, Wavelet, LoG, Square, "
                 "SquareRoot, Logarithm, Exponential, Gradient, LBP2D, LBP3D");
}

/* ---- imageType ---- */
/* The image types: Original (its settings are applied by the caller), then each filter in file order, with
 * the filter settings of `setting` overridden by its own mapping. */
static int image_types(pr *p, const yaml_node_t *map, int *original)
{
    *original = 1; /* PyRadiomics' default: Original only */
    p->s->n_filters = 0;
    if (is_null(map))
        return VX_OK;
    if (map->type != YAML_MAPPING_NODE)
        return failv(p, VX_EINVAL, map, "imageType", "expected a mapping such as 'Original: {}'");
    *original = 0;
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, q->key);
        const char *ks = scalar(k);
        if (!ks)
            return failv(p, VX_EINVAL, k, "imageType", "image type names must be plain words");
        if (!strcmp(ks, "Original")) {
            *original = 1;
            continue;
        }
        pyr_fopts fo = p->fo;
        int rc = image_type_settings(p, ks, node(p, q->value), &fo);
        if (rc == VX_OK)
            rc = expand_image_type(p, k, ks, &fo);
        if (rc != VX_OK)
            return rc;
    }
    if (!*original && !p->s->n_filters)
        return failv(p, VX_EINVAL, map, "imageType", "no image type enabled; add 'Original: {}'");
    p->s->image_original = *original;
    return VX_OK;
}

/* ---- featureClass ---- */
typedef struct pyrad_class {
    const char *name;
    const char *missing; /* PyRadiomics feature names of the class voxomics does not compute, space-separated */
} pyrad_class;

static const pyrad_class classes[] = {
    {"firstorder", " TotalEnergy StandardDeviation "},
    {"shape", " Compactness1 Compactness2 SphericalDisproportion "},
    {"shape2D", " "},
    {"glcm", " MCC SumVariance Homogeneity1 Homogeneity2 Dissimilarity AverageIntensity "},
    {"glrlm", " "},
    {"glszm", " "},
    {"gldm", " GrayLevelNonUniformityNormalized DependencePercentage "},
    {"ngtdm", " "},
};
enum { N_CLASSES = sizeof classes / sizeof classes[0] };

/* Dictionary feature whose PyRadiomics name is "<cls>_<name>"; name NULL: the next feature of the class
 * after *from. Returns the id or -1. */
static int class_feature(const char *cls, const char *name, int from)
{
    size_t lc = strlen(cls);
    for (int f = from; f < (int)VX_F_COUNT; f++) {
        const char *py = vx_feature_get((vx_feature_id)f)->pyradiomics;
        if (!py || strncmp(py, cls, lc) != 0 || py[lc] != '_')
            continue;
        if (!name || !strcmp(py + lc + 1, name))
            return f;
    }
    return -1;
}

static void want(vx_settings *s, unsigned *families, int f)
{
    s->feature_bits[f / 8] |= (uint8_t)(1u << (f % 8));
    *families |= 1u << vx_feature_family((vx_feature_id)f);
}

/* A whole class, as PyRadiomics enables it: without the features it computes only when named. */
static void want_class(vx_settings *s, unsigned *families, const char *cls)
{
    for (int f = class_feature(cls, NULL, 0); f >= 0; f = class_feature(cls, NULL, f + 1))
        if (!(vx_feature_get((vx_feature_id)f)->flags & VX_FF_PYRAD_ON_REQUEST))
            want(s, families, f);
}

static int feature_classes(pr *p, const yaml_node_t *map, unsigned *families)
{
    vx_settings *s = p->s;
    memset(s->feature_bits, 0, sizeof s->feature_bits);
    *families = 0;
    if (is_null(map)) { /* PyRadiomics' default: every class, every feature */
        for (int c = 0; c < N_CLASSES; c++)
            want_class(s, families, classes[c].name);
        return VX_OK;
    }
    if (map->type != YAML_MAPPING_NODE)
        return failv(p, VX_EINVAL, map, "featureClass", "expected a mapping of feature classes");
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, q->key);
        yaml_node_t *v = yaml_document_get_node(p->doc, q->value);
        const char *ks = scalar(k);
        char full[160];
        snprintf(full, sizeof full, "featureClass.%s", ks ? ks : "?");
        int c = 0;
        while (ks && c < N_CLASSES && strcmp(ks, classes[c].name) != 0)
            c++;
        if (ks && !strcmp(ks, "shape2D") && !p->force2d) /* PyRadiomics skips it (a warning) */
            return failv(p, VX_EINVAL, k, full,
                         "2D shape features need a 2D extraction: set 'force2D: true' (and force2Ddimension) in "
                         "setting, or remove shape2D");
        if (!ks || c == N_CLASSES)
            return failv(p, VX_EINVAL, k, full,
                         "unknown feature class; accepted: firstorder, shape, shape2D, glcm, glrlm, glszm, gldm, "
                         "ngtdm");
        if (is_null(v) || seq_len(v) == 0) {
            want_class(s, families, ks);
            continue;
        }
        if (v->type != YAML_SEQUENCE_NODE)
            return failv(p, VX_EINVAL, v, full, "expected a list of feature names, or nothing for all");
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *n = node(p, *it);
            const char *name = scalar(n);
            int f = name && *name ? class_feature(ks, name, 0) : -1;
            if (f >= 0) {
                want(s, families, f);
                continue;
            }
            char pad[160];
            snprintf(pad, sizeof pad, " %s ", name ? name : "");
            if (name && *name && !strchr(name, ' ') && strstr(classes[c].missing, pad))
                return failv(p, VX_EUNSUPPORTED, n, full,
                             "%s is a PyRadiomics feature voxomics does not compute; remove it from the list", name);
            char list[700];
            size_t used = 0;
            list[0] = '\0';
            for (int g = class_feature(ks, NULL, 0); g >= 0 && used + 2 < sizeof list;
                 g = class_feature(ks, NULL, g + 1)) {
                int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "",
                                 vx_feature_get((vx_feature_id)g)->pyradiomics + strlen(ks) + 1);
                if (w < 0 || (size_t)w >= sizeof list - used)
                    break;
                used += (size_t)w;
            }
            return failv(p, VX_EINVAL, n, full, "unknown feature '%s'; accepted: %s", name ? name : "(not a word)",
                         list);
        }
    }
    if (!*families)
        return failv(p, VX_EINVAL, map, "featureClass", "no feature class enabled");
    return VX_OK;
}

/* ---- the whole file ---- */
int vx_pyrad_is_params(yaml_document_t *doc, yaml_node_t *root)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
        const char *ks = scalar(yaml_document_get_node(doc, q->key));
        for (size_t i = 0; ks && i < sizeof pyrad_sections / sizeof pyrad_sections[0]; i++)
            if (!strcmp(ks, pyrad_sections[i]))
                return 1;
    }
    return 0;
}

/* ks is the first component of a voxomics key (settings.def) */
static int own_top_key(const char *ks)
{
    size_t n = strlen(ks);
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if (!(r->flags & VX_SF_INTERNAL) && !strncmp(r->key, ks, n) && (r->key[n] == '.' || !r->key[n]))
            return 1;
    }
    return 0;
}

/* PyRadiomics' defaults, over which the file is read */
static void pyrad_defaults(pr *p)
{
    vx_settings *s = p->s;
    /* where PyRadiomics' default is voxomics' own (the descriptor's) */
    static const char *const own_default[] = {
        "processing.resampling.spacing", "processing.round_intensities", "processing.resegmentation.range",
        "processing.resegmentation.outlier_sigma", "voxel_array_shift", "features.glcm.distance",
        "features.glcm.symmetric", "features.ngtdm.distance", "features.ngldm.distance", "features.ngldm.coarseness",
        "features.zones.linkage_distance", "pyradiomics.normalize", "pyradiomics.normalize_scale",
        "pyradiomics.remove_outliers", "pyradiomics.pad_distance", "pyradiomics.resegment_mode",
        "pyradiomics.resegment_shape", "pyradiomics.minimum_roi_dimensions", "pyradiomics.minimum_roi_size",
        "pyradiomics.correct_mask", "pyradiomics.geometry_tolerance", "pyradiomics.pre_crop"};
    for (size_t i = 0; i < vx_setting_count(); i++)
        for (size_t k = 0; k < sizeof own_default / sizeof own_default[0]; k++)
            if (!strcmp(vx_setting_get(i)->key, own_default[k]))
                vx_setting_reset(s, vx_setting_get(i));
    s->compat = VX_COMPAT_PYRADIOMICS;
    s->mask_label = 1;
    s->interp = VX_INTERP_CUBIC;        /* sitkBSpline */
    s->mask_interp = VX_INTERP_NEAREST; /* PyRadiomics resamples masks with sitkNearestNeighbor */
    p->bin_width = 25.0;
    p->bin_count = 0;
    p->bin_min = NAN;
    p->spacing_set = 0;
    p->interp_null = 0;
    p->n_reseg = 0;
    p->reseg_mode = MODE_ABSOLUTE;
    p->force2d = 0;
    p->force2d_dim = 0;
    fopts_default(&p->fo);
}

static int finish_settings(pr *p)
{
    vx_settings *s = p->s;
    if (p->bin_count > 0)
        s->texture_disc = (vx_discretisation){.method = VX_DISC_FBN, .bin_count = p->bin_count, .min_value = NAN};
    else
        s->texture_disc =
            (vx_discretisation){.method = VX_DISC_FBS, .bin_width = p->bin_width, .min_value = p->bin_min};
    if (p->spacing_set && !p->interp_null)
        for (int a = 0; a < 3; a++)
            s->resample_spacing[a] = p->spacing[a] > 0.0 ? p->spacing[a] : NAN;
    if (p->n_reseg > 0) {
        const char *key = "setting.resegmentRange";
        switch (p->reseg_mode) {
        case MODE_ABSOLUTE:
            s->reseg_min = p->reseg[0];
            s->reseg_max = p->n_reseg == 2 ? p->reseg[1] : NAN;
            break;
        case MODE_RELATIVE: /* fractions of the ROI maximum */
        case MODE_SIGMA:    /* standard deviations from the ROI mean */
            s->reseg_min = p->reseg[0];
            s->reseg_max = p->n_reseg == 2 ? p->reseg[1] : NAN;
            break;
        default:
            return failv(p, VX_EINVAL, p->reseg_node, key, "unknown resegmentMode");
        }
        s->pyrad_reseg_mode = p->reseg_mode == MODE_RELATIVE ? VX_PYRAD_RESEG_RELATIVE
                              : p->reseg_mode == MODE_SIGMA  ? VX_PYRAD_RESEG_SIGMA
                                                             : VX_PYRAD_RESEG_ABSOLUTE;
    }
    /* force2Ddimension numbers the axes as vx_slice_axis; PyRadiomics' LBP2D follows it even without force2D */
    s->features.slice_axis = p->force2d_dim;
    if (p->force2d) {
        /* PyRadiomics' 2D: in-plane directions (GLCM, GLRLM: per direction over all slices, averaged) and
         * in-plane neighbourhoods over all slices (GLSZM, GLDM, NGTDM) */
        s->features.aggregations = VX_AGGBIT(VX_AGG_25D_DMRG) | VX_AGGBIT(VX_AGG_25D);
    } else {
        s->features.aggregations = VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D);
    }
    return VX_OK;
}

/* ---- PyRadiomics' own account of the settings (vx_settings.pyrad_settings, .pyrad_image_types) ----
 * PyRadiomics writes its settings dict and its enabled image types into the diagnostics columns as Python
 * prints them (str of a dict): the values as its YAML loader types them (PyYAML, YAML 1.1 rules: plain null /
 * ~ / empty -> None; true/false, yes/no, on/off -> True/False; decimal integers -> int; numbers with a '.' or
 * .inf/.nan -> float; anything else, and every quoted scalar, -> str), lists as [a, b], mappings as
 * {'k': v}. */

typedef struct pybuf {
    char *s;
    size_t n, len;
    int full;
} pybuf;

static void pyb_put(pybuf *b, const char *t)
{
    size_t m = strlen(t);
    if (b->len + m + 1 > b->n) {
        b->full = 1;
        return;
    }
    memcpy(b->s + b->len, t, m + 1);
    b->len += m;
}

static int match_word(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words))
            return 1;
    return 0;
}

/* PyYAML's int (decimal form): [-+]?(0|[1-9][0-9_]*) */
static int yaml11_int(const char *s)
{
    const char *q = s + (*s == '-' || *s == '+');
    if (!strcmp(q, "0"))
        return 1;
    if (*q < '1' || *q > '9')
        return 0;
    for (q++; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == '_'))
            return 0;
    return 1;
}

/* PyYAML's float: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? (and not a lone '.') */
static int yaml11_float(const char *s)
{
    const char *q = s + (*s == '-' || *s == '+');
    int digits = 0;
    while ((*q >= '0' && *q <= '9') || (digits && *q == '_'))
        q++, digits = 1;
    if (*q != '.')
        return 0;
    q++;
    while ((*q >= '0' && *q <= '9') || *q == '_')
        q++, digits = 1;
    if (!digits)
        return 0;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q != '-' && *q != '+')
            return 0;
        q++;
        if (*q < '0' || *q > '9')
            return 0;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    return !*q;
}

static void py_scalar(const yaml_node_t *n, pybuf *b)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL};
    static const char *const falses[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL};
    const char *s = (const char *)n->data.scalar.value;
    char num[64];
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (match_word(s, nulls)) {
            pyb_put(b, "None");
            return;
        }
        if (match_word(s, trues) || match_word(s, falses)) {
            pyb_put(b, match_word(s, trues) ? "True" : "False");
            return;
        }
        if (strlen(s) < 40 && yaml11_int(s)) {
            size_t k = 0;
            for (const char *q = s; *q; q++)
                if (*q != '_' && *q != '+')
                    num[k++] = *q;
            num[k] = '\0';
            if (!strcmp(num, "-0"))
                snprintf(num, sizeof num, "0");
            pyb_put(b, num);
            return;
        }
        const char *q = s + (*s == '-' || *s == '+');
        if (!strcmp(q, ".inf") || !strcmp(q, ".Inf") || !strcmp(q, ".INF")) {
            pyb_put(b, *s == '-' ? "-inf" : "inf");
            return;
        }
        if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
            pyb_put(b, "nan");
            return;
        }
        if (strlen(s) < 60 && yaml11_float(s)) {
            char clean[64];
            size_t k = 0;
            for (const char *c = s; *c; c++)
                if (*c != '_')
                    clean[k++] = *c;
            clean[k] = '\0';
            vx_python_float_repr(strtod(clean, NULL), num, sizeof num);
            pyb_put(b, num);
            return;
        }
    }
    /* a Python str: single quotes, \ and ' escaped (Python picks double quotes for a text holding ' only) */
    int dq = strchr(s, '\'') && !strchr(s, '"');
    pyb_put(b, dq ? "\"" : "'");
    for (const char *c = s; *c && !b->full; c++) {
        char t[8];
        if (*c == '\\')
            snprintf(t, sizeof t, "\\\\");
        else if (*c == '\'' && !dq)
            snprintf(t, sizeof t, "\\'");
        else if (*c == '\n')
            snprintf(t, sizeof t, "\\n");
        else if (*c == '\t')
            snprintf(t, sizeof t, "\\t");
        else
            snprintf(t, sizeof t, "%c", *c);
        pyb_put(b, t);
    }
    pyb_put(b, dq ? "\"" : "'");
}

static void py_repr(yaml_document_t *doc, const yaml_node_t *n, pybuf *b, int depth)
{
    if (!n || depth > 32) {
        pyb_put(b, "None");
        return;
    }
    if (n->type == YAML_SCALAR_NODE) {
        py_scalar(n, b);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        pyb_put(b, "[");
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            if (it != n->data.sequence.items.start)
                pyb_put(b, ", ");
            py_repr(doc, yaml_document_get_node(doc, *it), b, depth + 1);
        }
        pyb_put(b, "]");
    } else if (n->type == YAML_MAPPING_NODE) {
        pyb_put(b, "{");
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
            if (q != n->data.mapping.pairs.start)
                pyb_put(b, ", ");
            py_repr(doc, yaml_document_get_node(doc, q->key), b, depth + 1);
            pyb_put(b, ": ");
            py_repr(doc, yaml_document_get_node(doc, q->value), b, depth + 1);
        }
        pyb_put(b, "}");
    } else {
        pyb_put(b, "None");
    }
}

/* PyRadiomics' settings dict: its defaults (RadiomicsFeatureExtractor._getDefaultSettings, in its order), then
 * the file's setting section in the file's order; and its enabled image types. */
static void pyrad_account(pr *p, const yaml_node_t *setting, const yaml_node_t *image_type)
{
    static const char *const defaults[][2] = {
        {"minimumROIDimensions", "2"}, {"minimumROISize", "None"},  {"normalize", "False"},
        {"normalizeScale", "1"},        {"removeOutliers", "None"}, {"resampledPixelSpacing", "None"},
        {"interpolator", "'sitkBSpline'"}, {"preCrop", "False"},    {"padDistance", "5"},
        {"distances", "[1]"},           {"force2D", "False"},       {"force2Ddimension", "0"},
        {"resegmentRange", "None"},     {"label", "1"},             {"additionalInfo", "True"}};
    vx_settings *s = p->s;
    s->pyrad_settings[0] = '\0';
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        vx_pyrad_settings_set(s->pyrad_settings, sizeof s->pyrad_settings, defaults[i][0], defaults[i][1]);
    if (setting && setting->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *q = setting->data.mapping.pairs.start; q < setting->data.mapping.pairs.top; q++) {
            const char *ks = scalar(yaml_document_get_node(p->doc, q->key));
            char val[2048];
            pybuf b = {val, sizeof val, 0, 0};
            val[0] = '\0';
            py_repr(p->doc, yaml_document_get_node(p->doc, q->value), &b, 0);
            if (ks && !b.full && !strchr(val, '\n'))
                vx_pyrad_settings_set(s->pyrad_settings, sizeof s->pyrad_settings, ks, val);
        }
    pybuf b = {s->pyrad_image_types, sizeof s->pyrad_image_types, 0, 0};
    s->pyrad_image_types[0] = '\0';
    if (image_type && image_type->type == YAML_MAPPING_NODE && image_type->data.mapping.pairs.top >
                                                                     image_type->data.mapping.pairs.start)
        py_repr(p->doc, image_type, &b, 0);
    if (b.full || !s->pyrad_image_types[0])
        snprintf(s->pyrad_image_types, sizeof s->pyrad_image_types, "{'Original': {}}");
}

int vx_pyrad_params_load(yaml_document_t *doc, yaml_node_t *root, const char *path, vx_settings *s, vx_error *err)
{
    pr p = {.doc = doc, .path = path, .err = err, .s = s};
    yaml_node_t *sec[4] = {NULL, NULL, NULL, NULL}; /* imageType, featureClass, setting, voxelSetting */
    int present[4] = {0, 0, 0, 0};
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(doc, q->key);
        const char *ks = scalar(k);
        size_t i = 0;
        while (ks && i < 4 && strcmp(ks, pyrad_sections[i]) != 0)
            i++;
        if (ks && i < 4) {
            sec[i] = yaml_document_get_node(doc, q->value); /* PyRadiomics: the last one counts */
            present[i] = 1;
            continue;
        }
        if (ks && own_top_key(ks))
            return failv(&p, VX_EINVAL, k, ks,
                         "a voxomics setting in a PyRadiomics parameter file (it has imageType / featureClass / "
                         "setting / voxelSetting): use one schema per file");
        return failv(&p, VX_EINVAL, k, ks ? ks : "?",
                     "unknown top-level key in a PyRadiomics parameter file; accepted: imageType, featureClass, "
                     "setting, voxelSetting");
    }
    /* voxelSetting: checked here, used by `voxomics maps` (vx_maps_settings_load); extract ignores it, as
     * PyRadiomics' segment-based extraction does */
    int vrc = present[3] ? vx_pyrad_voxel_setting(doc, sec[3], path, NULL, err) : VX_OK;
    if (vrc != VX_OK)
        return vrc;

    pyrad_defaults(&p);
    int rc = settings_map(&p, "setting", sec[2]);
    int original = 1;
    if (rc == VX_OK)
        rc = image_types(&p, sec[0], &original);
    /* settings given for the Original image type override the general ones */
    if (rc == VX_OK && sec[0] && sec[0]->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *q = sec[0]->data.mapping.pairs.start; rc == VX_OK && q < sec[0]->data.mapping.pairs.top;
             q++) {
            const char *ks = scalar(yaml_document_get_node(doc, q->key));
            if (ks && !strcmp(ks, "Original"))
                rc = settings_map(&p, "imageType.Original", yaml_document_get_node(doc, q->value));
        }
    if (rc == VX_OK)
        rc = finish_settings(&p);
    unsigned families = 0;
    if (rc == VX_OK)
        rc = feature_classes(&p, present[1] ? sec[1] : NULL, &families);
    if (rc != VX_OK)
        return rc;
    s->features.families = families;
    s->feature_subset = 1;
    pyrad_account(&p, sec[2], sec[0]);
    return VX_OK;
}
