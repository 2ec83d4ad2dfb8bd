/* voxomics: voxel maps (voxomics/maps.h, docs/maps.md). The ROI is processed and discretised once over the
 * whole processed grid; then each ROI voxel's kernel becomes a small vx_roi of its own ((2r+1)^3 voxels at
 * most: the kernel's intensities, its mask and the ROI's grey levels) on which the families run exactly as
 * vx_extract runs them (vx_extract_run_families). Threads take whole z planes of ROI voxels; every voxel's
 * values depend on its kernel only, so the maps are the same for any thread count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/extract.h"
#include "voxomics/filter.h"
#include "voxomics/maps.h"
#include "voxomics/mask.h"
#include "voxomics/roi.h"
#include "extract/extract_impl.h"
#include "extract/maps_impl.h"
#include "io/pyrad_voxel.h"

/* The families IBSI defines on a local ROI (the maps' families), as family bits. */
#define MAPS_FAMILIES                                                                                           \
    ((1u << VX_FAM_STAT) | (1u << VX_FAM_IH) | (1u << VX_FAM_GLCM) | (1u << VX_FAM_GLRLM) |                    \
     (1u << VX_FAM_GLSZM) | (1u << VX_FAM_GLDZM) | (1u << VX_FAM_NGTDM) | (1u << VX_FAM_NGLDM))
#define MAPS_AGGS (VX_AGGBIT(VX_AGG_NONE) | VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG) | VX_AGGBIT(VX_AGG_3D))
#define MAPS_MAX_RADIUS 15

void vx_maps_settings_default(vx_maps_settings *m)
{
    m->radius = 1;
    m->shape = VX_KERNEL_CUBE;
    m->masked = 1;
    m->init_value = 0.0;
    m->batch = 0;
    m->threads = 1;
}

/* ms from v where rc is VX_OK. */
static int maps_settings_take(int rc, const vx_pyrad_voxel *v, vx_maps_settings *ms)
{
    if (rc == VX_OK) {
        ms->radius = v->radius;
        ms->masked = v->masked;
        ms->batch = v->batch;
        ms->init_value = v->init_value;
    }
    return rc;
}

int vx_maps_settings_load(const char *path, vx_maps_settings *ms, vx_error *err)
{
    vx_pyrad_voxel v = {ms->radius, ms->masked, ms->batch, ms->init_value};
    int rc = vx_path_check(path, 0, "settings file", err);
    if (rc == VX_OK)
        rc = vx_pyrad_voxel_load(path, &v, err);
    return maps_settings_take(rc, &v, ms);
}

int vx_maps_settings_load_text(const char *text, size_t len, const char *name, vx_maps_settings *ms, vx_error *err)
{
    vx_pyrad_voxel v = {ms->radius, ms->masked, ms->batch, ms->init_value};
    return maps_settings_take(vx_pyrad_voxel_load_text(text, len, name ? name : "settings text", &v, err), &v, ms);
}

void vx_maps_free(vx_maps *m)
{
    if (!m)
        return;
    free(m->index);
    free(m->values);
    free(m->feature);
    free(m->agg);
    free(m->name);
    memset(m, 0, sizeof *m);
}

/* One kernel as its own ROI, over arrays of (2r+1)^3 voxels. */
typedef struct kernel {
    vx_roi roi;
    float *img;
    uint8_t *mask;
    int32_t *grey;
} kernel;

static int kernel_alloc(kernel *k, int r)
{
    const size_t side = 2 * (size_t)r + 1, n = side * side * side;
    memset(k, 0, sizeof *k);
    k->img = malloc(n * sizeof *k->img);
    k->mask = malloc(n);
    k->grey = malloc(n * sizeof *k->grey);
    return k->img && k->mask && k->grey ? VX_OK : VX_ENOMEM;
}

static void kernel_free(kernel *k)
{
    free(k->img);
    free(k->mask);
    free(k->grey);
}

