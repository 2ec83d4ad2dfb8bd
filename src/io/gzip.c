/* voxomics: whole gzip files decompressed in one call with libdeflate (see gzip.h).
 *
 * Why: zlib's inflate streams through a sliding window and a 32 KiB output buffer; libdeflate decompresses a
 * whole buffer into a whole buffer and is 2-3x faster on the image files we read (bench/README.md,
 * bench_ibsi_ct). It has no streaming interface, so it is used for files read whole (NIfTI .nii.gz, .hdr/.img
 * pairs gzipped), and zlib keeps the streams (NRRD data after a text header, pipes) and every file libdeflate
 * refuses, so that error messages stay zlib's.
 *
 * The file is mapped (read whole when mapping fails). A gzip member ends with CRC-32 and ISIZE (its length mod
 * 2^32, little endian). The output buffer starts at the ISIZE of the last 4 bytes (exact for the usual
 * single-member file under 4 GiB), at least the compressed size; when a member does not fit, the buffer grows
 * (doubling, and by 4 GiB steps once that large, so a wrapped ISIZE costs one retry per 4 GiB) and the member is
 * decompressed again.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* MAP_POPULATE: the mapping is read in one go rather than page fault by page fault */
#include "gzip.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GZ_MIN_MEMBER 18 /* 10-byte header + empty deflate block (2) + 8-byte trailer, at the least */
#define STEP_4G ((size_t)1 << 32)

static int is_gzip(const unsigned char *p, size_t len)
{
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* The next capacity after cap did not hold a member, or 0 past max_out. */
static size_t grow(size_t cap, size_t max_out)
{
    size_t next;
    if (cap >= STEP_4G)
        next = cap + STEP_4G < cap ? SIZE_MAX : cap + STEP_4G;
    else
        next = cap * 2 < cap ? SIZE_MAX : cap * 2;
    if (cap >= max_out)
        return 0;
    return next > max_out ? max_out : next;
}

/* Decompress the members of in[0..len) one after the other into *buf (capacity *cap, grown as needed). */
static int inflate_members(struct libdeflate_decompressor *d, const unsigned char *in, size_t len, size_t max_out,
                           unsigned char **buf, size_t *cap, size_t *n)
{
    size_t pos = 0, used = 0;
    while (pos < len) {
        if (pos > 0 && !is_gzip(in + pos, len - pos))
            break; /* trailing bytes after the last member: ignored, as zlib's gzread does */
        size_t in_used = 0, out_got = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(d, in + pos, len - pos, *buf + used, *cap - used,
                                                                 &in_used, &out_got);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
            size_t next = grow(*cap, max_out);
            unsigned char *nb = next ? realloc(*buf, next) : NULL;
            if (!nb)
                return VXIO_GZ_DECLINED;
            *buf = nb;
            *cap = next;
            continue; /* the same member again, with more room */
        }
        if (r != LIBDEFLATE_SUCCESS || in_used == 0)
            return VXIO_GZ_DECLINED;
        pos += in_used;
        used += out_got;
    }
    *n = used;
    return VXIO_GZ_OK;
}

/* Fault in a large output buffer's pages in one call rather than one page fault per 4 KiB page as libdeflate
 * writes them (Linux 5.14+; elsewhere, or on failure, nothing happens). */
static void prefault(unsigned char *buf, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    uintptr_t a = ((uintptr_t)buf + page - 1) & ~(page - 1), e = ((uintptr_t)buf + len) & ~(page - 1);
    if (len >= ((size_t)1 << 20) && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)buf;
    (void)len;
#endif
}

int vxio_gunzip_buffer(const unsigned char *in, size_t len, size_t max_out, unsigned char **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!is_gzip(in, len))
        return VXIO_GZ_NOT_GZIP;
    if (len < GZ_MIN_MEMBER)
        return VXIO_GZ_DECLINED;
    const unsigned char *t = in + len - 4;
    size_t hint = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    size_t cap = hint > len ? hint : len;
    if (cap / 1032 > len) /* deflate expands at most 1032:1: a larger hint is a damaged trailer */
        cap = len;
    if (cap > max_out)
        cap = max_out;
    if (cap == 0)
        cap = 1;
    unsigned char *buf = malloc(cap);
    if (buf)
        prefault(buf, cap);
    struct libdeflate_decompressor *d = buf ? libdeflate_alloc_decompressor() : NULL;
    int rc = d ? inflate_members(d, in, len, max_out, &buf, &cap, n) : VXIO_GZ_DECLINED;
    if (d)
        libdeflate_free_decompressor(d);
    if (rc != VXIO_GZ_OK) {
        free(buf);
        *n = 0;
        return rc;
    }
    *out = buf;
    return VXIO_GZ_OK;
}

/* The whole file: mapped, else read into a new buffer (*owned). */
static const unsigned char *load(int fd, size_t len, unsigned char **owned, int *mapped)
{
    *owned = NULL;
    *mapped = 0;
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
        *mapped = 1;
        return p;
    }
    unsigned char *b = malloc(len);
    size_t done = 0;
    while (b && done < len) {
        ssize_t r = read(fd, b + done, len - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    if (!b || done < len) {
        free(b);
        return NULL;
    }
    *owned = b;
    return b;
}

int vxio_gunzip_file(const char *path, size_t max_out, unsigned char **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return VXIO_GZ_DECLINED;
    struct stat st;
    unsigned char magic[2];
    int rc = VXIO_GZ_DECLINED;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return rc;
    }
    if (pread(fd, magic, 2, 0) != 2 || !is_gzip(magic, 2)) {
        close(fd);
        return VXIO_GZ_NOT_GZIP;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *owned;
    int mapped;
    const unsigned char *in = load(fd, len, &owned, &mapped);
    close(fd);
    if (!in)
        return rc;
    rc = vxio_gunzip_buffer(in, len, max_out, out, n);
    if (mapped)
        munmap((void *)in, len);
    free(owned);
    return rc;
}
