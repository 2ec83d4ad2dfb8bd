/* voxomics: NIfTI-1 and NIfTI-2 reader and writer on zlib.
 *
 * Why our own code: Debian's libnifti2 (3.0.1) writes NIfTI-2 without a header, ignores scl_slope/scl_inter and
 * ships a broken CMake config. The formats are small and fully described by the official headers nifti1.h and
 * nifti2.h (layouts below), so we parse the bytes ourselves.
 *
 * A gzip file (.nii.gz, and either file of a .hdr/.img pair gzipped) is decompressed whole with libdeflate
 * (gzip.c: 2-3x faster than zlib's streaming inflate) and parsed from memory; a plain file, a gzip file that
 * libdeflate refuses (corrupt, truncated: zlib then reports the precise error) or one larger than WHOLE_MAX
 * decompressed (whose whole copy would cost too much memory beside the image) goes through zlib's
 * gzopen/gzread, which streams the voxel data in chunks straight into the float buffer of the new image
 * (native-endian float32 data directly, no intermediate copy).
 *
 * Byte order is detected from sizeof_hdr (348 for NIfTI-1, 540 for NIfTI-2; byte-swapped otherwise). The voxel
 * size comes from datatype (bitpix is ignored); vox_offset 0 in a single file means "right after the header and
 * its 4 extension-flag bytes"; extensions are skipped. Analyze 7.5 (no NIfTI magic) and more than one volume are
 * refused. Before allocating, the claimed data size is checked against the file size (for gzip, against the
 * deflate limit of 1032:1), so a damaged header never triggers a huge allocation.
 *
 * Geometry (NIfTI world space is RAS+, ours is LPS+, so the x and y rows of the affine are negated):
 *   sform_code > 0: world = srow * (i, j, k, 1)
 *   else qform_code > 0: world = R(quatern_b, c, d) * diag(pixdim1, pixdim2, qfac * pixdim3) * (i, j, k) + qoffset
 *   else: world = diag(pixdim1, pixdim2, pixdim3) * (i, j, k) (the NIfTI "method 1", origin 0).
 * spacing = column norms of the 3x3 part, direction = the normalised columns. The chosen source must give a
 * measurable grid (vx_geometry_validate): a non-finite or empty affine, a sheared (non-orthogonal) sform, a
 * pixdim[1..3] that is zero, negative (qform), NaN, infinite or outside [1e-6, 1e6] mm is VX_EGEOMETRY naming
 * the file and the source; nothing falls back to another source or to 1 mm. qfac = pixdim[0] < 0 flips the
 * third axis (legitimate NIfTI); method 1 takes |pixdim| (Analyze-era flip flags).
 *
 * Header field offsets (bytes), NIfTI-1 (348-byte header, magic "n+1\0" at 344, "ni1\0" for .hdr/.img):
 *   0 sizeof_hdr i32 | 40 dim[8] i16 | 70 datatype i16 | 72 bitpix i16 | 76 pixdim[8] f32 | 108 vox_offset f32 |
 *   112 scl_slope f32 | 116 scl_inter f32 | 123 xyzt_units u8 | 148 descrip[80] | 252 qform_code i16 |
 *   254 sform_code i16 | 256 quatern_b,c,d, qoffset_x,y,z f32 | 280 srow_x[4], srow_y[4], srow_z[4] f32
 * NIfTI-2 (540-byte header, magic "n+2\0\r\n\032\n" at 4, "ni2\0..." for .hdr/.img):
 *   0 sizeof_hdr i32 | 12 datatype i16 | 14 bitpix i16 | 16 dim[8] i64 | 104 pixdim[8] f64 | 168 vox_offset i64 |
 *   176 scl_slope f64 | 184 scl_inter f64 | 240 descrip[80] | 344 qform_code i32 | 348 sform_code i32 |
 *   352 quatern_b,c,d, qoffset_x,y,z f64 | 400 srow_x[4], srow_y[4], srow_z[4] f64 | 500 xyzt_units i32
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "gzip.h"
#include "tempfile.h"
#include "voxomics/io.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define NII1_HDR 348
#define NII2_HDR 540
#define CHUNK_BYTES ((size_t)1 << 20) /* conversion buffer: a multiple of every element size */
#define GZ_MAX_IO ((size_t)1 << 30)   /* gzread/gzwrite take an unsigned and return an int */
/* Upper bound of the deflate expansion ratio (1032:1); a gzip file of n bytes never holds more than this. */
#define GZ_MAX_RATIO 1032.0
/* Hard cap for streams whose size is unknown (pipes): 2^36 voxels (256 GiB of float). */
#define MAX_VOXELS ((uint64_t)1 << 36)
/* Largest gzip content decompressed whole (libdeflate); larger files stream through zlib. */
#define WHOLE_MAX ((size_t)1 << 31)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BE 1
#else
#define HOST_BE 0
#endif

enum {
    DT_BINARY = 1, DT_UINT8 = 2, DT_INT16 = 4, DT_INT32 = 8, DT_FLOAT32 = 16, DT_COMPLEX64 = 32,
    DT_FLOAT64 = 64, DT_RGB24 = 128, DT_INT8 = 256, DT_UINT16 = 512, DT_UINT32 = 768, DT_INT64 = 1024,
    DT_UINT64 = 1280, DT_FLOAT128 = 1536, DT_COMPLEX128 = 1792, DT_COMPLEX256 = 2048, DT_RGBA32 = 2304,
};

typedef struct dtype_info {
    int code;
    int size; /* bytes per voxel (0: bit-packed) */
    const char *name;
    int supported;
} dtype_info;

static const dtype_info DTYPES[] = {
    {DT_BINARY, 0, "BINARY", 0},       {DT_UINT8, 1, "UINT8", 1},         {DT_INT16, 2, "INT16", 1},
    {DT_INT32, 4, "INT32", 1},         {DT_FLOAT32, 4, "FLOAT32", 1},     {DT_COMPLEX64, 8, "COMPLEX64", 0},
    {DT_FLOAT64, 8, "FLOAT64", 1},     {DT_RGB24, 3, "RGB24", 0},         {DT_INT8, 1, "INT8", 1},
    {DT_UINT16, 2, "UINT16", 1},       {DT_UINT32, 4, "UINT32", 1},       {DT_INT64, 8, "INT64", 1},
    {DT_UINT64, 8, "UINT64", 1},       {DT_FLOAT128, 16, "FLOAT128", 0},  {DT_COMPLEX128, 16, "COMPLEX128", 0},
    {DT_COMPLEX256, 32, "COMPLEX256", 0}, {DT_RGBA32, 4, "RGBA32", 0},
};

static const dtype_info *dtype_find(int code)
{
    for (size_t i = 0; i < sizeof DTYPES / sizeof DTYPES[0]; i++)
        if (DTYPES[i].code == code)
            return &DTYPES[i];
    return NULL;
}

/* Parsed header, format-independent. */
typedef struct nii_hdr {
    int version; /* 1 or 2 */
    int file_be; /* header and data are big endian */
    int pair;    /* "ni1"/"ni2": voxel data in a separate .img file */
    int64_t dim[8];
    double pixdim[8];
    int datatype;
    double vox_offset;
    double scl_slope, scl_inter;
    int qform_code, sform_code;
    double quatern[3], qoffset[3];
    double srow[3][4];
} nii_hdr;