/* The kernel of voxel c (grid coordinates) of the processed ROI g into k: the box of radius r around c within
 * the grid, its voxels in the kernel where within the shape and in g's intensity mask. */
static void kernel_fill(const vx_roi *g, const vx_maps_settings *ms, const size_t c[3], int fbn, kernel *k)
{
    const size_t r = (size_t)ms->radius;
    size_t lo[3], d[3];
    for (int a = 0; a < 3; a++) {
        lo[a] = c[a] >= r ? c[a] - r : 0;
        d[a] = (c[a] + r + 1 < g->dims[a] ? c[a] + r + 1 : g->dims[a]) - lo[a];
        k->roi.dims[a] = d[a];
        k->roi.spacing[a] = g->spacing[a];
        k->roi.box_lo[a] = d[a];
        k->roi.box_hi[a] = 0;
    }
    size_t n = 0;
    int32_t gmax = 0;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                const size_t p[3] = {lo[0] + x, lo[1] + y, lo[2] + z};
                const size_t src = p[0] + g->dims[0] * (p[1] + g->dims[1] * p[2]), dst = x + d[0] * (y + d[1] * z);
                long r2 = 0;
                for (int a = 0; a < 3; a++)
                    r2 += ((long)p[a] - (long)c[a]) * ((long)p[a] - (long)c[a]);
                const int in = (!ms->masked || g->imask[src]) && (ms->shape == VX_KERNEL_CUBE || r2 <= (long)(r * r));
                k->img[dst] = g->img[src];
                k->mask[dst] = (uint8_t)in;
                k->grey[dst] = in ? g->grey[src] : 0;
                if (!in)
                    continue;
                n++;
                gmax = k->grey[dst] > gmax ? k->grey[dst] : gmax;
                const size_t q[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    k->roi.box_lo[a] = q[a] < k->roi.box_lo[a] ? q[a] : k->roi.box_lo[a];
                    k->roi.box_hi[a] = q[a] + 1 > k->roi.box_hi[a] ? q[a] + 1 : k->roi.box_hi[a];
                }
            }
    k->roi.img = k->img;
    k->roi.imask = k->roi.mmask = k->mask;
    k->roi.grey = k->grey;
    k->roi.n_imask = k->roi.n_mmask = n;
    k->roi.n_grey = fbn ? g->n_grey : (int)gmax;
    k->roi.ivh = NULL;
    k->roi.fft = NULL;
}

/* The processing shared by every kernel: the settings the families run with, the processed ROI over the whole
 * processed grid and that grid. */
typedef struct maps_job {
    vx_settings *s; /* the caller's, restricted to the maps' families and aggregations, one thread each */
    const vx_maps_settings *ms;
    vx_roi roi;
    vx_geometry grid;
    vx_image *pimg, *pmask; /* PyRadiomics' processed image and mask, or NULL */
    int fbn;
    const char *type; /* the image type of roi: a filter's name, NULL for the original image */
    int sliding;      /* the sliding window for the families it computes (else every kernel as a small ROI) */
} maps_job;

static int job_check(const vx_settings *s, const vx_maps_settings *ms, vx_error *err)
{
    if (ms->radius < 1 || ms->radius > MAPS_MAX_RADIUS)
        return vx_error_set(err, VX_EINVAL, "voxel maps: kernel radius %d is out of range; give 1 to %d voxels",
                            ms->radius, MAPS_MAX_RADIUS);
    if (ms->shape != VX_KERNEL_CUBE && ms->shape != VX_KERNEL_SPHERE)
        return vx_error_set(err, VX_EINVAL, "voxel maps: unknown kernel shape %d; use cube or sphere", ms->shape);
    if ((!s->image_original && !s->n_filters) || !(s->features.families & MAPS_FAMILIES))
        return vx_error_set(err, VX_EINVAL, "voxel maps: the settings ask for no family with maps on the original "
                            "image; enable image_types.original and one of statistics, intensity_histogram, glcm, "
                            "glrlm, glszm, gldzm, ngtdm, ngldm");
    return VX_OK;
}

