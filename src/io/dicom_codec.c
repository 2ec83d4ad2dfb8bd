/* voxomics: DICOM transfer syntaxes and compressed pixel data (PS3.5 section 8.2, annexes A.4 and G).
 *
 * Transfer syntaxes (vx_dcm_ts_info): implicit VR little endian, explicit VR little and big endian, deflated
 * explicit VR little endian, and the encapsulated ones - RLE Lossless, JPEG baseline (process 1) and extended
 * (process 2/4), JPEG lossless (process 14, any predictor, and its selection value 1 subset), JPEG-LS lossless and
 * near-lossless, JPEG 2000 (lossless only, and lossy) and High-Throughput JPEG 2000 (lossless, lossless RPCL,
 * lossy; openjp2 2.5 decodes HT code blocks). Every encapsulated syntax encodes its data set as explicit VR little
 * endian. Any other UID is unknown.
 *
 * Frame decoding (vx_dcm_decode_frame):
 *   RLE        our own decoder (PS3.5 annex G): a 64-byte header of 16 little-endian 32-bit words (segment
 *              count, then the byte offset of each segment, the first being 64), then PackBits segments: a
 *              header byte n = 0..127 copies the next n + 1 bytes, n = -1..-127 repeats the next byte 1 - n
 *              times, -128 does nothing. Segment k holds byte plane k: for each sample, its most significant byte
 *              first. Each segment must decode to at least Rows x Columns bytes (extra output, such as the pad
 *              byte some encoders add, is ignored); a run whose bytes lie beyond the end of its segment, offsets
 *              outside the frame or out of order, and a segment count other than samples x bytes are errors.
 *   JPEG       the stream's own SOF marker decides, not the transfer syntax UID (mislabelled files exist): 8-bit
 *              DCT -> libjpeg-turbo, 12-bit DCT -> GDCM's libgdcmjpeg12, lossless (SOF3) -> GDCM's
 *              libgdcmjpeg16 (libjpeg-turbo 2.1 has no lossless decoder), JPEG-LS (SOF55) -> CharLS; the
 *              non-standard 16-bit DCT that GDCM writes for lossy 16-bit images is refused. See
 *              dicom_jpeg_impl.h for the libjpeg error handling.
 *   JPEG-LS    CharLS 2 C API (charls_jpegls_decoder_*).
 *   JPEG 2000  openjp2 from a memory stream; J2K codestream (FF4F FF51) or JP2 file format (signature box),
 *              recognised by their magic. Strict mode, so a truncated codestream is an error, not a partial
 *              image; messages go to a buffer that becomes the error message; nothing is printed.
 *
 * Output: Rows x Columns x SamplesPerPixel samples, pixel-interleaved, each BitsAllocated / 8 bytes little-endian.
 * The stored value is in the low BitsStored bits (RLE cells whose HighBit is above BitsStored - 1 are shifted
 * down). JPEG and JPEG-LS carry unsigned bit patterns, so signed data come back as the pattern of the stream's
 * precision (for example -1 in a 12-bit stream as 0x0FFF); sign-extending from BitsStored when
 * PixelRepresentation is 1 is the caller's job (dicom_pixels.c). Signed JPEG 2000 components (Ssiz bit 7) are
 * written as two's complement of the whole cell. No colour transform is applied to anything (greyscale only
 * in practice: the readers refuse colour images).
 *
 * Every stream's width, height, component count and precision are checked against the DICOM header before
 * anything is decoded (vx_dcm_codec_check), so a damaged header never makes a codec allocate more than the frame
 * the caller sized from Rows and Columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dicom_codec.h"

#include <charls/charls.h>
#include <openjpeg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- transfer syntaxes ------------------------------------------------------------------------------------ */

typedef struct ts_row {
    const char *uid;
    int kind, explicit_vr, big_endian;
    const char *name;
} ts_row;

