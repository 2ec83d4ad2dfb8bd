/* Unit tests: NIfTI-1/2 reader and writer (src/io/nifti.c) and vx_image_read (src/io/image_read.c).
 *
 * Test files are written byte by byte here (an encoder independent of the library's writer), in both byte
 * orders, both NIfTI versions, plain and gzip. The IBSI phantoms from $VOXOMICS_DATA check real-world headers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "voxomics/io.h"
#include "vx_test.h"

/* ---- test helpers ---- */

static const char *tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

static void put(unsigned char *p, uint64_t v, int n, int be)
{
    for (int i = 0; i < n; i++)
        p[be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put_f32(unsigned char *p, double d, int be)
{
    float f = (float)d;
    uint32_t u;
    memcpy(&u, &f, 4);
    put(p, u, 4, be);
}

static void put_f64(unsigned char *p, double d, int be)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    put(p, u, 8, be);
}

/* A header described by its fields; encoded by hand below. */
typedef struct thdr {
    int version, be, pair, analyze;
    int64_t dim[8];
    int datatype, bitpix;
    double pixdim[8];
    double vox_offset, slope, inter;
    int qcode, scode;
    double quat[3], qoff[3], srow[3][4];
} thdr;

static void thdr_init(thdr *h, int version, int be, int datatype, int64_t nx, int64_t ny, int64_t nz)
{
    memset(h, 0, sizeof *h);
    h->version = version;
    h->be = be;
    h->dim[0] = 3;
    h->dim[1] = nx;
    h->dim[2] = ny;
    h->dim[3] = nz;
    for (int i = 4; i < 8; i++)
        h->dim[i] = 1;
    h->datatype = datatype;
    for (int i = 0; i < 8; i++)
        h->pixdim[i] = 1.0;
    h->vox_offset = version == 1 ? 352 : 544;
}

/* Encode h into buf (352 or 544 bytes: header + 4 zero extension bytes); returns the length. */
static size_t thdr_encode(const thdr *h, unsigned char *buf)
{
    int B = h->be;
    memset(buf, 0, 544);
    if (h->version == 1) {
        put(buf, 348, 4, B);
        for (int i = 0; i < 8; i++) {
            put(buf + 40 + 2 * i, (uint64_t)h->dim[i], 2, B);
            put_f32(buf + 76 + 4 * i, h->pixdim[i], B);
        }
        put(buf + 70, (uint64_t)h->datatype, 2, B);
        put(buf + 72, (uint64_t)h->bitpix, 2, B);
        put_f32(buf + 108, h->vox_offset, B);
        put_f32(buf + 112, h->slope, B);
        put_f32(buf + 116, h->inter, B);
        put(buf + 252, (uint64_t)h->qcode, 2, B);
        put(buf + 254, (uint64_t)h->scode, 2, B);
        for (int i = 0; i < 3; i++) {
            put_f32(buf + 256 + 4 * i, h->quat[i], B);
            put_f32(buf + 268 + 4 * i, h->qoff[i], B);
            for (int c = 0; c < 4; c++)
                put_f32(buf + 280 + 16 * i + 4 * c, h->srow[i][c], B);
        }
        if (!h->analyze)
            memcpy(buf + 344, h->pair ? "ni1" : "n+1", 4);
        return 352;
    }
    put(buf, 540, 4, B);
    memcpy(buf + 4, h->pair ? "ni2\0\r\n\032\n" : "n+2\0\r\n\032\n", 8);
    put(buf + 12, (uint64_t)h->datatype, 2, B);
    put(buf + 14, (uint64_t)h->bitpix, 2, B);
    for (int i = 0; i < 8; i++) {
        put(buf + 16 + 8 * i, (uint64_t)h->dim[i], 8, B);
        put_f64(buf + 104 + 8 * i, h->pixdim[i], B);
    }
    put(buf + 168, (uint64_t)(int64_t)h->vox_offset, 8, B);
    put_f64(buf + 176, h->slope, B);
    put_f64(buf + 184, h->inter, B);
    put(buf + 344, (uint64_t)h->qcode, 4, B);
    put(buf + 348, (uint64_t)h->scode, 4, B);
    for (int i = 0; i < 3; i++) {
        put_f64(buf + 352 + 8 * i, h->quat[i], B);
        put_f64(buf + 376 + 8 * i, h->qoff[i], B);
        for (int c = 0; c < 4; c++)
            put_f64(buf + 400 + 32 * i + 8 * c, h->srow[i][c], B);
    }
    return 544;
}

/* Write a then b to path; gzip-compressed when the name ends in ".gz". */
static void write_file(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
        gzFile gz = gzopen(path, "wb");
        assert_non_null(gz);
        if (na && a)
            assert_int_equal(gzwrite(gz, a, (unsigned)na), (int)na);
        if (nb && b)
            assert_int_equal(gzwrite(gz, b, (unsigned)nb), (int)nb);
        assert_int_equal(gzclose(gz), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        if (na && a)
            assert_int_equal(fwrite(a, 1, na, f), na);
        if (nb && b)
            assert_int_equal(fwrite(b, 1, nb, f), nb);
        assert_int_equal(fclose(f), 0);
    }
}

/* Write bytes as they are, whatever the name. */
static void write_raw(const char *path, const void *a, size_t na)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (na && a)
        assert_int_equal(fwrite(a, 1, na, f), na);
    assert_int_equal(fclose(f), 0);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Write header + raw data to path and read it back (expect success). */
static vx_image *write_and_read(const char *path, const thdr *h, const void *data, size_t nbytes)
{
    unsigned char hb[544];
    size_t hl = thdr_encode(h, hb);
    write_file(path, hb, hl, data, nbytes);
    vx_image *img = NULL;
    vx_error err = {0};
    int rc = vx_nifti_read(path, &img, &err);
    if (rc != VX_OK)
        fail_msg("%s: rc %d: %s", path, rc, err.msg);
    assert_non_null(img);
    return img;
}

/* Write header + data and expect the read to fail with code; returns the message (static buffer). */
static const char *write_and_fail(const char *path, const thdr *h, const void *data, size_t nbytes, int code)
{
    static vx_error err;
    unsigned char hb[544];
    size_t hl = thdr_encode(h, hb);
    write_file(path, hb, hl, data, nbytes);
    vx_image *img = (vx_image *)&err; /* must be reset to NULL */
    int rc = vx_nifti_read(path, &img, &err);
    if (rc != code)
        fail_msg("%s: expected rc %d, got %d (%s)", path, code, rc, err.msg);
    assert_null(img);
    assert_int_equal(err.code, code);
    return err.msg;
}

static void assert_geom(const vx_geometry *g, const double sp[3], const double org[3], const double dir[9],
                        double tol)
{
    for (int i = 0; i < 3; i++) {
        if (fabs(g->spacing[i] - sp[i]) > tol || fabs(g->origin[i] - org[i]) > tol)
            fail_msg("axis %d: spacing %.9g (want %.9g), origin %.9g (want %.9g)", i, g->spacing[i], sp[i],
                     g->origin[i], org[i]);
    }
    for (int i = 0; i < 9; i++)
        if (fabs(g->direction[i] - dir[i]) > tol)
            fail_msg("direction[%d] = %.9g, want %.9g", i, g->direction[i], dir[i]);
}

static const double ID[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};

/* Rotation by angle about the unit axis (x, y, z), row-major (Rodrigues). */
static void rotation(double x, double y, double z, double angle, double R[9])
{
    double n = sqrt(x * x + y * y + z * z);
    x /= n;
    y /= n;
    z /= n;
    double c = cos(angle), s = sin(angle), t = 1 - c;
    double M[9] = {t * x * x + c,     t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c,
                   t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c};
    memcpy(R, M, sizeof M);
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* ---- round trip through the writer ---- */

static vx_image *make_image(size_t nx, size_t ny, size_t nz, int flip)
{
    vx_geometry g;
    vx_geometry_default(&g, nx, ny, nz);
    g.spacing[0] = 0.7;
    g.spacing[1] = 1.3;
    g.spacing[2] = 2.5;
    g.origin[0] = -10.5;
    g.origin[1] = 20.25;
    g.origin[2] = 3.0;
    rotation(1, 2, 3, 0.5, g.direction);
    if (flip) /* improper direction (det -1): stored with qfac = -1 */
        for (int r = 0; r < 3; r++)
            g.direction[3 * r + 1] = -g.direction[3 * r + 1];
    vx_image *img = vx_image_new(&g);
    assert_non_null(img);
    uint32_t s = 7;
    size_t n = nx * ny * nz;
    for (size_t i = 0; i < n; i++)
        img->v[i] = (float)((double)lcg(&s) / 65536.0 - 128.0);
    img->v[0] = NAN;
    if (n > 3) {
        img->v[1] = INFINITY;
        img->v[2] = -0.0f;
        img->v[3] = 1e-40f; /* subnormal */
    }
    return img;
}

static void roundtrip_case(int version, const char *name, int flip)
{
    vx_image *img = make_image(5, 4, 3, flip);
    vx_error err = {0};
    const char *path = tmp(name);
    int rc = vx_nifti_write(path, img, version, &err);
    if (rc)
        fail_msg("write %s: %s", path, err.msg);
    vx_image *back = NULL;
    rc = vx_nifti_read(path, &back, &err);
    if (rc)
        fail_msg("read %s: %s", path, err.msg);
    for (int i = 0; i < 3; i++)
        assert_int_equal(back->geom.dims[i], img->geom.dims[i]);
    assert_memory_equal(back->v, img->v, 60 * sizeof(float)); /* bit-exact, NaN and -0 included */
    double tol = version == 1 ? 2e-6 : 1e-12;
    assert_geom(&back->geom, img->geom.spacing, img->geom.origin, img->geom.direction, tol);
    vx_image_free(back);

    /* The qform alone must give the same geometry: clear sform_code in the (uncompressed) file. */
    if (strstr(name, ".gz") == NULL) {
        size_t len;
        unsigned char *b = slurp(path, &len);
        if (version == 1)
            put(b + 254, 0, 2, 0);
        else
            put(b + 348, 0, 4, 0);
        const char *q = tmp("qform_only.nii");
        write_file(q, b, len, NULL, 0);
        free(b);
        rc = vx_nifti_read(q, &back, &err);
        if (rc)
            fail_msg("read %s: %s", q, err.msg);
        assert_geom(&back->geom, img->geom.spacing, img->geom.origin, img->geom.direction,
                    version == 1 ? 2e-6 : 1e-9);
        assert_memory_equal(back->v, img->v, 60 * sizeof(float));
        vx_image_free(back);
    }
    vx_image_free(img);
}

static void test_roundtrip(void **state)
{
    (void)state;
    roundtrip_case(1, "rt1.nii", 0);
    roundtrip_case(1, "rt1.nii.gz", 0);
    roundtrip_case(2, "rt2.nii", 0);
    roundtrip_case(2, "rt2.nii.gz", 0);
    roundtrip_case(1, "rt1f.nii", 1);
    roundtrip_case(2, "rt2f.nii", 1);
    roundtrip_case(2, "rt2f.nii.gz", 1);
}

/* The writer's header, decoded by hand: identity LPS direction, spacing (2, 3, 4), origin (-10, -20, 30)
 * must give srow = [[-2,0,0,10],[0,-3,0,20],[0,0,4,30]] (RAS), quatern (0, 0, 1) (180 degrees about z), qfac 1. */
static void test_writer_header(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 3, 2, 1);
    g.spacing[0] = 2;
    g.spacing[1] = 3;
    g.spacing[2] = 4;
    g.origin[0] = -10;
    g.origin[1] = -20;
    g.origin[2] = 30;
    vx_image *img = vx_image_new(&g);
    for (int i = 0; i < 6; i++)
        img->v[i] = (float)i;
    vx_error err = {0};
    for (int version = 1; version <= 2; version++) {
        const char *path = tmp(version == 1 ? "hdr1.nii" : "hdr2.nii");
        assert_int_equal(vx_nifti_write(path, img, version, &err), VX_OK);
        size_t len;
        unsigned char *b = slurp(path, &len);
        const double srow[3][4] = {{-2, 0, 0, 10}, {0, -3, 0, 20}, {0, 0, 4, 30}};
        if (version == 1) {
            assert_int_equal(len, 352 + 24);
            assert_memory_equal(b + 344, "n+1", 4);
            uint32_t u;
            float f;
            memcpy(&u, b, 4);
            assert_int_equal(u, 348); /* written little endian (test host is little endian) */
            int16_t s16;
            memcpy(&s16, b + 70, 2);
            assert_int_equal(s16, 16);
            memcpy(&s16, b + 252, 2);
            assert_int_equal(s16, 1);
            memcpy(&s16, b + 254, 2);
            assert_int_equal(s16, 1);
            memcpy(&f, b + 108, 4);
            assert_true(f == 352.0f);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++) {
                    memcpy(&f, b + 280 + 16 * r + 4 * c, 4);
                    assert_true(f == (float)srow[r][c]);
                }
            const double quat[6] = {0, 0, 1, 10, 20, 30};
            for (int i = 0; i < 6; i++) {
                memcpy(&f, b + 256 + 4 * i, 4);
                assert_true(fabs(f - quat[i]) < 1e-7);
            }
            memcpy(&f, b + 76, 4);
            assert_true(f == 1.0f);
            memcpy(&f, b + 352 + 4 * 5, 4);
            assert_true(f == 5.0f);
        } else {
            assert_int_equal(len, 544 + 24);
            assert_memory_equal(b + 4, "n+2\0\r\n\032\n", 8);
            int64_t i64;
            double d;
            memcpy(&i64, b + 168, 8);
            assert_int_equal(i64, 544);
            memcpy(&i64, b + 16, 8);
            assert_int_equal(i64, 3);
            memcpy(&i64, b + 24, 8);
            assert_int_equal(i64, 3);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++) {
                    memcpy(&d, b + 400 + 32 * r + 8 * c, 8);
                    assert_true(d == srow[r][c]);
                }
            const double quat[6] = {0, 0, 1, 10, 20, 30};
            for (int i = 0; i < 6; i++) {
                memcpy(&d, b + 352 + 8 * i, 8);
                assert_true(fabs(d - quat[i]) < 1e-15);
            }
        }
        free(b);
    }
    vx_image_free(img);
}