/* Unmasked kernels: the grey levels of every voxel of the ROI's bounding box padded by r voxels (within the grid),
 * discretised over that box (method d, fixed-bin-size lower bound fbs_min, NaN: the box minimum; fixed bin
 * number over the box range) instead of over the ROI; they replace roi->grey and roi->n_grey (0 outside the box). */
static int unmasked_grey(vx_roi *roi, const vx_discretisation *d, double fbs_min, int compat, int r, vx_error *err)
{
    const size_t nx = roi->dims[0], ny = roi->dims[1], n = nx * ny * roi->dims[2];
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        if (roi->imask[i]) {
            const size_t c[3] = {i % nx, (i / nx) % ny, i / (nx * ny)};
            for (int a = 0; a < 3; a++) {
                lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                hi[a] = c[a] > hi[a] ? c[a] : hi[a];
            }
        }
    uint8_t *box = calloc(n ? n : 1, 1);
    int32_t *grey = malloc((n ? n : 1) * sizeof *grey);
    int rc = box && grey ? VX_OK : vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for unmasked kernels");
    for (int a = 0; rc == VX_OK && a < 3 && lo[0] != SIZE_MAX; a++) {
        lo[a] = lo[a] >= (size_t)r ? lo[a] - (size_t)r : 0;
        hi[a] = hi[a] + (size_t)r < roi->dims[a] ? hi[a] + (size_t)r : roi->dims[a] - 1;
    }
    for (size_t z = lo[2]; rc == VX_OK && z <= hi[2] && lo[0] != SIZE_MAX; z++)
        for (size_t y = lo[1]; y <= hi[1]; y++)
            memset(box + lo[0] + nx * (y + ny * z), 1, hi[0] - lo[0] + 1);
    int ng = 0;
    if (rc == VX_OK && (rc = vx_discretise_compat(roi->img, box, n, d, compat, fbs_min, NAN, grey, &ng, err)) != VX_OK)
        vx_error_prefix(err, "voxel maps: unmasked kernels, discretising the ROI box padded by the radius: ");
    free(box);
    if (rc != VX_OK) {
        free(grey);
        return rc;
    }
    free((void *)roi->grey);
    roi->grey = grey;
    roi->n_grey = ng;
    return VX_OK;
}

/* The processed ROI of the whole processed grid (PyRadiomics' processing first with compat pyradiomics). */
static int job_roi(const vx_image *img, const vx_image *mask, maps_job *j, vx_error *err)
{
    int rc = VX_OK;
    if (j->s->compat == VX_COMPAT_PYRADIOMICS) {
        rc = vx_pyrad_prepare(img, mask, j->s, &j->pimg, &j->pmask, err);
        for (int a = 0; a < 3; a++)
            j->s->resample_spacing[a] = NAN; /* resampled already, on PyRadiomics' grid */
    } else {
        rc = vx_geometry_check(&img->geom, &mask->geom, err);
    }
    if (rc != VX_OK)
        return rc;
    const vx_image *pi = j->pimg ? j->pimg : img, *pm = j->pmask ? j->pmask : mask;
    const int resampled = !isnan(j->s->resample_spacing[0]) || !isnan(j->s->resample_spacing[1]) ||
                          !isnan(j->s->resample_spacing[2]);
    vx_roi_diag *diag = resampled ? malloc(sizeof *diag) : NULL;
    if (resampled && !diag)
        return vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory");
    const vx_roi_request all = {1e12}; /* the whole processed grid: the maps' geometry */
    rc = vx_roi_build(pi, pm, j->s, &all, &j->roi, diag, err);
    j->grid = resampled ? diag->interp_grid : pi->geom;
    free(diag);
    for (int a = 0; rc == VX_OK && a < 3; a++)
        if (j->roi.dims[a] != j->grid.dims[a])
            rc = vx_error_set(err, VX_EINVAL, "voxel maps: the processed ROI (%zux%zux%zu) does not cover the "
                              "processed grid; report this", j->roi.dims[0], j->roi.dims[1], j->roi.dims[2]);
    return rc;
}