static const ts_row TS_TABLE[] = {
    {"1.2.840.10008.1.2", VX_TS_NATIVE, 0, 0, "Implicit VR Little Endian"},
    {"1.2.840.10008.1.2.1", VX_TS_NATIVE, 1, 0, "Explicit VR Little Endian"},
    {"1.2.840.10008.1.2.2", VX_TS_NATIVE, 1, 1, "Explicit VR Big Endian"},
    {"1.2.840.10008.1.2.1.99", VX_TS_DEFLATE, 1, 0, "Deflated Explicit VR Little Endian"},
    {"1.2.840.10008.1.2.5", VX_TS_RLE, 1, 0, "RLE Lossless"},
    {"1.2.840.10008.1.2.4.50", VX_TS_JPEG_BASELINE, 1, 0, "JPEG Baseline (Process 1)"},
    {"1.2.840.10008.1.2.4.51", VX_TS_JPEG_BASELINE, 1, 0, "JPEG Extended (Process 2 & 4)"},
    {"1.2.840.10008.1.2.4.57", VX_TS_JPEG_LOSSLESS, 1, 0, "JPEG Lossless, Non-Hierarchical (Process 14)"},
    {"1.2.840.10008.1.2.4.70", VX_TS_JPEG_LOSSLESS, 1, 0,
     "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1)"},
    {"1.2.840.10008.1.2.4.80", VX_TS_JPEG_LS, 1, 0, "JPEG-LS Lossless"},
    {"1.2.840.10008.1.2.4.81", VX_TS_JPEG_LS, 1, 0, "JPEG-LS Lossy (Near-Lossless)"},
    {"1.2.840.10008.1.2.4.90", VX_TS_JPEG_2000, 1, 0, "JPEG 2000 (Lossless Only)"},
    {"1.2.840.10008.1.2.4.91", VX_TS_JPEG_2000, 1, 0, "JPEG 2000"},
    {"1.2.840.10008.1.2.4.201", VX_TS_JPEG_2000, 1, 0, "High-Throughput JPEG 2000 (Lossless Only)"},
    {"1.2.840.10008.1.2.4.202", VX_TS_JPEG_2000, 1, 0,
     "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)"},
    {"1.2.840.10008.1.2.4.203", VX_TS_JPEG_2000, 1, 0, "High-Throughput JPEG 2000"},
};

static const ts_row *ts_find(const char *ts)
{
    if (!ts)
        return NULL;
    for (size_t i = 0; i < sizeof TS_TABLE / sizeof TS_TABLE[0]; i++)
        if (strcmp(ts, TS_TABLE[i].uid) == 0)
            return &TS_TABLE[i];
    return NULL;
}

/* Unknown syntax: -1, and the outputs describe explicit VR little endian (what every transfer syntax but
 * implicit VR and big endian uses, PS3.5 A.4), with kind -1. Any output pointer may be NULL. */
int vx_dcm_ts_info(const char *ts, int *kind, int *explicit_vr, int *big_endian)
{
    const ts_row *r = ts_find(ts);
    if (kind)
        *kind = r ? r->kind : -1;
    if (explicit_vr)
        *explicit_vr = r ? r->explicit_vr : 1;
    if (big_endian)
        *big_endian = r ? r->big_endian : 0;
    return r ? 0 : -1;
}

const char *vx_dcm_ts_name(const char *ts)
{
    const ts_row *r = ts_find(ts);
    return r ? r->name : ts ? ts : "(no transfer syntax)";
}

/* ---- checks shared by the codecs -------------------------------------------------------------------------- */

int vx_dcm_codec_check(const char *codec, unsigned width, unsigned height, unsigned components, unsigned precision,
                       int is_signed, const vx_dcm_pixfmt *pf, vx_error *err)
{
    if (width != pf->cols || height != pf->rows || components != pf->samples)
        return vx_error_set(err, VX_EFORMAT,
                            "%s: the stream holds %u x %u pixels with %u component(s), the DICOM header says %u x %u "
                            "with %u (Columns x Rows, SamplesPerPixel)",
                            codec, width, height, components, pf->cols, pf->rows, pf->samples);
    if (precision < 1 || precision > pf->bits_allocated)
        return vx_error_set(err, VX_EFORMAT,
                            "%s: the stream has %u-bit samples, which do not fit in BitsAllocated %u of the DICOM "
                            "header",
                            codec, precision, pf->bits_allocated);
    if (pf->pixel_rep && !is_signed && precision < pf->bits_stored)
        return vx_error_set(err, VX_EFORMAT,
                            "%s: the stream has %u-bit unsigned samples but the DICOM header says %u signed bits "
                            "stored (PixelRepresentation 1): the sign bit is not in the stream",
                            codec, precision, pf->bits_stored);
    return VX_OK;
}

