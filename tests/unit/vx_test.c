/* voxomics test helpers.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static char data_dir[4096];
static char path_buf[4096];
static char tmp_dir[4096];

const char *vx_test_data_dir(void)
{
    const char *d = getenv("VOXOMICS_DATA");
    if (d && *d)
        return d;
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(data_dir, sizeof data_dir, "%s/../shared", src ? src : ".");
    return data_dir;
}

const char *vx_test_data(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", vx_test_data_dir(), rel);
    return path_buf;
}

const char *vx_test_tmpdir(void)
{
    if (!tmp_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/vxtest.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir))
            snprintf(tmp_dir, sizeof tmp_dir, "%s", t && *t ? t : "/tmp");
    }
    return tmp_dir;
}

int vx_test_ibsi_match(double x, double ref, double tol)
{
    if (!isfinite(x))
        return 0;
    double diff = fabs(ref - x);
    /* truncate toward zero at the reference's third significant digit (Excel ROUNDDOWN) */
    int e = ref == 0.0 ? 2 : (int)floor(log10(fabs(ref)));
    double unit = pow(10.0, e - 2);
    double trunc = floor(diff / unit * (1.0 + 1e-12)) * unit;
    return trunc <= tol * (1.0 + 1e-12);
}

/* ---- double comparisons ------------------------------------------------------------------------------ */

void vx_test_assert_near(double a, double b, double tol, int relative, const char *expr, const char *file, int line)
{
    const double lim = relative ? tol * (1.0 + fabs(b)) : tol;
    if (!(fabs(a - b) <= lim)) {
        print_error("%s = %.17g, expected %.17g (%s tolerance %g)\n", expr, a, b, relative ? "relative" : "absolute",
                    tol);
        _fail(file, line);
    }
}

/* ---- test ROI ------------------------------------------------------------------------------------------ */

void vx_test_roi_init(vx_test_roi *t, size_t nx, size_t ny, size_t nz)
{
    memset(t, 0, sizeof *t);
    const size_t n = nx * ny * nz;
    t->img = calloc(n, sizeof *t->img);
    t->mask = calloc(n, sizeof *t->mask);
    t->grey = calloc(n, sizeof *t->grey);
    assert_non_null(t->img);
    assert_non_null(t->mask);
    assert_non_null(t->grey);
    vx_roi *r = &t->roi;
    r->dims[0] = nx;
    r->dims[1] = ny;
    r->dims[2] = nz;
    r->spacing[0] = r->spacing[1] = r->spacing[2] = 1.0;
    r->img = t->img;
    r->imask = t->mask;
    r->mmask = t->mask;
    r->grey = t->grey;
}

void vx_test_roi_set(vx_test_roi *t, size_t x, size_t y, size_t z, int level)
{
    const size_t i = x + t->roi.dims[0] * (y + t->roi.dims[1] * z);
    t->img[i] = (float)level;
    t->mask[i] = 1;
    t->grey[i] = level;
}

void vx_test_roi_finish(vx_test_roi *t)
{
    vx_roi *r = &t->roi;
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0}, n = 0;
    int ng = 0;
    for (size_t z = 0; z < r->dims[2]; z++)
        for (size_t y = 0; y < r->dims[1]; y++)
            for (size_t x = 0; x < r->dims[0]; x++) {
                const size_t i = x + r->dims[0] * (y + r->dims[1] * z);
                if (!t->mask[i])
                    continue;
                const size_t c[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    if (c[a] < lo[a])
                        lo[a] = c[a];
                    if (c[a] + 1 > hi[a])
                        hi[a] = c[a] + 1;
                }
                n++;
                if (t->grey[i] > ng)
                    ng = t->grey[i];
            }
    for (int a = 0; a < 3; a++) {
        r->box_lo[a] = n ? lo[a] : 0;
        r->box_hi[a] = n ? hi[a] : 0;
    }
    r->n_imask = r->n_mmask = n;
    r->n_grey = ng;
}

void vx_test_roi_free(vx_test_roi *t)
{
    free(t->img);
    free(t->mask);
    free(t->grey);
}

void vx_test_roi_place(vx_test_roi *t, const size_t dims[3], const size_t off[3], const size_t nv[3],
                       const int *v, const uint8_t *m, int n_grey)
{
    vx_test_roi_init(t, dims[0], dims[1], dims[2]);
    const size_t n = dims[0] * dims[1] * dims[2];
    for (size_t i = 0; i < n; i++)
        t->img[i] = (float)(1 + (int)((i * 7u) % 9u)); /* distractors: outside the mask */
    for (size_t z = 0; z < nv[2]; z++)
        for (size_t y = 0; y < nv[1]; y++)
            for (size_t x = 0; x < nv[0]; x++) {
                const size_t s = x + nv[0] * (y + nv[1] * z);
                const size_t cx = x + off[0], cy = y + off[1], cz = z + off[2];
                t->img[cx + dims[0] * (cy + dims[1] * cz)] = (float)v[s];
                if (!m || m[s])
                    vx_test_roi_set(t, cx, cy, cz, v[s]);
            }
    vx_test_roi_finish(t);
    if (n_grey > 0)
        t->roi.n_grey = n_grey;
}

