/* voxomics internal: the libjpeg frame decoder, compiled once per libjpeg build. Not a normal header: included
 * only by dicom_jpeg8.c, dicom_jpeg12.c and dicom_jpeg16.c, each after defining VX_JPEG_BITS (8, 12 or 16).
 * Each translation unit sees exactly one jpeglib.h: GDCM's builds rename their symbols with a mangle header
 * (jpeg_std_error -> gdcmjpeg16_jpeg_std_error, ...) but share the libjpeg type names, so two builds in one
 * translation unit would clash.
 *
 *   VX_JPEG_BITS  8: libjpeg-turbo (system jpeglib.h): 8-bit DCT (baseline, extended, progressive, arithmetic)
 *                12: libgdcmjpeg12, IJG 6b: 12-bit DCT
 *                16: libgdcmjpeg16, IJG 6b + lossless patch: lossless process 14 (SOF3), 2..16 bits
 *
 * Error handling (libjpeg's default error_exit calls exit() and prints): our error manager formats the message
 * into a buffer and longjmps back to vx_dcm_jpegN_decode, which destroys the decompressor and returns
 * VX_EFORMAT. Corrupt-data warnings (bad Huffman code, premature end of segment, ...) are errors too, except the
 * harmless ones that real DICOM encoders produce (extraneous bytes before a marker, unknown JFIF or Adobe
 * revisions). The data source is the caller's buffer. At its end the source supplies one EOI marker, as libjpeg's
 * own sources do: the entropy decoder reads ahead, so a stream that ends right after its last entropy-coded byte
 * (no EOI) must not fail, while one that ends before all the data it needs makes the decoder warn "premature end
 * of data segment" - an error here. Reading on past that EOI means a truncated header: an error at once. So a
 * truncated stream is never silently padded with zeros. A progress monitor caps the number of scans, so a crafted
 * progressive stream cannot keep the decoder busy for long. All memory comes from libjpeg's pools and is freed by
 * jpeg_destroy_decompress, also after a longjmp.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_JPEG_BITS
#error "define VX_JPEG_BITS (8, 12 or 16) before including dicom_jpeg_impl.h"
#endif

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t */
#include <string.h>

#include "dicom_codec.h"

#if VX_JPEG_BITS == 8
#include <jerror.h>
#include <jpeglib.h>
#define VX_JPEG_FN vx_dcm_jpeg8_decode
#elif VX_JPEG_BITS == 12
#include <gdcm-3.0/gdcmjpeg/12/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/12/jerror.h>
#define VX_JPEG_FN vx_dcm_jpeg12_decode
#elif VX_JPEG_BITS == 16
#include <gdcm-3.0/gdcmjpeg/16/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/16/jerror.h>
#define VX_JPEG_FN vx_dcm_jpeg16_decode
#else
#error "VX_JPEG_BITS must be 8, 12 or 16"
#endif

#define VXJ_MAX_SCANS 1000 /* progressive streams use ~10; more is a crafted stream */

typedef struct vxj_err {
    struct jpeg_error_mgr pub; /* first member: libjpeg passes &pub */
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX + 64];
    int eof; /* the end of the data was reached and an EOI marker supplied */
} vxj_err;

static void vxj_fail(j_common_ptr c, const char *text)
{
    vxj_err *e = (vxj_err *)c->err;
    if (text)
        snprintf(e->msg, sizeof e->msg, "%s", text);
    else
        c->err->format_message(c, e->msg);
    longjmp(e->jb, 1);
}

static void vxj_error_exit(j_common_ptr c)
{
    vxj_fail(c, NULL);
}

static void vxj_output_message(j_common_ptr c)
{
    (void)c; /* the library prints nothing */
}

static void vxj_emit_message(j_common_ptr c, int level)
{
    if (level >= 0)
        return; /* trace messages */
    int code = c->err->msg_code;
    if (code == JWRN_EXTRANEOUS_DATA || code == JWRN_ADOBE_XFORM || code == JWRN_JFIF_MAJOR
#if VX_JPEG_BITS == 8
        || code == JWRN_BOGUS_ICC
#endif
    ) {
        c->err->num_warnings++;
        return;
    }
    vxj_fail(c, NULL); /* corrupt data: never decode garbage silently */
}

static void vxj_progress(j_common_ptr c)
{
    if (c->is_decompressor && ((j_decompress_ptr)c)->input_scan_number > VXJ_MAX_SCANS)
        vxj_fail(c, "more than 1000 scans");
}

