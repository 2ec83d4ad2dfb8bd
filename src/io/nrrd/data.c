/* voxomics: NRRD data: attached and detached data files (single, LIST, printf format), raw and gzip/zlib decoding in
 * chunks, conversion of every sample type to float; vx_nrrd_read. See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <zlib.h>

#include "io/gzip.h"

/* Path of data file i (malloc'ed); NULL when out of memory. Relative names are relative to the header's
 * folder. */
static char *data_path(const nrrd_hdr *h, uint64_t i)
{
    char fmtbuf[4096];
    const char *name;
    switch (h->df_mode) {
    case DF_ATTACHED: return strdup(h->path);
    case DF_SINGLE: name = h->df_name; break;
    case DF_LIST: name = h->df_list[i]; break;
    default: {
        long long v = h->fmt_min + (long long)i * h->fmt_step; /* within the int range checked at parsing */
        if (nrrd_render_format(h->df_name, v, fmtbuf, sizeof fmtbuf) != 0)
                 fmtbuf[0] = '\0';
        name = fmtbuf;
        break;
    }
    }
    const char *slash = strrchr(h->path, '/');
    size_t dlen = name[0] == '/' || !slash ? 0 : (size_t)(slash - h->path) + 1;
    size_t nlen = strlen(name);
    char *p = malloc(dlen + nlen + 1);
    if (!p)
        return NULL;
    memcpy(p, h->path, dlen);
    memcpy(p + dlen, name, nlen + 1);
    return p;
}

static int data_open_error(const nrrd_hdr *h, const char *dpath, int e, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    nrrd_errno_text(e, buf, sizeof buf);
    return vx_error_set(err, VX_EIO, "%s: cannot open data file %s: %s", h->path, dpath, buf);
}

/* Before allocating: every data file exists and is large enough for its share of the samples. */
int nrrd_check_files(const nrrd_hdr *h, vx_error *err)
{
    uint64_t need = h->nelem / h->nfiles * (uint64_t)NRRD_TYPE_SIZE[h->type];
    for (uint64_t i = 0; i < h->nfiles; i++) {
        char *dp = data_path(h, i);
        if (!dp)
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
        struct stat st;
        int rc = VX_OK;
        if (stat(dp, &st) != 0)
            rc = data_open_error(h, dp, errno, err);
        else if (!S_ISREG(st.st_mode) && (rc = vx_path_check(dp, 0, NULL, err)) != VX_OK)
            vx_error_prefix(err, "%s: data file ", h->path);
        if (rc) {
            free(dp);
            return rc;
        }
        uint64_t size = (uint64_t)st.st_size, start = h->df_mode == DF_ATTACHED ? h->data_off : 0;
        uint64_t avail = size > start ? size - start : 0;
        if (h->enc == ENC_RAW) {
            uint64_t skip = h->byte_skip > 0 ? (uint64_t)h->byte_skip : 0;
            if (avail < need || avail - need < skip)
                rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected in %s from byte "
                                  "%llu (byte skip %llu), the file has %llu bytes", h->path, (unsigned long long)need,
                                  dp, (unsigned long long)(start + skip), (unsigned long long)skip,
                                  (unsigned long long)size);
        } else if ((double)avail * GZ_MAX_RATIO + 65536.0 < (double)need + (double)h->byte_skip) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected, but %s has only %llu "
                              "compressed bytes after byte %llu", h->path, (unsigned long long)need, dp,
                              (unsigned long long)avail, (unsigned long long)start);
        }
        free(dp);
        if (rc)
            return rc;
    }
    return VX_OK;
}

/* A byte source: a raw file or a gzip/zlib stream in it; or gzip data decompressed whole by libdeflate (mem: all
 * of it, mlen bytes, read position mpos; zend is set from the start, since libdeflate checked every member). */
typedef struct src {
    FILE *f;
    const char *hpath, *dpath;
    int gz, zinit, zend;
    z_stream zs;
    unsigned char *in;
    unsigned char *mem;
    size_t mlen, mpos;
} data_src;

