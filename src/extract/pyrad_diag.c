/* voxomics: PyRadiomics' diagnostics_* columns in compatibility mode (vx_pyradiomics_diagnostics,
 * include/voxomics/extract.h; docs/pyradiomics_output.md).
 *
 * Definitions (PyRadiomics radiomics/generalinfo.py and featureextractor.py, facts only):
 *  - Hash: SimpleITK's sitk.Hash, the SHA-1 of the voxel buffer in the image's pixel type, little endian. The
 *    image keeps the file's type; the mask is first cast to UInt32 (imageoperations.getMask).
 *  - Spacing, Size: the grid's, x, y, z; Dimensionality "3D".
 *  - Image Mean / Minimum / Maximum: over every voxel, as float64 (numpy on the array cast to float).
 *  - Mask BoundingBox: LabelShapeStatisticsImageFilter's (x, y, z of the lowest index, then the size along
 *    x, y, z) of the voxels equal to the label; VoxelNum: their count; VolumeNum: connected components with
 *    face, edge and corner neighbours (ConnectedComponentImageFilter, fully connected: 26-connectivity);
 *    CenterOfMassIndex: the mean index of those voxels (x, y, z); CenterOfMass: that continuous index in
 *    physical space, origin + (direction * diag(spacing)) index, summed as ITK does.
 *  - Values print as Python prints them: tuples "(a, b, c)", floats by repr (vx_python_float_repr).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fftw3.h>
#include <math.h>
#include <nettle/sha1.h>
#include <nettle/version.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <zlib.h>

#include "voxomics/extract.h"
#include "voxomics/mask.h"
#include "voxomics/process.h"
#include "voxomics/voxomics.h"

#define KEY(buf, fmt, ...) snprintf(buf, sizeof buf, "diagnostics_" fmt, __VA_ARGS__)

/* ---- Python-style text ---- */
static void tuple3_real(const double v[3], char *buf, size_t n)
{
    char a[32], b[32], c[32];
    vx_python_float_repr(v[0], a, sizeof a);
    vx_python_float_repr(v[1], b, sizeof b);
    vx_python_float_repr(v[2], c, sizeof c);
    snprintf(buf, n, "(%s, %s, %s)", a, b, c);
}