/* The columns of the maps: the rows the families give on the kernel of the first ROI voxel (every kernel gives
 * the same rows, NaN where a value is undefined). */
static int maps_columns(const maps_job *j, size_t first, kernel *k, vx_maps *m, vx_error *err)
{
    const size_t nx = j->roi.dims[0], ny = j->roi.dims[1];
    const size_t c[3] = {first % nx, (first / nx) % ny, first / (nx * ny)};
    vx_results res;
    vx_results_init(&res);
    kernel_fill(&j->roi, j->ms, c, j->fbn, k);
    int rc = vx_extract_run_families(&k->roi, j->s, j->s->features.families, &res, err);
    const size_t n = res.n;
    if (rc == VX_OK) {
        m->feature = malloc((n ? n : 1) * sizeof *m->feature);
        m->agg = malloc((n ? n : 1) * sizeof *m->agg);
        m->name = malloc((n ? n : 1) * sizeof *m->name);
        if (!m->feature || !m->agg || !m->name)
            rc = vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for %zu columns", n);
    }
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        m->feature[i] = res.rows[i].feature;
        m->agg[i] = res.rows[i].agg;
        char tag[96];
        if (j->s->compat == VX_COMPAT_PYRADIOMICS &&
            !vx_feature_pyradiomics_column(j->type ? j->type : "original", m->feature[i], m->agg[i], m->name[i],
                                           sizeof m->name[i]))
            continue;
        vx_feature_tag(m->feature[i], m->agg[i], tag, sizeof tag);
        snprintf(m->name[i], sizeof m->name[i], "%s%s%s", j->type ? j->type : "", j->type ? "_" : "", tag);
    }
    m->n_features = n;
    vx_results_free(&res);
    return rc;
}

/* The value of column k among the kernel's rows (row k when the order is the columns', as it always is). */
static double row_value(const vx_results *res, const vx_maps *m, size_t k)
{
    if (k < res->n && res->rows[k].feature == m->feature[k] && res->rows[k].agg == m->agg[k])
        return res->rows[k].value;
    for (size_t i = 0; i < res->n; i++)
        if (res->rows[i].feature == m->feature[k] && res->rows[i].agg == m->agg[k])
            return res->rows[i].value;
    return NAN;
}

/* A row of the ROI: its (y, z), its first and last ROI voxel's x, and the ordinal of the first among the ROI
 * voxels. */
typedef struct maps_row {
    size_t y, z, x0, x1, first;
} maps_row;

/* What one thread works with: a kernel as a small ROI, its rows, the sliding window (NULL without). */
typedef struct maps_worker {
    kernel k;
    vx_results res;
    vx_window *w;
} maps_worker;

/* The rows of the kernel of voxel c into t->res: the families of slide from the sliding window (positioned on c),
 * the others on the kernel as a small ROI, in family order (vx_extract's). */
static int kernel_rows(const maps_job *j, const size_t c[3], unsigned slide, maps_worker *t, vx_error *err)
{
    const unsigned fams = j->s->features.families;
    t->res.n = 0;
    if (fams & ~slide)
        kernel_fill(&j->roi, j->ms, c, j->fbn, &t->k);
    if (!slide)
        return vx_extract_run_families(&t->k.roi, j->s, fams, &t->res, err);
    int rc = VX_OK;
    for (int f = 0; f < VX_FAM_COUNT && rc == VX_OK; f++)
        if (fams & (1u << f))
            rc = slide & (1u << f) ? vx_window_rows(t->w, (vx_family)f, &t->res, err)
                                   : vx_extract_run_families(&t->k.roi, j->s, 1u << f, &t->res, err);
    return rc;
}

