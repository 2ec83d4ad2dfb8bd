/* Unit tests: NRRD reader/writer and .seg.nrrd segments (src/io/nrrd/), NRRD dispatch in vx_image_read.
 *
 * Fixtures in tests/data/nrrd/ come from scripts/make_nrrd_testdata.py (numpy + teem's unu, and every file is
 * read back with unu there). Their voxel values are simple formulas of (x, y, z) re-derived here; geometry is
 * derived by hand from the headers. Malformed files are written by the tests into a private temp folder.
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
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "voxomics/io.h"
#include "voxomics/nrrd.h"
#include "vx_test.h"

/* ---- helpers --------------------------------------------------------------------------------------------- */

static const char *fixture(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(buf[k], sizeof buf[k], "%s/tests/data/nrrd/%s", src ? src : ".", name);
    return buf[k];
}

static const char *tmp(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* A header (text) followed by n data bytes. */
static void write_nrrd(const char *path, const char *hdr, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(hdr, f);
    if (n)
        assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static size_t gz_bytes(const void *src, size_t n, unsigned char *out, size_t cap)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)src;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t len = cap - zs.avail_out;
    deflateEnd(&zs);
    return len;
}

typedef double (*voxfn)(int x, int y, int z);

static void check_values(const vx_image *img, voxfn f)
{
    const vx_geometry *g = &img->geom;
    for (size_t z = 0; z < g->dims[2]; z++)
        for (size_t y = 0; y < g->dims[1]; y++)
            for (size_t x = 0; x < g->dims[0]; x++) {
                float want = (float)f((int)x, (int)y, (int)z), got = img->v[x + g->dims[0] * (y + g->dims[1] * z)];
                if (got != want) {
                    print_error("voxel (%zu, %zu, %zu): %.9g, expected %.9g\n", x, y, z, got, want);
                    fail();
                }
            }
}

static void check_geom(const vx_geometry *g, size_t nx, size_t ny, size_t nz, const double sp[3],
                       const double org[3], const double dir[9])
{
    assert_int_equal(g->dims[0], nx);
    assert_int_equal(g->dims[1], ny);
    assert_int_equal(g->dims[2], nz);
    for (int i = 0; i < 3; i++) {
        vx_assert_near(g->spacing[i], sp[i], 1e-12);
        vx_assert_near(g->origin[i], org[i], 1e-12);
    }
    for (int i = 0; i < 9; i++)
        vx_assert_near(g->direction[i], dir[i], 1e-12);
}

static const double IDENT[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
static const double LPS_SP[3] = {0.5, 0.75, 2.5};
static const double LPS_ORG[3] = {10, -20, 30};

static vx_image *read_ok(const char *path)
{
    vx_image *img = NULL;
    vx_error err = {0, ""};
    int rc = vx_nrrd_read(path, &img, &err);
    if (rc != VX_OK) {
        print_error("%s: %d %s\n", path, rc, err.msg);
        fail();
    }
    assert_non_null(img);
    return img;
}

/* The reader fails with code and a message naming the file (and containing `what` when given). */
static void read_fails(const char *path, int code, const char *what)
{
    vx_image *img = (vx_image *)1;
    vx_error err = {0, ""};
    int rc = vx_nrrd_read(path, &img, &err);
    if (rc != code || !strstr(err.msg, path) || (what && !strstr(err.msg, what))) {
        print_error("%s: rc %d (expected %d), message '%s' (expected to contain '%s')\n", path, rc, code, err.msg,
                    what ? what : "");
        fail();
    }
    assert_int_equal(err.code, code);
    assert_null(img);
}

static double f_u16(int x, int y, int z) { return 1000 + x + 10 * y + 100 * z; }
static double f_i32(int x, int y, int z) { return -70000 - (x + 10 * y + 100 * z); }
static double f_f32(int x, int y, int z) { return (x + 10 * y + 100 * z) / 4.0 - 3.5; }
static double f_i16(int x, int y, int z) { return 100 - (x + 10 * y + 100 * z); }
static double f_skip(int x, int y, int z) { return 2 * x + y - z / 2.0; }
static double f_g(int x, int y, int z) { return x + 10 * y + 100 * z; }
static double f_line(int x, int y, int z) { return 7 * x + y + 3 * z; }
static double f_gzskip(int x, int y, int z) { return x - y * z; }
static double f_liver(int x, int y, int z) { return (void)y, (void)z, x < 3; }
static double f_tumor3(int x, int y, int z) { return (void)z, x >= 3 && y >= 2; }
static double f_tumor4(int x, int y, int z) { return (void)z, x >= 2 && y >= 2; }
static double f_vessel(int x, int y, int z) { return (void)y, x == 5 && z == 0; }
static double f_label3(int x, int y, int z) { return (void)z, x < 3 ? 1 : y >= 2 ? 2 : 0; }

/* ---- attached, detached, encodings, skips ---------------------------------------------------------------- */

static void test_attached_raw_le(void **state)
{
    (void)state;
    vx_image *img = read_ok(fixture("le_u16.nrrd"));
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_u16);
    vx_image_free(img);
}