static void vxj_init_source(j_decompress_ptr c)
{
    (void)c;
}

static const JOCTET vxj_eoi[2] = {0xFF, JPEG_EOI};

static boolean vxj_fill_input_buffer(j_decompress_ptr c)
{
    vxj_err *e = (vxj_err *)c->err;
    if (e->eof)
        vxj_fail((j_common_ptr)c, "stream truncated (a marker segment runs past the end of the frame)");
    e->eof = 1;
    c->src->next_input_byte = vxj_eoi;
    c->src->bytes_in_buffer = sizeof vxj_eoi;
    return TRUE;
}

static void vxj_skip_input_data(j_decompress_ptr c, long n)
{
    if (n <= 0)
        return;
    if ((unsigned long)n > c->src->bytes_in_buffer)
        vxj_fail((j_common_ptr)c, "stream truncated (a marker segment runs past the end of the frame)");
    c->src->next_input_byte += n;
    c->src->bytes_in_buffer -= (size_t)n;
}

static void vxj_term_source(j_decompress_ptr c)
{
    (void)c;
}

int VX_JPEG_FN(const char *codec, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
               vx_error *err)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_source_mgr src;
    struct jpeg_progress_mgr prog;
    vxj_err jerr;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&src, 0, sizeof src);
    memset(&prog, 0, sizeof prog);
    memset(&jerr, 0, sizeof jerr);
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = vxj_error_exit;
    jerr.pub.emit_message = vxj_emit_message;
    jerr.pub.output_message = vxj_output_message;
    /* Only cinfo and jerr (both in memory) are used after a longjmp; nothing else is read there. */
    if (setjmp(jerr.jb)) {
        jpeg_destroy_decompress(&cinfo);
        return vx_error_set(err, VX_EFORMAT, "%s: %s%s", codec, jerr.msg,
                            jerr.eof && !strstr(jerr.msg, "truncated") ? " (the stream ends early: truncated?)" : "");
    }
    jpeg_create_decompress(&cinfo);
    src.init_source = vxj_init_source;
    src.fill_input_buffer = vxj_fill_input_buffer;
    src.skip_input_data = vxj_skip_input_data;
    src.resync_to_restart = jpeg_resync_to_restart;
    src.term_source = vxj_term_source;
    src.next_input_byte = (const JOCTET *)data;
    src.bytes_in_buffer = len;
    cinfo.src = &src;
    prog.progress_monitor = vxj_progress;
    cinfo.progress = &prog;

    jpeg_read_header(&cinfo, TRUE);
    int rc = vx_dcm_codec_check(codec, (unsigned)cinfo.image_width, (unsigned)cinfo.image_height,
                                (unsigned)cinfo.num_components, (unsigned)cinfo.data_precision, 0, pf, err);
    if (rc != VX_OK) {
        jpeg_destroy_decompress(&cinfo);
        return rc;
    }
    /* No colour conversion: greyscale stays greyscale, anything else is returned component by component. */
    if (cinfo.num_components == 1) {
        cinfo.out_color_space = JCS_GRAYSCALE;
    }
    else {
        cinfo.jpeg_color_space = JCS_UNKNOWN;
        cinfo.out_color_space = JCS_UNKNOWN;
    }
    cinfo.dct_method = JDCT_ISLOW; /* the accurate integer IDCT, as GDCM and DCMTK use */
    cinfo.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_width != pf->cols || cinfo.output_height != pf->rows ||
        cinfo.output_components != (int)pf->samples) {
        vxj_fail((j_common_ptr)&cinfo, "decoder output size differs from the frame header");
    }
    size_t rowlen = (size_t)pf->cols * pf->samples;
    unsigned bytes = pf->bits_allocated / 8;
    JSAMPARRAY row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, (JDIMENSION)rowlen, 1);
    while (cinfo.output_scanline < cinfo.output_height) {
        size_t y = cinfo.output_scanline;
        if (jpeg_read_scanlines(&cinfo, row, 1) != 1)
            vxj_fail((j_common_ptr)&cinfo, "decoder returned no scanline");
        for (size_t i = 0; i < rowlen; i++)
            vx_dcm_put_sample(out, y * rowlen + i, bytes, (uint32_t)row[0][i] & 0xFFFFu);
    }
    /* every row is decoded: jpeg_finish_decompress (which would read up to EOI) is not needed */
    jpeg_destroy_decompress(&cinfo);
    return VX_OK;
}