/* The ROI voxels of row, into m: the kernel slides from the row's first ROI voxel to its last. */
static int maps_row_run(const maps_job *j, const maps_row *row, unsigned slide, maps_worker *t, vx_maps *m,
                        vx_error *err)
{
    const size_t nx = j->roi.dims[0], ny = j->roi.dims[1];
    size_t v = row->first;
    if (slide)
        vx_window_start(t->w, row->x0, row->y, row->z);
    for (size_t x = row->x0; x <= row->x1; x++) {
        if (slide && x > row->x0)
            vx_window_step(t->w);
        const size_t idx = x + nx * (row->y + ny * row->z);
        if (!j->roi.imask[idx])
            continue;
        const size_t c[3] = {x, row->y, row->z};
        int rc = kernel_rows(j, c, slide, t, err);
        if (rc == VX_OK && t->res.n != m->n_features)
            rc = vx_error_set(err, VX_EINVAL, "%zu values where the first kernel gave %zu; report this", t->res.n,
                              m->n_features);
        if (rc != VX_OK) {
            vx_error_prefix(err, "voxel maps: voxel (%zu, %zu, %zu): ", x, row->y, row->z);
            return rc;
        }
        m->index[v] = idx;
        for (size_t f = 0; f < m->n_features; f++)
            m->values[f * m->n_vox + v] = row_value(&t->res, m, f);
        v++;
    }
    return VX_OK;
}

/* Every work unit (unit u: rows unit[u] .. unit[u + 1] - 1), in parallel over units, each thread with its own
 * kernel, rows and sliding window; a row is always computed from its start by one thread, so the maps do not
 * depend on the thread count or the units. The first failing unit's error is reported. */
static int maps_units(const maps_job *j, const maps_row *rows, const size_t *unit, size_t nu, unsigned slide,
                      vx_maps *m, vx_error *err)
{
    int *prc = calloc(nu ? nu : 1, sizeof *prc);
    vx_error *perr = calloc(nu ? nu : 1, sizeof *perr);
    if (!prc || !perr) {
        free(prc);
        free(perr);
        return vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory");
    }
    const int nt = j->ms->threads > 0 ? j->ms->threads : 1;
    vx_feature_settings fs = j->s->features;
    fs.compat = j->s->compat;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        maps_worker t;
        vx_results_init(&t.res);
        t.w = slide ? vx_window_new(&j->roi, j->ms->radius, j->ms->shape == VX_KERNEL_SPHERE, j->ms->masked, &fs, slide,
                                    j->fbn)
                    : NULL;
        const int ok = kernel_alloc(&t.k, j->ms->radius) == VX_OK && (!slide || t.w);
#pragma omp for schedule(dynamic, 1)
        for (size_t u = 0; u < nu; u++)
            for (size_t r = unit[u]; r < unit[u + 1] && prc[u] == VX_OK; r++)
                prc[u] = ok ? maps_row_run(j, &rows[r], slide, &t, m, &perr[u])
                            : vx_error_set(&perr[u], VX_ENOMEM, "voxel maps: out of memory for a kernel");
        kernel_free(&t.k);
        vx_results_free(&t.res);
        vx_window_free(t.w);
    }
    int rc = VX_OK;
    for (size_t u = 0; u < nu && rc == VX_OK; u++)
        if ((rc = prc[u]) != VX_OK && err)
            *err = perr[u];
    free(prc);
    free(perr);
    return rc;
}

/* The rows of the ROI of j holding ROI voxels, in scan order (*nr of them; *rows NULL when none), and the ROI
 * voxels' count. */
static int maps_rows(const maps_job *j, maps_row **rows, size_t *nr, size_t *nvox)
{
    const size_t nx = j->roi.dims[0], ny = j->roi.dims[1], nz = j->roi.dims[2];
    size_t n = 0, cap = 0, count = 0;
    *rows = NULL;
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++) {
            const uint8_t *im = j->roi.imask + nx * (y + ny * z);
            maps_row row = {y, z, SIZE_MAX, 0, count};
            for (size_t x = 0; x < nx; x++)
                if (im[x]) {
                    row.x0 = row.x0 == SIZE_MAX ? x : row.x0;
                    row.x1 = x;
                    count++;
                }
            if (row.x0 == SIZE_MAX)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                maps_row *g = realloc(*rows, cap * sizeof *g);
                if (!g)
                    return VX_ENOMEM;
                *rows = g;
            }
            (*rows)[n++] = row;
        }
    *nr = n;
    *nvox = count;
    return VX_OK;
}

