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

int vx_nrrd_write(const char *path, const vx_image *img, int gzip, vx_error *err)
{
    if (!path || !img || !img->v)
        return vx_error_set(err, VX_EINVAL, "nrrd: NULL argument");
    const vx_geometry *g = &img->geom;
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
    size_t nvox = vx_geometry_count(g);
    errno = 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        return nrrd_open_error(path, errno, " for writing", err);
    fprintf(f, "NRRD0004\n# Complete NRRD file format specification at:\n"
               "# http://teem.sourceforge.net/nrrd/format.html\n"
               "type: float\ndimension: 3\nspace: left-posterior-superior\nsizes: %zu %zu %zu\nspace directions:",
            g->dims[0], g->dims[1], g->dims[2]);
    for (int c = 0; c < 3; c++)
        fprintf(f, " (%.17g,%.17g,%.17g)", g->direction[c] * g->spacing[c], g->direction[3 + c] * g->spacing[c],
                g->direction[6 + c] * g->spacing[c]);
    fprintf(f, "\nkinds: domain domain domain\nendian: little\nencoding: %s\nspace origin: (%.17g,%.17g,%.17g)\n\n",
            gzip ? "gzip" : "raw", g->origin[0], g->origin[1], g->origin[2]);
    if (ferror(f))
        return write_error(f, path, errno, err);

    unsigned char *buf = malloc(CHUNK), *zout = NULL;
    z_stream zs;
    int zinit = 0, rc = VX_OK;
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
        zs.next_in = buf;
        zs.avail_in = (uInt)(4 * n);
        int zr;
        do {
            zs.next_out = zout;
            zs.avail_out = (uInt)ZIN;
            zr = deflate(&zs, flush);
            if (zr == Z_STREAM_ERROR) {
                rc = VX_EIO;
                goto fail;
            }
            size_t have = ZIN - zs.avail_out;
            if (have && fwrite(zout, 1, have, f) != have) {
                rc = VX_EIO;
                goto fail;
            }
        } while (zs.avail_out == 0);
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