/* ---- byte-level helpers ---- */

static uint64_t get_uint(const unsigned char *p, int nbytes, int be)
{
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++)
        v = (v << 8) | p[be ? i : nbytes - 1 - i];
    return v;
}

static int16_t get_i16(const unsigned char *p, int be) { return (int16_t)(uint16_t)get_uint(p, 2, be); }
static int32_t get_i32(const unsigned char *p, int be) { return (int32_t)(uint32_t)get_uint(p, 4, be); }
static int64_t get_i64(const unsigned char *p, int be) { return (int64_t)get_uint(p, 8, be); }

static double get_f32(const unsigned char *p, int be)
{
    uint32_t u = (uint32_t)get_uint(p, 4, be);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static double get_f64(const unsigned char *p, int be)
{
    uint64_t u = get_uint(p, 8, be);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void put_uint_le(unsigned char *p, uint64_t v, int nbytes)
{
    for (int i = 0; i < nbytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f32_le(unsigned char *p, double d)
{
    float f = (float)d;
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    put_uint_le(p, u, 4);
}

static void put_f64_le(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    put_uint_le(p, u, 8);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void errno_text(int e, char *buf, size_t len)
{
    if (e == 0 || strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
}

/* Error after a failed gzread/gzwrite/gzclose. e is errno captured right after the failing call. */
static int gz_fail(gzFile gz, int zerr_hint, int e, const char *path, const char *what, vx_error *err)
{
    int zerr = zerr_hint;
    const char *msg = "unknown zlib error";
    if (gz) {
        msg = gzerror(gz, &zerr);
        size_t n = strlen(path); /* zlib's message repeats the path: "path: message" */
        if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
            msg += n + 2;
    }
    if (zerr == Z_ERRNO) {
        char buf[256];
        errno_text(e, buf, sizeof buf);
        return vx_error_set(err, VX_EIO, "%s: %s error: %s", path, what, buf);
    }
    if (zerr == Z_MEM_ERROR)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory in zlib", path);
    if (zerr == Z_OK || zerr == Z_BUF_ERROR)
        return vx_error_set(err, VX_EIO, "%s: %s error", path, what);
    return vx_error_set(err, VX_EFORMAT, "%s: corrupt gzip data: %s", path, msg);
}

/* Read up to len bytes; returns the count read (short only at end of file) or -1 on error. */
static int64_t gz_read_full(gzFile gz, void *buf, size_t len, int *e)
{
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < GZ_MAX_IO ? len - done : GZ_MAX_IO;
        errno = 0;
        int r = gzread(gz, (unsigned char *)buf + done, (unsigned)n);
        if (r < 0) {
            *e = errno;
            return -1;
        }
        done += (size_t)r;
        if ((size_t)r < n)
            break;
    }
    return (int64_t)done;
}

/* A byte source: a zlib stream (plain files; gzip files libdeflate declined) or a whole decompressed gzip file
 * in memory (mem, len; read position pos). */
typedef struct nsrc {
    gzFile gz;
    unsigned char *mem;
    size_t len, pos;
} nsrc;

static int64_t src_read(nsrc *s, void *buf, size_t len, int *e)
{
    if (s->gz)
        return gz_read_full(s->gz, buf, len, e);
    size_t n = s->len - s->pos < len ? s->len - s->pos : len;
    memcpy(buf, s->mem + s->pos, n);
    s->pos += n;
    return (int64_t)n;
}

/* The source is a plain (not gzip-compressed) file. */
static int src_direct(const nsrc *s)
{
    return s->gz ? gzdirect(s->gz) : 0;
}

static int src_fail(const nsrc *s, int e, const char *path, const char *what, vx_error *err)
{
    return gz_fail(s->gz, Z_OK, e, path, what, err);
}

static void src_close(nsrc *s)
{
    if (s->gz)
        gzclose_r(s->gz);
    free(s->mem);
    memset(s, 0, sizeof *s);
}

static int open_error(const char *path, int e, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: cannot open: out of memory", path);
    errno_text(e, buf, sizeof buf);
    return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, buf);
}

/* zlib's input buffer for a file of `size` bytes (-1: unknown); gzread allocates twice as much again for its
 * output. 256 KiB streams large files efficiently; a smaller file gets a buffer of its own size (at least zlib's
 * default of 8 KiB), so that opening a header or a small image costs no large allocation. */
static unsigned gz_buffer_size(int64_t size)
{
    const int64_t lo = 8 * 1024, hi = 256 * 1024;
    return (unsigned)(size < 0 || size > hi ? hi : size < lo ? lo : size);
}

/* stat, then the whole gzip file decompressed by libdeflate (unless zlib_only), else gzopen for reading;
 * *size = file size for regular files, -1 otherwise. */
static int open_read(const char *path, int zlib_only, nsrc *s, int64_t *size, vx_error *err)
{
    struct stat st;
    memset(s, 0, sizeof *s);
    if (stat(path, &st) != 0)
        return open_error(path, errno, err);
    if (S_ISDIR(st.st_mode))
        return open_error(path, EISDIR, err);
    if (!S_ISREG(st.st_mode)) /* a fifo would block in gzopen */
        return vx_path_check(path, 0, NULL, err);
    *size = (int64_t)st.st_size;
    if (!zlib_only && vxio_gunzip_file(path, WHOLE_MAX, &s->mem, &s->len) == VXIO_GZ_OK)
        return VX_OK;
    errno = 0;
    s->gz = gzopen(path, "rb");
    if (!s->gz)
        return open_error(path, errno, err);
    gzbuffer(s->gz, gz_buffer_size(*size));
    return VX_OK;
}

/* ---- header parsing ---- */

static int parse_header(const char *path, nsrc *gz, nii_hdr *h, vx_error *err)
{
    unsigned char raw[NII2_HDR];
    int e = 0;
    memset(h, 0, sizeof *h);
    int64_t got = src_read(gz, raw, NII1_HDR, &e);
    if (got < 0)
        return src_fail(gz, e, path, "read", err);
    if (got < 4)
        return vx_error_set(err, VX_EFORMAT, "%s: not a NIfTI-1/2 file (only %lld bytes%s)", path, (long long)got,
                            src_direct(gz) ? "" : " after gzip decompression");
    int32_t le = get_i32(raw, 0), be = get_i32(raw, 1);
    if (le == NII1_HDR || le == NII2_HDR) {
        h->file_be = 0;
    } else if (be == NII1_HDR || be == NII2_HDR) {
        h->file_be = 1;
    } else {
        return vx_error_set(err, VX_EFORMAT, "%s: not a NIfTI-1/2 file (sizeof_hdr %d)", path, (int)le);
    }
    int B = h->file_be;
    h->version = get_i32(raw, B) == NII1_HDR ? 1 : 2;
    int hsize = h->version == 1 ? NII1_HDR : NII2_HDR;
    if (got == NII1_HDR && hsize == NII2_HDR) {
        int64_t more = src_read(gz, raw + NII1_HDR, NII2_HDR - NII1_HDR, &e);
        if (more < 0)
            return src_fail(gz, e, path, "read", err);
        got += more;
    }
    if (got < hsize)
        return vx_error_set(err, VX_EFORMAT, "%s: truncated file: NIfTI-%d header has %lld of %d bytes", path,
                            h->version, (long long)got, hsize);

    if (h->version == 1) {
        const unsigned char *m = raw + 344;
        if (memcmp(m, "n+1\0", 4) == 0)
            h->pair = 0;
        else if (memcmp(m, "ni1\0", 4) == 0)
            h->pair = 1;
        else
            return vx_error_set(err, VX_EUNSUPPORTED,
                                "%s: Analyze 7.5 header without NIfTI magic is not supported", path);
        for (int i = 0; i < 8; i++) {
            h->dim[i] = get_i16(raw + 40 + 2 * i, B);
            h->pixdim[i] = get_f32(raw + 76 + 4 * i, B);
        }
        h->datatype = get_i16(raw + 70, B);
        h->vox_offset = get_f32(raw + 108, B);
        h->scl_slope = get_f32(raw + 112, B);
        h->scl_inter = get_f32(raw + 116, B);
        h->qform_code = get_i16(raw + 252, B);
        h->sform_code = get_i16(raw + 254, B);
        for (int i = 0; i < 3; i++) {
            h->quatern[i] = get_f32(raw + 256 + 4 * i, B);
            h->qoffset[i] = get_f32(raw + 268 + 4 * i, B);
            for (int c = 0; c < 4; c++)
                h->srow[i][c] = get_f32(raw + 280 + 16 * i + 4 * c, B);
        }
    } else {
        const unsigned char *m = raw + 4;
        if (memcmp(m, "n+2\0", 4) == 0)
            h->pair = 0;
        else if (memcmp(m, "ni2\0", 4) == 0)
            h->pair = 1;
        else
            return vx_error_set(err, VX_EFORMAT, "%s: not a NIfTI-2 file (bad magic)", path);
        if (memcmp(m + 4, "\r\n\032\n", 4) != 0)
            return vx_error_set(err, VX_EFORMAT, "%s: corrupt NIfTI-2 magic (file transferred in text mode?)",
                                path);
        for (int i = 0; i < 8; i++) {
            h->dim[i] = get_i64(raw + 16 + 8 * i, B);
            h->pixdim[i] = get_f64(raw + 104 + 8 * i, B);
        }
        h->datatype = get_i16(raw + 12, B);
        h->vox_offset = (double)get_i64(raw + 168, B);
        h->scl_slope = get_f64(raw + 176, B);
        h->scl_inter = get_f64(raw + 184, B);
        h->qform_code = get_i32(raw + 344, B);
        h->sform_code = get_i32(raw + 348, B);
        for (int i = 0; i < 3; i++) {
            h->quatern[i] = get_f64(raw + 352 + 8 * i, B);
            h->qoffset[i] = get_f64(raw + 376 + 8 * i, B);
            for (int c = 0; c < 4; c++)
                h->srow[i][c] = get_f64(raw + 400 + 32 * i + 8 * c, B);
        }
    }
    return VX_OK;
}

/* ---- geometry ---- */

static double det3(const double m[9])
{
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/* Geometry from a RAS affine A (3x4: columns i, j, k, offset) named src ("sform", "qform", "pixdim").
 * A non-finite entry, an empty axis, a singular matrix, a spacing out of bounds or a sheared (non-orthogonal)
 * grid is VX_EGEOMETRY naming the file and src (vx_geometry_validate): nothing falls back silently. */
static int geom_from_ras(const double A[3][4], size_t nz, double pixdim3, const char *path, const char *src,
                         vx_geometry *g, vx_error *err)
{
    double M[3][4];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            if (!isfinite(A[r][c]))
                return vx_error_set(err, VX_EGEOMETRY, "%s: %s: the affine holds a non-finite value (row %d, column "
                                    "%d); fix the header", path, src, r + 1, c + 1);
            M[r][c] = r < 2 ? -A[r][c] : A[r][c]; /* RAS -> LPS */
        }
    double norm[3];
    for (int c = 0; c < 3; c++)
        norm[c] = sqrt(M[0][c] * M[0][c] + M[1][c] * M[1][c] + M[2][c] * M[2][c]);
    if (norm[2] == 0.0 && nz == 1 && norm[0] > 0.0 && norm[1] > 0.0) {
        /* 2D image whose affine leaves the slice axis empty: the plane normal, pixdim[3] thick. */
        double x[3] = {M[0][0], M[1][0], M[2][0]}, y[3] = {M[0][1], M[1][1], M[2][1]};
        double n[3] = {x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]};
        double nn = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (!(nn > 0.0))
            return vx_error_set(err, VX_EGEOMETRY, "%s: %s: axes 1 and 2 are parallel; fix the header", path, src);
        if (!(isfinite(pixdim3) && pixdim3 > 0.0))
            return vx_error_set(err, VX_EGEOMETRY, "%s: %s: a single slice whose affine leaves axis 3 empty and "
                                "pixdim[3] is %g: the slice thickness is unknown; set pixdim[3] > 0", path, src,
                                pixdim3);
        for (int r = 0; r < 3; r++)
            M[r][2] = n[r] / nn * pixdim3;
        norm[2] = pixdim3;
    }
    double D[9];
    for (int c = 0; c < 3; c++) {
        if (!(norm[c] > 0.0))
            return vx_error_set(err, VX_EGEOMETRY, "%s: %s: axis %d has zero length (spacing 0 mm): a spacing must "
                                "be finite and within [%g, %g] mm; fix the header", path, src, c + 1,
                                VX_SPACING_MIN_MM, VX_SPACING_MAX_MM);
        for (int r = 0; r < 3; r++)
            D[3 * r + c] = M[r][c] / norm[c];
    }
    for (int i = 0; i < 3; i++) {
        g->spacing[i] = norm[i];
        g->origin[i] = M[i][3];
    }
    memcpy(g->direction, D, sizeof D);
    return vx_geometry_validate(g, path, src, err);
}

/* qform affine (RAS) from the quaternion, qfac = pixdim[0] and pixdim[1..3] (nifti1.h "method 2"). */
static void qform_affine(const nii_hdr *h, double A[3][4])
{
    double b = h->quatern[0], c = h->quatern[1], d = h->quatern[2];
    double a2 = 1.0 - (b * b + c * c + d * d), a;
    if (a2 < 1e-7) { /* a is (numerically) zero: a 180 degree rotation; renormalise (b, c, d) */
        double s = sqrt(b * b + c * c + d * d);
        if (s > 0.0) {
            b /= s;
            c /= s;
            d /= s;
        }
        a = 0.0;
    } else {
        a = sqrt(a2);
    }
    double R[3][3] = {
        {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
        {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
        {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b},
    };
    double s[3];
    for (int i = 0; i < 3; i++)
        s[i] = h->pixdim[i + 1]; /* checked positive by the caller */
    if (h->pixdim[0] < 0.0)      /* qfac: the sign of the third axis, not a negative spacing */
        s[2] = -s[2];
    for (int r = 0; r < 3; r++) {
        for (int k = 0; k < 3; k++)
            A[r][k] = R[r][k] * s[k];
        A[r][3] = h->qoffset[r];
    }
}

/* pixdim[1..3] as spacings: finite and > 0 (the qform), or non-zero with the sign ignored (method 1, where
 * Analyze-era writers flag a flipped axis with a negative pixdim). */
static int check_pixdim(const nii_hdr *h, const char *path, const char *src, int allow_negative, vx_error *err)
{
    for (int i = 1; i <= 3; i++) {
        double p = allow_negative ? fabs(h->pixdim[i]) : h->pixdim[i];
        if (!isfinite(p) || !(p >= VX_SPACING_MIN_MM && p <= VX_SPACING_MAX_MM))
            return vx_error_set(err, VX_EGEOMETRY, "%s: %s: pixdim[%d] is %g: a spacing must be finite and within "
                                "[%g, %g] mm%s; fix the header", path, src, i, h->pixdim[i], VX_SPACING_MIN_MM,
                                VX_SPACING_MAX_MM,
                                !allow_negative && i == 3 && p < 0 ? " (a flipped third axis is qfac = pixdim[0] "
                                                                     "= -1, not a negative pixdim[3])" : "");
    }
    return VX_OK;
}

/* The grid per the header: the sform when sform_code > 0, else the qform when qform_code > 0, else pixdim
 * (method 1). The chosen source must be valid: a degenerate, sheared or out-of-bounds one is refused, never
 * replaced by another. */
static int header_geometry(const nii_hdr *h, const char *path, vx_geometry *g, vx_error *err)
{
    double A[3][4];
    size_t nz = g->dims[2];
    char src[32];
    if (h->sform_code > 0) {
        memcpy(A, h->srow, sizeof A);
        snprintf(src, sizeof src, "sform (sform_code %d)", h->sform_code);
        return geom_from_ras((const double(*)[4])A, nz, h->pixdim[3], path, src, g, err);
    }
    if (h->qform_code > 0) {
        snprintf(src, sizeof src, "qform (qform_code %d)", h->qform_code);
        int rc = check_pixdim(h, path, src, 0, err);
        if (rc != VX_OK)
            return rc;
        qform_affine(h, A);
        return geom_from_ras((const double(*)[4])A, nz, h->pixdim[3], path, src, g, err);
    }
    /* Method 1: world RAS = pixdim * index, origin 0 (in LPS: direction diag(-1, -1, 1)). */
    int rc = check_pixdim(h, path, "pixdim (no sform or qform)", 1, err);
    if (rc != VX_OK)
        return rc;
    memset(A, 0, sizeof A);
    for (int i = 0; i < 3; i++)
        A[i][i] = fabs(h->pixdim[i + 1]);
    return geom_from_ras((const double(*)[4])A, nz, 1.0, path, "pixdim (no sform or qform)", g, err);
}

/* ---- voxel conversion ---- */

#define CONVERT(T, U, BSWAP)                                                                                   \
    do {                                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                                       \
            U u;                                                                                               \
            memcpy(&u, src + i * sizeof(U), sizeof(U));                                                        \
            if (swap)                                                                                          \
                u = BSWAP(u);                                                                                  \
            T t;                                                                                               \
            memcpy(&t, &u, sizeof t);                                                                          \
            dst[i] = scale ? (float)((double)t * slope + inter) : (float)t;                                    \
        }                                                                                                      \
    } while (0)

#define NOSWAP(u) (u)

static void convert(float *dst, const unsigned char *src, size_t n, int dt, int swap, int scale, double slope,
                    double inter)
{
    switch (dt) {
    case DT_UINT8: CONVERT(uint8_t, uint8_t, NOSWAP); break;
    case DT_INT8: CONVERT(int8_t, uint8_t, NOSWAP); break;
    case DT_INT16: CONVERT(int16_t, uint16_t, __builtin_bswap16); break;
    case DT_UINT16: CONVERT(uint16_t, uint16_t, __builtin_bswap16); break;
    case DT_INT32: CONVERT(int32_t, uint32_t, __builtin_bswap32); break;
    case DT_UINT32: CONVERT(uint32_t, uint32_t, __builtin_bswap32); break;
    case DT_INT64: CONVERT(int64_t, uint64_t, __builtin_bswap64); break;
    case DT_UINT64: CONVERT(uint64_t, uint64_t, __builtin_bswap64); break;
    case DT_FLOAT32: CONVERT(float, uint32_t, __builtin_bswap32); break;
    case DT_FLOAT64: CONVERT(double, uint64_t, __builtin_bswap64); break;
    default: break; /* unreachable: the datatype was validated */
    }
}

static int truncated(const char *path, uint64_t want, uint64_t got, vx_error *err)
{
    return vx_error_set(err, VX_EFORMAT, "%s: truncated file: expected %llu bytes of voxel data, got %llu", path,
                        (unsigned long long)want, (unsigned long long)got);
}

static void scale_in_place(float *v, size_t nvox, double slope, double inter)
{
    for (size_t i = 0; i < nvox; i++)
        v[i] = (float)((double)v[i] * slope + inter);
}

static int read_voxels(nsrc *gz, const char *path, float *v, size_t nvox, const dtype_info *dt, int swap,
                       int scale, double slope, double inter, vx_error *err)
{
    size_t esz = (size_t)dt->size, total = nvox * esz;
    int e = 0;
    if (dt->code == DT_FLOAT32 && !swap) {
        /* Native float32: decompress straight into the image. */
        int64_t got = src_read(gz, v, total, &e);
        if (got < 0)
            return src_fail(gz, e, path, "read", err);
        if ((size_t)got < total)
            return truncated(path, total, (uint64_t)got, err);
        if (scale)
            scale_in_place(v, nvox, slope, inter);
        return VX_OK;
    }
    unsigned char *buf = malloc(total < CHUNK_BYTES ? total : CHUNK_BYTES);
    if (!buf)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    size_t done = 0; /* voxels */
    int rc = VX_OK;
    while (done < nvox) {
        size_t want = nvox - done < CHUNK_BYTES / esz ? nvox - done : CHUNK_BYTES / esz;
        int64_t got = src_read(gz, buf, want * esz, &e);
        if (got < 0) {
            rc = src_fail(gz, e, path, "read", err);
            break;
        }
        if ((size_t)got < want * esz) {
            rc = truncated(path, total, (uint64_t)(done * esz) + (uint64_t)got, err);
            break;
        }
        convert(v + done, buf, want, dt->code, swap, scale, slope, inter);
        done += want;
    }
    free(buf);
    return rc;
}

/* Voxels of at most 4 bytes (not native float32: adopt_float32) in a whole decompressed file become floats in
 * the buffer itself: grown to the floats' size (glibc moves a large block's pages, it does not copy them), the
 * voxel data moved to its end, then converted from the first voxel on (float i ends at or before where voxel
 * i + 1 starts, and voxel i is read before float i is written). The whole raw data and the whole float volume
 * are never held at once. NULL (nothing changed) when that does not apply or the buffer cannot grow. */
static vx_image *adopt_converted(nsrc *s, uint64_t off, size_t nvox, const dtype_info *dt, int swap, int scale,
                                 double slope, double inter, const vx_geometry *g)
{
    const size_t esz = (size_t)dt->size, need = nvox * sizeof(float);
    if (!s->mem || esz > 4 || (dt->code == DT_FLOAT32 && !swap) || nvox == 0 || off > s->len ||
        s->len - off < nvox * esz)
        return NULL;
    vx_image *img = calloc(1, sizeof *img);
    unsigned char *mem = img ? realloc(s->mem, need > s->len ? need : s->len) : NULL;
    if (!mem) {
        free(img);
        return NULL;
    }
    s->mem = mem;
    const size_t at = need - nvox * esz;
    memmove(mem + at, mem + off, nvox * esz);
    convert((float *)(void *)mem, mem + at, nvox, dt->code, swap, scale, slope, inter);
    float *v = realloc(mem, need); /* shrinking when the file was longer */
    img->v = v ? v : (float *)(void *)mem;
    img->geom = *g;
    s->mem = NULL;
    s->len = s->pos = 0;
    return img;
}

/* Native float32 voxels of a whole decompressed file become the image's own array: moved to the front of the
 * buffer, which the image takes over (no second allocation of the image's size, no copy into fresh pages).
 * NULL when the source is not such a buffer (the caller allocates and reads as usual). */
static vx_image *adopt_float32(nsrc *s, uint64_t off, size_t nvox, const dtype_info *dt, int swap,
                               const vx_geometry *g)
{
    size_t nbytes = nvox * sizeof(float);
    if (!s->mem || dt->code != DT_FLOAT32 || swap || nvox == 0 || off > s->len || s->len - off < nbytes)
        return NULL;
    vx_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    memmove(s->mem, s->mem + off, nbytes);
    float *v = realloc(s->mem, nbytes); /* shrinking: gives back the header's bytes */
    img->v = v ? v : (float *)(void *)s->mem;
    img->geom = *g;
    s->mem = NULL;
    s->len = s->pos = 0;
    return img;
}

/* Name of the data file of a two-file (.hdr/.img) pair. */
static char *pair_data_path(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, path, n + 1);
    char *ext = NULL;
    if (ends_with(p, ".hdr.gz"))
        ext = p + n - 7;
    else if (ends_with(p, ".hdr"))
        ext = p + n - 4;
    else if (ends_with(p, ".HDR"))
        ext = p + n - 4;
    if (!ext) {
        free(p);
        return NULL;
    }
    memcpy(ext + 1, ext[1] == 'H' ? "IMG" : "img", 3);
    struct stat st;
    if (stat(p, &st) != 0) { /* .hdr.gz with an uncompressed .img, or the reverse */
        if (ends_with(p, ".gz"))
            p[n - 3] = '\0';
        else {
            char *q = realloc(p, n + 4);
            if (!q) {
                free(p);
                return NULL;
            }
            p = q;
            memcpy(p + n, ".gz", 4);
            if (stat(p, &st) != 0)
                p[n] = '\0';
        }
    }
    return p;
}

/* Dimensions: one 3D volume (dim[0] 1..7, extra dims all 1) of a size that can be allocated. */
static int volume_dims(const char *path, const nii_hdr *h, uint64_t n3[3], uint64_t *nvox, vx_error *err)
{
    int rc;
    if (h->dim[0] < 1 || h->dim[0] > 7) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: invalid dim[0] %lld (must be 1..7)", path, (long long)h->dim[0]);
        return rc;
    }
    uint64_t nvol = 1;
    n3[0] = n3[1] = n3[2] = 1;
    for (int i = 1; i <= h->dim[0]; i++) {
        if (h->dim[i] < 1) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: invalid dim[%d] %lld", path, i, (long long)h->dim[i]);
            return rc;
        }
        if (i <= 3)
            n3[i - 1] = (uint64_t)h->dim[i];
        else if (__builtin_mul_overflow(nvol, (uint64_t)h->dim[i], &nvol))
            nvol = UINT64_MAX;
    }
    if (nvol > 1) {
        rc = vx_error_set(err, VX_EUNSUPPORTED, "%s: %lldD image with %llu volumes is not supported (one 3D volume "
                          "expected)", path, (long long)h->dim[0], (unsigned long long)nvol);
        return rc;
    }
    if (__builtin_mul_overflow(n3[0], n3[1], nvox) || __builtin_mul_overflow(*nvox, n3[2], nvox) ||
        *nvox > MAX_VOXELS || *nvox > SIZE_MAX / 16) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: image too large (%llu x %llu x %llu voxels)", path,
                          (unsigned long long)n3[0], (unsigned long long)n3[1], (unsigned long long)n3[2]);
        return rc;
    }
    return VX_OK;
}

