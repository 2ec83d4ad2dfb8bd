/* Unit tests: whole-file gzip decompression with libdeflate (src/io/gzip.c) and the NIfTI reader on it.
 *
 * References are zlib's own: every gzip file of tests/data and $VOXOMICS_DATA decompressed by zlib's gzread
 * must equal libdeflate's output byte for byte, and every NIfTI file read through libdeflate must equal the
 * reader forced onto zlib's stream (vxio_nifti_read_zlib) voxel for voxel. Multi-member files, trailing bytes,
 * damaged and truncated files and lying ISIZE trailers are made here with zlib's gzip writer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "io/gzip.h"
#include "voxomics/io.h"
#include "voxomics/nrrd.h"
#include "vx_test.h"

static const char *tmp(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *b = (unsigned char *)vx_test_slurp(path, len);
    assert_non_null(b);
    return b;
}

static void write_raw(const char *path, const void *a, size_t na)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(a, 1, na, f), na);
    assert_int_equal(fclose(f), 0);
}

/* Append one gzip member holding a[0..n) to path (zlib's gzip writer; mode "wb" or "ab"). */
static void gz_member(const char *path, const char *mode, const void *a, size_t n)
{
    gzFile gz = gzopen(path, mode);
    assert_non_null(gz);
    if (n)
        assert_int_equal(gzwrite(gz, a, (unsigned)n), (int)n);
    assert_int_equal(gzclose(gz), Z_OK);
}

/* The whole content of a file as zlib's gzread gives it (the reference). */
static unsigned char *zlib_content(const char *path, size_t *n)
{
    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    size_t cap = 1 << 16, len = 0;
    unsigned char *b = malloc(cap);
    for (;;) {
        if (len == cap)
            b = realloc(b, cap *= 2);
        assert_non_null(b);
        int r = gzread(gz, b + len, (unsigned)(cap - len));
        assert_true(r >= 0);
        if (r == 0)
            break;
        len += (size_t)r;
    }
    gzclose_r(gz);
    *n = len;
    return b;
}

static void same_as_zlib(const char *path)
{
    size_t nz = 0, nd = 0;
    unsigned char *z = zlib_content(path, &nz), *d = NULL;
    int rc = vxio_gunzip_file(path, (size_t)1 << 31, &d, &nd);
    if (rc != VXIO_GZ_OK)
        fail_msg("%s: libdeflate declined (%d)", path, rc);
    if (nd != nz || memcmp(d, z, nz) != 0)
        fail_msg("%s: libdeflate gave %zu bytes, zlib %zu, or different bytes", path, nd, nz);
    free(z);
    free(d);
}

static void same_images(const char *path, const vx_image *a, const vx_image *b)
{
    assert_memory_equal(&a->geom, &b->geom, sizeof a->geom);
    assert_int_equal(a->pixel_type, b->pixel_type);
    size_t n = vx_geometry_count(&a->geom);
    if (memcmp(a->v, b->v, n * sizeof *a->v) != 0)
        fail_msg("%s: voxels differ between the libdeflate and the zlib reading", path);
}

typedef int (*reader)(const char *path, vx_image **out, vx_error *err);

/* A file read both ways; both succeed with identical images, or both fail with the same message. */
static void both_ways(const char *path, reader deflate_way, reader zlib_way)
{
    vx_image *a = NULL, *b = NULL;
    vx_error ea = {0}, eb = {0};
    int ra = deflate_way(path, &a, &ea), rb = zlib_way(path, &b, &eb);
    if (ra != rb)
        fail_msg("%s: libdeflate reading rc %d (%s), zlib reading rc %d (%s)", path, ra, ea.msg, rb, eb.msg);
    if (ra == VX_OK)
        same_images(path, a, b);
    else
        assert_string_equal(ea.msg, eb.msg);
    vx_image_free(a);
    vx_image_free(b);
}

static void nifti_both_ways(const char *path)
{
    both_ways(path, vx_nifti_read, vxio_nifti_read_zlib);
}