static int src_read(data_src *s, unsigned char *buf, size_t n, size_t *got, vx_error *err)
{
    *got = 0;
    if (s->mem) {
        *got = s->mlen - s->mpos < n ? s->mlen - s->mpos : n;
        memcpy(buf, s->mem + s->mpos, *got);
        s->mpos += *got;
        return VX_OK;
    }
    if (!s->gz) {
        errno = 0;
        *got = fread(buf, 1, n, s->f);
        if (*got < n && ferror(s->f)) {
            char eb[256];
            nrrd_errno_text(errno, eb, sizeof eb);
            return vx_error_set(err, VX_EIO, "%s: read error in %s: %s", s->hpath, s->dpath, eb);
        }
        return VX_OK;
    }
    s->zs.next_out = buf;
    s->zs.avail_out = (uInt)n;
    while (s->zs.avail_out > 0 && !s->zend) {
        if (s->zs.avail_in == 0) {
            errno = 0;
            size_t r = fread(s->in, 1, ZIN, s->f);
            if (r == 0) {
                if (ferror(s->f)) {
                    char eb[256];
                    nrrd_errno_text(errno, eb, sizeof eb);
                    return vx_error_set(err, VX_EIO, "%s: read error in %s: %s", s->hpath, s->dpath, eb);
                }
                break; /* end of file */
            }
            s->zs.next_in = s->in;
            s->zs.avail_in = (uInt)r;
        }
        int zr = inflate(&s->zs, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            if (s->zs.avail_in == 0) {
                size_t r = fread(s->in, 1, ZIN, s->f);
                s->zs.next_in = s->in;
                s->zs.avail_in = (uInt)r;
            }
            if (s->zs.avail_in >= 2 && s->zs.next_in[0] == 0x1f && s->zs.next_in[1] == 0x8b) {
                if (inflateReset(&s->zs) != Z_OK)
                    return vx_error_set(err, VX_EFORMAT, "%s: corrupt gzip data in %s", s->hpath, s->dpath);
                continue; /* another gzip member */
            }
            s->zend = 1;
            break;
        }
        if (zr == Z_MEM_ERROR)
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory in zlib", s->hpath);
        if (zr != Z_OK)
            return vx_error_set(err, VX_EFORMAT, "%s: corrupt gzip data in %s: %s", s->hpath, s->dpath,
                                s->zs.msg ? s->zs.msg : "no progress");
    }
    *got = n - s->zs.avail_out;
    return VX_OK;
}

#define CONVERT(T, U, BSWAP)                                                                                   \
    do {                                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                                       \
            U u;                                                                                               \
            memcpy(&u, src + i * sizeof(U), sizeof(U));                                                        \
            if (swap)                                                                                          \
                u = BSWAP(u);                                                                                  \
            T t;                                                                                               \
            memcpy(&t, &u, sizeof t);                                                                          \
            dst[i] = (float)t;                                                                                 \
        }                                                                                                      \
    } while (0)
#define NOSWAP(u) (u)

static void convert(float *dst, const unsigned char *src, size_t n, int type, int swap)
{
    switch (type) {
    case T_I8: CONVERT(int8_t, uint8_t, NOSWAP); break;
    case T_U8: CONVERT(uint8_t, uint8_t, NOSWAP); break;
    case T_I16: CONVERT(int16_t, uint16_t, __builtin_bswap16); break;
    case T_U16: CONVERT(uint16_t, uint16_t, __builtin_bswap16); break;
    case T_I32: CONVERT(int32_t, uint32_t, __builtin_bswap32); break;
    case T_U32: CONVERT(uint32_t, uint32_t, __builtin_bswap32); break;
    case T_I64: CONVERT(int64_t, uint64_t, __builtin_bswap64); break;
    case T_U64: CONVERT(uint64_t, uint64_t, __builtin_bswap64); break;
    case T_F32: CONVERT(float, uint32_t, __builtin_bswap32); break;
    case T_F64: CONVERT(double, uint64_t, __builtin_bswap64); break;
    default: break; /* unreachable: the type was validated */
    }
}