/* The voxel datatype (known and supported) and the byte offset of the voxel data (vox_offset, 0 defaulted). */
static int voxel_layout(const char *path, nii_hdr *h, const dtype_info **dt, uint64_t *off, vx_error *err)
{
    int rc;
    const dtype_info *d = dtype_find(h->datatype);
    if (!d) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: invalid datatype %d", path, h->datatype);
        return rc;
    }
    if (!d->supported) {
        rc = vx_error_set(err, VX_EUNSUPPORTED, "%s: unsupported datatype %d (%s)", path, d->code, d->name);
        return rc;
    }

    int hsize = h->version == 1 ? NII1_HDR : NII2_HDR;
    double min_off = h->pair ? 0.0 : hsize;
    if (!h->pair && h->vox_offset == 0.0) /* some writers leave it 0: data follow the 4 extension-flag bytes */
        h->vox_offset = hsize + 4;
    if (!isfinite(h->vox_offset) || h->vox_offset < min_off || h->vox_offset > 9007199254740992.0 ||
        h->vox_offset != floor(h->vox_offset)) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: invalid vox_offset %g", path, h->vox_offset);
        return rc;
    }
    *dt = d;
    *off = (uint64_t)h->vox_offset;
    return VX_OK;
}

/* Before allocating: a regular file must be able to hold the voxel data (guards against absurd dims); then
 * seek to the data. */
