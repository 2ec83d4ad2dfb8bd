/* libFuzzer target: the pixel-data codecs alone (RLE, JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000).
 * Byte 0 picks one of 18 (codec, pixel format) pairs; the rest is the compressed frame.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    int kind;
    vx_dcm_pixfmt pf; /* rows, cols, samples, bits allocated, bits stored, high bit, pixel rep, planar */
} formats[] = {
    {VX_TS_RLE, {24, 32, 1, 16, 16, 15, 1, 0}},           {VX_TS_JPEG_BASELINE, {24, 32, 1, 8, 8, 7, 0, 0}},
    {VX_TS_JPEG_BASELINE, {24, 32, 1, 16, 12, 11, 0, 0}}, {VX_TS_JPEG_LOSSLESS, {24, 32, 1, 16, 16, 15, 1, 0}},
    {VX_TS_JPEG_LOSSLESS, {24, 32, 1, 16, 12, 11, 0, 0}}, {VX_TS_JPEG_LS, {24, 32, 1, 16, 12, 11, 1, 0}},
    {VX_TS_JPEG_LS, {24, 32, 1, 16, 16, 15, 1, 0}},       {VX_TS_JPEG_2000, {24, 32, 1, 16, 12, 11, 1, 0}},
    {VX_TS_JPEG_2000, {24, 32, 1, 16, 16, 15, 1, 0}},     {VX_TS_JPEG_LOSSLESS, {11, 13, 1, 16, 2, 1, 0, 0}},
    {VX_TS_JPEG_LOSSLESS, {11, 13, 1, 8, 8, 7, 0, 0}},    {VX_TS_JPEG_BASELINE, {11, 14, 1, 8, 8, 7, 0, 0}},
    {VX_TS_RLE, {11, 14, 1, 8, 8, 7, 0, 0}},              {VX_TS_JPEG_LS, {11, 14, 1, 8, 8, 7, 0, 0}},
    {VX_TS_JPEG_2000, {11, 14, 1, 8, 8, 7, 0, 0}},        {VX_TS_JPEG_BASELINE, {11, 13, 1, 16, 12, 11, 0, 0}},
    {VX_TS_RLE, {5, 7, 3, 8, 8, 7, 0, 0}},                {VX_TS_RLE, {3, 4, 1, 32, 32, 31, 0, 0}},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t i = data[0] % (sizeof formats / sizeof formats[0]);
    const vx_dcm_pixfmt *pf = &formats[i].pf;
    size_t need = (size_t)pf->rows * pf->cols * pf->samples * pf->bits_allocated / 8;
    uint8_t *out = malloc(need), *copy = malloc(size - 1 ? size - 1 : 1);
    if (out && copy) {
        memcpy(copy, data + 1, size - 1);
        vx_error err;
        vx_dcm_decode_frame(formats[i].kind, copy, size - 1, pf, out, need, &err);
    }
    free(copy);
    free(out);
    return 0;
}