static int ends_with(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);
    return n >= m && strcmp(s + n - m, t) == 0;
}

/* Every gzip file under dir (recursively): libdeflate == zlib; NIfTI ones also read both ways. */
static int walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            count += walk(p);
        } else if (ends_with(p, ".gz")) {
            same_as_zlib(p);
            if (ends_with(p, ".nii.gz") || ends_with(p, ".hdr.gz"))
                nifti_both_ways(p);
            count++;
        } else if (ends_with(p, ".nii") || ends_with(p, ".hdr")) {
            nifti_both_ways(p);
        } else if (ends_with(p, ".nrrd") || ends_with(p, ".nhdr")) {
            both_ways(p, vx_nrrd_read, vxio_nrrd_read_zlib); /* gzip data: libdeflate unless it declines */
            count++;
        }
    }
    closedir(d);
    return count;
}

static void test_every_data_file(void **state)
{
    (void)state;
    char dir[4096];
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(dir, sizeof dir, "%s/tests/data", src ? src : ".");
    int n = walk(dir);
    int m = walk(vx_test_data_dir());
    printf("gzip and NRRD files compared with zlib: %d in tests/data, %d in %s\n", n, m, vx_test_data_dir());
    assert_true(n >= 1);
    if (m == 0)
        printf("(no reference data found: set VOXOMICS_DATA)\n");
}

/* A small NIfTI-1 file's bytes (float32, nx*ny*nz voxels of a ramp), little endian, magic n+1. */
static unsigned char *nifti_bytes(int nx, int ny, int nz, size_t *len)
{
    size_t nv = (size_t)nx * ny * nz, n = 352 + 4 * nv;
    unsigned char *b = calloc(1, n);
    assert_non_null(b);
    int32_t i32 = 348;
    memcpy(b, &i32, 4);
    int16_t dim[8] = {3, (int16_t)nx, (int16_t)ny, (int16_t)nz, 1, 1, 1, 1}, dt = 16, bp = 32;
    memcpy(b + 40, dim, sizeof dim);
    memcpy(b + 70, &dt, 2);
    memcpy(b + 72, &bp, 2);
    float pix[8] = {1, 1, 1, 1, 0, 0, 0, 0}, off = 352, slope = 1;
    memcpy(b + 76, pix, sizeof pix);
    memcpy(b + 108, &off, 4);
    memcpy(b + 112, &slope, 4);
    memcpy(b + 344, "n+1", 4);
    for (size_t i = 0; i < nv; i++) {
        float f = (float)(i % 1000) * 0.5f - 100.0f;
        memcpy(b + 352 + 4 * i, &f, 4);
    }
    *len = n;
    return b;
}

static void test_multi_member(void **state)
{
    (void)state;
    size_t len;
    unsigned char *b = nifti_bytes(64, 64, 40, &len);
    /* header + most of the data in a first member, a tail of 100 bytes in a second: the ISIZE hint (100)
     * is far too small, so the output buffer grows */
    const char *p = tmp("two.nii.gz");
    gz_member(p, "wb", b, len - 100);
    gz_member(p, "ab", b + len - 100, 100);
    size_t n = 0;
    unsigned char *d = NULL;
    assert_int_equal(vxio_gunzip_file(p, (size_t)1 << 31, &d, &n), VXIO_GZ_OK);
    assert_int_equal(n, len);
    assert_memory_equal(d, b, len);
    free(d);
    same_as_zlib(p);
    nifti_both_ways(p);
    /* three members, the middle one empty, the header split across the first two */
    const char *q = tmp("three.nii.gz");
    gz_member(q, "wb", b, 200);
    gz_member(q, "ab", b, 0);
    gz_member(q, "ab", b + 200, len - 200);
    same_as_zlib(q);
    nifti_both_ways(q);
    vx_image *img = NULL;
    vx_error err = {0};
    assert_int_equal(vx_nifti_read(q, &img, &err), VX_OK);
    assert_true(img->v[1001] == 0.5f * 1 - 100.0f);
    vx_image_free(img);
    /* bytes after the last member that do not start another one are ignored (as by zlib's gzread) */
    size_t zl;
    unsigned char *z = slurp(p, &zl);
    unsigned char *zz = malloc(zl + 7);
    memcpy(zz, z, zl);
    memcpy(zz + zl, "garbage", 7);
    write_raw(tmp("trail.nii.gz"), zz, zl + 7);
    same_as_zlib(tmp("trail.nii.gz"));
    nifti_both_ways(tmp("trail.nii.gz"));
    /* more than max_out: declined (the caller streams with zlib) */
    assert_int_equal(vxio_gunzip_buffer(z, zl, len / 2, &d, &n), VXIO_GZ_DECLINED);
    assert_null(d);
    /* a plain file is not gzip */
    assert_int_equal(vxio_gunzip_buffer(b, len, len, &d, &n), VXIO_GZ_NOT_GZIP);
    free(zz);
    free(z);
    free(b);
}