/* The work units of the thread schedule: consecutive whole rows, each unit the fewest rows that hold at least
 * `batch` ROI voxels (voxelBatch; <= 0: one row), the last unit what is left. unit[0..*nu] (malloc'ed). */
static size_t *maps_unit_list(const maps_row *rows, size_t nr, size_t nvox, int batch, size_t *nu)
{
    size_t *unit = malloc((nr + 1) * sizeof *unit), n = 0;
    if (!unit)
        return NULL;
    const size_t want = batch > 0 ? (size_t)batch : 1;
    unit[0] = 0;
    for (size_t r = 0; r < nr; r++) {
        const size_t end = r + 1 < nr ? rows[r + 1].first : nvox;
        if (end - rows[unit[n]].first >= want || r + 1 == nr)
            unit[++n] = r + 1;
    }
    *nu = n;
    return unit;
}

/* The maps of the processed ROI of j. */
static int maps_run(const maps_job *j, vx_maps *m, vx_error *err)
{
    maps_row *rows = NULL;
    size_t nr = 0, nu = 0, *unit = NULL;
    int rc = maps_rows(j, &rows, &nr, &m->n_vox);
    if (rc == VX_OK && !(unit = maps_unit_list(rows, nr, m->n_vox, j->ms->batch, &nu)))
        rc = VX_ENOMEM;
    kernel k;
    memset(&k, 0, sizeof k);
    if (rc != VX_OK || kernel_alloc(&k, j->ms->radius) != VX_OK)
        rc = vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for the rows of the ROI");
    if (rc == VX_OK && nr > 0)
        rc = maps_columns(j, rows[0].x0 + j->roi.dims[0] * (rows[0].y + j->roi.dims[1] * rows[0].z), &k, m, err);
    kernel_free(&k);
    if (rc == VX_OK) {
        m->index = malloc((m->n_vox ? m->n_vox : 1) * sizeof *m->index);
        const size_t nv = m->n_vox * m->n_features;
        m->values = malloc((nv ? nv : 1) * sizeof *m->values);
        if (!m->index || !m->values)
            rc = vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for %zu maps of %zu voxels",
                              m->n_features, m->n_vox);
    }
    vx_feature_settings fs = j->s->features;
    fs.compat = j->s->compat;
    const unsigned slide = j->sliding ? vx_window_families(&fs, fs.families, j->roi.n_grey) : 0u;
    if (rc == VX_OK)
        rc = maps_units(j, rows, unit, nu, slide, m, err);
    free(rows);
    free(unit);
    return rc;
}

/* The response map of filter t on the processed ROI of j (the whole grid) as a derived ROI, discretised as
 * vx_extract discretises a response map (its own discretisation, else the top-level method without its lower
 * bound, except with compat pyradiomics); jf: j on it. Release with vx_roi_free_derived. */