/* Skip the `line skip` lines at the current position of a data file. */
static int skip_lines(const nrrd_hdr *h, data_src *s, vx_error *err)
{
    for (long l = 0; l < h->line_skip;) {
        int c = getc(s->f);
        if (c == EOF)
            return vx_error_set(err, VX_EFORMAT, "%s: line skip %ld: %s ends after %ld lines", h->path, h->line_skip,
                                s->dpath, l);
        if (c == '\n')
            l++;
    }
    return VX_OK;
}

/* Raw data: seek to the first of the `need` bytes of data (after the byte skip, or the last bytes of the file for
 * byte skip -1); upos is the position after the skipped lines, size the file size. */
static int seek_raw_data(const nrrd_hdr *h, data_src *s, uint64_t need, uint64_t upos, uint64_t size, vx_error *err)
{
    const char *dp = s->dpath;
    uint64_t from;
    if (h->byte_skip < 0) {
        if (size < need || size - need < upos)
            return vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected at the end of %s "
                                "(byte skip -1), the file has %llu bytes after byte %llu", h->path,
                                (unsigned long long)need, dp, (unsigned long long)(size - upos),
                                (unsigned long long)upos);
        from = size - need;
    } else {
        from = upos + (uint64_t)h->byte_skip;
        if (from > size || size - from < need)
            return vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected at byte %llu of "
                                "%s, the file has %llu bytes", h->path, (unsigned long long)need,
                                (unsigned long long)from, dp, (unsigned long long)size);
    }
    if (fseeko(s->f, (off_t)from, SEEK_SET) != 0)
        return vx_error_set(err, VX_EIO, "%s: cannot seek to byte %llu of %s", h->path, (unsigned long long)from, dp);
    return VX_OK;
}

static int skip_bytes(const nrrd_hdr *h, data_src *s, unsigned char *chunk, vx_error *err);

/* Gzip data from pos to the end of the file (size bytes) decompressed whole by libdeflate (src/io/gzip.c); 0
 * (the file back at pos) when they are not gzip (zlib-wrapped data), too large, or refused: zlib then streams
 * them and reports any error. */
static int gunzip_rest(data_src *s, uint64_t pos, uint64_t size)
{
    if (size <= pos || size - pos > (uint64_t)((size_t)1 << 31))
        return 0;
    size_t len = (size_t)(size - pos);
    unsigned char *in = malloc(len);
    int ok = in && fread(in, 1, len, s->f) == len &&
             vxio_gunzip_buffer(in, len, (size_t)1 << 31, &s->mem, &s->mlen) == VXIO_GZ_OK;
    free(in);
    if (ok)
        s->zend = 1;
    else
        fseeko(s->f, (off_t)pos, SEEK_SET);
    return ok;
}

/* Gzip/zlib data: start inflating at the current position pos (of a file of size bytes) and skip the byte skip
 * of decompressed bytes. */
static int start_gzip_data(const nrrd_hdr *h, data_src *s, unsigned char *chunk, uint64_t pos, uint64_t size,
                           vx_error *err)
{
    s->gz = 1;
    if (!h->zlib_only && gunzip_rest(s, pos, size))
        return skip_bytes(h, s, chunk, err);
    s->in = malloc(ZIN);
    if (!s->in)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    if (inflateInit2(&s->zs, 15 + 32) != Z_OK) /* gzip or zlib header, detected */
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory in zlib", h->path);
    s->zinit = 1;
    return skip_bytes(h, s, chunk, err);
}

/* The byte skip of decompressed bytes. */
static int skip_bytes(const nrrd_hdr *h, data_src *s, unsigned char *chunk, vx_error *err)
{
    int rc;
    for (uint64_t left = (uint64_t)h->byte_skip; left > 0;) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK, got;
        if ((rc = src_read(s, chunk, want, &got, err)) != VX_OK)
            return rc;
        if (got < want)
            return vx_error_set(err, VX_EFORMAT, "%s: truncated data: the gzip stream of %s ends within the byte "
                                "skip (%lld bytes)", h->path, s->dpath, h->byte_skip);
        left -= got;
    }
    return VX_OK;
}

