/* voxomics: boundary (padding) modes of IBSI 2 (GBYQ): constant, nearest, periodic, mirror. Definitions in
 * voxomics/filter.h.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <strings.h>

#include "voxomics/filter.h"

const char *vx_pad_name(vx_pad_mode m)
{
    static const char *const names[] = {"constant", "nearest", "periodic", "mirror"};
    return (unsigned)m < sizeof names / sizeof *names ? names[m] : "?";
}

int vx_pad_find(const char *name)
{
    static const struct {
        const char *name;
        vx_pad_mode mode;
    } map[] = {{"constant", VX_PAD_CONSTANT}, {"zero", VX_PAD_CONSTANT},   {"nearest", VX_PAD_NEAREST},
               {"periodic", VX_PAD_PERIODIC}, {"wrap", VX_PAD_PERIODIC},   {"mirror", VX_PAD_MIRROR},
               {"reflect", VX_PAD_MIRROR},    {"symmetric", VX_PAD_MIRROR}};
    if (!name)
        return -1;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcasecmp(name, map[i].name))
            return (int)map[i].mode;
    return -1;
}

ptrdiff_t vx_pad_index(ptrdiff_t k, size_t n, vx_pad_mode m)
{
    const ptrdiff_t N = (ptrdiff_t)n;
    if (k >= 0 && k < N)
        return k;
    switch (m) {
    case VX_PAD_NEAREST:
        return k < 0 ? 0 : N - 1;
    case VX_PAD_PERIODIC: {
        ptrdiff_t r = k % N;
        return r < 0 ? r + N : r;
    }
    case VX_PAD_MIRROR: {
        /* floor(k / N) and k mod N for negative k too */
        ptrdiff_t q = k / N, r = k % N;
        if (r < 0) {
            r += N;
            q--;
        }
        return (q % 2 == 0) ? r : N - 1 - r;
    }
    default:
        return -1;
    }
}

int vx_pad(const double *in, const size_t dims[3], const size_t lo[3], const size_t hi[3], vx_pad_mode m,
           double cval, double *out, vx_error *err)
{
    if (!in || !out || !dims || !lo || !hi)
        return vx_error_set(err, VX_EINVAL, "padding: NULL argument");
    if (!dims[0] || !dims[1] || !dims[2])
        return vx_error_set(err, VX_EINVAL, "padding: empty image (%zu x %zu x %zu voxels)", dims[0], dims[1],
                            dims[2]);
    if ((unsigned)m > VX_PAD_MIRROR)
        return vx_error_set(err, VX_EINVAL, "padding: unknown mode %d (constant, nearest, periodic or mirror)",
                            (int)m);
    const size_t px = dims[0] + lo[0] + hi[0], py = dims[1] + lo[1] + hi[1], pz = dims[2] + lo[2] + hi[2];
    for (size_t z = 0; z < pz; z++) {
        ptrdiff_t iz = vx_pad_index((ptrdiff_t)z - (ptrdiff_t)lo[2], dims[2], m);
        for (size_t y = 0; y < py; y++) {
            ptrdiff_t iy = vx_pad_index((ptrdiff_t)y - (ptrdiff_t)lo[1], dims[1], m);
            double *o = out + px * (y + py * z);
            if (iz < 0 || iy < 0) {
                for (size_t x = 0; x < px; x++)
                    o[x] = cval;
                continue;
            }
            const double *row = in + dims[0] * ((size_t)iy + dims[1] * (size_t)iz);
            for (size_t x = 0; x < px; x++) {
                ptrdiff_t ix = vx_pad_index((ptrdiff_t)x - (ptrdiff_t)lo[0], dims[0], m);
                o[x] = ix < 0 ? cval : row[ix];
            }
        }
    }
    return VX_OK;
}