static int check_data_size(nsrc *ds, const char *dpath, int64_t dsize, uint64_t off, uint64_t nbytes,
                           vx_error *err)
{
    int rc;
    if (dsize >= 0) {
        int direct = src_direct(ds); /* right after gzopen this looks at the gzip magic */
        double cap = direct ? (double)dsize : (double)dsize * GZ_MAX_RATIO + 65536.0;
        if ((double)off + (double)nbytes > cap) {
            uint64_t have = direct && (uint64_t)dsize > off ? (uint64_t)dsize - off : 0;
            rc = direct ? truncated(dpath, nbytes, have, err)
                        : vx_error_set(err, VX_EFORMAT, "%s: truncated file: expected %llu bytes of voxel data, "
                                       "but the compressed file has only %lld bytes", dpath,
                                       (unsigned long long)nbytes, (long long)dsize);
            return rc;
        }
    }
    if (!ds->gz) {
        ds->pos = off < ds->len ? (size_t)off : ds->len;
    } else if (gzseek(ds->gz, (z_off_t)off, SEEK_SET) < 0) {
        rc = src_fail(ds, errno, dpath, "seek", err);
        return rc;
    }
    return VX_OK;
}

/* The file's voxel type (vx_image.pixel_type): the datatype's; scaled values are real, float32 (float64 for a
 * float64 datatype), as ITK reads them. */