void vx_test_roi_grid(vx_test_roi *t, size_t nx, size_t ny, size_t nz, const int *v, const uint8_t *m)
{
    const size_t dims[3] = {nx, ny, nz}, off[3] = {0, 0, 0};
    vx_test_roi_place(t, dims, off, dims, v, m, 0);
    for (int a = 0; a < 3; a++) {
        t->roi.box_lo[a] = 0;
        t->roi.box_hi[a] = dims[a];
    }
}

void vx_test_roi_random(vx_test_roi *t, unsigned seed, size_t nx, size_t ny, size_t nz, int ng)
{
    vx_test_roi_init(t, nx, ny, nz);
    unsigned s = seed;
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                s = s * 1103515245u + 12345u;
                const unsigned r = (s >> 16) & 0x7fff;
                if (r % 4 != 0)
                    vx_test_roi_set(t, x, y, z, 1 + (int)(r / 4 % (unsigned)ng));
            }
    vx_test_roi_finish(t);
    t->roi.n_grey = ng;
}

int vx_test_roi_level(const vx_test_roi *t, long x, long y, long z)
{
    const vx_roi *r = &t->roi;
    if (x < 0 || y < 0 || z < 0 || x >= (long)r->dims[0] || y >= (long)r->dims[1] || z >= (long)r->dims[2])
        return 0;
    const size_t i = (size_t)x + r->dims[0] * ((size_t)y + r->dims[1] * (size_t)z);
    return t->mask[i] ? t->grey[i] : 0;
}

/* ---- IBSI 1 digital phantom ---------------------------------------------------------------------------- */

const int vx_test_phantom_img[80] = {
    1, 4, 4, 1, 1, 1, 4, 6, 1, 1, 4, 1, 6, 4, 1, 4, 4, 6, 4, 1, /* z = 0 */
    1, 4, 4, 1, 1, 1, 1, 6, 1, 1, 1, 1, 3, 1, 1, 4, 4, 6, 1, 1, /* z = 1 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 1, 1, 1, 1, 6, 1, 1, /* z = 2 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1, 1, /* z = 3 */
};
const uint8_t vx_test_phantom_mask[80] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 1 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, /* z = 2 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 3 */
};

void vx_test_phantom_roi(vx_test_roi *t, const size_t dims[3], const size_t off[3], int n_grey)
{
    const size_t nv[3] = {VX_TEST_PHANTOM_NX, VX_TEST_PHANTOM_NY, VX_TEST_PHANTOM_NZ};
    vx_test_roi_place(t, dims, off, nv, vx_test_phantom_img, vx_test_phantom_mask, n_grey);
    t->roi.spacing[0] = t->roi.spacing[1] = t->roi.spacing[2] = 2.0;
}

/* ---- reference values ------------------------------------------------------------------------------------ */

/* CSV field splitter with double-quote handling, in place; returns the number of fields. */
int vx_test_csv_split(char *line, char **f, int maxf)
{
    int n = 0;
    char *p = line;
    while (n < maxf) {
        char *w = p;
        f[n++] = w;
        int q = 0;
        while (*p && (q || (*p != ',' && *p != '\n' && *p != '\r'))) {
            if (*p == '"') {
                if (q && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                    continue;
                }
                q = !q;
                p++;
                continue;
            }
            *w++ = *p++;
        }
        const int end = *p != ',';
        *w = '\0';
        if (end)
            break;
        p++;
    }
    return n;
}

typedef struct ref_row {
    char tag[64];
    double value, tol;
    int used;
} ref_row;