/* ---- RLE Lossless (PS3.5 annex G) ------------------------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decode segment seg (bytes d[beg, end)) into byte lane `lane` of each of the n cells of `stride` bytes. */
static int rle_segment(const uint8_t *d, size_t beg, size_t end, unsigned seg, size_t n, uint8_t *out, size_t stride,
                       size_t lane, vx_error *err)
{
    size_t p = beg, k = 0;
    while (k < n) {
        if (p >= end)
            return vx_error_set(err, VX_EFORMAT,
                                "RLE: segment %u (bytes %zu..%zu) ends after %zu of the %zu bytes it must hold",
                                seg + 1, beg, end, k, n);
        int h = (int)(int8_t)d[p++];
        if (h >= 0) { /* literal run of h + 1 bytes */
            size_t cnt = (size_t)h + 1;
            if (cnt > end - p)
                return vx_error_set(err, VX_EFORMAT,
                                    "RLE: literal run of %zu bytes at byte %zu crosses the end of segment %u at byte "
                                    "%zu",
                                    cnt, p - 1, seg + 1, end);
            for (size_t i = 0; i < cnt && k < n; i++, k++)
                out[k * stride + lane] = d[p + i];
            p += cnt;
        }
        else if (h != -128) { /* the next byte 1 - h times */
            size_t cnt = (size_t)(1 - h);
            if (p >= end)
                return vx_error_set(err, VX_EFORMAT,
                                    "RLE: replicate run at byte %zu has no byte to repeat (segment %u ends there)",
                                    p - 1, seg + 1);
            uint8_t v = d[p++];
            for (size_t i = 0; i < cnt && k < n; i++, k++)
                out[k * stride + lane] = v;
        }
    }
    return VX_OK;
}

static int rle_decode(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err)
{
    unsigned bytes = pf->bits_allocated / 8, nseg = pf->samples * bytes;
    size_t npix = (size_t)pf->rows * pf->cols;
    if (nseg > 15)
        return vx_error_set(err, VX_EUNSUPPORTED, "RLE: %u samples of %u bits need %u segments, more than 15",
                            pf->samples, pf->bits_allocated, nseg);
    if (len < 64)
        return vx_error_set(err, VX_EFORMAT, "RLE: frame of %zu bytes is shorter than the 64-byte RLE header", len);
    uint32_t count = le32(d);
    if (count != nseg)
        return vx_error_set(err, VX_EFORMAT,
                            "RLE: the header (byte 0) declares %u segments, %u expected for %u sample(s) of %u bits",
                            count, nseg, pf->samples, pf->bits_allocated);
    uint32_t off[16];
    for (unsigned s = 0; s < nseg; s++) {
        off[s] = le32(d + 4 + 4 * s);
        if (off[s] < 64 || off[s] >= len)
            return vx_error_set(err, VX_EFORMAT,
                                "RLE: segment %u offset %u (header byte %u) is outside the segment area 64..%zu", s + 1,
                                off[s], 4 + 4 * s, len - 1);
        if (s > 0 && off[s] <= off[s - 1])
            return vx_error_set(err, VX_EFORMAT, "RLE: segment %u offset %u is not after segment %u offset %u", s + 1,
                                off[s], s, off[s - 1]);
    }
    size_t stride = (size_t)pf->samples * bytes;
    for (unsigned s = 0; s < nseg; s++) {
        size_t end = s + 1 < nseg ? off[s + 1] : len;
        unsigned sample = s / bytes, msb_rank = s % bytes; /* most significant byte first */
        size_t lane = (size_t)sample * bytes + (bytes - 1 - msb_rank);
        int rc = rle_segment(d, off[s], end, s, npix, out, stride, lane, err);
        if (rc != VX_OK)
            return rc;
    }
    /* stored bits to the bottom of the cell, as for every other codec */
    unsigned shift = pf->high_bit + 1 > pf->bits_stored ? pf->high_bit + 1 - pf->bits_stored : 0;
    if (shift > 0 && shift < pf->bits_allocated) {
        for (size_t i = 0; i < npix * pf->samples; i++) {
            uint32_t v = 0;
            for (unsigned b = 0; b < bytes; b++)
                v |= (uint32_t)out[i * bytes + b] << (8 * b);
            vx_dcm_put_sample(out, i, bytes, v >> shift);
        }
    }
    return VX_OK;
}

/* ---- JPEG family: find the frame header, pick the decoder -------------------------------------------------- */

typedef struct jpeg_sof {
    unsigned marker; /* 0xC0..0xCF (not C4, C8, CC) or 0xF7 (JPEG-LS SOF55) */
    unsigned precision, height, width, components;
} jpeg_sof;

static int is_sof(unsigned m)
{
    return (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) || m == 0xF7;
}