static vx_pixel_type nifti_pixel_type(int code, int scaled)
{
    if (!scaled)
        switch (code) {
        case DT_INT8: return VX_PIXEL_INT8;
        case DT_UINT8: return VX_PIXEL_UINT8;
        case DT_INT16: return VX_PIXEL_INT16;
        case DT_UINT16: return VX_PIXEL_UINT16;
        case DT_INT32: return VX_PIXEL_INT32;
        case DT_UINT32: return VX_PIXEL_UINT32;
        case DT_INT64: return VX_PIXEL_INT64;
        case DT_UINT64: return VX_PIXEL_UINT64;
        default: break;
        }
    return code == DT_FLOAT64 ? VX_PIXEL_FLOAT64 : VX_PIXEL_FLOAT32;
}

static int nifti_read(const char *path, int zlib_only, vx_image **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return vx_error_set(err, VX_EINVAL, "nifti: NULL argument");
    nsrc src0, src1;
    nsrc *gz = &src0, *gzdata = NULL;
    memset(&src1, 0, sizeof src1);
    int64_t fsize = -1;
    int rc = open_read(path, zlib_only, gz, &fsize, err);
    if (rc)
        return rc;
    char *data_path = NULL;
    vx_image *img = NULL;
    nii_hdr h;
    rc = parse_header(path, gz, &h, err);
    if (rc)
        goto done;

    uint64_t n3[3] = {1, 1, 1}, nvox = 0;
    if ((rc = volume_dims(path, &h, n3, &nvox, err)) != VX_OK)
        goto done;

    const dtype_info *dt = NULL;
    uint64_t off = 0;
    if ((rc = voxel_layout(path, &h, &dt, &off, err)) != VX_OK)
        goto done;
    uint64_t nbytes = nvox * (uint64_t)dt->size;

    /* The data stream: the same file, or the .img of a .hdr/.img pair. */
    const char *dpath = path;
    nsrc *ds = gz;
    int64_t dsize = fsize;
    if (h.pair) {
        data_path = pair_data_path(path);
        if (!data_path) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: two-file NIfTI header (magic ni%d) but the name does not end "
                              "in .hdr", path, h.version);
            goto done;
        }
        gzdata = &src1;
        rc = open_read(data_path, zlib_only, gzdata, &dsize, err);
        if (rc)
            goto done;
        dpath = data_path;
        ds = gzdata;
    }
    if ((rc = check_data_size(ds, dpath, dsize, off, nbytes, err)) != VX_OK)
        goto done;

    vx_geometry g;
    memset(&g, 0, sizeof g);
    for (int i = 0; i < 3; i++)
        g.dims[i] = (size_t)n3[i];
    if ((rc = header_geometry(&h, path, &g, err)) != VX_OK)
        goto done;
    int scale = isfinite(h.scl_slope) && h.scl_slope != 0.0 && !(h.scl_slope == 1.0 && h.scl_inter == 0.0);
    double inter = isfinite(h.scl_inter) ? h.scl_inter : 0.0;
    int swap = h.file_be != HOST_BE;
    if ((img = adopt_float32(ds, off, (size_t)nvox, dt, swap, &g)) != NULL) {
        if (scale)
            scale_in_place(img->v, (size_t)nvox, h.scl_slope, inter);
    } else if ((img = adopt_converted(ds, off, (size_t)nvox, dt, swap, scale, h.scl_slope, inter, &g)) != NULL) {
        /* converted where it was decompressed */
    } else if ((img = vx_image_new(&g)) != NULL) {
        rc = read_voxels(ds, dpath, img->v, (size_t)nvox, dt, swap, scale, h.scl_slope, inter, err);
    } else {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu x %zu voxels", path, g.dims[0],
                          g.dims[1], g.dims[2]);
        goto done;
    }
    img->pixel_type = nifti_pixel_type(dt->code, scale);
    if (rc)
        goto done;
    if (ds->gz && !gzdirect(ds->gz)) {
        /* Reading on to the end of the gzip stream makes zlib verify its CRC and length (libdeflate verified
         * every member of a whole decompressed file). */
        unsigned char tail[64];
        int e = 0;
        if (gz_read_full(ds->gz, tail, sizeof tail, &e) < 0) {
            rc = src_fail(ds, e, dpath, "read", err);
            goto done;
        }
    }