/* ---- datatypes, byte order, versions, compression ---- */

enum { U8 = 2, I16 = 4, I32 = 8, F32 = 16, C64 = 32, F64 = 64, RGB = 128, I8 = 256, U16 = 512, U32 = 768,
       I64 = 1024, U64 = 1280 };

static int dt_size(int dt)
{
    switch (dt) {
    case U8: case I8: return 1;
    case I16: case U16: return 2;
    case I32: case U32: case F32: return 4;
    default: return 8;
    }
}

static void encode_value(unsigned char *p, int dt, double v, int be)
{
    switch (dt) {
    case U8: put(p, (uint8_t)v, 1, be); break;
    case I8: put(p, (uint8_t)(int8_t)v, 1, be); break;
    case I16: put(p, (uint16_t)(int16_t)v, 2, be); break;
    case U16: put(p, (uint16_t)v, 2, be); break;
    case I32: put(p, (uint32_t)(int32_t)v, 4, be); break;
    case U32: put(p, (uint32_t)v, 4, be); break;
    case I64: put(p, (uint64_t)(int64_t)v, 8, be); break;
    case U64: put(p, (uint64_t)v, 8, be); break;
    case F32: put_f32(p, v, be); break;
    case F64: put_f64(p, v, be); break;
    default: fail();
    }
}