/* Walk the marker segments from SOI to the first SOF (ISO 10918-1 B.1.1, ISO 14495-1 C.1). */
static int jpeg_find_sof(const uint8_t *d, size_t len, jpeg_sof *sof, vx_error *err)
{
    size_t p = 2; /* after SOI */
    for (;;) {
        if (p >= len)
            return vx_error_set(err, VX_EFORMAT, "JPEG: no frame header (SOF marker) before the end of the stream");
        if (d[p] != 0xFF)
            return vx_error_set(err, VX_EFORMAT, "JPEG: expected a marker at byte %zu, found 0x%02X", p, d[p]);
        while (p < len && d[p] == 0xFF)
            p++; /* fill bytes */
        if (p >= len)
            return vx_error_set(err, VX_EFORMAT, "JPEG: stream ends inside a marker at byte %zu", p);
        unsigned m = d[p++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD8))
            continue; /* TEM, RSTn, SOI: no length */
        if (m == 0xD9 || m == 0xDA)
            return vx_error_set(err, VX_EFORMAT, "JPEG: marker 0x%02X at byte %zu comes before any frame header (SOF)",
                                m, p - 2);
        if (len - p < 2)
            return vx_error_set(err, VX_EFORMAT, "JPEG: marker 0x%02X at byte %zu has no length", m, p - 2);
        size_t seg = (size_t)d[p] << 8 | d[p + 1];
        if (seg < 2 || seg > len - p)
            return vx_error_set(err, VX_EFORMAT,
                                "JPEG: marker 0x%02X at byte %zu declares %zu bytes, the stream has %zu left", m, p - 2,
                                seg, len - p);
        if (is_sof(m)) {
            if (seg < 8)
                return vx_error_set(err, VX_EFORMAT, "JPEG: frame header at byte %zu is only %zu bytes", p - 2, seg);
            sof->marker = m;
            sof->precision = d[p + 2];
            sof->height = (unsigned)d[p + 3] << 8 | d[p + 4];
            sof->width = (unsigned)d[p + 5] << 8 | d[p + 6];
            sof->components = d[p + 7];
            return VX_OK;
        }
        p += seg;
    }
}

static int jpegls_decode(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err);

static int jpeg_decode(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err)
{
    jpeg_sof sof = {0, 0, 0, 0, 0};
    int rc = jpeg_find_sof(d, len, &sof, err);
    if (rc != VX_OK)
        return rc;
    if (sof.marker == 0xF7)
        return jpegls_decode(d, len, pf, out, err);
    if (sof.marker == 0xC3 || sof.marker == 0xC7 || sof.marker == 0xCB || sof.marker == 0xCF)
        return vx_dcm_jpeg16_decode("JPEG lossless", d, len, pf, out, err);
    switch (sof.precision) {
    case 8:
        return vx_dcm_jpeg8_decode("JPEG (8-bit DCT)", d, len, pf, out, err);
    case 12:
        return vx_dcm_jpeg12_decode("JPEG extended (12-bit DCT)", d, len, pf, out, err);
    case 16: /* not in ISO 10918-1; GDCM writes it for lossy compression of 16-bit cells, and IJG's 16-bit build
              * decodes such streams with a constant offset (tested: +24576), so refuse rather than guess */
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "JPEG: 16-bit DCT frame (SOF 0x%02X): not in ISO 10918-1 (GDCM writes it for lossy 16-bit "
                            "images) and not supported; convert the file with a lossless or 12-bit transfer syntax",
                            sof.marker);
    default:
        return vx_error_set(err, VX_EFORMAT, "JPEG: DCT frame (SOF 0x%02X) with %u-bit precision (8 or 12 expected)",
                            sof.marker, sof.precision);
    }
}

/* ---- JPEG-LS (CharLS) --------------------------------------------------------------------------------------- */

static int jpegls_fail(charls_jpegls_decoder *dec, charls_jpegls_errc e, const char *what, vx_error *err)
{
    charls_jpegls_decoder_destroy(dec);
    return vx_error_set(err, VX_EFORMAT, "JPEG-LS: %s: %s", what, charls_get_error_message(e));
}

static int jpegls_decode_eoi(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err);

/* CharLS 2.4 spends seconds (about 10 s for a 32 x 24 frame) running off the end of a stream that lacks the EOI
 * marker, as a truncated one does; with an EOI after the data it fails at once. So a stream that does not end with
 * EOI (allowing one pad byte) is decoded from a copy with EOI appended. */