done:
    src_close(&src1);
    src_close(&src0);
    free(data_path);
    if (rc) {
        vx_image_free(img);
        return rc;
    }
    *out = img;
    return VX_OK;
}

int vx_nifti_read(const char *path, vx_image **out, vx_error *err)
{
    return nifti_read(path, 0, out, err);
}

int vxio_nifti_read_zlib(const char *path, vx_image **out, vx_error *err)
{
    return nifti_read(path, 1, out, err);
}

/* ---- writer ---- */

static int inv3(const double m[9], double r[9])
{
    double d = det3(m);
    if (!(fabs(d) > 1e-300))
        return -1;
    r[0] = (m[4] * m[8] - m[5] * m[7]) / d;
    r[1] = (m[2] * m[7] - m[1] * m[8]) / d;
    r[2] = (m[1] * m[5] - m[2] * m[4]) / d;
    r[3] = (m[5] * m[6] - m[3] * m[8]) / d;
    r[4] = (m[0] * m[8] - m[2] * m[6]) / d;
    r[5] = (m[2] * m[3] - m[0] * m[5]) / d;
    r[6] = (m[3] * m[7] - m[4] * m[6]) / d;
    r[7] = (m[1] * m[6] - m[0] * m[7]) / d;
    r[8] = (m[0] * m[4] - m[1] * m[3]) / d;
    return 0;
}

