/* voxomics: NRRD writer: vx_nrrd_write (float samples, raw or gzip, attached data, LPS space). See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int write_error(FILE *f, const char *path, int e, vx_error *err)
{
    char buf[256];
    nrrd_errno_text(e, buf, sizeof buf);
    if (f)
        fclose(f);
    remove(path);
    return vx_error_set(err, VX_EIO, "%s: write error: %s", path, buf);
}

/* The geometry can be written: sizes of at least 1, finite positive spacings, finite origin and directions. */
static int check_geometry(const char *path, const vx_geometry *g, vx_error *err)
{
    for (int i = 0; i < 3; i++) {
        if (g->dims[i] < 1)
            return vx_error_set(err, VX_EINVAL, "%s: dimension %d is 0", path, i);
        if (!isfinite(g->spacing[i]) || !(g->spacing[i] > 0.0) || !isfinite(g->origin[i]))
            return vx_error_set(err, VX_EINVAL, "%s: invalid geometry (spacing %g, origin %g)", path, g->spacing[i],
                                g->origin[i]);
    }
    for (int i = 0; i < 9; i++)
        if (!isfinite(g->direction[i]))
            return vx_error_set(err, VX_EINVAL, "%s: invalid geometry (non-finite direction)", path);
    return VX_OK;
}

/* The header of a float, 3D, LPS NRRD file with attached data. */
static void write_header(FILE *f, const vx_geometry *g, int gzip)
{
    fprintf(f, "NRRD0004\n# Complete NRRD file format specification at:\n"
               "# http://teem.sourceforge.net/nrrd/format.html\n"
               "type: float\ndimension: 3\nspace: left-posterior-superior\nsizes: %zu %zu %zu\nspace directions:",
            g->dims[0], g->dims[1], g->dims[2]);
    for (int c = 0; c < 3; c++)
        fprintf(f, " (%.17g,%.17g,%.17g)", g->direction[c] * g->spacing[c], g->direction[3 + c] * g->spacing[c],
                g->direction[6 + c] * g->spacing[c]);
    fprintf(f, "\nkinds: domain domain domain\nendian: little\nencoding: %s\nspace origin: (%.17g,%.17g,%.17g)\n\n",
            gzip ? "gzip" : "raw", g->origin[0], g->origin[1], g->origin[2]);
}

/* Deflate n bytes of buf with the given flush mode and write the output to f (VX_EIO on a failure). */
static int deflate_write(z_stream *zs, unsigned char *buf, size_t n, int flush, unsigned char *zout, FILE *f)
{
    zs->next_in = buf;
    zs->avail_in = (uInt)n;
    int zr;
    do {
        zs->next_out = zout;
        zs->avail_out = (uInt)ZIN;
        zr = deflate(zs, flush);
        if (zr == Z_STREAM_ERROR)
            return VX_EIO;
        size_t have = ZIN - zs->avail_out;
        if (have && fwrite(zout, 1, have, f) != have)
            return VX_EIO;
    } while (zs->avail_out == 0);
    return VX_OK;
}

int vx_nrrd_write(const char *path, const vx_image *img, int gzip, vx_error *err)
{
    if (!path || !img || !img->v)
        return vx_error_set(err, VX_EINVAL, "nrrd: NULL argument");
    const vx_geometry *g = &img->geom;
    int rc = check_geometry(path, g, err);
    if (rc != VX_OK)
        return rc;
    size_t nvox = vx_geometry_count(g);
    errno = 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        return nrrd_open_error(path, errno, " for writing", err);
    write_header(f, g, gzip);
    if (ferror(f))
        return write_error(f, path, errno, err);

    unsigned char *buf = malloc(CHUNK), *zout = NULL;
    z_stream zs;
    int zinit = 0;
    memset(&zs, 0, sizeof zs);
    if (!buf || (gzip && !(zout = malloc(ZIN)))) {
        rc = VX_ENOMEM;
        goto fail;
    }
    if (gzip) {
        if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            rc = VX_ENOMEM;
            goto fail;
        }
        zinit = 1;
    }
    for (size_t done = 0; done < nvox || (gzip && zinit);) {
        size_t n = nvox - done < CHUNK / 4 ? nvox - done : CHUNK / 4;
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, &img->v[done + i], 4);
#if HOST_BE
            u = __builtin_bswap32(u);
#endif
            memcpy(buf + 4 * i, &u, 4);
        }
        done += n;
        if (!gzip) {
            if (fwrite(buf, 4, n, f) != n) {
                rc = VX_EIO;
                goto fail;
            }
            continue;
        }
        int flush = done == nvox ? Z_FINISH : Z_NO_FLUSH;
        if ((rc = deflate_write(&zs, buf, 4 * n, flush, zout, f)) != VX_OK)
            goto fail;
        if (flush == Z_FINISH) {
            deflateEnd(&zs);
            zinit = 0;
        }
    }
    {
        FILE *ff = f;
        f = NULL;
        if (fclose(ff) != 0)
            rc = VX_EIO;
    }
fail: {
    int e = errno;
    if (zinit)
        deflateEnd(&zs);
    free(buf);
    free(zout);
    if (rc == VX_OK)
        return VX_OK;
    if (rc == VX_ENOMEM) {
        if (f)
            fclose(f);
        remove(path);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    }
    return write_error(f, path, e, err);
}
}
