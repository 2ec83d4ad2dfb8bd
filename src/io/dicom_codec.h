/* voxomics internal: pieces shared by the DICOM pixel-data codecs (dicom_codec.c and the three libjpeg builds in
 * dicom_jpeg8.c, dicom_jpeg12.c, dicom_jpeg16.c). Not part of the parser's interface (that is dicom.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_IO_DICOM_CODEC_H
#define VX_IO_DICOM_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "dicom.h"

/* Check what a stream declares against the DICOM pixel format: width x height x components must equal
 * Columns x Rows x SamplesPerPixel, the sample precision must fit in BitsAllocated, and an unsigned stream
 * (is_signed 0: JPEG, JPEG-LS, unsigned JPEG 2000 - they carry bit patterns) must have at least BitsStored bits
 * when PixelRepresentation is 1, or the sign bit would be missing. VX_OK or VX_EFORMAT naming codec. */
int vx_dcm_codec_check(const char *codec, unsigned width, unsigned height, unsigned components, unsigned precision,
                       int is_signed, const vx_dcm_pixfmt *pf, vx_error *err);

/* Store sample number idx (0-based, pixel-interleaved) as a little-endian integer of bytes (1, 2 or 4) bytes. */
static inline void vx_dcm_put_sample(uint8_t *out, size_t idx, unsigned bytes, uint32_t v)
{
    uint8_t *p = out + idx * bytes;
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ISO 10918 decoders (one libjpeg build each; the GDCM builds rename their symbols per precision):
 *   jpeg8:  libjpeg-turbo, 8-bit DCT (baseline, extended, progressive, arithmetic)
 *   jpeg12: GDCM's IJG 6b, 12-bit DCT (extended)
 *   jpeg16: GDCM's IJG 6b with the lossless patch: lossless (process 14, any predictor, 2..16 bits).
 * Decode the stream data/len (starting with SOI) into out: pf->rows * pf->cols * pf->samples samples of
 * pf->bits_allocated / 8 bytes (8 or 16 bits), little-endian, pixel-interleaved, no colour conversion. The
 * stream is checked with vx_dcm_codec_check(codec, ...) before anything is decoded. Any libjpeg error or
 * corrupt-data warning is VX_EFORMAT (nothing is printed); a missing EOI after the last scan is accepted, a stream
 * that ends before its data does is not. */
int vx_dcm_jpeg8_decode(const char *codec, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
                        vx_error *err);
int vx_dcm_jpeg12_decode(const char *codec, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
                         vx_error *err);
int vx_dcm_jpeg16_decode(const char *codec, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
                         vx_error *err);

#endif