/* A damaged file read through the default (libdeflate) path fails with zlib's message naming the file. */
static void expect_error(const char *path, int code, const char *msg_part)
{
    vx_image *img = NULL;
    vx_error err = {0};
    int rc = vx_nifti_read(path, &img, &err);
    if (rc != code)
        fail_msg("%s: expected rc %d, got %d (%s)", path, code, rc, err.msg);
    assert_null(img);
    assert_true(strncmp(err.msg, path, strlen(path)) == 0);
    if (!strstr(err.msg, msg_part))
        fail_msg("%s: message '%s' lacks '%s'", path, err.msg, msg_part);
    nifti_both_ways(path); /* the same message as the zlib reading */
}

static void test_damaged(void **state)
{
    (void)state;
    size_t len;
    unsigned char *b = nifti_bytes(30, 20, 10, &len);
    const char *p = tmp("ok.nii.gz");
    gz_member(p, "wb", b, len);
    size_t zl;
    unsigned char *z = slurp(p, &zl);
    /* truncated: the compressed stream cut in the middle */
    write_raw(tmp("cut.nii.gz"), z, zl / 2);
    unsigned char *d = NULL;
    size_t n;
    assert_int_equal(vxio_gunzip_file(tmp("cut.nii.gz"), (size_t)1 << 31, &d, &n), VXIO_GZ_DECLINED);
    expect_error(tmp("cut.nii.gz"), VX_EFORMAT, "truncated file");
    /* ISIZE that lies (too large, too small, zero, a wrapped-looking 0xffffffff): verified, clean error */
    const uint32_t lies[] = {(uint32_t)len + 1, (uint32_t)len - 1, 0, 0xffffffffu};
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        unsigned char *y = malloc(zl);
        memcpy(y, z, zl);
        for (int k = 0; k < 4; k++)
            y[zl - 4 + k] = (unsigned char)(lies[i] >> (8 * k));
        write_raw(tmp("isize.nii.gz"), y, zl);
        assert_int_equal(vxio_gunzip_buffer(y, zl, (size_t)1 << 31, &d, &n), VXIO_GZ_DECLINED);
        expect_error(tmp("isize.nii.gz"), VX_EFORMAT, "corrupt gzip data: incorrect length check");
        free(y);
    }
    /* damaged CRC */
    z[zl - 8] ^= 0x01;
    write_raw(tmp("crc.nii.gz"), z, zl);
    expect_error(tmp("crc.nii.gz"), VX_EFORMAT, "corrupt gzip data: incorrect data check");
    /* only the gzip magic */
    write_raw(tmp("magic.nii.gz"), "\x1f\x8b", 2);
    expect_error(tmp("magic.nii.gz"), VX_EFORMAT, "not a NIfTI-1/2 file");
    free(z);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_data_file),
        cmocka_unit_test(test_multi_member),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