static int filter_job(const maps_job *j, const vx_image_type_settings *t, vx_fft_cache *fft, maps_job *jf,
                      vx_error *err)
{
    const size_t n = j->roi.dims[0] * j->roi.dims[1] * j->roi.dims[2];
    double *in = malloc((n ? n : 1) * sizeof *in), *res = malloc((n ? n : 1) * sizeof *res);
    float *map = malloc((n ? n : 1) * sizeof *map);
    int rc = in && res && map ? VX_OK : vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for a response map");
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        in[i] = j->roi.img[i];
    vx_filter_spec f = t->filter;
    f.slice_axis = j->s->features.slice_axis;
    if (rc == VX_OK)
        rc = vx_filter_apply(fft, &f, in, j->roi.dims, j->roi.spacing, res, err);
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        if (!isfinite(map[i] = (float)res[i]) && j->roi.imask[i])
            rc = vx_error_set(err, VX_ENAN, "the response map is not finite inside the ROI; check the filter");
    free(in);
    free(res);
    vx_discretisation tex = t->own_texture_disc ? t->texture_disc : j->s->texture_disc;
    vx_discretisation ivh = t->own_ivh_disc ? t->ivh_disc : j->s->ivh_disc;
    if (!t->own_texture_disc && j->s->compat != VX_COMPAT_PYRADIOMICS)
        tex.min_value = NAN;
    *jf = *j;
    jf->type = t->name;
    jf->fbn = tex.method == VX_DISC_FBN;
    if (rc != VX_OK) {
        free(map);
        memset(&jf->roi, 0, sizeof jf->roi);
    } else {
        rc = vx_roi_derive(&j->roi, map, j->s, &tex, &ivh, j->s->features.families, &jf->roi, err);
    }
    if (rc == VX_OK && !j->ms->masked && jf->roi.grey) /* the response map's lower bound, as vx_roi_derive's */
        rc = unmasked_grey(&jf->roi, &tex, tex.method == VX_DISC_FBS ? tex.min_value : NAN, j->s->compat,
                           j->ms->radius, err);
    if (rc != VX_OK)
        vx_error_prefix(err, "voxel maps: image type '%s': ", t->name);
    return rc;
}

/* The columns of part appended to m (same ROI voxels); part is emptied. */
static int maps_append(vx_maps *m, vx_maps *part, vx_error *err)
{
    if (!m->n_features) {
        const vx_geometry g = m->geom;
        const double init = m->init_value;
        vx_maps_free(m);
        *m = *part;
        m->geom = g;
        m->init_value = init;
        memset(part, 0, sizeof *part);
        return VX_OK;
    }
    const size_t nf = m->n_features + part->n_features, nv = m->n_vox;
    const size_t nval = nf * nv;
    double *v = realloc(m->values, (nval ? nval : 1) * sizeof *v);
    m->values = v ? v : m->values;
    vx_feature_id *f = v ? realloc(m->feature, nf * sizeof *f) : NULL;
    m->feature = f ? f : m->feature;
    vx_agg *a = f ? realloc(m->agg, nf * sizeof *a) : NULL;
    m->agg = a ? a : m->agg;
    char(*nm)[168] = a ? realloc(m->name, nf * sizeof *nm) : NULL;
    m->name = nm ? nm : m->name;
    if (!nm)
        return vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for %zu maps", nf);
    memcpy(m->values + m->n_features * nv, part->values, part->n_features * nv * sizeof *v);
    memcpy(m->feature + m->n_features, part->feature, part->n_features * sizeof *f);
    memcpy(m->agg + m->n_features, part->agg, part->n_features * sizeof *a);
    memcpy(m->name + m->n_features, part->name, part->n_features * sizeof *nm);
    m->n_features = nf;
    vx_maps_free(part);
    return VX_OK;
}

/* The maps of every image type of j's settings into out: the original image, then each filter's. */
static int maps_image_types(const maps_job *j, vx_maps *out, vx_error *err)
{
    int rc = j->s->image_original ? maps_run(j, out, err) : VX_OK;
    vx_fft_cache *fft = NULL;
    if (rc == VX_OK && j->s->n_filters)
        rc = vx_fft_cache_new(&fft, err);
    for (int i = 0; rc == VX_OK && i < j->s->n_filters; i++) {
        maps_job jf;
        vx_maps part = {0};
        rc = filter_job(j, &j->s->filters[i], fft, &jf, err);
        if (rc == VX_OK)
            rc = maps_run(&jf, &part, err);
        if (rc == VX_OK)
            rc = maps_append(out, &part, err);
        vx_maps_free(&part);
        vx_roi_free_derived(&jf.roi);
    }
    vx_fft_cache_free(fft);
    return rc;
}