size_t vx_test_check_reference(const vx_results *res, const char *dataset, vx_family fam, unsigned aggs)
{
    const char *path = vx_test_data("ibsi/ibsi1/reference_values.csv");
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("cannot read %s (set VOXOMICS_DATA)", path);
    ref_row *rows = NULL;
    size_t n = 0, cap = 0;
    char line[4096];
    while (fgets(line, sizeof line, fp)) {
        char *f[20];
        const int nf = vx_test_csv_split(line, f, 20);
        if (nf < 11 || strcmp(f[0], dataset) != 0 || f[9][0] == '\0')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            rows = realloc(rows, cap * sizeof *rows);
            assert_non_null(rows);
        }
        snprintf(rows[n].tag, sizeof rows[n].tag, "%s", f[8]);
        rows[n].value = strtod(f[9], NULL);
        rows[n].tol = f[10][0] ? strtod(f[10], NULL) : 0.0;
        rows[n].used = 0;
        n++;
    }
    fclose(fp);

    const vx_family_info *fi = vx_family_get(fam);
    assert_non_null(fi);
    const int all = aggs == 0;
    if (all)
        aggs = fi->aggregations;
    const vx_feature_id first = vx_feature_first(fam);
    const size_t nfeat = vx_feature_count(fam);
    size_t checked = 0, failed = 0;
    for (int a = 0; a < VX_AGG_COUNT; a++) {
        if (!(aggs & VX_AGGBIT(a)))
            continue;
        for (size_t k = 0; k < nfeat; k++) {
            const vx_feature_id id = (vx_feature_id)(first + (int)k);
            if (vx_feature_get(id)->flags & VX_FF_PYRADIOMICS)
                continue; /* not an IBSI feature */
            char tag[96];
            assert_int_equal(vx_feature_tag(id, (vx_agg)a, tag, sizeof tag), VX_OK);
            ref_row *ref = NULL;
            for (size_t i = 0; i < n && !ref; i++)
                if (!strcmp(rows[i].tag, tag))
                    ref = &rows[i];
            if (!ref) {
                print_error("%s: no reference value for dataset %s\n", tag, dataset);
                failed++;
                continue;
            }
            ref->used = 1;
            const double x = vx_results_get(res, id, (vx_agg)a);
            checked++;
            if (!vx_test_ibsi_match(x, ref->value, ref->tol)) {
                print_error("%s: %.6g, reference %.6g (tolerance %g)\n", tag, x, ref->value, ref->tol);
                failed++;
            }
        }
    }
    /* with all aggregations, every reference value of the family must have been checked */
    const size_t plen = strlen(fi->tag_prefix);
    for (size_t i = 0; all && i < n; i++)
        if (!rows[i].used && !strncmp(rows[i].tag, fi->tag_prefix, plen) && rows[i].tag[plen] == '_') {
            print_error("%s: reference value %.6g not checked\n", rows[i].tag, rows[i].value);
            failed++;
        }
    free(rows);
    assert_int_equal(failed, 0);
    return checked;
}

void vx_test_assert_results_identical(const vx_results *a, const vx_results *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->rows[i].feature, b->rows[i].feature);
        assert_int_equal(a->rows[i].agg, b->rows[i].agg);
        assert_memory_equal(&a->rows[i].value, &b->rows[i].value, sizeof(double));
    }
}

char *vx_test_slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len)
        len = 0;
    if (b)
        b[len] = '\0';
    fclose(f);
    if (n)
        *n = b ? (size_t)len : 0;
    return b;
}

/* The image at src with its axes permuted (the new axis k is the old axis ax[k]; spacing and direction columns follow, the
 * origin stays: the same voxels in space), written to path (NIfTI); keep: only the voxels of slice z = keep
 * (-1: all), the others 0. */
void vx_test_write_permuted(const char *src, const int ax[3], int keep, const char *path)
{
    vx_image *img = NULL;
    vx_error err;
    if (vx_image_read(src, &img, &err) != VX_OK)
        fail_msg("%s", err.msg);
    vx_geometry g = img->geom;
    for (int k = 0; k < 3; k++) {
        g.dims[k] = img->geom.dims[ax[k]];
        g.spacing[k] = img->geom.spacing[ax[k]];
        for (int r = 0; r < 3; r++)
            g.direction[3 * r + k] = img->geom.direction[3 * r + ax[k]];
    }
    vx_image *out = vx_image_new(&g);
    assert_non_null(out);
    const size_t *d = img->geom.dims, st[3] = {1, d[0], d[0] * d[1]};
    size_t o = 0;
    for (size_t k = 0; k < g.dims[2]; k++)
        for (size_t j = 0; j < g.dims[1]; j++)
            for (size_t i = 0; i < g.dims[0]; i++, o++) {
                const size_t c[3] = {i, j, k}; /* the old coordinate along ax[m] is c[m] */
                size_t z = 0, at = 0;
                for (int m = 0; m < 3; m++) {
                    at += c[m] * st[ax[m]];
                    if (ax[m] == 2)
                        z = c[m];
                }
                out->v[o] = keep < 0 || z == (size_t)keep ? img->v[at] : 0.0f;
            }
    assert_int_equal(vx_nifti_write(path, out, 1, &err), VX_OK);
    vx_image_free(out);
    vx_image_free(img);
}

const char *vx_test_tmp(const char *name)
{
    static char buf[8][4200];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

int vx_test_voxomics(const char *args)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' %s 2>'%s'", getenv("VX_BUILD_DIR"), args, vx_test_tmp("stderr.txt"));
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