/* nelem samples from the source, converted to float chunk by chunk; then, for gzip, the rest of the stream up to
 * its end, so that zlib checks its CRC and length. */
static int read_samples(const nrrd_hdr *h, data_src *s, float *dst, uint64_t nelem, unsigned char *chunk,
                        vx_error *err)
{
    size_t esz = (size_t)NRRD_TYPE_SIZE[h->type];
    uint64_t need = nelem * esz;
    int swap = esz > 1 && h->big_endian != HOST_BE;
    int rc;
    for (uint64_t done_el = 0; done_el < nelem;) {
        size_t want = nelem - done_el < CHUNK / esz ? (size_t)(nelem - done_el) : CHUNK / esz, got;
        if ((rc = src_read(s, chunk, want * esz, &got, err)) != VX_OK)
            return rc;
        if (got < want * esz)
            return vx_error_set(err, VX_EFORMAT, "%s: truncated data: expected %llu bytes of %s data in %s, got %llu",
                                h->path, (unsigned long long)need, s->gz ? "decompressed" : "raw", s->dpath,
                                (unsigned long long)(done_el * esz + got));
        convert(dst + done_el, chunk, want, h->type, swap);
        done_el += want;
    }
    if (s->gz) {
        size_t got;
        do {
            if ((rc = src_read(s, chunk, CHUNK, &got, err)) != VX_OK)
                return rc;
        } while (got > 0 && !s->zend);
        if (!s->zend)
            return vx_error_set(err, VX_EFORMAT, "%s: truncated gzip stream in %s (no end of stream after the data)",
                                h->path, s->dpath);
    }
    return VX_OK;
}

/* Read data file i: nelem samples into dst. */
static int read_one(const nrrd_hdr *h, uint64_t i, float *dst, uint64_t nelem, unsigned char *chunk, vx_error *err)
{
    uint64_t need = nelem * (uint64_t)NRRD_TYPE_SIZE[h->type];
    data_src s;
    memset(&s, 0, sizeof s);
    s.hpath = h->path;
    char *dp = data_path(h, i);
    if (!dp)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    s.dpath = dp;
    int rc = VX_OK;
    errno = 0;
    s.f = fopen(dp, "rb");
    if (!s.f) {
        rc = data_open_error(h, dp, errno, err);
        goto done;
    }
    uint64_t start = h->df_mode == DF_ATTACHED ? h->data_off : 0;
    if (fseeko(s.f, (off_t)start, SEEK_SET) != 0) {
        rc = vx_error_set(err, VX_EIO, "%s: cannot seek to byte %llu of %s", h->path, (unsigned long long)start, dp);
        goto done;
    }
    if ((rc = skip_lines(h, &s, err)) != VX_OK)
        goto done;
    off_t pos = ftello(s.f);
    struct stat st;
    if (pos < 0 || fstat(fileno(s.f), &st) != 0) {
        rc = vx_error_set(err, VX_EIO, "%s: cannot stat %s", h->path, dp);
        goto done;
    }
    if (h->enc == ENC_RAW)
        rc = seek_raw_data(h, &s, need, (uint64_t)pos, (uint64_t)st.st_size, err);
    else
        rc = start_gzip_data(h, &s, chunk, (uint64_t)pos, (uint64_t)st.st_size, err);
    if (rc == VX_OK)
        rc = read_samples(h, &s, dst, nelem, chunk, err);
done:
    if (s.zinit)
        inflateEnd(&s.zs);
    free(s.in);
    free(s.mem);
    if (s.f)
        fclose(s.f);
    free(dp);
    return rc;
}