static void test_attached_raw_be(void **state)
{
    (void)state;
    vx_image *img = read_ok(fixture("be_i32.nrrd"));
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_i32);
    vx_image_free(img);
}

static void test_attached_gzip(void **state)
{
    (void)state;
    vx_image *img = read_ok(fixture("gzip_f32.nrrd"));
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_f32);
    vx_image_free(img);
}

static void test_detached(void **state)
{
    (void)state;
    vx_image *img = read_ok(fixture("detached_raw.nhdr"));
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_i16);
    vx_image_free(img);
    img = read_ok(fixture("detached_gz.nhdr"));
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_u16);
    vx_image_free(img);
}

static void test_multi_file(void **state)
{
    (void)state;
    const char *names[] = {"list.nhdr", "fmt.nhdr", "list4d1.nrrd"};
    for (int i = 0; i < 3; i++) {
        vx_image *img = read_ok(fixture(names[i]));
        check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
        check_values(img, f_u16);
        vx_image_free(img);
    }
}

static void test_skips(void **state)
{
    (void)state;
    static const double sp1[3] = {1, 1, 1}, zero[3] = {0, 0, 0};
    vx_image *img = read_ok(fixture("byteskip.nhdr"));
    check_geom(&img->geom, 4, 3, 2, sp1, zero, IDENT);
    check_values(img, f_skip);
    vx_image_free(img);
    img = read_ok(fixture("byteskip_m1.nrrd"));
    check_values(img, f_g);
    vx_image_free(img);
    img = read_ok(fixture("lineskip.nhdr"));
    check_values(img, f_line);
    vx_image_free(img);
    img = read_ok(fixture("gz_byteskip.nrrd"));
    check_values(img, f_gzskip);
    vx_image_free(img);
}

static double type_value(int t, int k)
{
    switch (t) {
    case 0: return -100 + 25 * k;
    case 1: return 3 + 31 * k;
    case 2: return -30000 + 8000 * k;
    case 3: return 60000 + 700 * k;
    case 4: return -2000000000.0 + 500000000.0 * k;
    case 5: return 4000000000.0 + 1000.0 * k;
    case 6: return -ldexp(1, 40) + ldexp(1, 38) * k;
    case 7: return ldexp(1, 60) + ldexp(1, 56) * k;
    case 8: return -1.5 + 0.25 * k;
    default: return 1e-3 + 1e3 * k;
    }
}

static void test_all_types(void **state)
{
    (void)state;
    static const char *names[] = {"int8", "uint8", "int16", "uint16", "int32",
                                  "uint32", "int64", "uint64", "float", "double"};
    for (int t = 0; t < 10; t++) {
        char name[64];
        snprintf(name, sizeof name, "type_%s.nrrd", names[t]);
        vx_image *img = read_ok(fixture(name));
        assert_int_equal(vx_geometry_count(&img->geom), 8);
        for (int k = 0; k < 8; k++) {
            float want = (float)type_value(t, k);
            if (img->v[k] != want) {
                print_error("%s sample %d: %.9g, expected %.9g\n", name, k, img->v[k], want);
                fail();
            }
        }
        vx_image_free(img);
    }
}

/* ---- geometry -------------------------------------------------------------------------------------------- */

static void test_two_d(void **state)
{
    (void)state;
    static const double sp[3] = {0.8, 0.9, 1}, org[3] = {1, 2, 3};
    vx_image *img = read_ok(fixture("two_d.nrrd"));
    check_geom(&img->geom, 5, 4, 1, sp, org, IDENT);
    check_values(img, f_g);
    vx_image_free(img);
}

static void test_ras_to_lps(void **state)
{
    (void)state;
    /* RAS (1,0,0) (0,2,0) (0,0,3), origin (1,2,3): x and y flip sign in LPS */
    static const double sp[3] = {1, 2, 3}, org[3] = {-1, -2, 3}, dir[9] = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
    vx_image *img = read_ok(fixture("ras.nrrd"));
    check_geom(&img->geom, 4, 3, 2, sp, org, dir);
    check_values(img, f_g);
    vx_image_free(img);

    /* LAS: only y flips */
    static const double org2[3] = {1, -2, 3}, dir2[9] = {1, 0, 0, 0, -1, 0, 0, 0, 1};
    float v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    write_nrrd(tmp("las.nrrd"), "NRRD0004\r\ntype: float\r\ndimension: 3\r\nsizes: 2 2 2\r\nendian: little\r\n"
               "encoding: raw\r\nspace: left-anterior-superior\r\nspace directions: (1,0,0) (0,2,0) (0,0,3)\r\n"
               "space origin: (1,2,3)\r\n\r\n", v, sizeof v);
    img = read_ok(tmp("las.nrrd"));
    check_geom(&img->geom, 2, 2, 2, sp, org2, dir2);
    for (int i = 0; i < 8; i++)
        assert_true(img->v[i] == (float)i);
    vx_image_free(img);
}