static int jpegls_decode(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err)
{
    size_t end = len > 0 && d[len - 1] == 0 ? len - 1 : len;
    if (end >= 2 && d[end - 2] == 0xFF && d[end - 1] == 0xD9)
        return jpegls_decode_eoi(d, len, pf, out, err);
    uint8_t *copy = malloc(len + 2);
    if (!copy)
        return vx_error_set(err, VX_ENOMEM, "JPEG-LS: out of memory (%zu bytes)", len + 2);
    memcpy(copy, d, len);
    copy[len] = 0xFF;
    copy[len + 1] = 0xD9;
    int rc = jpegls_decode_eoi(copy, len + 2, pf, out, err);
    free(copy);
    if (rc == VX_EFORMAT && err && strlen(err->msg) + 40 < sizeof err->msg)
        strcat(err->msg, " (no EOI marker: truncated stream?)");
    return rc;
}

static int jpegls_decode_eoi(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err)
{
    charls_jpegls_decoder *dec = charls_jpegls_decoder_create();
    if (!dec)
        return vx_error_set(err, VX_ENOMEM, "JPEG-LS: out of memory creating the decoder");
    charls_jpegls_errc e = charls_jpegls_decoder_set_source_buffer(dec, d, len);
    if (e)
        return jpegls_fail(dec, e, "source", err);
    if ((e = charls_jpegls_decoder_read_header(dec)))
        return jpegls_fail(dec, e, "reading the header", err);
    charls_frame_info fi;
    charls_interleave_mode mode;
    if ((e = charls_jpegls_decoder_get_frame_info(dec, &fi)) ||
        (e = charls_jpegls_decoder_get_interleave_mode(dec, &mode)))
        return jpegls_fail(dec, e, "reading the header", err);
    if (fi.bits_per_sample < 2 || fi.component_count < 1) {
        charls_jpegls_decoder_destroy(dec);
        return vx_error_set(err, VX_EFORMAT, "JPEG-LS: %d bits per sample, %d components", fi.bits_per_sample,
                            fi.component_count);
    }
    int rc = vx_dcm_codec_check("JPEG-LS", fi.width, fi.height, (unsigned)fi.component_count,
                                (unsigned)fi.bits_per_sample, 0, pf, err);
    if (rc != VX_OK) {
        charls_jpegls_decoder_destroy(dec);
        return rc;
    }
    size_t n = (size_t)fi.width * fi.height, nc = (size_t)fi.component_count;
    size_t sbytes = fi.bits_per_sample <= 8 ? 1 : 2, need = n * nc * sbytes, size = 0;
    if ((e = charls_jpegls_decoder_get_destination_size(dec, 0, &size)))
        return jpegls_fail(dec, e, "destination size", err);
    if (size != need) {
        charls_jpegls_decoder_destroy(dec);
        return vx_error_set(err, VX_EFORMAT, "JPEG-LS: decoder wants %zu bytes for a frame of %zu", size, need);
    }
    uint8_t *buf = malloc(need);
    if (!buf) {
        charls_jpegls_decoder_destroy(dec);
        return vx_error_set(err, VX_ENOMEM, "JPEG-LS: out of memory (%zu bytes)", need);
    }
    if ((e = charls_jpegls_decoder_decode_to_buffer(dec, buf, need, 0))) {
        free(buf);
        return jpegls_fail(dec, e, "decoding", err);
    }
    charls_jpegls_decoder_destroy(dec);
    unsigned bytes = pf->bits_allocated / 8;
    int planar = mode == CHARLS_INTERLEAVE_MODE_NONE && nc > 1; /* one scan per component: planes */
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < nc; c++) {
            size_t at = planar ? c * n + i : i * nc + c;
            uint32_t v;
            if (sbytes == 1)
                v = buf[at];
            else {
                uint16_t u;
                memcpy(&u, buf + 2 * at, 2); /* CharLS writes native byte order */
                v = u;
            }
            vx_dcm_put_sample(out, i * nc + c, bytes, v);
        }
    free(buf);
    return VX_OK;
}

/* ---- JPEG 2000 (openjp2) ------------------------------------------------------------------------------------ */

static const uint8_t JP2_MAGIC[12] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A};
static const uint8_t J2K_MAGIC[4] = {0xFF, 0x4F, 0xFF, 0x51};

typedef struct j2k_mem {
    const uint8_t *d;
    size_t len, pos;
    char msg[256]; /* first error reported by openjp2 */
} j2k_mem;