typedef struct dt_case {
    int dt;
    double v[4];
} dt_case;

static const dt_case DT_CASES[] = {
    {U8, {0, 1, 127, 255}},
    {I8, {-128, -1, 0, 127}},
    {I16, {-32768, -1, 0, 32767}},
    {U16, {0, 1, 40000, 65535}},
    {I32, {-2147483648.0, -1, 0, 16777216}},
    {U32, {0, 1, 3000000000.0, 4294967295.0}},
    {I64, {-9007199254740992.0, -1, 0, 123456789}},
    {U64, {0, 1, 9223372036854775808.0, 4096}},
    {F32, {-1.5, 0, 3.25, 1e30}},
    {F64, {-1.5, 0.1, 1e300, -2.5e-5}},
};

static void test_datatypes(void **state)
{
    (void)state;
    char name[64];
    for (size_t t = 0; t < sizeof DT_CASES / sizeof DT_CASES[0]; t++) {
        const dt_case *c = &DT_CASES[t];
        for (int version = 1; version <= 2; version++)
            for (int be = 0; be <= 1; be++)
                for (int gz = 0; gz <= 1; gz++) {
                    thdr h;
                    thdr_init(&h, version, be, c->dt, 2, 2, 1);
                    h.bitpix = 8 * dt_size(c->dt);
                    unsigned char data[32];
                    for (int i = 0; i < 4; i++)
                        encode_value(data + i * dt_size(c->dt), c->dt, c->v[i], be);
                    snprintf(name, sizeof name, "dt%d_v%d_%s.nii%s", c->dt, version, be ? "be" : "le",
                             gz ? ".gz" : "");
                    vx_image *img = write_and_read(tmp(name), &h, data, 4 * (size_t)dt_size(c->dt));
                    assert_int_equal(img->geom.dims[0], 2);
                    assert_int_equal(img->geom.dims[1], 2);
                    assert_int_equal(img->geom.dims[2], 1);
                    for (int i = 0; i < 4; i++)
                        if (img->v[i] != (float)c->v[i])
                            fail_msg("%s voxel %d: %.9g, want %.9g", name, i, img->v[i], (float)c->v[i]);
                    vx_image_free(img);
                }
    }
}

/* scl_slope / scl_inter: v = slope * raw + inter when slope is finite and non-zero. */
static void test_scaling(void **state)
{
    (void)state;
    for (int be = 0; be <= 1; be++)
        for (int version = 1; version <= 2; version++) {
            thdr h;
            thdr_init(&h, version, be, I16, 4, 1, 1);
            h.slope = 2.5;
            h.inter = -3;
            unsigned char data[8];
            const double raw[4] = {-2, 0, 3, 100}, want[4] = {-8, -3, 4.5, 247}; /* 2.5 * raw - 3 */
            for (int i = 0; i < 4; i++)
                encode_value(data + 2 * i, I16, raw[i], be);
            vx_image *img = write_and_read(tmp("scl_i16.nii"), &h, data, sizeof data);
            for (int i = 0; i < 4; i++)
                assert_true(img->v[i] == (float)want[i]);
            vx_image_free(img);

            /* float32: native files take the direct path, big-endian ones the converting path */
            thdr_init(&h, version, be, F32, 4, 1, 1);
            h.slope = 2;
            h.inter = 1;
            unsigned char fd[16];
            for (int i = 0; i < 4; i++)
                encode_value(fd + 4 * i, F32, raw[i], be);
            img = write_and_read(tmp("scl_f32.nii.gz"), &h, fd, sizeof fd);
            for (int i = 0; i < 4; i++)
                assert_true(img->v[i] == (float)(2 * raw[i] + 1));
            vx_image_free(img);

            /* slope 0 or NaN: no scaling at all (the intercept is ignored too) */
            const double slopes[2] = {0.0, NAN};
            for (int s = 0; s < 2; s++) {
                thdr_init(&h, version, be, I16, 4, 1, 1);
                h.slope = slopes[s];
                h.inter = 5;
                img = write_and_read(tmp("scl_none.nii"), &h, data, sizeof data);
                for (int i = 0; i < 4; i++)
                    assert_true(img->v[i] == (float)raw[i]);
                vx_image_free(img);
            }
        }
}

/* ---- geometry ---- */

static void test_sform_preferred(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++)
        for (int be = 0; be <= 1; be++) {
            thdr h;
            thdr_init(&h, version, be, U8, 2, 2, 2);
            /* sform (RAS) [[-2,0,0,10],[0,-3,0,20],[0,0,4,30]]: in LPS columns (2,0,0), (0,3,0), (0,0,4),
             * origin (-10, -20, 30) */
            h.scode = 1;
            const double srow[3][4] = {{-2, 0, 0, 10}, {0, -3, 0, 20}, {0, 0, 4, 30}};
            memcpy(h.srow, srow, sizeof srow);
            /* a different qform: identity rotation, pixdim 1, offset (1, 1, 1) */
            h.qcode = 1;
            h.qoff[0] = h.qoff[1] = h.qoff[2] = 1;
            unsigned char data[8] = {0};
            vx_image *img = write_and_read(tmp("sform.nii"), &h, data, sizeof data);
            const double sp[3] = {2, 3, 4}, org[3] = {-10, -20, 30};
            assert_geom(&img->geom, sp, org, ID, 1e-12);
            vx_image_free(img);

            /* a degenerate sform (all zero) is refused, never replaced by the qform (issue 11) */
            memset(h.srow, 0, sizeof h.srow);
            const char *msg = write_and_fail(tmp("sform0.nii"), &h, data, sizeof data, VX_EGEOMETRY);
            assert_non_null(strstr(msg, "sform0.nii: sform (sform_code 1): axis 1 has zero length"));
        }
}