/* Only the columns of the features requested (a PyRadiomics featureClass list, vx_settings_feature_wanted):
 * the families compute every feature, and the maps keep what was asked, as an extraction's table does. */
static void maps_keep_wanted(const vx_settings *s, vx_maps *m)
{
    size_t k = 0;
    for (size_t f = 0; f < m->n_features; f++) {
        if (!vx_settings_feature_wanted(s, m->feature[f]))
            continue;
        if (k != f) {
            memmove(m->values + k * m->n_vox, m->values + f * m->n_vox, m->n_vox * sizeof *m->values);
            m->feature[k] = m->feature[f];
            m->agg[k] = m->agg[f];
            memcpy(m->name[k], m->name[f], sizeof m->name[k]);
        }
        k++;
    }
    m->n_features = k;
}

int vx_maps_compute(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                    vx_maps *out, vx_error *err)
{
    return vx_maps_compute_path(img, mask, s, ms, 1, out, err);
}

int vx_maps_compute_path(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                         int sliding, vx_maps *out, vx_error *err)
{
    memset(out, 0, sizeof *out);
    maps_job j;
    memset(&j, 0, sizeof j);
    j.ms = ms;
    j.sliding = sliding;
    int rc = vx_settings_validate(s, err);
    if (rc == VX_OK)
        rc = job_check(s, ms, err);
    if (rc == VX_OK)
        rc = vx_geometry_validate(&img->geom, "image", NULL, err);
    if (rc == VX_OK && !(j.s = malloc(sizeof *j.s)))
        rc = vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for the settings");
    if (rc == VX_OK) {
        *j.s = *s;
        j.s->features.families &= MAPS_FAMILIES;
        j.s->features.aggregations &= MAPS_AGGS;
        j.s->features.threads = 1;
        j.s->diagnostics = 0;
        j.fbn = s->texture_disc.method == VX_DISC_FBN;
        rc = job_roi(img, mask, &j, err);
    }
    if (rc == VX_OK && !ms->masked && (s->features.families & VX_ROI_GREY_FAMILIES)) {
        /* the ROI's lower bound (discretise_texture in roi.c): min, else the re-segmentation bound */
        const vx_discretisation *d = &s->texture_disc;
        double fbs_min = s->compat == VX_COMPAT_PYRADIOMICS || !isnan(d->min_value) ? d->min_value : s->reseg_min;
        rc = unmasked_grey(&j.roi, d, d->method == VX_DISC_FBS ? fbs_min : NAN, s->compat, ms->radius, err);
    }
    out->init_value = ms->init_value;
    out->geom = j.grid;
    if (rc == VX_OK)
        rc = maps_image_types(&j, out, err);
    if (rc == VX_OK && s->feature_subset)
        maps_keep_wanted(s, out);
    vx_roi_free(&j.roi);
    vx_image_free(j.pimg);
    vx_image_free(j.pmask);
    free(j.s);
    return rc;
}

int vx_maps_image(const vx_maps *m, size_t k, vx_image **out, vx_error *err)
{
    *out = NULL;
    if (k >= m->n_features)
        return vx_error_set(err, VX_EINVAL, "voxel maps: no column %zu (%zu maps)", k, m->n_features);
    vx_image *im = vx_image_new(&m->geom);
    if (!im)
        return vx_error_set(err, VX_ENOMEM, "voxel maps: out of memory for a %zux%zux%zu map", m->geom.dims[0],
                            m->geom.dims[1], m->geom.dims[2]);
    const size_t n = vx_geometry_count(&m->geom);
    for (size_t i = 0; i < n; i++)
        im->v[i] = (float)m->init_value;
    for (size_t i = 0; i < m->n_vox; i++)
        im->v[m->index[i]] = (float)m->values[k * m->n_vox + i];
    im->pixel_type = VX_PIXEL_REAL;
    *out = im;
    return VX_OK;
}