static void tuple_size(const size_t *v, int k, char *buf, size_t n)
{
    size_t used = (size_t)snprintf(buf, n, "(");
    for (int i = 0; i < k && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%zu", i ? ", " : "", v[i]);
    if (used < n)
        snprintf(buf + used, n - used, ")");
}

static int add(vx_results *res, const char *key, const char *value)
{
    return vx_results_add_text(res, key, value);
}

static int add_real(vx_results *res, const char *key, double v)
{
    char t[32];
    vx_python_float_repr(v, t, sizeof t);
    return add(res, key, t);
}

/* ---- SHA-1 of voxels in a pixel type ---- */
static int put_le(uint8_t *o, uint64_t u, int nb)
{
    for (int i = 0; i < nb; i++)
        o[i] = (uint8_t)(u >> (8 * i));
    return nb;
}

/* v (read from the file as float) back in the file's type t as SimpleITK holds it, little endian; the bytes
 * written (0 for an unknown type). */
static int encode(double v, const char *t, uint8_t *o)
{
    if (!strcmp(t, "float64")) {
        uint64_t u;
        memcpy(&u, &v, 8);
        return put_le(o, u, 8);
    }
    if (!strcmp(t, "float32")) {
        float f = (float)v;
        uint32_t u;
        memcpy(&u, &f, 4);
        return put_le(o, u, 4);
    }
    if (!strcmp(t, "int8") || !strcmp(t, "uint8"))
        return put_le(o, (uint64_t)(int64_t)v, 1);
    if (!strcmp(t, "int16") || !strcmp(t, "uint16"))
        return put_le(o, (uint64_t)(int64_t)v, 2);
    if (!strcmp(t, "int32") || !strcmp(t, "uint32"))
        return put_le(o, (uint64_t)(int64_t)v, 4);
    if (!strcmp(t, "int64"))
        return put_le(o, (uint64_t)(int64_t)v, 8);
    if (!strcmp(t, "uint64"))
        return put_le(o, v >= 0.0 ? (uint64_t)v : (uint64_t)(int64_t)v, 8);
    return 0;
}

static void sha1_voxels(const vx_image *img, const char *type, int as_uint32, char hex[41])
{
    struct sha1_ctx ctx;
    sha1_init(&ctx);
    uint8_t buf[8192];
    size_t k = 0, n = vx_geometry_count(&img->geom);
    for (size_t i = 0; i < n; i++) {
        if (as_uint32) { /* sitk.Cast(mask, sitkUInt32): the value truncated towards zero */
            double v = img->v[i];
            uint32_t u = v >= 0.0 && v < 4294967296.0 ? (uint32_t)v : 0u;
            k += (size_t)put_le(buf + k, u, 4);
        } else {
            k += (size_t)encode(img->v[i], type, buf + k);
        }
        if (k + 8 > sizeof buf) {
            sha1_update(&ctx, k, buf);
            k = 0;
        }
    }
    sha1_update(&ctx, k, buf);
    uint8_t d[SHA1_DIGEST_SIZE];
    sha1_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA1_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* ---- image and mask statistics ---- */
typedef struct sum_t { /* Neumaier's compensated sum */
    double s, c;
} sum_t;

static void sum_add(sum_t *a, double x)
{
    double t = a->s + x;
    a->c += fabs(a->s) >= fabs(x) ? (a->s - t) + x : (x - t) + a->s;
    a->s = t;
}

static double sum_get(const sum_t *a)
{
    return a->s + a->c;
}

static int in_roi(const vx_settings *s, float v)
{
    return s->mask_label > 0 ? v == (float)s->mask_label : (double)v >= s->mask_threshold;
}

/* Continuous index -> physical point as ITK computes it (point = (sum_c M[r][c] idx[c]) + origin[r],
 * M = direction * diag(spacing)). */
static void index_to_point(const vx_geometry *g, const double idx[3], double p[3])
{
    for (int r = 0; r < 3; r++) {
        double sum = 0.0;
        for (int c = 0; c < 3; c++)
            sum += g->direction[3 * r + c] * g->spacing[c] * idx[c];
        p[r] = sum + g->origin[r];
    }
}

static int image_elements(const vx_image *img, const char *stage, const char *pixel_type, vx_results *res)
{
    char key[128], t[160];
    int rc = VX_OK;
    if (pixel_type) { /* "original" only */
        char hex[41];
        sha1_voxels(img, pixel_type[0] ? pixel_type : "float32", 0, hex);
        KEY(key, "Image-%s_Hash", stage);
        rc = add(res, key, hex);
        KEY(key, "Image-%s_Dimensionality", stage);
        if (rc == VX_OK)
            rc = add(res, key, "3D");
    }
    tuple3_real(img->geom.spacing, t, sizeof t);
    KEY(key, "Image-%s_Spacing", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    tuple_size(img->geom.dims, 3, t, sizeof t);
    KEY(key, "Image-%s_Size", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    const size_t n = vx_geometry_count(&img->geom);
    sum_t sum = {0, 0};
    double lo = INFINITY, hi = -INFINITY;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        double v = img->v[i];
        nan |= isnan(v);
        sum_add(&sum, v);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    KEY(key, "Image-%s_Mean", stage);
    if (rc == VX_OK)
        rc = add_real(res, key, nan || !n ? NAN : sum_get(&sum) / (double)n);
    KEY(key, "Image-%s_Minimum", stage);
    if (rc == VX_OK)
        rc = add_real(res, key, nan || !n ? NAN : lo);
    KEY(key, "Image-%s_Maximum", stage);
    if (rc == VX_OK)
        rc = add_real(res, key, nan || !n ? NAN : hi);
    return rc;
}

/* The mask elements of one stage; img NULL: without the ROI's intensities (PyRadiomics' "original" stage). */
static int mask_elements(const vx_image *img, const vx_image *m, const vx_settings *s, const char *stage, int hash,
                         vx_results *res, vx_error *err)
{
    char key[128], t[200];
    int rc = VX_OK;
    if (hash) {
        char hex[41];
        sha1_voxels(m, NULL, 1, hex);
        KEY(key, "Mask-%s_Hash", stage);
        rc = add(res, key, hex);
    }
    tuple3_real(m->geom.spacing, t, sizeof t);
    KEY(key, "Mask-%s_Spacing", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    tuple_size(m->geom.dims, 3, t, sizeof t);
    KEY(key, "Mask-%s_Size", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    const size_t nx = m->geom.dims[0], ny = m->geom.dims[1], nz = m->geom.dims[2];
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0}, count = 0;
    double isum[3] = {0, 0, 0}; /* integer sums: exact below 2^53 */
    sum_t vs = {0, 0};
    double vmin = INFINITY, vmax = -INFINITY;
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                size_t i = x + nx * (y + ny * z);
                if (!in_roi(s, m->v[i]))
                    continue;
                const size_t p[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    lo[a] = p[a] < lo[a] ? p[a] : lo[a];
                    hi[a] = p[a] > hi[a] ? p[a] : hi[a];
                    isum[a] += (double)p[a];
                }
                count++;
                if (img) {
                    double v = img->v[i];
                    sum_add(&vs, v);
                    vmin = fmin(vmin, v);
                    vmax = fmax(vmax, v);
                }
            }
    if (!count)
        return rc == VX_OK ? vx_error_set(err, VX_EEMPTY, "diagnostics: the mask (%s) holds no voxel of the ROI", stage)
                           : rc;
    const size_t bb[6] = {lo[0], lo[1], lo[2], hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1};
    tuple_size(bb, 6, t, sizeof t);
    KEY(key, "Mask-%s_BoundingBox", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    snprintf(t, sizeof t, "%zu", count);
    KEY(key, "Mask-%s_VoxelNum", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    size_t comps = 0;
    if (rc == VX_OK && (rc = vx_mask_count_components(m, s->mask_label, s->mask_threshold, 26, &comps, err)) != VX_OK)
        return rc; /* PyRadiomics' fully connected components: 26-connectivity */
    snprintf(t, sizeof t, "%zu", comps);
    KEY(key, "Mask-%s_VolumeNum", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    double ci[3], pt[3];
    for (int a = 0; a < 3; a++)
        ci[a] = isum[a] / (double)count;
    index_to_point(&m->geom, ci, pt);
    tuple3_real(ci, t, sizeof t);
    KEY(key, "Mask-%s_CenterOfMassIndex", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    tuple3_real(pt, t, sizeof t);
    KEY(key, "Mask-%s_CenterOfMass", stage);
    if (rc == VX_OK)
        rc = add(res, key, t);
    if (img && rc == VX_OK) {
        KEY(key, "Mask-%s_Mean", stage);
        rc = add_real(res, key, sum_get(&vs) / (double)count);
        KEY(key, "Mask-%s_Minimum", stage);
        if (rc == VX_OK)
            rc = add_real(res, key, vmin);
        KEY(key, "Mask-%s_Maximum", stage);
        if (rc == VX_OK)
            rc = add_real(res, key, vmax);
    }
    return rc;
}

/* ---- configuration ---- */
static const char *sitk_interpolator(vx_interp m)
{
    switch (m) {
    case VX_INTERP_NEAREST: return "'sitkNearestNeighbor'";
    case VX_INTERP_LINEAR: return "'sitkLinear'";
    default: return "'sitkBSpline'";
    }
}

/* The settings of a voxomics YAML file (no PyRadiomics account) in PyRadiomics' terms: its defaults, then
 * the settings that have a PyRadiomics counterpart. */
static void describe_settings(const vx_settings *s, char *d, size_t cap)
{
    static const char *const defaults[][2] = {
        {"minimumROIDimensions", "2"}, {"minimumROISize", "None"},  {"normalize", "False"},
        {"normalizeScale", "1"},        {"removeOutliers", "None"}, {"resampledPixelSpacing", "None"},
        {"interpolator", "'sitkBSpline'"}, {"preCrop", "False"},    {"padDistance", "5"},
        {"distances", "[1]"},           {"force2D", "False"},       {"force2Ddimension", "0"},
        {"resegmentRange", "None"},     {"label", "1"},             {"additionalInfo", "True"}};
    char t[160], a[32], b[32], c[32];
    d[0] = '\0';
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        vx_pyrad_settings_set(d, cap, defaults[i][0], defaults[i][1]);
    if (!isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) || !isnan(s->resample_spacing[2])) {
        vx_python_float_repr(isnan(s->resample_spacing[0]) ? 0.0 : s->resample_spacing[0], a, sizeof a);
        vx_python_float_repr(isnan(s->resample_spacing[1]) ? 0.0 : s->resample_spacing[1], b, sizeof b);
        vx_python_float_repr(isnan(s->resample_spacing[2]) ? 0.0 : s->resample_spacing[2], c, sizeof c);
        snprintf(t, sizeof t, "[%s, %s, %s]", a, b, c);
        vx_pyrad_settings_set(d, cap, "resampledPixelSpacing", t);
        vx_pyrad_settings_set(d, cap, "interpolator", sitk_interpolator(s->interp));
    }
    snprintf(t, sizeof t, "[%d]", s->features.glcm_distance);
    vx_pyrad_settings_set(d, cap, "distances", t);
    if (!(s->features.aggregations & (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D))))
        vx_pyrad_settings_set(d, cap, "force2D", "True");
    if (s->mask_label > 0) {
        snprintf(t, sizeof t, "%d", s->mask_label);
        vx_pyrad_settings_set(d, cap, "label", t);
    } else {
        vx_pyrad_settings_set(d, cap, "label", "None");
    }
    if (!isnan(s->reseg_min) || !isnan(s->reseg_max)) {
        vx_python_float_repr(s->reseg_min, a, sizeof a);
        vx_python_float_repr(s->reseg_max, b, sizeof b);
        if (isnan(s->reseg_max))
            snprintf(t, sizeof t, "[%s]", a);
        else
            snprintf(t, sizeof t, "[%s, %s]", isnan(s->reseg_min) ? "-inf" : a, b);
        vx_pyrad_settings_set(d, cap, "resegmentRange", t);
    } else if (s->reseg_outlier_sigma > 0.0) {
        vx_python_float_repr(s->reseg_outlier_sigma, a, sizeof a);
        snprintf(t, sizeof t, "[-%s, %s]", a, a);
        vx_pyrad_settings_set(d, cap, "resegmentRange", t);
        vx_pyrad_settings_set(d, cap, "resegmentMode", "'sigma'");
    }
    if (s->texture_disc.method == VX_DISC_FBN) {
        snprintf(t, sizeof t, "%d", s->texture_disc.bin_count);
        vx_pyrad_settings_set(d, cap, "binCount", t);
    } else if (s->texture_disc.method == VX_DISC_FBS) {
        vx_python_float_repr(s->texture_disc.bin_width, a, sizeof a);
        vx_pyrad_settings_set(d, cap, "binWidth", a);
    }
    if (s->voxel_shift != 0.0) {
        vx_python_float_repr(s->voxel_shift, a, sizeof a);
        vx_pyrad_settings_set(d, cap, "voxelArrayShift", a);
    }
}

/* Render "key=value" lines as a Python dict text. */
static int render_dict(const char *lines, vx_results *res, const char *key)
{
    size_t cap = 2 * strlen(lines) + 8, k = 0;
    char *out = malloc(cap);
    if (!out)
        return VX_ENOMEM;
    out[k++] = '{';
    int first = 1;
    for (const char *line = lines; *line;) {
        const char *e = strchr(line, '\n');
        size_t len = e ? (size_t)(e - line) : strlen(line);
        const char *eq = memchr(line, '=', len);
        if (eq) {
            k += (size_t)snprintf(out + k, cap - k, "%s'%.*s': %.*s", first ? "" : ", ", (int)(eq - line), line,
                                  (int)(len - (size_t)(eq - line) - 1), eq + 1);
            first = 0;
        }
        line += len + (e ? 1 : 0);
    }
    snprintf(out + k, cap - k, "}");
    int rc = add(res, key, out);
    free(out);
    return rc;
}

static int configuration(const vx_settings *s, vx_results *res)
{
    char dict[sizeof s->pyrad_settings];
    if (s->pyrad_settings[0]) {
        snprintf(dict, sizeof dict, "%s", s->pyrad_settings);
        if (s->mask_label > 0) { /* the region's label (a batch Label column, --label), as PyRadiomics' execute */
            char l[24];
            snprintf(l, sizeof l, "%d", s->mask_label);
            vx_pyrad_settings_set(dict, sizeof dict, "label", l);
        }
    } else {
        describe_settings(s, dict, sizeof dict);
    }
    int rc = render_dict(dict, res, "diagnostics_Configuration_Settings");
    if (rc != VX_OK)
        return rc;
    if (s->pyrad_image_types[0])
        return add(res, "diagnostics_Configuration_EnabledImageTypes", s->pyrad_image_types);
    /* a voxomics file: the original image and each filter under its voxomics name */
    char types[8192];
    size_t k = (size_t)snprintf(types, sizeof types, "{");
    int first = 1;
    if (s->image_original) {
        k += (size_t)snprintf(types + k, sizeof types - k, "'Original': {}");
        first = 0;
    }
    for (int i = 0; i < s->n_filters && k < sizeof types; i++) {
        k += (size_t)snprintf(types + k, sizeof types - k, "%s'%s': {}", first ? "" : ", ", s->filters[i].name);
        first = 0;
    }
    if (k < sizeof types)
        snprintf(types + k, sizeof types - k, "}");
    return add(res, "diagnostics_Configuration_EnabledImageTypes", types);
}

static int versions(vx_results *res)
{
    char t[64];
    int rc = add(res, "diagnostics_Versions_voxomics", vx_version());
    if (rc == VX_OK)
        rc = add(res, "diagnostics_Versions_zlib", zlibVersion());
    if (rc == VX_OK)
        rc = add(res, "diagnostics_Versions_libyaml", yaml_get_version_string());
    const char *fv = fftw_version;
    if (!strncmp(fv, "fftw-", 5))
        fv += 5;
    if (rc == VX_OK)
        rc = add(res, "diagnostics_Versions_FFTW", fv);
    snprintf(t, sizeof t, "%d.%d", nettle_version_major(), nettle_version_minor());
    if (rc == VX_OK)
        rc = add(res, "diagnostics_Versions_Nettle", t);
    return rc;
}

/* ---- resampling and re-segmentation (PyRadiomics' "interpolated" and "resegmented" stages) ----
 * The data are those extraction uses: vx_pyrad_prepare (normalisation, SimpleITK's resampling onto
 * PyRadiomics' grid, the mask by nearest neighbour) and vx_pyrad_reseg_bounds (resegmentMask's bounds). */

/* PyRadiomics' re-segmentation of mask m on image im (resegmentMask, any mode): a new mask holding the ROI
 * value where kept. */
static int pyrad_resegment(const vx_image *im, const vx_image *m, const vx_settings *s, vx_image **out, vx_error *err)
{
    const size_t n = vx_geometry_count(&m->geom);
    vx_image *r = vx_image_new(&m->geom);
    uint8_t *in = malloc(n ? n : 1);
    if (!r || !in) {
        vx_image_free(r);
        free(in);
        return vx_error_set(err, VX_ENOMEM, "diagnostics: out of memory for the re-segmented mask");
    }
    for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)in_roi(s, m->v[i]);
    double lo, hi;
    vx_pyrad_reseg_bounds(im->v, in, n, s, &lo, &hi);
    const float keep = s->mask_label > 0 ? (float)s->mask_label : (float)fmax(1.0, s->mask_threshold);
    for (size_t i = 0; i < n; i++) {
        const double v = im->v[i];
        r->v[i] = in[i] && (isnan(lo) || v >= lo) && (isnan(hi) || v <= hi) ? keep : 0.0f;
    }
    free(in);
    *out = r;
    return VX_OK;
}

/* The interpolated and re-segmented stages, where the settings ask for them. */
static int processed_stages(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res,
                            vx_error *err)
{
    const int resample = !isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) ||
                         !isnan(s->resample_spacing[2]);
    const int reseg = !isnan(s->reseg_min) || !isnan(s->reseg_max) || s->reseg_outlier_sigma > 0.0;
    const vx_image *im = img, *m = mask;
    vx_image *pim = NULL, *pm = NULL, *sm = NULL;
    int rc = VX_OK;
    if (resample || s->pyrad_normalize) {
        rc = vx_pyrad_prepare(img, mask, s, &pim, &pm, err);
        if (rc != VX_OK)
            vx_error_prefix(err, "diagnostics: ");
        im = pim ? pim : img;
        m = pm ? pm : mask;
    }
    if (rc == VX_OK && resample) {
        if ((rc = image_elements(im, "interpolated", NULL, res)) != VX_OK)
            vx_error_set(err, rc, "diagnostics: out of memory");
        if (rc == VX_OK)
            rc = mask_elements(im, m, s, "interpolated", 0, res, err);
    }
    if (rc == VX_OK && reseg) {
        rc = pyrad_resegment(im, m, s, &sm, err);
        if (rc == VX_OK)
            rc = mask_elements(im, sm, s, "resegmented", 0, res, err);
    }
    vx_image_free(pim);
    vx_image_free(pm);
    vx_image_free(sm);
    return rc;
}

/* PyRadiomics' checkMask correction without resampling (correctMask, a mask off the image grid): the mask on
 * the image grid as the extraction's preparation makes it (vx_pyrad_prepare), into *out; NULL when there is
 * none (on the grid already, resampling, or preCrop, whose crop the prepared mask would carry). */
static int checkmask_corrected(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **out,
                               vx_error *err)
{
    *out = NULL;
    const int resample = !isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) ||
                         !isnan(s->resample_spacing[2]);
    if (s->compat != VX_COMPAT_PYRADIOMICS || !s->pyrad_correct_mask || resample || s->pyrad_pre_crop)
        return VX_OK;
    vx_image *pim = NULL;
    const int rc = vx_pyrad_prepare(img, mask, s, &pim, out, err);
    vx_image_free(pim);
    return rc == VX_OK ? VX_OK : vx_error_prefix(err, "diagnostics: ");
}

int vx_pyradiomics_diagnostics(const vx_image *img, const vx_image *mask, const vx_image *corrected_mask,
                               const vx_settings *s, vx_results *res, vx_error *err)
{
    if (!img || !mask || !s || !res)
        return vx_error_set(err, VX_EINVAL, "diagnostics: NULL argument");
    int rc = versions(res);
    if (rc == VX_OK)
        rc = configuration(s, res);
    if (rc == VX_OK)
        rc = image_elements(img, "original", img->pixel_type == VX_PIXEL_REAL ? "float32" : vx_pixel_type_name(img->pixel_type),
                            res);
    if (rc != VX_OK)
        return vx_error_set(err, rc, "diagnostics: out of memory");
    rc = mask_elements(NULL, mask, s, "original", 1, res, err);
    /* PyRadiomics resamples the mask as read (its grid) and the image; checkMask corrects the mask where it is
     * still off the image grid, which voxomics' resampling onto the image grid stands for */
    if (rc == VX_OK)
        rc = processed_stages(img, corrected_mask ? corrected_mask : mask, s, res, err);
    vx_image *own = NULL;
    if (rc == VX_OK && !corrected_mask && (rc = checkmask_corrected(img, mask, s, &own, err)) == VX_OK)
        corrected_mask = own;
    if (rc == VX_OK && corrected_mask)
        rc = mask_elements(img, corrected_mask, s, "corrected", 0, res, err);
    vx_image_free(own);
    if (rc == VX_ENOMEM)
        vx_error_set(err, rc, "diagnostics: out of memory");
    return rc;
}