static void test_oblique(void **state)
{
    (void)state;
    /* columns R[:, c] * s[c], R = Rz(30 deg) Rx(20 deg) */
    const double pi = 3.14159265358979323846;
    double a = 30 * pi / 180, b = 20 * pi / 180;
    double rz[9] = {cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1};
    double rx[9] = {1, 0, 0, 0, cos(b), -sin(b), 0, sin(b), cos(b)};
    double r[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[3 * i + j] = rz[3 * i] * rx[j] + rz[3 * i + 1] * rx[3 + j] + rz[3 * i + 2] * rx[6 + j];
    static const double sp[3] = {0.7, 0.8, 1.5}, org[3] = {-5.5, 7.25, 100};
    vx_image *img = read_ok(fixture("oblique.nrrd"));
    check_geom(&img->geom, 4, 3, 2, sp, org, r);
    check_values(img, f_g);
    vx_image_free(img);
}

static void test_spacings_only(void **state)
{
    (void)state;
    static const double sp[3] = {0.5, 0.6, 0.7}, org[3] = {0, 0, 0};
    vx_image *img = read_ok(fixture("spacings.nrrd"));
    check_geom(&img->geom, 4, 3, 2, sp, org, IDENT);
    check_values(img, f_g);
    vx_image_free(img);
}

static void test_image_read_dispatch(void **state)
{
    (void)state;
    vx_image *img = NULL;
    vx_error err = {0, ""};
    assert_int_equal(vx_image_read(fixture("detached_gz.nhdr"), &img, &err), VX_OK);
    check_values(img, f_u16);
    vx_image_free(img);
    /* by content, whatever the name */
    FILE *in = fopen(fixture("le_u16.nrrd"), "rb");
    assert_non_null(in);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    write_bytes(tmp("no_extension"), buf, n);
    assert_int_equal(vx_image_read(tmp("no_extension"), &img, &err), VX_OK);
    check_geom(&img->geom, 4, 3, 2, LPS_SP, LPS_ORG, IDENT);
    check_values(img, f_u16);
    vx_image_free(img);
    /* a .nrrd name without NRRD content goes to the NRRD reader for its error */
    write_bytes(tmp("garbage.nrrd"), "hello world\n", 12);
    assert_int_equal(vx_image_read(tmp("garbage.nrrd"), &img, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "NRRD"));
}

/* ---- segmentations --------------------------------------------------------------------------------------- */

static vx_image *segment_ok(const char *path, const char *name)
{
    vx_image *m = NULL;
    vx_error err = {0, ""};
    int rc = vx_nrrd_read_segment(path, name, &m, &err);
    if (rc != VX_OK) {
        print_error("%s [%s]: %d %s\n", path, name, rc, err.msg);
        fail();
    }
    static const double sp[3] = {0.9, 0.9, 3}, org[3] = {-20, -30, 40};
    check_geom(&m->geom, 6, 5, 4, sp, org, IDENT);
    return m;
}

static void test_seg_3d(void **state)
{
    (void)state;
    const char *p = fixture("seg3d.seg.nrrd");
    vx_nrrd_segment *s = NULL;
    size_t n = 0;
    vx_error err = {0, ""};
    assert_int_equal(vx_nrrd_segments(p, &s, &n, &err), VX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].index, 0);
    assert_string_equal(s[0].id, "Segment_1");
    assert_string_equal(s[0].name, "Liver");
    assert_int_equal(s[0].label_value, 1);
    assert_int_equal(s[0].layer, 0);
    assert_int_equal(s[1].index, 1);
    assert_string_equal(s[1].id, "Segment_2");
    assert_string_equal(s[1].name, "Tumor");
    assert_int_equal(s[1].label_value, 2);
    assert_int_equal(s[1].layer, 0);
    free(s);

    struct {
        const char *sel;
        voxfn f;
    } cases[] = {{"Liver", f_liver}, {"tumor", f_tumor3}, {"Segment_1", f_liver}, {"2", f_tumor3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vx_image *m = segment_ok(p, cases[i].sel);
        check_values(m, cases[i].f);
        vx_image_free(m);
    }
    /* the labelmap itself reads as an image */
    vx_image *img = read_ok(p);
    check_values(img, f_label3);
    vx_image_free(img);

    vx_image *m = (vx_image *)1;
    assert_int_equal(vx_nrrd_read_segment(p, "Spleen", &m, &err), VX_EINVAL);
    assert_null(m);
    assert_non_null(strstr(err.msg, "Spleen"));
    assert_non_null(strstr(err.msg, "Liver"));
    assert_non_null(strstr(err.msg, "Tumor"));
    assert_int_equal(vx_nrrd_read_segment(p, "3", &m, &err), VX_EINVAL);
    /* a plain image has no segments */
    assert_int_equal(vx_nrrd_segments(fixture("le_u16.nrrd"), &s, &n, &err), VX_OK);
    assert_int_equal(n, 0);
    assert_null(s);
    assert_int_equal(vx_nrrd_read_segment(fixture("le_u16.nrrd"), "1", &m, &err), VX_EINVAL);

    /* a malformed label value */
    write_nrrd(tmp("badlabel.seg.nrrd"), "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 2\nencoding: raw\n"
               "Segment0_Name:=a\nSegment0_LabelValue:=one\n\n", "\x00\x01", 2);
    assert_int_equal(vx_nrrd_segments(tmp("badlabel.seg.nrrd"), &s, &n, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "Segment0_LabelValue"));
    assert_non_null(strstr(err.msg, "badlabel.seg.nrrd"));
    assert_null(s);
    assert_int_equal(vx_nrrd_read_segment(tmp("badlabel.seg.nrrd"), "a", &m, &err), VX_EFORMAT);

    /* many segments, keys in reverse order: listed sorted by k (and in O(n log n)) */
    size_t cap = 6u << 20, len = 0;
    char *hdr = malloc(cap);
    assert_non_null(hdr);
    len += (size_t)snprintf(hdr, cap, "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 2\nencoding: raw\n");
    for (int k = 99999; k >= 0; k--)
        len += (size_t)snprintf(hdr + len, cap - len, "Segment%d_LabelValue:=%d\nSegment%d_Name:=s%d\n", k,
                                k % 2, k, k);
    len += (size_t)snprintf(hdr + len, cap - len, "Segment7_LabelValue:=x\n\n");
    assert_true(len < cap);
    hdr[len - 3] = '0'; /* make the last key valid: Segment7_LabelValue:=0 (after :=1 earlier) */
    write_nrrd(tmp("many.seg.nrrd"), hdr, "\x00\x01", 2);
    free(hdr);
    assert_int_equal(vx_nrrd_segments(tmp("many.seg.nrrd"), &s, &n, &err), VX_OK);
    assert_int_equal(n, 100000);
    assert_int_equal(s[99999].index, 99999);
    assert_string_equal(s[12345].name, "s12345");
    assert_int_equal(s[12345].label_value, 1);
    assert_int_equal(s[7].label_value, 0); /* the later key wins */
    free(s);
    assert_int_equal(vx_nrrd_read_segment(tmp("many.seg.nrrd"), "s2", &m, &err), VX_OK);
    assert_true(m->v[0] == 1.0f && m->v[1] == 0.0f); /* label 0 */
    vx_image_free(m);
}

static void test_seg_4d(void **state)
{
    (void)state;
    const char *p = fixture("seg4d.seg.nrrd");
    vx_nrrd_segment *s = NULL;
    size_t n = 0;
    vx_error err = {0, ""};
    assert_int_equal(vx_nrrd_segments(p, &s, &n, &err), VX_OK);
    assert_int_equal(n, 3);
    assert_string_equal(s[1].name, "Tumor");
    assert_int_equal(s[1].layer, 1);
    assert_int_equal(s[1].label_value, 1);
    assert_string_equal(s[2].id, "vessel_id");
    assert_int_equal(s[2].layer, 0);
    assert_int_equal(s[2].label_value, 3);
    free(s);
    vx_image *m = segment_ok(p, "Liver");
    check_values(m, f_liver);
    vx_image_free(m);
    m = segment_ok(p, "Tumor");
    check_values(m, f_tumor4);
    vx_image_free(m);
    m = segment_ok(p, "vessel_id");
    check_values(m, f_vessel);
    vx_image_free(m);
    /* two layers: not a scalar image */
    read_fails(p, VX_EUNSUPPORTED, "axis 0");
    /* ... but each is a channel (PyRadiomics' label_channel): layer 1 holds the tumour alone, label 1 */
    assert_int_equal(vx_nrrd_read_channel(p, 1, &m, &err), VX_OK);
    check_values(m, f_tumor4);
    vx_image_free(m);
    assert_int_equal(vx_nrrd_read_channel(p, 2, &m, &err), VX_EINVAL);
    assert_null(m);
    assert_non_null(strstr(err.msg, "channel 2 requested, but the file has 2 channels (0 to 1)"));
    assert_int_equal(vx_nrrd_read_channel(p, -1, &m, &err), VX_EINVAL);
    /* a scalar file is read as it is, whatever the channel */
    assert_int_equal(vx_nrrd_read_channel(fixture("le_u16.nrrd"), 5, &m, &err), VX_OK);
    check_values(m, f_u16);
    vx_image_free(m);

    /* older Slicer files: one layer per segment, no LabelValue/Layer keys (defaults: label 1, layer = k) */
    unsigned char v[2 * 2 * 2 * 2];
    for (int i = 0; i < 8; i++) {
        v[2 * i] = (unsigned char)(i & 1);
        v[2 * i + 1] = (unsigned char)(i >= 4);
    }
    write_nrrd(tmp("old.seg.nrrd"), "NRRD0004\ntype: uchar\ndimension: 4\nsizes: 2 2 2 2\nencoding: raw\n"
               "space: LPS\nspace directions: none (1,0,0) (0,1,0) (0,0,1)\nkinds: list domain domain domain\n"
               "Segment0_ID:=a\nSegment0_Name:=Odd x\nSegment1_ID:=b\nSegment1_Name:=Upper z\n\n", v, sizeof v);
    assert_int_equal(vx_nrrd_segments(tmp("old.seg.nrrd"), &s, &n, &err), VX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].layer, 0);
    assert_int_equal(s[1].layer, 1);
    assert_int_equal(s[1].label_value, 1);
    free(s);
    assert_int_equal(vx_nrrd_read_segment(tmp("old.seg.nrrd"), "upper Z", &m, &err), VX_OK);
    for (int i = 0; i < 8; i++)
        assert_true(m->v[i] == (i >= 4 ? 1.0f : 0.0f));
    vx_image_free(m);
}

