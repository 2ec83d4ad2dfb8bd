/* voxomics: separable convolution, one 1D kernel per axis under a padding mode (definition in
 * voxomics/filter.h). Each line is gathered with its padding into a buffer and convolved directly (kernels of
 * separable IBSI 2 filters are short), in double, the kernel taps added in index order.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "voxomics/filter.h"

int vx_separable_convolve(const double *in, const size_t dims[3], const double *const k[3], const size_t klen[3],
                          vx_pad_mode m, double cval, double *out, vx_error *err)
{
    if (!in || !dims || !k || !klen || !out)
        return vx_error_set(err, VX_EINVAL, "separable convolution: NULL argument");
    if (!dims[0] || !dims[1] || !dims[2])
        return vx_error_set(err, VX_EINVAL, "separable convolution: empty image (%zu x %zu x %zu voxels)", dims[0],
                            dims[1], dims[2]);
    if ((unsigned)m > VX_PAD_MIRROR)
        return vx_error_set(err, VX_EINVAL, "separable convolution: unknown padding mode %d", (int)m);
    const size_t n = dims[0] * dims[1] * dims[2];
    size_t maxl = 0;
    for (int a = 0; a < 3; a++)
        if (k[a] && klen[a] && dims[a] + klen[a] - 1 > maxl)
            maxl = dims[a] + klen[a] - 1;
    if (out != in)
        memmove(out, in, n * sizeof *out);
    if (!maxl)
        return VX_OK;
    double *buf = malloc(maxl * sizeof *buf);
    if (!buf)
        return vx_error_set(err, VX_ENOMEM, "separable convolution: out of memory for a line of %zu voxels", maxl);
    const size_t stride[3] = {1, dims[0], dims[0] * dims[1]};
    double c = cval; /* the constant as the earlier passes left it */
    for (int a = 0; a < 3; a++) {
        if (!k[a] || !klen[a])
            continue;
        const size_t K = klen[a], N = dims[a], lo = K - 1 - K / 2, s = stride[a];
        const double *h = k[a];
        /* lines along axis a: start offsets over the other two axes */
        const int b = a == 0 ? 1 : 0, d = a == 2 ? 1 : 2;
        for (size_t j = 0; j < dims[d]; j++)
            for (size_t i = 0; i < dims[b]; i++) {
                double *line = out + i * stride[b] + j * stride[d];
                for (size_t p = 0; p < N + K - 1; p++) {
                    ptrdiff_t q = vx_pad_index((ptrdiff_t)p - (ptrdiff_t)lo, N, m);
                    buf[p] = q < 0 ? c : line[(size_t)q * s];
                }
                /* out[x] = sum_j h[j] f~[x + c - j] = sum_j h[j] buf[x + K - 1 - j] */
                for (size_t x = 0; x < N; x++) {
                    double acc = 0.0;
                    for (size_t t = 0; t < K; t++)
                        acc += h[t] * buf[x + K - 1 - t];
                    line[x * s] = acc;
                }
            }
        double sum = 0.0;
        for (size_t t = 0; t < K; t++)
            sum += h[t];
        c *= sum;
    }
    free(buf);
    return VX_OK;
}