/* All samples (every axis, file order) into dst. */
int nrrd_read_data(const nrrd_hdr *h, float *dst, vx_error *err)
{
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    uint64_t per = h->nelem / h->nfiles;
    int rc = VX_OK;
    for (uint64_t i = 0; i < h->nfiles && rc == VX_OK; i++)
        rc = read_one(h, i, dst + i * per, per, chunk, err);
    free(chunk);
    return rc;
}

/* vx_nrrd_read (channel < 0: scalar files only) and vx_nrrd_read_channel (channel >= 0: a non-spatial axis 0 is
 * the channel axis) */
static int read_nrrd(const char *path, long channel, int zlib_only, vx_image **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return vx_error_set(err, VX_EINVAL, "nrrd: NULL argument");
    nrrd_hdr h;
    int rc = nrrd_load_header(path, &h, err);
    if (rc)
        return rc;
    h.zlib_only = zlib_only;
    vx_geometry g;
    int layer_axis;
    vx_image *img = NULL;
    float *tmp = NULL;
    if ((rc = nrrd_build_geometry(&h, channel >= 0, &g, &layer_axis, err)) != VX_OK ||
        (rc = nrrd_check_files(&h, err)) != VX_OK)
        goto done;
    const uint64_t nc = layer_axis == 0 ? h.sizes[0] : 1;
    if (layer_axis == 0 && (uint64_t)channel >= nc) {
        rc = vx_error_set(err, VX_EINVAL, "%s: channel %ld requested, but the file has %llu channel%s (0 to %llu)",
                          path, channel, (unsigned long long)nc, nc == 1 ? "" : "s", (unsigned long long)nc - 1);
        goto done;
    }
    img = vx_image_new(&g);
    if (!img) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu x %zu voxels", path, g.dims[0], g.dims[1],
                          g.dims[2]);
        goto done;
    }
    if (layer_axis != 0) {
        rc = nrrd_read_data(&h, img->v, err); /* the dropped axes have size 1: the sample order is the voxel order */
    } else if (!(tmp = malloc((size_t)h.nelem * sizeof *tmp))) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %llu samples", path, (unsigned long long)h.nelem);
    } else if ((rc = nrrd_read_data(&h, tmp, err)) == VX_OK) {
        const size_t nvox = vx_geometry_count(&g);
        for (size_t i = 0; i < nvox; i++) /* the channel axis is the fastest */
            img->v[i] = tmp[(size_t)channel + (size_t)nc * i];
    }
    {
        /* the file's voxel type (T_I8 .. T_F64 in vx_pixel_type order) */
        static const vx_pixel_type ptype[T_COUNT] = {VX_PIXEL_INT8,  VX_PIXEL_UINT8,  VX_PIXEL_INT16,   VX_PIXEL_UINT16,
                                                     VX_PIXEL_INT32, VX_PIXEL_UINT32, VX_PIXEL_INT64,   VX_PIXEL_UINT64,
                                                     VX_PIXEL_FLOAT32, VX_PIXEL_FLOAT64, VX_PIXEL_REAL};
        if (img)
            img->pixel_type = h.type >= 0 && h.type < T_COUNT ? ptype[h.type] : VX_PIXEL_REAL;
    }
done:
    free(tmp);
    nrrd_free_header(&h);
    if (rc) {
        vx_image_free(img);
        return rc;
    }
    *out = img;
    return VX_OK;
}

int vx_nrrd_read(const char *path, vx_image **out, vx_error *err)
{
    return read_nrrd(path, -1, 0, out, err);
}

int vxio_nrrd_read_zlib(const char *path, vx_image **out, vx_error *err)
{
    return read_nrrd(path, -1, 1, out, err);
}

int vx_nrrd_read_channel(const char *path, int channel, vx_image **out, vx_error *err)
{
    if (channel < 0) {
        if (out)
            *out = NULL;
        return vx_error_set(err, VX_EINVAL, "%s: channel %d; channels count from 0", path ? path : "nrrd", channel);
    }
    return read_nrrd(path, channel, 0, out, err);
}