/* Quaternion (b, c, d) and qfac of the rotation nearest to the direction matrix R (row-major, RAS). */
static void direction_to_quatern(const double Rin[9], double q[3], double *qfac)
{
    double R[9];
    memcpy(R, Rin, sizeof R);
    *qfac = 1.0;
    if (det3(R) < 0.0) { /* improper: flip the third axis, recorded in qfac = pixdim[0] */
        *qfac = -1.0;
        R[2] = -R[2];
        R[5] = -R[5];
        R[8] = -R[8];
    }
    /* Orthogonalise (polar decomposition by Newton iteration R <- (R + R^-T) / 2); exact rotations stay put. */
    for (int it = 0; it < 50; it++) {
        double inv[9], next[9], change = 0.0;
        if (inv3(R, inv) != 0)
            break;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) {
                next[3 * r + c] = 0.5 * (R[3 * r + c] + inv[3 * c + r]);
                change = fmax(change, fabs(next[3 * r + c] - R[3 * r + c]));
            }
        memcpy(R, next, sizeof R);
        if (change < 1e-15)
            break;
    }
    double a, b, c, d, tr = R[0] + R[4] + R[8];
    if (tr > 0.0) {
        a = 0.5 * sqrt(1.0 + tr);
        b = (R[7] - R[5]) / (4 * a);
        c = (R[2] - R[6]) / (4 * a);
        d = (R[3] - R[1]) / (4 * a);
    } else if (R[0] >= R[4] && R[0] >= R[8]) {
        b = 0.5 * sqrt(fmax(0.0, 1.0 + R[0] - R[4] - R[8]));
        a = (R[7] - R[5]) / (4 * b);
        c = (R[1] + R[3]) / (4 * b);
        d = (R[2] + R[6]) / (4 * b);
    } else if (R[4] >= R[8]) {
        c = 0.5 * sqrt(fmax(0.0, 1.0 + R[4] - R[0] - R[8]));
        a = (R[2] - R[6]) / (4 * c);
        b = (R[1] + R[3]) / (4 * c);
        d = (R[5] + R[7]) / (4 * c);
    } else {
        d = 0.5 * sqrt(fmax(0.0, 1.0 + R[8] - R[0] - R[4]));
        a = (R[3] - R[1]) / (4 * d);
        b = (R[2] + R[6]) / (4 * d);
        c = (R[5] + R[7]) / (4 * d);
    }
    if (a < 0.0) { /* NIfTI stores b, c, d with a = sqrt(1 - b^2 - c^2 - d^2) >= 0 */
        b = -b;
        c = -c;
        d = -d;
    }
    q[0] = b;
    q[1] = c;
    q[2] = d;
}

static int write_fail(gzFile gz, int e, const char *path, const char *tmp, vx_error *err)
{
    int rc = gz_fail(gz, Z_ERRNO, e, path, "write", err);
    if (gz)
        gzclose_w(gz);
    remove(tmp);
    return rc;
}

/* The NIfTI-1 header (352 bytes: 348 and the extension flag, no extensions) of an image of datatype dt with
 * geometry g, quaternion q and qfac, and the affine A (RAS); returns its length. */
static size_t nifti1_header(unsigned char *hdr, const vx_geometry *g, const double q[3], double qfac,
                            double A[3][4], const dtype_info *dt)
{
    const size_t hlen = 352; /* header + 4-byte extension flag (no extensions) */
    put_uint_le(hdr + 0, NII1_HDR, 4);
    hdr[38] = 'r'; /* "regular", as the Analyze heritage expects */
    put_uint_le(hdr + 40, 3, 2);
    for (int i = 0; i < 3; i++)
        put_uint_le(hdr + 42 + 2 * i, g->dims[i], 2);
    for (int i = 4; i < 8; i++)
        put_uint_le(hdr + 40 + 2 * i, 1, 2);
    put_uint_le(hdr + 70, (uint64_t)dt->code, 2);
    put_uint_le(hdr + 72, (uint64_t)dt->size * 8, 2);
    put_f32_le(hdr + 76, qfac);
    for (int i = 0; i < 3; i++)
        put_f32_le(hdr + 80 + 4 * i, g->spacing[i]);
    for (int i = 4; i < 8; i++)
        put_f32_le(hdr + 76 + 4 * i, 1.0);
    put_f32_le(hdr + 108, (double)hlen);
    put_f32_le(hdr + 112, 1.0);
    hdr[123] = 2; /* xyzt_units: mm */
    memcpy(hdr + 148, "voxomics", 8);
    put_uint_le(hdr + 252, 1, 2);
    put_uint_le(hdr + 254, 1, 2);
    for (int i = 0; i < 3; i++) {
        put_f32_le(hdr + 256 + 4 * i, q[i]);
        put_f32_le(hdr + 268 + 4 * i, A[i][3]);
        for (int c = 0; c < 4; c++)
            put_f32_le(hdr + 280 + 16 * i + 4 * c, A[i][c]);
    }
    memcpy(hdr + 344, "n+1\0", 4);
    return hlen;
}

/* The NIfTI-2 header (544 bytes); as nifti1_header. */
static size_t nifti2_header(unsigned char *hdr, const vx_geometry *g, const double q[3], double qfac,
                            double A[3][4], const dtype_info *dt)
{
    const size_t hlen = 544;
    put_uint_le(hdr + 0, NII2_HDR, 4);
    memcpy(hdr + 4, "n+2\0\r\n\032\n", 8);
    put_uint_le(hdr + 12, (uint64_t)dt->code, 2);
    put_uint_le(hdr + 14, (uint64_t)dt->size * 8, 2);
    put_uint_le(hdr + 16, 3, 8);
    for (int i = 0; i < 3; i++)
        put_uint_le(hdr + 24 + 8 * i, g->dims[i], 8);
    for (int i = 4; i < 8; i++)
        put_uint_le(hdr + 16 + 8 * i, 1, 8);
    put_f64_le(hdr + 104, qfac);
    for (int i = 0; i < 3; i++)
        put_f64_le(hdr + 112 + 8 * i, g->spacing[i]);
    for (int i = 4; i < 8; i++)
        put_f64_le(hdr + 104 + 8 * i, 1.0);
    put_uint_le(hdr + 168, hlen, 8);
    put_f64_le(hdr + 176, 1.0);
    memcpy(hdr + 240, "voxomics", 8);
    put_uint_le(hdr + 344, 1, 4);
    put_uint_le(hdr + 348, 1, 4);
    for (int i = 0; i < 3; i++) {
        put_f64_le(hdr + 352 + 8 * i, q[i]);
        put_f64_le(hdr + 376 + 8 * i, A[i][3]);
        for (int c = 0; c < 4; c++)
            put_f64_le(hdr + 400 + 32 * i + 8 * c, A[i][c]);
    }
    put_uint_le(hdr + 500, 2, 4); /* xyzt_units: mm */
    return hlen;
}

/* Write the header and voxels to the open temporary file fd (named tmp), compressed when gzip; errors name
 * path (the file being written) and remove tmp. */
/* The voxels of img as the integer datatype dt (little-endian), chunk by chunk. */
static int write_integers(gzFile gz, const vx_image *img, const dtype_info *dt, const char *path, const char *tmp,
                          vx_error *err)
{
    const size_t nvox = vx_geometry_count(&img->geom), esz = (size_t)dt->size;
    unsigned char *buf = malloc(CHUNK_BYTES);
    if (!buf) {
        gzclose_w(gz);
        remove(tmp);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    }
    for (size_t done = 0; done < nvox;) {
        size_t n = nvox - done < CHUNK_BYTES / esz ? nvox - done : CHUNK_BYTES / esz;
        for (size_t i = 0; i < n; i++) /* checked integral and in range: the two's complement bits */
            put_uint_le(buf + i * esz, (uint64_t)(int64_t)img->v[done + i], (int)esz);
        errno = 0;
        if (gzwrite(gz, buf, (unsigned)(n * esz)) != (int)(n * esz)) {
            free(buf);
            return write_fail(gz, errno, path, tmp, err);
        }
        done += n;
    }
    free(buf);
    return VX_OK;
}