static OPJ_SIZE_T j2k_read(void *buf, OPJ_SIZE_T n, void *user)
{
    j2k_mem *m = user;
    size_t left = m->len - m->pos;
    if (left == 0)
        return (OPJ_SIZE_T)-1;
    if (n > left)
        n = left;
    memcpy(buf, m->d + m->pos, n);
    m->pos += n;
    return n;
}

static OPJ_OFF_T j2k_skip(OPJ_OFF_T n, void *user)
{
    j2k_mem *m = user;
    if (n < 0) {
        if ((size_t)-n > m->pos)
            return -1;
        m->pos -= (size_t)-n;
        return n;
    }
    if ((uint64_t)n > m->len - m->pos)
        return -1; /* end of stream (openjp2 checks the length first; a short skip would make it loop) */
    m->pos += (size_t)n;
    return n;
}

static OPJ_BOOL j2k_seek(OPJ_OFF_T n, void *user)
{
    j2k_mem *m = user;
    if (n < 0 || (uint64_t)n > m->len)
        return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

static void j2k_quiet(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

static void j2k_error(const char *msg, void *user)
{
    j2k_mem *m = user;
    if (m->msg[0])
        return;
    snprintf(m->msg, sizeof m->msg, "%s", msg);
    size_t k = strlen(m->msg);
    while (k > 0 && (m->msg[k - 1] == '\n' || m->msg[k - 1] == '\r' || m->msg[k - 1] == ' '))
        m->msg[--k] = '\0';
}

static int j2k_fail(j2k_mem *m, opj_codec_t *codec, opj_stream_t *st, opj_image_t *img, const char *what,
                    vx_error *err)
{
    if (img)
        opj_image_destroy(img);
    if (codec)
        opj_destroy_codec(codec);
    if (st)
        opj_stream_destroy(st);
    return vx_error_set(err, VX_EFORMAT, "JPEG 2000: %s%s%s", what, m->msg[0] ? ": " : "", m->msg);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The codestream inside a JP2 file: the payload of the top-level 'jp2c' box (ISO/IEC 15444-1 I.4: a box is a
 * 32-bit length, a 4-byte type, and a payload; length 1 means a 64-bit length follows, 0 "to the end"). */
static int jp2_codestream(const uint8_t *d, size_t len, size_t *at, vx_error *err)
{
    size_t p = 0;
    while (len - p >= 8) {
        uint64_t blen = be32(d + p);
        size_t head = 8;
        if (blen == 1) {
            if (len - p < 16)
                break;
            blen = (uint64_t)be32(d + p + 8) << 32 | be32(d + p + 12);
            head = 16;
        }
        else if (blen == 0)
            blen = len - p;
        if (blen < head || blen > len - p)
            return vx_error_set(err, VX_EFORMAT, "JPEG 2000: JP2 box at byte %zu declares %llu bytes, %zu are left", p,
                                (unsigned long long)blen, len - p);
        if (memcmp(d + p + 4, "jp2c", 4) == 0) {
            *at = p + head;
            return VX_OK;
        }
        p += (size_t)blen;
    }
    return vx_error_set(err, VX_EFORMAT, "JPEG 2000: JP2 file without a codestream box (jp2c)");
}

#define J2K_MAX_TILES 4096

/* Check the image and tile size (SIZ, the first marker segment after SOC, ISO/IEC 15444-1 A.5.1) before openjp2
 * sees the stream: openjp2 allocates several kilobytes per tile while reading the header, so a damaged size
 * field could otherwise cost gigabytes before the image size is known. */
static int j2k_check_siz(const uint8_t *d, size_t len, const vx_dcm_pixfmt *pf, vx_error *err)
{
    if (len < 4 + 38 + 3 || memcmp(d, J2K_MAGIC, 4) != 0)
        return vx_error_set(err, VX_EFORMAT, "JPEG 2000: codestream does not start with SOC and SIZ (FF4F FF51)");
    const uint8_t *s = d + 4; /* after SOC and the SIZ marker */
    unsigned lsiz = (unsigned)s[0] << 8 | s[1], csiz = (unsigned)s[36] << 8 | s[37];
    if (csiz < 1 || lsiz != 38 + 3 * csiz || lsiz > len - 4)
        return vx_error_set(err, VX_EFORMAT, "JPEG 2000: SIZ segment of %u bytes for %u components (%zu bytes left)",
                            lsiz, csiz, len - 4);
    uint32_t xsiz = be32(s + 4), ysiz = be32(s + 8), x0 = be32(s + 12), y0 = be32(s + 16), xt = be32(s + 20),
             yt = be32(s + 24), xt0 = be32(s + 28), yt0 = be32(s + 32);
    if (xsiz <= x0 || ysiz <= y0 || xt == 0 || yt == 0 || xt0 > x0 || yt0 > y0 || (uint64_t)xt0 + xt <= x0 ||
        (uint64_t)yt0 + yt <= y0)
        return vx_error_set(err, VX_EFORMAT,
                            "JPEG 2000: invalid image or tile grid in SIZ (image %u..%u x %u..%u, tiles %u x %u at "
                            "%u, %u)",
                            x0, xsiz, y0, ysiz, xt, yt, xt0, yt0);
    unsigned prec = (s[38] & 0x7Fu) + 1u;
    int sgnd = (s[38] & 0x80) != 0;
    int rc = vx_dcm_codec_check("JPEG 2000", xsiz - x0, ysiz - y0, csiz, prec, sgnd, pf, err);
    if (rc != VX_OK)
        return rc;
    uint64_t tiles = ((uint64_t)(xsiz - xt0) + xt - 1) / xt * (((uint64_t)(ysiz - yt0) + yt - 1) / yt);
    if (tiles > J2K_MAX_TILES)
        return vx_error_set(err, VX_EUNSUPPORTED, "JPEG 2000: %llu tiles of %u x %u pixels (at most %d supported)",
                            (unsigned long long)tiles, xt, yt, J2K_MAX_TILES);
    return VX_OK;
}

static int j2k_decode(const uint8_t *d, size_t len, int jp2, const vx_dcm_pixfmt *pf, uint8_t *out, vx_error *err)
{
    size_t cs = 0;
    int rc = jp2 ? jp2_codestream(d, len, &cs, err) : VX_OK;
    if (rc == VX_OK)
        rc = j2k_check_siz(d + cs, len - cs, pf, err);
    if (rc != VX_OK)
        return rc;
    j2k_mem m = {.d = d, .len = len, .pos = 0, .msg = ""};
    opj_stream_t *st = opj_stream_create(len < 65536 ? (OPJ_SIZE_T)len : 65536, OPJ_TRUE);
    if (!st)
        return vx_error_set(err, VX_ENOMEM, "JPEG 2000: out of memory creating a stream");
    opj_stream_set_user_data(st, &m, NULL);
    opj_stream_set_user_data_length(st, (OPJ_UINT64)len);
    opj_stream_set_read_function(st, j2k_read);
    opj_stream_set_skip_function(st, j2k_skip);
    opj_stream_set_seek_function(st, j2k_seek);
    opj_codec_t *codec = opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    if (!codec) {
        opj_stream_destroy(st);
        return vx_error_set(err, VX_ENOMEM, "JPEG 2000: out of memory creating the decoder");
    }
    opj_set_info_handler(codec, j2k_quiet, &m);
    opj_set_warning_handler(codec, j2k_quiet, &m);
    opj_set_error_handler(codec, j2k_error, &m);
    opj_dparameters_t par;
    opj_set_default_decoder_parameters(&par);
    opj_image_t *img = NULL;
    if (!opj_setup_decoder(codec, &par) || !opj_decoder_set_strict_mode(codec, OPJ_TRUE))
        return j2k_fail(&m, codec, st, img, "decoder setup failed", err);
    if (!opj_read_header(st, codec, &img) || !img)
        return j2k_fail(&m, codec, st, img, "cannot read the header", err);
    if (img->numcomps < 1 || !img->comps)
        return j2k_fail(&m, codec, st, img, "no image components", err);
    const opj_image_comp_t *c0 = &img->comps[0];
    for (OPJ_UINT32 c = 0; c < img->numcomps; c++) {
        const opj_image_comp_t *ci = &img->comps[c];
        if (ci->dx != 1 || ci->dy != 1 || ci->prec != c0->prec || ci->sgnd != c0->sgnd) {
            vx_error_set(err, VX_EUNSUPPORTED,
                         "JPEG 2000: component %u is subsampled (%u x %u) or differs in precision or sign from "
                         "component 1",
                         (unsigned)c + 1, (unsigned)ci->dx, (unsigned)ci->dy);
            opj_image_destroy(img);
            opj_destroy_codec(codec);
            opj_stream_destroy(st);
            return VX_EUNSUPPORTED;
        }
    }
    if (img->x1 <= img->x0 || img->y1 <= img->y0)
        return j2k_fail(&m, codec, st, img, "empty image area", err);
    unsigned w = img->x1 - img->x0, h = img->y1 - img->y0;
    rc = vx_dcm_codec_check("JPEG 2000", w, h, img->numcomps, c0->prec, (int)c0->sgnd, pf, err);
    if (rc != VX_OK) {
        opj_image_destroy(img);
        opj_destroy_codec(codec);
        opj_stream_destroy(st);
        return rc;
    }
    if (!opj_decode(codec, st, img))
        return j2k_fail(&m, codec, st, img, "decoding failed", err);
    if (!opj_end_decompress(codec, st))
        return j2k_fail(&m, codec, st, img, "stream ends badly", err);
    size_t n = (size_t)w * h, nc = img->numcomps;
    for (size_t c = 0; c < nc; c++)
        if (!img->comps[c].data || img->comps[c].w != w || img->comps[c].h != h)
            return j2k_fail(&m, codec, st, img, "decoder returned a component of the wrong size", err);
    unsigned bytes = pf->bits_allocated / 8;
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < nc; c++)
            vx_dcm_put_sample(out, i * nc + c, bytes, (uint32_t)img->comps[c].data[i]); /* two's complement */
    opj_image_destroy(img);
    opj_destroy_codec(codec);
    opj_stream_destroy(st);
    return VX_OK;
}

/* ---- entry point -------------------------------------------------------------------------------------------- */

int vx_dcm_decode_frame(int kind, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
                        size_t out_len, vx_error *err)
{
    if (!pf || !out || (!data && len))
        return vx_error_set(err, VX_EINVAL, "decode frame: missing argument");
    if (kind < VX_TS_RLE || kind > VX_TS_JPEG_2000)
        return vx_error_set(err, VX_EINVAL, "decode frame: transfer syntax kind %d has no frame codec", kind);
    unsigned ba = pf->bits_allocated;
    if (ba != 8 && ba != 16 && !(ba == 32 && kind == VX_TS_RLE))
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: BitsAllocated %u is not supported (8 or 16%s)",
                            kind == VX_TS_RLE ? "RLE" : "compressed pixel data", ba, kind == VX_TS_RLE ? ", 32" : "");
    if (pf->rows < 1 || pf->cols < 1 || pf->samples < 1 || pf->samples > 4 || pf->bits_stored < 1 ||
        pf->bits_stored > ba)
        return vx_error_set(err, VX_EFORMAT,
                            "invalid pixel format: %u x %u pixels, %u samples, %u of %u bits stored", pf->cols,
                            pf->rows, pf->samples, pf->bits_stored, ba);
    size_t need = (size_t)pf->rows * pf->cols; /* <= 2^32: no overflow in 64 bits, and checked for 32 */
    if (need / pf->rows != pf->cols || need > SIZE_MAX / (pf->samples * (ba / 8)))
        return vx_error_set(err, VX_EINVAL, "frame of %u x %u pixels is too large", pf->cols, pf->rows);
    need *= (size_t)pf->samples * (ba / 8);
    if (out_len < need)
        return vx_error_set(err, VX_EINVAL, "decode frame: output buffer of %zu bytes, %zu needed", out_len, need);
    if (len == 0)
        return vx_error_set(err, VX_EFORMAT, "compressed frame is empty (no fragment data)");
    if (kind == VX_TS_RLE)
        return rle_decode(data, len, pf, out, err);
    /* JPEG, JPEG-LS and JPEG 2000: the stream's signature decides (mislabelled transfer syntaxes exist) */
    if (len >= 2 && data[0] == 0xFF && data[1] == 0xD8)
        return jpeg_decode(data, len, pf, out, err);
    if (len >= sizeof J2K_MAGIC && memcmp(data, J2K_MAGIC, sizeof J2K_MAGIC) == 0)
        return j2k_decode(data, len, 0, pf, out, err);
    if (len >= sizeof JP2_MAGIC && memcmp(data, JP2_MAGIC, sizeof JP2_MAGIC) == 0)
        return j2k_decode(data, len, 1, pf, out, err);
    unsigned char b[4] = {0, 0, 0, 0};
    memcpy(b, data, len < 4 ? len : 4);
    return vx_error_set(err, VX_EFORMAT,
                        "compressed frame starts with %02X %02X %02X %02X: not a JPEG (FFD8), JPEG 2000 codestream "
                        "(FF4FFF51) or JP2 file",
                        b[0], b[1], b[2], b[3]);
}