static void test_qform(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++) {
        thdr h;
        unsigned char data[8] = {0};
        /* quatern (0, 0, 1) = 180 degrees about z (the IBSI/ITK layout): identity in LPS */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.qcode = 1;
        h.quat[2] = 1;
        h.pixdim[1] = 0.5;
        h.pixdim[2] = 0.75;
        h.pixdim[3] = 2;
        h.qoff[0] = 174.5;
        h.qoff[1] = 79.5;
        h.qoff[2] = -100;
        vx_image *img = write_and_read(tmp("qform.nii"), &h, data, sizeof data);
        const double sp[3] = {0.5, 0.75, 2}, org[3] = {-174.5, -79.5, -100};
        assert_geom(&img->geom, sp, org, ID, 1e-12);
        vx_image_free(img);

        /* qfac = pixdim[0] = -1 flips the k axis: R = I -> RAS columns (1,0,0), (0,1,0), (0,0,-1)
         * -> LPS direction diag(-1, -1, -1) */
        thdr_init(&h, version, 1, U8, 2, 2, 2);
        h.qcode = 2;
        h.pixdim[0] = -1;
        img = write_and_read(tmp("qfac.nii"), &h, data, sizeof data);
        const double one[3] = {1, 1, 1}, zero[3] = {0, 0, 0}, dflip[9] = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
        assert_geom(&img->geom, one, zero, dflip, 1e-12);
        vx_image_free(img);

        /* 90 degrees about x: a = b = 1/sqrt(2): R = [[1,0,0],[0,0,-1],[0,1,0]] (RAS);
         * LPS negates rows x and y: [[-1,0,0],[0,0,1],[0,1,0]] */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.qcode = 1;
        h.quat[0] = sqrt(0.5);
        img = write_and_read(tmp("qrot.nii"), &h, data, sizeof data);
        const double drot[9] = {-1, 0, 0, 0, 0, 1, 0, 1, 0};
        assert_geom(&img->geom, one, zero, drot, 1e-6);
        vx_image_free(img);

        /* no qform, no sform: pixdim only, world RAS = pixdim * index -> LPS direction diag(-1, -1, 1) */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.pixdim[1] = 3;
        h.pixdim[2] = 2;
        h.pixdim[3] = -1; /* method 1 takes |pixdim| (Analyze-era flip flags) */
        img = write_and_read(tmp("nocode.nii"), &h, data, sizeof data);
        const double sp3[3] = {3, 2, 1}, d3[9] = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
        assert_geom(&img->geom, sp3, zero, d3, 1e-12);
        vx_image_free(img);
        h.pixdim[3] = 0; /* a zero pixdim is refused, not replaced by 1 mm (issue 11) */
        const char *msg = write_and_fail(tmp("nocode0.nii"), &h, data, sizeof data, VX_EGEOMETRY);
        assert_non_null(strstr(msg, "nocode0.nii: pixdim (no sform or qform): pixdim[3] is 0"));
    }
}

/* Hostile geometry (issue 11): spacings that are zero, negative (qform), NaN, infinite or absurd, and a
 * sheared sform, are refused with one line naming the file and the source; an orthogonal rotated sform and
 * qfac = -1 still read, with the volume of a voxel equal to |det| of the affine. */