/* ---- malformed files ------------------------------------------------------------------------------------- */

static const char HDR_OK[] = "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n\n";

static void test_malformed_header(void **state)
{
    (void)state;
    short v[8] = {0};
    struct {
        const char *name, *hdr;
        int code;
        const char *what;
    } cases[] = {
        {"nosizes.nrrd", "NRRD0004\ntype: short\ndimension: 3\nendian: little\nencoding: raw\n\n", VX_EFORMAT,
         "sizes"},
        {"fewsizes.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2\nendian: little\nencoding: raw\n\n",
         VX_EFORMAT, "sizes"},
        {"overflow.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 4294967296 4294967296 4294967296\n"
         "endian: little\nencoding: raw\n\n", VX_EFORMAT, "sizes"},
        {"hugesize.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 184467440737095516160\n"
         "endian: little\nencoding: raw\n\n", VX_EFORMAT, "sizes"},
        {"zerosize.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 0 2\nendian: little\nencoding: raw\n\n",
         VX_EFORMAT, "sizes"},
        {"type.nrrd", "NRRD0004\ntype: quaternion\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n", VX_EFORMAT,
         "quaternion"},
        {"block.nrrd", "NRRD0004\ntype: block\nblock size: 4\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n",
         VX_EUNSUPPORTED, "block"},
        {"enc.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: zip\n\n",
         VX_EFORMAT, "zip"},
        {"ascii.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nencoding: ascii\n\n1 2 3 4 5 6 7 8\n",
         VX_EUNSUPPORTED, "ascii"},
        {"bz2.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: bzip2\n\n",
         VX_EUNSUPPORTED, "bzip2"},
        {"noendian.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nencoding: raw\n\n", VX_EFORMAT,
         "endian"},
        {"magic.nrrd", "NRRX0004\ntype: short\n\n", VX_EFORMAT, "NRRD"},
        {"version.nrrd", "NRRD0009\ntype: short\n\n", VX_EUNSUPPORTED, "NRRD0009"},
        {"dup.nrrd", "NRRD0004\ntype: short\ntype: short\n\n", VX_EFORMAT, "twice"},
        {"dim.nrrd", "NRRD0004\ntype: short\ndimension: 0\nsizes: 2\nendian: little\nencoding: raw\n\n", VX_EFORMAT,
         "dimension"},
        {"nocolon.nrrd", "NRRD0004\ntype short\n\n", VX_EFORMAT, "line 2"},
        {"dirs.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space: LPS\nspace directions: (1,0,0) (0,1) (0,0,1)\n\n", VX_EFORMAT, "space directions"},
        {"dirsnospace.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space directions: (1,0,0) (0,1,0) (0,0,1)\n\n", VX_EFORMAT, "space directions"},
        {"zerodir.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space: LPS\nspace directions: (1,0,0) (0,0,0) (0,0,1)\n\n", VX_EFORMAT, "space directions"},
        {"pardir.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space: LPS\nspace directions: (1,0,0) (2,0,0) (0,0,1)\n\n", VX_EFORMAT, "linearly dependent"},
        {"space.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space: upside-down\n\n", VX_EFORMAT, "upside-down"},
        {"origin.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "space: RAS\nspace origin: (1,nan,2)\n\n", VX_EFORMAT, "space origin"},
        {"fourd.nrrd", "NRRD0004\ntype: short\ndimension: 4\nsizes: 2 2 2 2\nendian: little\nencoding: raw\n\n",
         VX_EUNSUPPORTED, "axis 3"},
        {"time.nrrd", "NRRD0004\ntype: short\ndimension: 4\nsizes: 1 1 2 4\nendian: little\nencoding: raw\n"
         "kinds: domain domain domain time\n\n", VX_EUNSUPPORTED, "axis 3"},
        {"vector.nrrd", "NRRD0004\ntype: short\ndimension: 4\nsizes: 2 2 2 1\nendian: little\nencoding: raw\n"
         "kinds: vector domain domain domain\n\n", VX_EUNSUPPORTED, "axis 0"},
        {"gzm1.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: gzip\n"
         "byte skip: -1\n\n", VX_EUNSUPPORTED, "byte skip"},
        {"list.nhdr", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "data file: LIST\na.raw\n", VX_EFORMAT, "data file"},
        {"fmt.nhdr", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
         "data file: s%d%d.raw 1 2 1\n", VX_EUNSUPPORTED, "data file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int detached = strstr(cases[i].name, ".nhdr") != NULL; /* no blank line: no attached data */
        write_nrrd(tmp(cases[i].name), cases[i].hdr, v, detached ? 0 : sizeof v);
        read_fails(tmp(cases[i].name), cases[i].code, cases[i].what);
    }
    /* a NUL byte in the header */
    write_bytes(tmp("nul.nrrd"), "NRRD0004\ntype: sh\0rt\n\n", 22);
    read_fails(tmp("nul.nrrd"), VX_EFORMAT, "NUL");
    /* missing files */
    read_fails(tmp("does_not_exist.nrrd"), VX_EIO, NULL);
    vx_error err = {0, ""};
    vx_image *img = NULL;
    assert_int_equal(vx_image_read(tmp("does_not_exist.nrrd"), &img, &err), VX_EIO);
}

/* Hostile geometry (issue 11): zero, NaN, infinite and absurd spacings and sheared space directions are
 * refused with one line naming the file, the field and its line; a negative `spacings` value flips the axis
 * (the spacing is its size); orthogonal rotated directions read with the right spacings and voxel volume. */
static void test_hostile_geometry(void **state)
{
    (void)state;
    short v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const char *bad[] = {"0", "nan", "inf", "-inf", "1e-30", "1e30", "-1e-30"};
    char hdr[512], name[64];
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        snprintf(hdr, sizeof hdr, "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
                 "encoding: raw\nspacings: 1 %s 1\n\n", bad[b]);
        snprintf(name, sizeof name, "sp%zu.nrrd", b);
        write_nrrd(tmp(name), hdr, v, sizeof v);
        read_fails(tmp(name), VX_EGEOMETRY, "field 'spacings' (line 7): the spacing of axis 1 is");
        /* the same length as a space direction */
        snprintf(hdr, sizeof hdr, "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
                 "encoding: raw\nspace: LPS\nspace directions: (1,0,0) (0,%s,0) (0,0,1)\n\n", bad[b]);
        snprintf(name, sizeof name, "dir%zu.nrrd", b);
        write_nrrd(tmp(name), hdr, v, sizeof v);
        vx_image *img = NULL;
        vx_error err = {0, ""};
        int rc = vx_nrrd_read(tmp(name), &img, &err);
        if (rc == VX_OK || !strstr(err.msg, name) || !strstr(err.msg, "space directions") || strchr(err.msg, '\n'))
            fail_msg("%s: rc %d, '%s'", name, rc, err.msg);
        assert_null(img);
    }
    /* sheared directions: (1,0,0) and (1,1,0) meet at 45 degrees */
    write_nrrd(tmp("shear.nrrd"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\nspace: LPS\nspace directions: (1,0,0) (1,1,0) (0,0,1)\n\n", v, sizeof v);
    read_fails(tmp("shear.nrrd"), VX_EGEOMETRY, "space directions: axes 1 and 2 are not orthogonal (angle 45 degrees");
    /* a negative spacings value: the axis flips, the spacing is 0.5 */
    write_nrrd(tmp("negsp.nrrd"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\nspacings: 1 -0.5 2\n\n", v, sizeof v);
    vx_image *img = read_ok(tmp("negsp.nrrd"));
    vx_assert_near(img->geom.spacing[1], 0.5, 0);
    vx_image_free(img);
    /* orthogonal rotated, anisotropic directions: R = Rz(40 deg), spacings 0.6, 0.9, 2.5 -> volume 1.35 mm^3 */
    const double a = 40 * 3.14159265358979323846 / 180;
    snprintf(hdr, sizeof hdr, "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: raw\n"
             "space: LPS\nspace directions: (%.17g,%.17g,0) (%.17g,%.17g,0) (0,0,2.5)\n\n", 0.6 * cos(a), 0.6 * sin(a),
             -0.9 * sin(a), 0.9 * cos(a));
    write_nrrd(tmp("rot.nrrd"), hdr, v, sizeof v);
    img = read_ok(tmp("rot.nrrd"));
    vx_assert_near(img->geom.spacing[0], 0.6, 1e-12);
    vx_assert_near(img->geom.spacing[1], 0.9, 1e-12);
    vx_assert_near(img->geom.spacing[2], 2.5, 1e-12);
    vx_assert_near(img->geom.spacing[0] * img->geom.spacing[1] * img->geom.spacing[2], 1.35, 1e-12);
    vx_image_free(img);
    /* a fifo is refused at once, not opened (opening would block) */
    unlink(tmp("fifo.nrrd"));
    assert_int_equal(mkfifo(tmp("fifo.nrrd"), 0600), 0);
    read_fails(tmp("fifo.nrrd"), VX_EIO, "fifo.nrrd: is a fifo, not a regular file");
    unlink(tmp("fifo.nrrd"));
}

static void test_malformed_data(void **state)
{
    (void)state;
    short v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    /* truncated raw data */
    write_nrrd(tmp("trunc.nrrd"), HDR_OK, v, sizeof v - 1);
    read_fails(tmp("trunc.nrrd"), VX_EFORMAT, "truncated");
    /* the header without its blank line and data */
    write_nrrd(tmp("nodata.nrrd"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\n", NULL, 0);
    read_fails(tmp("nodata.nrrd"), VX_EFORMAT, "truncated");
    /* byte skip past the data */
    write_nrrd(tmp("skip.nrrd"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\nbyte skip: 3\n\n", v, sizeof v);
    read_fails(tmp("skip.nrrd"), VX_EFORMAT, "truncated");
    /* line skip beyond the end */
    write_nrrd(tmp("lskip.nrrd"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\nline skip: 5\n\n", v, sizeof v);
    read_fails(tmp("lskip.nrrd"), VX_EFORMAT, "line skip");

    const char *gzh = "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\nencoding: gzip\n\n";
    unsigned char z[256];
    size_t zn = gz_bytes(v, sizeof v, z, sizeof z);
    /* good gzip, then damaged variants */
    write_nrrd(tmp("gz.nrrd"), gzh, z, zn);
    vx_image *img = read_ok(tmp("gz.nrrd"));
    for (int i = 0; i < 8; i++)
        assert_true(img->v[i] == (float)(i + 1));
    vx_image_free(img);
    write_nrrd(tmp("gzcut.nrrd"), gzh, z, zn - 6); /* CRC and length cut off */
    read_fails(tmp("gzcut.nrrd"), VX_EFORMAT, "gzip");
    write_nrrd(tmp("gzshort.nrrd"), gzh, z, 12);
    read_fails(tmp("gzshort.nrrd"), VX_EFORMAT, NULL);
    unsigned char bad[64];
    for (size_t i = 0; i < sizeof bad; i++)
        bad[i] = (unsigned char)(i * 37 + 11);
    write_nrrd(tmp("gzbad.nrrd"), gzh, bad, sizeof bad);
    read_fails(tmp("gzbad.nrrd"), VX_EFORMAT, "gzip");
    unsigned char crc[256];
    memcpy(crc, z, zn);
    crc[zn - 5] ^= 0x40; /* CRC-32 mismatch */
    write_nrrd(tmp("gzcrc.nrrd"), gzh, crc, zn);
    read_fails(tmp("gzcrc.nrrd"), VX_EFORMAT, "gzip");
    /* a claimed size far beyond what the compressed bytes can hold: refused before allocating */
    write_nrrd(tmp("gzhuge.nrrd"), "NRRD0004\ntype: double\ndimension: 3\nsizes: 4096 4096 4096\nendian: little\n"
               "encoding: gzip\n\n", z, zn);
    read_fails(tmp("gzhuge.nrrd"), VX_EFORMAT, "truncated");
    /* a missing detached data file */
    write_nrrd(tmp("missing.nhdr"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\ndata file: missing.raw\n", NULL, 0);
    read_fails(tmp("missing.nhdr"), VX_EIO, "missing.raw");
    /* a detached data file that is a folder */
    write_nrrd(tmp("dir.nhdr"), "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nendian: little\n"
               "encoding: raw\ndata file: .\n", NULL, 0);
    read_fails(tmp("dir.nhdr"), VX_EIO, "regular");
}

/* Headers longer than the reader's 64 KiB read chunk, with the blank line straddling the chunk boundary. */
static void test_long_header(void **state)
{
    (void)state;
    const char *head = "NRRD0004\ntype: uchar\ndimension: 3\nsizes: 1 1 3\nencoding: raw\nlong:=";
    size_t hl = strlen(head);
    char *buf = malloc(70000);
    assert_non_null(buf);
    for (int crlf = 0; crlf < 2; crlf++)
        for (size_t end = 65533; end <= 65538; end++) {
            /* the key/value line ends with its newline at byte `end` (the "\n" of "\r\n" for crlf) */
            memcpy(buf, head, hl);
            size_t pos = hl;
            while (pos < end - (size_t)crlf)
                buf[pos++] = 'v';
            if (crlf)
                buf[pos++] = '\r';
            buf[pos++] = '\n';
            if (crlf)
                buf[pos++] = '\r';
            buf[pos++] = '\n';
            memcpy(buf + pos, "\x07\x08\x09", 3);
            write_bytes(tmp("long.nrrd"), buf, pos + 3);
            vx_image *img = read_ok(tmp("long.nrrd"));
            assert_int_equal(img->geom.dims[2], 3);
            assert_true(img->v[0] == 7.0f && img->v[1] == 8.0f && img->v[2] == 9.0f);
            vx_image_free(img);
        }
    free(buf);
    /* no blank line within the 16 MiB header limit: refused */
    size_t big = ((size_t)17 << 20);
    buf = malloc(big);
    assert_non_null(buf);
    memcpy(buf, head, hl);
    memset(buf + hl, 'x', big - hl);
    write_bytes(tmp("endless.nrrd"), buf, big);
    free(buf);
    read_fails(tmp("endless.nrrd"), VX_EFORMAT, "blank line");
}

/* ---- writer ---------------------------------------------------------------------------------------------- */

static void test_write_roundtrip(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 5, 4, 3);
    double a = 0.3;
    double dir[9] = {cos(a), -sin(a), 0, sin(a), cos(a), 0, 0, 0, 1};
    memcpy(g.direction, dir, sizeof dir);
    g.spacing[0] = 0.7;
    g.spacing[1] = 1.1;
    g.spacing[2] = 3.3;
    g.origin[0] = -100.25;
    g.origin[1] = 12.5;
    g.origin[2] = 1e-3;
    vx_image *img = vx_image_new(&g);
    size_t n = vx_geometry_count(&g);
    for (size_t i = 0; i < n; i++)
        img->v[i] = (float)i * 0.37f - 10.0f;
    img->v[7] = NAN;
    img->v[8] = -INFINITY;
    for (int gz = 0; gz < 2; gz++) {
        const char *p = tmp(gz ? "w.nrrd" : "w_raw.nrrd");
        vx_error err = {0, ""};
        assert_int_equal(vx_nrrd_write(p, img, gz, &err), VX_OK);
        vx_image *back = read_ok(p);
        check_geom(&back->geom, 5, 4, 3, g.spacing, g.origin, g.direction);
        assert_memory_equal(back->v, img->v, n * sizeof(float));
        vx_image_free(back);
    }
    /* independent check with teem's unu when installed: the gzip file's samples as text */
    if (system("command -v teem-unu >/dev/null 2>&1") == 0) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "teem-unu save -f nrrd -e ascii -i '%s' -o '%s'", tmp("w.nrrd"), tmp("w.txt"));
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(tmp("w.txt"), "r");
        assert_non_null(f);
        char line[4096];
        int in_data = 0;
        size_t k = 0;
        while (fgets(line, sizeof line, f)) {
            if (!in_data) {
                in_data = line[0] == '\n';
                continue;
            }
            for (char *s = line, *e;; s = e) {
                double d = strtod(s, &e);
                if (e == s)
                    break;
                assert_true(k < n);
                if (isnan(img->v[k]))
                    assert_true(isnan(d));
                else
                    assert_true((float)d == img->v[k]);
                k++;
            }
        }
        fclose(f);
        assert_int_equal(k, n);
    }
    vx_error err = {0, ""};
    g.spacing[1] = 0.0;
    img->geom = g;
    assert_int_equal(vx_nrrd_write(tmp("bad.nrrd"), img, 0, &err), VX_EINVAL);
    vx_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attached_raw_le),  cmocka_unit_test(test_attached_raw_be),
        cmocka_unit_test(test_attached_gzip),    cmocka_unit_test(test_detached),
        cmocka_unit_test(test_multi_file),       cmocka_unit_test(test_skips),
        cmocka_unit_test(test_all_types),        cmocka_unit_test(test_two_d),
        cmocka_unit_test(test_ras_to_lps),       cmocka_unit_test(test_oblique),
        cmocka_unit_test(test_spacings_only),    cmocka_unit_test(test_image_read_dispatch),
        cmocka_unit_test(test_seg_3d),           cmocka_unit_test(test_seg_4d),
        cmocka_unit_test(test_malformed_header), cmocka_unit_test(test_malformed_data),
        cmocka_unit_test(test_hostile_geometry),
        cmocka_unit_test(test_long_header),      cmocka_unit_test(test_write_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