static int write_payload(int fd, const char *tmp, int gzip, const unsigned char *hdr, size_t hlen, const vx_image *img,
                         const dtype_info *dt, const char *path, vx_error *err)
{
    const vx_geometry *g = &img->geom;
    errno = 0;
    gzFile gz = gzdopen(fd, gzip ? "wb6" : "wbT");
    if (!gz) {
        close(fd);
        remove(tmp);
        return open_error(path, errno, err);
    }
    gzbuffer(gz, 1 << 20);
    errno = 0;
    if (gzwrite(gz, hdr, (unsigned)hlen) != (int)hlen)
        return write_fail(gz, errno, path, tmp, err);

    size_t nvox = vx_geometry_count(g);
    if (dt->code != DT_FLOAT32) {
        int rc = write_integers(gz, img, dt, path, tmp, err);
        if (rc != VX_OK)
            return rc;
    } else {
#if HOST_BE
    float *buf = malloc(CHUNK_BYTES);
    if (!buf) {
        gzclose_w(gz);
        remove(tmp);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    }
    for (size_t done = 0; done < nvox;) {
        size_t n = nvox - done < CHUNK_BYTES / 4 ? nvox - done : CHUNK_BYTES / 4;
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, &img->v[done + i], 4);
            u = __builtin_bswap32(u);
            memcpy(&buf[i], &u, 4);
        }
        errno = 0;
        if (gzwrite(gz, buf, (unsigned)(n * 4)) != (int)(n * 4)) {
            free(buf);
            return write_fail(gz, errno, path, tmp, err);
        }
        done += n;
    }
    free(buf);
#else
    const unsigned char *p = (const unsigned char *)img->v;
    for (size_t left = nvox * sizeof(float); left > 0;) {
        size_t n = left < GZ_MAX_IO ? left : GZ_MAX_IO;
        errno = 0;
        if (gzwrite(gz, p, (unsigned)n) != (int)n)
            return write_fail(gz, errno, path, tmp, err);
        p += n;
        left -= n;
    }
#endif
    }
    errno = 0;
    int zrc = gzclose_w(gz);
    if (zrc != Z_OK) {
        int e = errno;
        remove(tmp);
        if (zrc == Z_ERRNO) {
            char buf2[256];
            errno_text(e, buf2, sizeof buf2);
            return vx_error_set(err, VX_EIO, "%s: write error: %s", path, buf2);
        }
        return vx_error_set(err, zrc == Z_MEM_ERROR ? VX_ENOMEM : VX_EIO, "%s: write error (zlib %d)", path, zrc);
    }
    return VX_OK;
}

/* The datatype type is written as (vx_nifti_write_as); NULL: not one of them. */
static const dtype_info *write_dtype(vx_pixel_type type)
{
    switch (type) {
    case VX_PIXEL_REAL:
    case VX_PIXEL_FLOAT32: return dtype_find(DT_FLOAT32);
    case VX_PIXEL_UINT8: return dtype_find(DT_UINT8);
    case VX_PIXEL_INT16: return dtype_find(DT_INT16);
    default: return NULL;
    }
}

/* VX_OK when every voxel of img is an integer in [lo, hi]. */
static int check_integers(const vx_image *img, double lo, double hi, const char *type, const char *path,
                          vx_error *err)
{
    const size_t n = vx_geometry_count(&img->geom);
    for (size_t i = 0; i < n; i++) {
        const double v = img->v[i];
        if (!(v >= lo && v <= hi) || v != floor(v))
            return vx_error_set(err, VX_EINVAL, "%s: voxel %zu holds %g, not a %s value: write it as float32", path,
                                i, v, type);
    }
    return VX_OK;
}

int vx_nifti_write(const char *path, const vx_image *img, int version, vx_error *err)
{
    return vx_nifti_write_as(path, img, version, VX_PIXEL_FLOAT32, err);
}

int vx_nifti_write_as(const char *path, const vx_image *img, int version, vx_pixel_type type, vx_error *err)
{
    if (!path || !img || !img->v)
        return vx_error_set(err, VX_EINVAL, "nifti: NULL argument");
    const dtype_info *dt = write_dtype(type);
    if (!dt)
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: writing NIfTI as %s is not supported (float32, int16, uint8 "
                            "are)", path, vx_pixel_type_name(type));
    int rc = dt->code == DT_INT16   ? check_integers(img, -32768.0, 32767.0, "int16", path, err)
             : dt->code == DT_UINT8 ? check_integers(img, 0.0, 255.0, "uint8", path, err)
                                    : VX_OK;
    if (rc != VX_OK)
        return rc;
    if (version != 1 && version != 2)
        return vx_error_set(err, VX_EINVAL, "%s: NIfTI version must be 1 or 2, not %d", path, version);
    const vx_geometry *g = &img->geom;
    for (int i = 0; i < 3; i++) {
        if (g->dims[i] < 1 || (version == 1 && g->dims[i] > 32767) || g->dims[i] > (size_t)INT64_MAX)
            return vx_error_set(err, VX_EINVAL, "%s: dimension %zu does not fit NIfTI-%d%s", path, g->dims[i],
                                version, version == 1 ? " (at most 32767; use NIfTI-2)" : "");
        if (!isfinite(g->spacing[i]) || !(g->spacing[i] > 0.0) || !isfinite(g->origin[i]))
            return vx_error_set(err, VX_EINVAL, "%s: invalid geometry (spacing %g, origin %g)", path,
                                g->spacing[i], g->origin[i]);
    }
    double Rras[9], A[3][4];
    for (int r = 0; r < 3; r++) {
        double sgn = r < 2 ? -1.0 : 1.0; /* LPS -> RAS */
        for (int c = 0; c < 3; c++) {
            Rras[3 * r + c] = sgn * g->direction[3 * r + c];
            A[r][c] = Rras[3 * r + c] * g->spacing[c];
        }
        A[r][3] = sgn * g->origin[r];
    }
    for (int i = 0; i < 9; i++)
        if (!isfinite(Rras[i]))
            return vx_error_set(err, VX_EINVAL, "%s: invalid geometry (non-finite direction)", path);
    if (!(fabs(det3(Rras)) > 1e-6))
        return vx_error_set(err, VX_EINVAL, "%s: invalid geometry (singular direction matrix)", path);
    double q[3], qfac;
    direction_to_quatern(Rras, q, &qfac);

    unsigned char hdr[544];
    memset(hdr, 0, sizeof hdr);
    size_t hlen = version == 1 ? nifti1_header(hdr, g, q, qfac, A, dt) : nifti2_header(hdr, g, q, qfac, A, dt);

    /* written beside path under a temporary name, then renamed over it: never a partial file, and an
     * existing file stays as it was when writing fails */
    const size_t tn = strlen(path) + 32;
    char *tmp = malloc(tn);
    if (!tmp)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    int fd = vxio_temp_beside(path, tmp, tn, img, err);
    if (fd < 0) {
        free(tmp);
        return fd;
    }
    rc = write_payload(fd, tmp, ends_with(path, ".gz"), hdr, hlen, img, dt, path, err);
    if (rc == VX_OK && rename(tmp, path) != 0) {
        char buf[256];
        errno_text(errno, buf, sizeof buf);
        remove(tmp);
        rc = vx_error_set(err, VX_EIO, "%s: cannot move the written file into place: %s", path, buf);
    }
    free(tmp);
    return rc;
}