static void test_hostile_geometry(void **state)
{
    (void)state;
    unsigned char data[8] = {0};
    const double bad[] = {0.0, -0.5, NAN, INFINITY, 1e-30, 1e30};
    const char *want[] = {"is 0", "is -0.5", "is nan", "is inf", "is 1e-30", "is 1e+30"};
    for (int version = 1; version <= 2; version++) {
        char name[64];
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            for (int axis = 1; axis <= 3; axis++) {
                /* qform: pixdim[axis] */
                thdr h;
                thdr_init(&h, version, 0, U8, 2, 2, 2);
                h.qcode = 1;
                h.pixdim[axis] = bad[b];
                snprintf(name, sizeof name, "q%d_%zu_%d.nii", version, b, axis);
                const char *msg = write_and_fail(tmp(name), &h, data, sizeof data, VX_EGEOMETRY);
                char needle[64];
                snprintf(needle, sizeof needle, "pixdim[%d] %s", axis, want[b]);
                if (!strstr(msg, name) || !strstr(msg, "qform (qform_code 1)") || !strstr(msg, needle) ||
                    strchr(msg, '\n'))
                    fail_msg("%s: unexpected message '%s' (want '%s')", name, msg, needle);
                /* sform: column axis scaled by the bad value (a negative column is a legitimate flip) */
                if (bad[b] < 0)
                    continue;
                thdr_init(&h, version, 0, U8, 2, 2, 2);
                h.scode = 2;
                for (int r = 0; r < 3; r++)
                    h.srow[r][r] = r + 1 == axis ? bad[b] : 1.0;
                snprintf(name, sizeof name, "s%d_%zu_%d.nii", version, b, axis);
                msg = write_and_fail(tmp(name), &h, data, sizeof data, VX_EGEOMETRY);
                if (!strstr(msg, name) || !strstr(msg, "sform (sform_code 2)") || strchr(msg, '\n'))
                    fail_msg("%s: unexpected message '%s'", name, msg);
            }
        }
        /* a sheared sform: columns (1,0,0), (0.5,1,0) (RAS): angle 63.4 degrees; the column norms would give
         * a voxel volume 11.8 % too large */
        thdr h;
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.scode = 1;
        const double shear[3][4] = {{1, 0.5, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
        memcpy(h.srow, shear, sizeof shear);
        snprintf(name, sizeof name, "shear%d.nii", version);
        const char *msg = write_and_fail(tmp(name), &h, data, sizeof data, VX_EGEOMETRY);
        assert_non_null(strstr(msg, name));
        assert_non_null(strstr(msg, "sform (sform_code 1): axes 1 and 2 are not orthogonal"));
        assert_null(strchr(msg, '\n'));
        /* a tiny shear just above the tolerance (|cos| 2e-4) is refused; below it (5e-5) is read */
        const double tiny[2] = {2e-4, 5e-5};
        for (int t = 0; t < 2; t++) {
            thdr_init(&h, version, 0, U8, 2, 2, 2);
            h.scode = 1;
            const double sh[3][4] = {{1, 0, 0, 0}, {0, 1, tiny[t], 0}, {0, 0, 1, 0}};
            memcpy(h.srow, sh, sizeof sh);
            snprintf(name, sizeof name, "tiny%d_%d.nii", version, t);
            if (t == 0) {
                msg = write_and_fail(tmp(name), &h, data, sizeof data, VX_EGEOMETRY);
                assert_non_null(strstr(msg, "axes 2 and 3 are not orthogonal"));
            } else {
                vx_image *img = write_and_read(tmp(name), &h, data, sizeof data);
                vx_image_free(img);
            }
        }
        /* an orthogonal, rotated and anisotropic sform: R (30 degrees about (1, 2, 2)/3) diag(0.7, 1.3, 2.5):
         * spacing (0.7, 1.3, 2.5), voxel volume 2.275 mm^3 = |det| of the affine */
        double R[9];
        rotation(1.0 / 3, 2.0 / 3, 2.0 / 3, 30.0 * 3.14159265358979323846 / 180.0, R);
        const double sp[3] = {0.7, 1.3, 2.5};
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.scode = 1;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                h.srow[r][c] = R[3 * r + c] * sp[c];
        snprintf(name, sizeof name, "rot%d.nii", version);
        vx_image *img = write_and_read(tmp(name), &h, data, sizeof data);
        double tol = version == 1 ? 1e-6 : 1e-12; /* NIfTI-1 stores float32 */
        double vol = img->geom.spacing[0] * img->geom.spacing[1] * img->geom.spacing[2];
        for (int i = 0; i < 3; i++)
            vx_assert_near(img->geom.spacing[i], sp[i], tol);
        vx_assert_near(vol, 0.7 * 1.3 * 2.5, 1e-5);
        vx_image_free(img);
        /* qfac = -1 with a rotation: legitimate, the third axis flips, spacings stay positive */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.qcode = 1;
        h.quat[0] = sqrt(0.5);
        h.pixdim[0] = -1;
        h.pixdim[1] = 0.5;
        h.pixdim[2] = 0.5;
        h.pixdim[3] = 3;
        snprintf(name, sizeof name, "qfacrot%d.nii", version);
        img = write_and_read(tmp(name), &h, data, sizeof data);
        const double sq[3] = {0.5, 0.5, 3};
        for (int i = 0; i < 3; i++)
            vx_assert_near(img->geom.spacing[i], sq[i], 1e-6);
        vx_image_free(img);
    }
    /* a fifo is refused at once by stat(), before gzopen could block on it */
    unlink(tmp("fifo.nii"));
    assert_int_equal(mkfifo(tmp("fifo.nii"), 0600), 0);
    vx_image *img = NULL;
    vx_error err;
    assert_int_equal(vx_nifti_read(tmp("fifo.nii"), &img, &err), VX_EIO);
    assert_non_null(strstr(err.msg, "fifo.nii: is a fifo, not a regular file"));
    assert_int_equal(vx_image_read(tmp("fifo.nii"), &img, &err), VX_EIO);
    assert_non_null(strstr(err.msg, "fifo.nii: is a fifo, not a regular file"));
    assert_null(img);
    unlink(tmp("fifo.nii"));
}

static void test_dims(void **state)
{
    (void)state;
    unsigned char data[64] = {0};
    for (int version = 1; version <= 2; version++) {
        thdr h;
        /* 2D image: nz = 1 even though dim[3] holds junk */
        thdr_init(&h, version, 0, U8, 4, 3, 7);
        h.dim[0] = 2;
        h.scode = 1;
        const double srow[3][4] = {{-2, 0, 0, 0}, {0, -2, 0, 0}, {0, 0, 0, 0}}; /* empty slice axis */
        memcpy(h.srow, srow, sizeof srow);
        h.pixdim[3] = 5;
        for (int i = 0; i < 12; i++)
            data[i] = (unsigned char)i;
        vx_image *img = write_and_read(tmp("2d.nii"), &h, data, 12);
        assert_int_equal(img->geom.dims[0], 4);
        assert_int_equal(img->geom.dims[1], 3);
        assert_int_equal(img->geom.dims[2], 1);
        const double sp[3] = {2, 2, 5}, zero[3] = {0, 0, 0};
        assert_geom(&img->geom, sp, zero, ID, 1e-12); /* slice axis = plane normal, spacing pixdim[3] */
        for (int i = 0; i < 12; i++)
            assert_true(img->v[i] == (float)i);
        vx_image_free(img);

        /* 4D with one volume (and dim[5..7] = 1) is a 3D image */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.dim[0] = 5;
        img = write_and_read(tmp("4d1.nii"), &h, data, 8);
        assert_int_equal(img->geom.dims[2], 2);
        vx_image_free(img);

        /* two volumes: unsupported */
        h.dim[4] = 2;
        const char *msg = write_and_fail(tmp("4d2.nii"), &h, data, 16, VX_EUNSUPPORTED);
        assert_non_null(strstr(msg, "5D image with 2 volumes is not supported"));

        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.dim[0] = 8;
        msg = write_and_fail(tmp("dim0.nii"), &h, data, 8, VX_EFORMAT);
        assert_non_null(strstr(msg, "invalid dim[0] 8"));
        h.dim[0] = 0;
        write_and_fail(tmp("dim0.nii"), &h, data, 8, VX_EFORMAT);
        h.dim[0] = 3;
        h.dim[2] = 0;
        msg = write_and_fail(tmp("dim2.nii"), &h, data, 8, VX_EFORMAT);
        assert_non_null(strstr(msg, "invalid dim[2] 0"));
        h.dim[2] = -5;
        write_and_fail(tmp("dim2.nii"), &h, data, 8, VX_EFORMAT);

        /* absurd dims in a small file: refused before allocating */
        thdr_init(&h, version, 0, F64, 32767, 32767, 32767);
        msg = write_and_fail(tmp("huge.nii"), &h, data, 64, VX_EFORMAT);
        assert_non_null(strstr(msg, "image too large (32767 x 32767 x 32767 voxels)"));
        thdr_init(&h, version, 0, F64, 4096, 4096, 4096);
        msg = write_and_fail(tmp("huge.nii"), &h, data, 64, VX_EFORMAT);
        assert_non_null(strstr(msg, "truncated file: expected 549755813888 bytes of voxel data, got 64"));
        msg = write_and_fail(tmp("huge.nii.gz"), &h, data, 64, VX_EFORMAT);
        assert_non_null(strstr(msg, "truncated file"));
        if (version == 2) {
            thdr_init(&h, 2, 0, U8, (int64_t)1 << 40, (int64_t)1 << 40, 2);
            msg = write_and_fail(tmp("overflow.nii"), &h, data, 64, VX_EFORMAT);
            assert_non_null(strstr(msg, "image too large"));
            thdr_init(&h, 2, 0, U8, INT64_MAX, INT64_MAX, INT64_MAX);
            write_and_fail(tmp("overflow.nii"), &h, data, 64, VX_EFORMAT);
        }

        /* vox_offset */
        const double bad_offsets[4] = {100, NAN, 352.5, -1};
        for (int i = 0; i < (version == 1 ? 4 : 2); i++) {
            thdr_init(&h, version, 0, U8, 2, 2, 2);
            h.vox_offset = version == 1 ? bad_offsets[i] : (i == 0 ? 100 : -1);
            msg = write_and_fail(tmp("voxoff.nii"), &h, data, 8, VX_EFORMAT);
            assert_non_null(strstr(msg, "invalid vox_offset"));
        }
        /* vox_offset 0 in a single file: the data follow the header and the 4 extension-flag bytes */
        thdr_init(&h, version, 1, U8, 2, 2, 2);
        h.vox_offset = 0;
        for (int i = 0; i < 8; i++)
            data[i] = (unsigned char)(10 + i);
        img = write_and_read(tmp("voxoff0.nii"), &h, data, 8);
        for (int i = 0; i < 8; i++)
            assert_true(img->v[i] == (float)(10 + i));
        vx_image_free(img);
        /* a larger vox_offset (extensions) is skipped */
        thdr_init(&h, version, 0, U8, 2, 2, 2);
        h.vox_offset += 16;
        unsigned char ext[24] = {0};
        for (int i = 0; i < 8; i++)
            ext[16 + i] = (unsigned char)(i + 1);
        const char *p = tmp("ext.nii.gz");
        img = write_and_read(p, &h, ext, sizeof ext);
        for (int i = 0; i < 8; i++)
            assert_true(img->v[i] == (float)(i + 1));
        vx_image_free(img);
    }
}

static void test_unsupported_datatype(void **state)
{
    (void)state;
    unsigned char data[64] = {0};
    thdr h;
    thdr_init(&h, 1, 0, RGB, 2, 2, 1);
    const char *path = tmp("rgb.nii");
    const char *msg = write_and_fail(path, &h, data, 12, VX_EUNSUPPORTED);
    char want[1200];
    snprintf(want, sizeof want, "%s: unsupported datatype 128 (RGB24)", path);
    assert_string_equal(msg, want);
    thdr_init(&h, 2, 1, C64, 2, 2, 1);
    msg = write_and_fail(tmp("c64.nii"), &h, data, 32, VX_EUNSUPPORTED);
    assert_non_null(strstr(msg, "unsupported datatype 32 (COMPLEX64)"));
    thdr_init(&h, 1, 0, 999, 2, 2, 1);
    msg = write_and_fail(tmp("dt999.nii"), &h, data, 32, VX_EFORMAT);
    assert_non_null(strstr(msg, "invalid datatype 999"));
    thdr_init(&h, 1, 0, 1, 2, 2, 1); /* DT_BINARY */
    msg = write_and_fail(tmp("bin.nii"), &h, data, 32, VX_EUNSUPPORTED);
    assert_non_null(strstr(msg, "(BINARY)"));
    /* Analyze 7.5: sizeof_hdr 348 without the NIfTI magic */
    thdr_init(&h, 1, 0, U8, 2, 2, 1);
    h.analyze = 1;
    msg = write_and_fail(tmp("analyze.nii"), &h, data, 4, VX_EUNSUPPORTED);
    assert_non_null(strstr(msg, "Analyze"));
}

/* Two-file NIfTI: header .hdr (magic ni1/ni2), voxels in .img from vox_offset (0 here). */
static void test_pair(void **state)
{
    (void)state;
    const char *names[3][2] = {{"pair.hdr", "pair.img"}, {"pairz.hdr.gz", "pairz.img.gz"},
                               {"pairm.hdr.gz", "pairm.img"}};
    for (int version = 1; version <= 2; version++)
        for (int k = 0; k < 3; k++) {
            thdr h;
            thdr_init(&h, version, version == 2, I16, 3, 1, 1);
            h.pair = 1;
            h.vox_offset = 0;
            unsigned char hb[544], data[6];
            for (int i = 0; i < 3; i++)
                encode_value(data + 2 * i, I16, -100 * i, h.be);
            size_t hl = thdr_encode(&h, hb);
            write_file(tmp(names[k][0]), hb, hl - 4, NULL, 0);
            write_file(tmp(names[k][1]), data, sizeof data, NULL, 0);
            vx_image *img = NULL;
            vx_error err = {0};
            if (vx_nifti_read(tmp(names[k][0]), &img, &err) != VX_OK)
                fail_msg("%s", err.msg);
            for (int i = 0; i < 3; i++)
                assert_true(img->v[i] == (float)(-100 * i));
            vx_image_free(img);
            assert_int_equal(vx_image_read(tmp(names[k][0]), &img, &err), VX_OK);
            vx_image_free(img);
        }
    /* a pair header under another name, and a missing .img */
    thdr h;
    thdr_init(&h, 1, 0, U8, 2, 1, 1);
    h.pair = 1;
    h.vox_offset = 0;
    const char *msg = write_and_fail(tmp("pair_bad_name.nii"), &h, NULL, 0, VX_EFORMAT);
    assert_non_null(strstr(msg, "does not end in .hdr"));
    msg = write_and_fail(tmp("lonely.hdr"), &h, NULL, 0, VX_EIO);
    assert_non_null(strstr(msg, "lonely.img: cannot open: No such file or directory"));
}

/* ---- broken files ---- */

static void test_missing_file(void **state)
{
    (void)state;
    vx_image *img = NULL;
    vx_error err = {0};
    const char *path = "/nonexistent-voxomics/x.nii.gz";
    assert_int_equal(vx_nifti_read(path, &img, &err), VX_EIO);
    assert_null(img);
    assert_string_equal(err.msg, "/nonexistent-voxomics/x.nii.gz: cannot open: No such file or directory");
    assert_int_equal(vx_image_read(path, &img, &err), VX_EIO);
    assert_string_equal(err.msg, "/nonexistent-voxomics/x.nii.gz: cannot open: No such file or directory");
    assert_int_equal(vx_nifti_read(vx_test_tmpdir(), &img, &err), VX_EIO);
    assert_non_null(strstr(err.msg, "cannot open: Is a directory"));
    assert_int_equal(vx_nifti_read(NULL, &img, &err), VX_EINVAL);
}

static void test_truncated_nii(void **state)
{
    (void)state;
    /* 5 x 4 x 2 float32 = 160 bytes of voxel data, only 64 present */
    thdr h;
    thdr_init(&h, 1, 0, F32, 5, 4, 2);
    unsigned char data[64] = {0};
    const char *path = tmp("trunc.nii");
    const char *msg = write_and_fail(path, &h, data, 64, VX_EFORMAT);
    char want[1200];
    snprintf(want, sizeof want, "%s: truncated file: expected 160 bytes of voxel data, got 64", path);
    assert_string_equal(msg, want);
    /* the same through gzip (no size check up front: the stream ends early) */
    msg = write_and_fail(tmp("trunc_small.nii.gz"), &h, data, 64, VX_EFORMAT);
    assert_non_null(strstr(msg, "truncated file: expected 160 bytes of voxel data, got 64"));
    /* int16 through the converting path */
    thdr_init(&h, 2, 1, I16, 5, 4, 2);
    msg = write_and_fail(tmp("trunc16.nii.gz"), &h, data, 63, VX_EFORMAT);
    assert_non_null(strstr(msg, "truncated file: expected 80 bytes of voxel data, got 63"));
    /* header cut short */
    unsigned char hb[544];
    thdr_init(&h, 1, 0, F32, 5, 4, 2);
    thdr_encode(&h, hb);
    path = tmp("trunc_hdr.nii");
    write_file(path, hb, 100, NULL, 0);
    vx_image *img = NULL;
    vx_error err = {0};
    assert_int_equal(vx_nifti_read(path, &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "truncated file: NIfTI-1 header has 100 of 348 bytes"));
    thdr_init(&h, 2, 0, F32, 5, 4, 2);
    thdr_encode(&h, hb);
    path = tmp("trunc_hdr2.nii.gz");
    write_file(path, hb, 400, NULL, 0);
    assert_int_equal(vx_nifti_read(path, &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "truncated file: NIfTI-2 header has 400 of 540 bytes"));
}

static void test_truncated_gz(void **state)
{
    (void)state;
    /* 20^3 pseudo-random floats compress poorly, so half the .gz holds the header and part of the data */
    vx_image *img = make_image(20, 20, 20, 0);
    vx_error err = {0};
    const char *full = tmp("full.nii.gz");
    assert_int_equal(vx_nifti_write(full, img, 1, &err), VX_OK);
    size_t len;
    unsigned char *b = slurp(full, &len);
    const char *half = tmp("half.nii.gz");
    write_raw(half, b, len / 2);
    vx_image *back = NULL;
    assert_int_equal(vx_nifti_read(half, &back, &err), VX_EFORMAT);
    assert_null(back);
    assert_non_null(strstr(err.msg, "half.nii.gz: truncated file: expected 32000 bytes of voxel data, got "));

    /* damaged CRC in the gzip trailer */
    b[len - 8] ^= 0xff;
    const char *crc = tmp("crc.nii.gz");
    write_raw(crc, b, len);
    assert_int_equal(vx_nifti_read(crc, &back, &err), VX_EFORMAT);
    char want[1200];
    snprintf(want, sizeof want, "%s: corrupt gzip data: incorrect data check", crc);
    assert_string_equal(err.msg, want);
    /* damaged deflate data */
    for (size_t i = 40; i < 60; i++)
        b[i] ^= 0x5a;
    write_raw(tmp("bad.nii.gz"), b, len);
    assert_int_not_equal(vx_nifti_read(tmp("bad.nii.gz"), &back, &err), VX_OK);
    assert_null(back);
    free(b);
    vx_image_free(img);
}

static void test_garbage(void **state)
{
    (void)state;
    uint32_t s = 12345;
    unsigned char junk[1000];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)lcg(&s);
    junk[0] = 0x12; /* make sure it is neither 348 nor 540 */
    const char *path = tmp("garbage.nii");
    write_file(path, junk, sizeof junk, NULL, 0);
    vx_image *img = NULL;
    vx_error err = {0};
    assert_int_equal(vx_nifti_read(path, &img, &err), VX_EFORMAT);
    assert_null(img);
    assert_non_null(strstr(err.msg, "garbage.nii: not a NIfTI-1/2 file (sizeof_hdr "));
    /* through vx_image_read: the .nii name sends it to the NIfTI reader's message */
    assert_int_equal(vx_image_read(path, &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not a NIfTI-1/2 file"));
    /* the same bytes gzipped, an empty file, and a 2-byte file */
    write_file(tmp("garbage.nii.gz"), junk, sizeof junk, NULL, 0);
    assert_int_equal(vx_nifti_read(tmp("garbage.nii.gz"), &img, &err), VX_EFORMAT);
    write_file(tmp("empty.nii"), NULL, 0, NULL, 0);
    assert_int_equal(vx_nifti_read(tmp("empty.nii"), &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not a NIfTI-1/2 file (only 0 bytes)"));
    write_file(tmp("empty.nii.gz"), NULL, 0, NULL, 0);
    assert_int_equal(vx_nifti_read(tmp("empty.nii.gz"), &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not a NIfTI-1/2 file (only 0 bytes after gzip decompression)"));
    write_file(tmp("two.nii"), "\x1f\x8b", 2, NULL, 0);
    assert_int_not_equal(vx_nifti_read(tmp("two.nii"), &img, &err), VX_OK);
    /* gzip magic followed by junk */
    junk[0] = 0x1f;
    junk[1] = 0x8b;
    write_file(tmp("badgz.nii"), junk, sizeof junk, NULL, 0);
    assert_int_not_equal(vx_nifti_read(tmp("badgz.nii"), &img, &err), VX_OK);
    assert_null(img);
    /* NIfTI-2 with a text-mode damaged magic */
    thdr h;
    thdr_init(&h, 2, 0, U8, 2, 1, 1);
    unsigned char hb[544];
    size_t hl = thdr_encode(&h, hb);
    hb[8] = '\n';
    write_file(tmp("textmode.nii"), hb, hl, "ab", 2);
    assert_int_equal(vx_nifti_read(tmp("textmode.nii"), &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "corrupt NIfTI-2 magic"));
}

/* Random header damage and every truncation length of a valid file: errors, never a crash (run under ASan). */
static void test_fuzz(void **state)
{
    (void)state;
    for (int version = 1; version <= 2; version++) {
        thdr h;
        thdr_init(&h, version, version == 2, I16, 3, 2, 2);
        h.scode = 1;
        h.srow[0][0] = h.srow[1][1] = h.srow[2][2] = 1;
        unsigned char file[544 + 24];
        size_t hl = thdr_encode(&h, file);
        for (int i = 0; i < 12; i++)
            encode_value(file + hl + 2 * i, I16, i, h.be);
        size_t len = hl + 24;
        const char *path = tmp("fuzz.nii");
        vx_image *img = NULL;
        vx_error err = {0};
        for (size_t cut = 0; cut <= len; cut++) {
            write_file(path, file, cut, NULL, 0);
            int rc = vx_nifti_read(path, &img, &err);
            assert_int_equal(rc, cut == len ? VX_OK : VX_EFORMAT);
            vx_image_free(img);
        }
        uint32_t s = 99u + (uint32_t)version;
        unsigned char mut[544 + 24];
        int ok = 0;
        for (int trial = 0; trial < 3000; trial++) {
            memcpy(mut, file, len);
            int nflip = 1 + (int)(lcg(&s) % 4);
            for (int k = 0; k < nflip; k++) {
                size_t at = lcg(&s) % hl;
                mut[at] = (unsigned char)lcg(&s);
            }
            write_file(path, mut, len, NULL, 0);
            int rc = vx_nifti_read(path, &img, &err);
            if (rc == VX_OK) {
                ok++;
                assert_non_null(img);
                vx_image_free(img);
            } else {
                assert_null(img);
                assert_true(err.msg[0] != '\0');
            }
        }
        assert_true(ok > 0);
    }
}

/* ---- vx_image_read ---- */

static void test_image_read(void **state)
{
    (void)state;
    vx_image *img = make_image(5, 4, 3, 0);
    vx_error err = {0};
    const char *path = tmp("dispatch.nii.gz");
    assert_int_equal(vx_nifti_write(path, img, 2, &err), VX_OK);
    vx_image *back = NULL;
    assert_int_equal(vx_image_read(path, &back, &err), VX_OK);
    assert_memory_equal(back->v, img->v, 60 * sizeof(float));
    vx_image_free(back);
    /* content wins over the name */
    const char *odd = tmp("dispatch.dat");
    assert_int_equal(vx_nifti_write(odd, img, 1, &err), VX_OK);
    assert_int_equal(vx_image_read(odd, &back, &err), VX_OK);
    vx_image_free(back);
    vx_image_free(img);
    const char *txt = tmp("hello.txt");
    write_file(txt, "hello world\n", 12, NULL, 0);
    assert_int_equal(vx_image_read(txt, &back, &err), VX_EUNSUPPORTED);
    assert_null(back);
    assert_non_null(strstr(err.msg, "hello.txt: unsupported image format"));
    assert_int_equal(vx_image_read(vx_test_tmpdir(), &back, &err), VX_EUNSUPPORTED);
}

/* ---- writer errors ---- */

static void test_write_errors(void **state)
{
    (void)state;
    vx_image *img = make_image(5, 4, 3, 0);
    vx_error err = {0};
    assert_int_equal(vx_nifti_write(tmp("v3.nii"), img, 3, &err), VX_EINVAL);
    assert_int_equal(vx_nifti_write("/nonexistent-voxomics/out.nii", img, 1, &err), VX_EIO);
    assert_string_equal(err.msg, "/nonexistent-voxomics/out.nii: cannot write: cannot create a file in the folder "
                                 "'/nonexistent-voxomics/': No such file or directory (create the folder first)");
    assert_int_equal(vx_nifti_write("/nonexistent-voxomics/out.nii.gz", img, 1, &err), VX_EIO);
    img->geom.direction[0] = 0; /* singular: column 0 becomes parallel to nothing */
    img->geom.direction[3] = 0;
    img->geom.direction[6] = 0;
    assert_int_equal(vx_nifti_write(tmp("sing.nii"), img, 1, &err), VX_EINVAL);
    /* written beside the target and renamed in: a failed write leaves an existing file as it was */
    vx_image_free(img);
    img = make_image(5, 4, 3, 0);
    FILE *old = fopen(tmp("keep.nii"), "w");
    assert_non_null(old);
    fputs("old", old);
    fclose(old);
    assert_int_equal(vx_nifti_write(tmp("keep.nii"), img, 3, &err), VX_EINVAL);
    size_t kn = 0;
    char *kept = vx_test_slurp(tmp("keep.nii"), &kn);
    assert_true(kn == 3 && !memcmp(kept, "old", 3));
    free(kept);
    assert_int_equal(vx_nifti_write(tmp("keep.nii"), img, 1, &err), VX_OK);
    vx_image *kept_img = NULL;
    if (vx_nifti_read(tmp("keep.nii"), &kept_img, &err) != VX_OK)
        fail_msg("%s", err.msg);
    vx_image_free(kept_img);
    vx_image_free(img);
    img = NULL;
    assert_int_equal(vx_nifti_write(tmp("null.nii"), img, 1, &err), VX_EINVAL);

    /* NIfTI-1 dims are int16: 40000 needs NIfTI-2 */
    vx_geometry g;
    vx_geometry_default(&g, 40000, 1, 1);
    img = vx_image_new(&g);
    img->v[39999] = 5;
    assert_int_equal(vx_nifti_write(tmp("wide1.nii"), img, 1, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "use NIfTI-2"));
    assert_int_equal(vx_nifti_write(tmp("wide2.nii.gz"), img, 2, &err), VX_OK);
    vx_image *back = NULL;
    assert_int_equal(vx_nifti_read(tmp("wide2.nii.gz"), &back, &err), VX_OK);
    assert_int_equal(back->geom.dims[0], 40000);
    assert_true(back->v[39999] == 5.0f);
    vx_image_free(back);
    vx_image_free(img);
}

/* ---- IBSI phantoms ---- */

static int data_present(const char *rel)
{
    struct stat st;
    return stat(vx_test_data(rel), &st) == 0;
}

static vx_image *read_data(const char *rel)
{
    vx_image *img = NULL;
    vx_error err = {0};
    if (vx_nifti_read(vx_test_data(rel), &img, &err) != VX_OK)
        fail_msg("%s", err.msg);
    return img;
}

/* IBSI 1 digital phantom, x fastest, then y, then z (from the IBSI 1 manual; /tmp/digital_phantom.txt). */
static const float DP_IMAGE[80] = {
    1, 4, 4, 1, 1, 1, 4, 6, 1, 1, 4, 1, 6, 4, 1, 4, 4, 6, 4, 1, /* z = 0 */
    1, 4, 4, 1, 1, 1, 1, 6, 1, 1, 1, 1, 3, 1, 1, 4, 4, 6, 1, 1, /* z = 1 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 1, 1, 1, 1, 6, 1, 1, /* z = 2 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1, 1, /* z = 3 */
};
static const float DP_MASK[80] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 1 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, /* z = 2 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 3 */
};

static void test_ibsi_digital_phantom(void **state)
{
    (void)state;
    if (!data_present("ibsi/ibsi1/digital_phantom/image.nii.gz"))
        skip();
    /* int16, qform code 2 (quatern 0,0,1) and sform code 1 (diag(-2,-2,2)): LPS identity, spacing 2, origin 0 */
    const double sp[3] = {2, 2, 2}, zero[3] = {0, 0, 0};
    vx_image *img = read_data("ibsi/ibsi1/digital_phantom/image.nii.gz");
    assert_int_equal(img->geom.dims[0], 5);
    assert_int_equal(img->geom.dims[1], 4);
    assert_int_equal(img->geom.dims[2], 4);
    assert_geom(&img->geom, sp, zero, ID, 1e-12);
    assert_memory_equal(img->v, DP_IMAGE, sizeof DP_IMAGE);
    vx_image_free(img);
    img = read_data("ibsi/ibsi1/digital_phantom/mask.nii.gz");
    assert_geom(&img->geom, sp, zero, ID, 1e-12);
    assert_memory_equal(img->v, DP_MASK, sizeof DP_MASK);
    int n = 0;
    for (int i = 0; i < 80; i++)
        n += img->v[i] != 0;
    assert_int_equal(n, 74);
    vx_image_free(img);
}

static void test_ibsi_ct_phantom(void **state)
{
    (void)state;
    if (!data_present("ibsi/ibsi1/ct_phantom/image.nii.gz"))
        skip();
    /* float32; sform (code 1) = diag(-0.977, -0.977, 3) with offset (174.3945, 79.6255, -100.4) in RAS:
     * LPS identity direction, origin (-174.3945, -79.6255, -100.4); values stored as float32 */
    const double sp[3] = {0.977, 0.977, 3.0}, org[3] = {-174.3945, -79.6255, -100.4};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vx_image *img = read_data("ibsi/ibsi1/ct_phantom/image.nii.gz");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double t_read = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(img->geom.dims[0], 204);
    assert_int_equal(img->geom.dims[1], 201);
    assert_int_equal(img->geom.dims[2], 60);
    assert_geom(&img->geom, sp, org, ID, 1e-5);
    float lo = INFINITY, hi = -INFINITY;
    size_t n = 204 * 201 * 60;
    for (size_t i = 0; i < n; i++) {
        lo = fminf(lo, img->v[i]);
        hi = fmaxf(hi, img->v[i]);
    }
    assert_true(lo == -1000.0f);
    assert_true(hi == 3065.0f);
    /* voxel values (i, j, k) taken from the file with an independent Python decoder (gzip + struct) */
    const struct { int i, j, k; float v; } vox[] = {
        {0, 0, 0, -1000}, {102, 100, 30, 22}, {100, 80, 25, 45}, {150, 120, 40, -339}, {203, 200, 59, -395},
        {57, 133, 12, 102},
    };
    for (size_t q = 0; q < sizeof vox / sizeof vox[0]; q++)
        assert_true(img->v[vox[q].i + 204 * (vox[q].j + 201 * (size_t)vox[q].k)] == vox[q].v);
    vx_image_free(img);

    /* The cost of decompression alone, for comparison. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gzFile gz = gzopen(vx_test_data("ibsi/ibsi1/ct_phantom/image.nii.gz"), "rb");
    assert_non_null(gz);
    unsigned char *buf = malloc(n * 4 + 352);
    assert_int_equal(gzread(gz, buf, (unsigned)(n * 4 + 352)), (int)(n * 4 + 352));
    gzclose(gz);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(buf);
    double t_gz = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("[ INFO     ] CT phantom (3.9 MB .nii.gz, 9.8 MB float32): vx_nifti_read %.1f ms, plain gzread %.1f ms\n",
           1e3 * t_read, 1e3 * t_gz);

    /* the mask: uint8, 125256 voxels on slices 17..42 */
    img = read_data("ibsi/ibsi1/ct_phantom/mask.nii.gz");
    assert_geom(&img->geom, sp, org, ID, 1e-5);
    size_t count = 0, kmin = 1000, kmax = 0;
    for (size_t k = 0; k < 60; k++)
        for (size_t i = 0; i < 204 * 201; i++) {
            float v = img->v[i + 204 * 201 * k];
            assert_true(v == 0.0f || v == 1.0f);
            if (v != 0.0f) {
                count++;
                kmin = k < kmin ? k : kmin;
                kmax = k > kmax ? k : kmax;
            }
        }
    assert_int_equal(count, 125256);
    assert_int_equal(kmin, 17);
    assert_int_equal(kmax, 42);
    vx_image_free(img);
}

static void test_ibsi2_phantoms(void **state)
{
    (void)state;
    if (!data_present("ibsi/ibsi2/phase1_phantoms/orientation/image.nii.gz"))
        skip();
    /* qform only (code 1, quatern 0,0,1), sform all zero: LPS identity, spacing 2; value = i + j + k */
    const double sp[3] = {2, 2, 2}, zero[3] = {0, 0, 0};
    vx_image *img = read_data("ibsi/ibsi2/phase1_phantoms/orientation/image.nii.gz");
    assert_int_equal(img->geom.dims[0], 32);
    assert_int_equal(img->geom.dims[1], 48);
    assert_int_equal(img->geom.dims[2], 64);
    assert_geom(&img->geom, sp, zero, ID, 1e-12);
    for (size_t k = 0; k < 64; k++)
        for (size_t j = 0; j < 48; j++)
            for (size_t i = 0; i < 32; i++)
                assert_true(img->v[i + 32 * (j + 48 * k)] == (float)(i + j + k));
    vx_image_free(img);
    img = read_data("ibsi/ibsi2/phase1_phantoms/impulse/image.nii.gz");
    size_t n = 0;
    for (size_t q = 0; q < 64 * 64 * 64; q++)
        n += img->v[q] != 0.0f;
    assert_int_equal(n, 1);
    assert_true(img->v[31 + 64 * (31 + 64 * 31)] != 0.0f);
    vx_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_writer_header),
        cmocka_unit_test(test_datatypes),
        cmocka_unit_test(test_scaling),
        cmocka_unit_test(test_sform_preferred),
        cmocka_unit_test(test_qform),
        cmocka_unit_test(test_hostile_geometry),
        cmocka_unit_test(test_dims),
        cmocka_unit_test(test_unsupported_datatype),
        cmocka_unit_test(test_pair),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated_nii),
        cmocka_unit_test(test_truncated_gz),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_fuzz),
        cmocka_unit_test(test_image_read),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_ibsi_digital_phantom),
        cmocka_unit_test(test_ibsi_ct_phantom),
        cmocka_unit_test(test_ibsi2_phantoms),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* remove the temporary files (the directory holds only this program's files) */
    const char *dir = vx_test_tmpdir();
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlink(tmp(e->d_name));
        closedir(d);
        rmdir(dir);
    }
    return failed;
}
