/* voxomics (internal): one 1D convolution pass along one axis (definition in linepass.h).
 * Along x each line is gathered with its padding into a per-thread buffer; along y and z every output row
 * (fixed y, z) is a weighted sum of K input rows, whose indices come from the padding map, so the inner loop
 * runs over contiguous x. Work is split over output rows; every row is computed by one thread in the same
 * order, so the result does not depend on the number of threads.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "filter/linepass.h"

/* below this many voxels a pass runs on one thread (the team costs more than it saves) */
#define PAR_MIN_VOXELS 65536

static int pass_x(const double *in, const size_t dims[3], const double *h, size_t K, const ptrdiff_t *idx,
                  double cval, double *out)
{
    const size_t N = dims[0], rows = dims[1] * dims[2], L = N + K - 1;
    int fail = 0;
#pragma omp parallel if (rows * N >= PAR_MIN_VOXELS) reduction(| : fail)
    {
        double *buf = malloc(L * sizeof *buf);
        if (!buf)
            fail = 1;
#pragma omp for schedule(static)
        for (size_t r = 0; r < rows; r++) {
            if (!buf)
                continue;
            const double *line = in + r * N;
            double *o = out + r * N;
            for (size_t p = 0; p < L; p++)
                buf[p] = idx[p] < 0 ? cval : line[idx[p]];
            for (size_t x = 0; x < N; x++) {
                double acc = 0.0;
                for (size_t t = 0; t < K; t++)
                    acc += h[t] * buf[x + K - 1 - t];
                o[x] = acc;
            }
        }
        free(buf);
    }
    return fail;
}

/* axis 1 or 2: output row (y, z) = sum_t h[t] * (input row at the padded index along the axis) */
static void pass_rows(const double *in, const size_t dims[3], int axis, const double *h, size_t K,
                      const ptrdiff_t *idx, double cval, double *out)
{
    const size_t nx = dims[0], ny = dims[1], nz = dims[2], rows = ny * nz;
#pragma omp parallel for schedule(static) if (rows * nx >= PAR_MIN_VOXELS)
    for (size_t r = 0; r < rows; r++) {
        const size_t y = r % ny, z = r / ny;
        const size_t pos = axis == 1 ? y : z; /* the output index along the axis */
        double *o = out + r * nx;
        for (size_t x = 0; x < nx; x++)
            o[x] = 0.0;
        for (size_t t = 0; t < K; t++) {
            const ptrdiff_t q = idx[pos + K - 1 - t];
            const double w = h[t];
            if (q < 0) {
                const double c = w * cval;
                for (size_t x = 0; x < nx; x++)
                    o[x] += c;
                continue;
            }
            const double *src = axis == 1 ? in + nx * ((size_t)q + ny * z) : in + nx * (y + ny * (size_t)q);
            for (size_t x = 0; x < nx; x++)
                o[x] += w * src[x];
        }
    }
}

int vxf_line_pass(const double *in, const size_t dims[3], int axis, const double *h, size_t K, vx_pad_mode m,
                  double cval, double *out, vx_error *err)
{
    const size_t N = dims[axis], L = N + K - 1, lo = K - 1 - K / 2;
    ptrdiff_t *idx = malloc(L * sizeof *idx);
    if (!idx)
        return vx_error_set(err, VX_ENOMEM, "filter: out of memory for a padding map of %zu voxels", L);
    for (size_t p = 0; p < L; p++)
        idx[p] = vx_pad_index((ptrdiff_t)p - (ptrdiff_t)lo, N, m);
    int fail = 0;
    if (axis == 0)
        fail = pass_x(in, dims, h, K, idx, cval, out);
    else
        pass_rows(in, dims, axis, h, K, idx, cval, out);
    free(idx);
    if (fail)
        return vx_error_set(err, VX_ENOMEM, "filter: out of memory for line buffers of %zu voxels", L);
    return VX_OK;
}

int vxf_box_mean(const double *in, const size_t dims[3], int dim, size_t W, vx_pad_mode m, double cval, double *work,
                 double *out, vx_error *err)
{
    double *box = malloc(W * sizeof *box);
    if (!box)
        return vx_error_set(err, VX_ENOMEM, "filter: out of memory for a box kernel of %zu taps", W);
    double sum = 0.0;
    for (size_t i = 0; i < W; i++) {
        box[i] = 1.0 / (double)W;
        sum += box[i];
    }
    /* x: in -> A; y: A -> out (2D) or B; z: B -> out; the constant as the earlier passes left it */
    const size_t n = dims[0] * dims[1] * dims[2];
    double *A = work, *B = work + n;
    int rc = vxf_line_pass(in, dims, 0, box, W, m, cval, A, err);
    if (rc == VX_OK)
        rc = vxf_line_pass(A, dims, 1, box, W, m, cval * sum, dim == 3 ? B : out, err);
    if (rc == VX_OK && dim == 3)
        rc = vxf_line_pass(B, dims, 2, box, W, m, cval * sum * sum, out, err);
    free(box);
    return rc;
}
