/* voxomics internal: DICOM Part 10 data sets, pixel data and codecs.
 *
 * The parser (dicom_parse.c) reads a whole file into memory and builds a tree of elements that point into the
 * file buffer; nothing is copied. Supported encodings: implicit VR little endian, explicit VR little endian,
 * explicit VR big endian (retired), deflated explicit VR little endian, and every encapsulated (compressed)
 * transfer syntax, whose pixel data are kept as fragments for dicom_codec.c. Sequences and items of defined
 * and undefined length nest to any depth (bounded to keep malformed files from exhausting the stack).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_IO_DICOM_H
#define VX_IO_DICOM_H

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"

#define VX_DCM_UNDEFINED 0xFFFFFFFFu
#define VX_DCM_TAG(g, e) (((uint32_t)(g) << 16) | (uint32_t)(e))

/* Tags used by the readers. */
enum {
    VX_DCM_TRANSFER_SYNTAX = 0x00020010,
    VX_DCM_SOP_CLASS_UID = 0x00080016,
    VX_DCM_SOP_INSTANCE_UID = 0x00080018,
    VX_DCM_MODALITY = 0x00080060,
    VX_DCM_SERIES_UID = 0x0020000E,
    VX_DCM_STUDY_UID = 0x0020000D,
    VX_DCM_FRAME_OF_REF_UID = 0x00200052,
    VX_DCM_IMAGE_POSITION = 0x00200032,
    VX_DCM_IMAGE_ORIENTATION = 0x00200037,
    VX_DCM_INSTANCE_NUMBER = 0x00200013,
    VX_DCM_SAMPLES_PER_PIXEL = 0x00280002,
    VX_DCM_PHOTOMETRIC = 0x00280004,
    VX_DCM_PLANAR_CONFIG = 0x00280006,
    VX_DCM_NUMBER_OF_FRAMES = 0x00280008,
    VX_DCM_ROWS = 0x00280010,
    VX_DCM_COLUMNS = 0x00280011,
    VX_DCM_PIXEL_SPACING = 0x00280030,
    VX_DCM_BITS_ALLOCATED = 0x00280100,
    VX_DCM_BITS_STORED = 0x00280101,
    VX_DCM_HIGH_BIT = 0x00280102,
    VX_DCM_PIXEL_REPRESENTATION = 0x00280103,
    VX_DCM_RESCALE_INTERCEPT = 0x00281052,
    VX_DCM_RESCALE_SLOPE = 0x00281053,
    VX_DCM_SLICE_THICKNESS = 0x00180050,
    VX_DCM_PIXEL_DATA = 0x7FE00010,
    VX_DCM_FLOAT_PIXEL_DATA = 0x7FE00008,
    VX_DCM_DOUBLE_PIXEL_DATA = 0x7FE00009,
    VX_DCM_PLANE_POSITION_SEQ = 0x00209113,
    VX_DCM_PLANE_ORIENTATION_SEQ = 0x00209116,
    VX_DCM_PIXEL_MEASURES_SEQ = 0x00289110,
    VX_DCM_SPACING_BETWEEN_SLICES = 0x00180088,
    VX_DCM_SHARED_FG = 0x52009229,
    VX_DCM_PER_FRAME_FG = 0x52009230,
    VX_DCM_ITEM = 0xFFFEE000,
    VX_DCM_ITEM_END = 0xFFFEE00D,
    VX_DCM_SEQ_END = 0xFFFEE0DD,
};

typedef struct vx_dcm_ds vx_dcm_ds;

/* One element. value/len is the raw value (in the file's byte order) for everything but sequences and
 * encapsulated pixel data. A sequence (VR SQ, or an undefined-length element) has nitems item data sets.
 * Encapsulated pixel data (undefined length, in a compressed transfer syntax) has nfrag fragments; fragment 0
 * is the Basic Offset Table (possibly empty). */
typedef struct vx_dcm_elem {
    uint32_t tag;
    char vr[3];           /* two letters and NUL; implicit VR: from the built-in dictionary, else "UN" */
    uint32_t len;         /* value length as written (VX_DCM_UNDEFINED for undefined length) */
    const uint8_t *value; /* len bytes; NULL for sequences and encapsulated data */
    vx_dcm_ds *items;     /* sequence items */
    size_t nitems;
    const uint8_t **frag; /* encapsulated pixel data fragments */
    uint32_t *frag_len;
    size_t nfrag;
} vx_dcm_elem;

/* A data set: elements in file order (DICOM requires ascending tags; the parser does not rely on it). */
struct vx_dcm_ds {
    vx_dcm_elem *el;
    size_t n;
    int big_endian; /* byte order of the values */
};

typedef struct vx_dcm_file {
    const char *name;   /* the file name given to the parser (not copied: must outlive the file) */
    uint8_t *buf;       /* the whole file, owned */
    size_t len;
    uint8_t *inflated;  /* deflated transfer syntax: the inflated data set, owned */
    size_t inflated_len;
    char ts[68];        /* transfer syntax UID; implicit VR little endian when there is no meta header */
    int explicit_vr;    /* of the data set */
    int big_endian;     /* of the data set */
    int encapsulated;   /* compressed pixel data expected */
    vx_dcm_ds meta;     /* group 0002 (empty without a Part 10 header) */
    vx_dcm_ds ds;       /* the data set */
} vx_dcm_file;

/* Parse a DICOM file held in memory. Takes ownership of buf (malloc'ed) whatever the outcome. Accepts a Part
 * 10 file (128-byte preamble + "DICM" + meta group) and, failing that, a bare implicit VR little endian data
 * set. name is used in error messages ("<name>: <problem> at byte <offset>"). */
int vx_dcm_parse(const char *name, uint8_t *buf, size_t len, vx_dcm_file *f, vx_error *err);
/* Read and parse a file. */
int vx_dcm_read(const char *path, vx_dcm_file *f, vx_error *err);
void vx_dcm_free(vx_dcm_file *f);
/* 1 when the first bytes look like a Part 10 file (preamble + "DICM"). */
int vx_dcm_is_part10(const uint8_t *buf, size_t len);

/* Element lookup in one data set (not in nested sequences); NULL when absent. */
const vx_dcm_elem *vx_dcm_find(const vx_dcm_ds *ds, uint32_t tag);
/* String value (AE, AS, CS, DA, DS, IS, LO, LT, PN, SH, ST, TM, UI, UT ...): leading/trailing spaces and
 * trailing NULs removed, truncated to n - 1 bytes. Returns 0, or -1 when the element is absent (buf = ""). */
int vx_dcm_str(const vx_dcm_ds *ds, uint32_t tag, char *buf, size_t n);
/* Up to n numbers of a numeric element: DS and IS (backslash-separated text), US, SS, UL, SL, FL, FD, and
 * OB/OW/UN treated as US when 2 bytes. Returns the count read (0 when absent or unreadable). */
size_t vx_dcm_nums(const vx_dcm_ds *ds, uint32_t tag, double *v, size_t n);
/* One number; returns 0 and sets *v, or -1 when absent or unreadable. */
int vx_dcm_num(const vx_dcm_ds *ds, uint32_t tag, double *v);
/* Items of a sequence (NULL, *n = 0 when absent or not a sequence). */
const vx_dcm_ds *vx_dcm_seq(const vx_dcm_ds *ds, uint32_t tag, size_t *n);
/* Up to n numbers of attribute `tag` of frame k of a (multi-frame) object: from the frame's item of the
 * Per-Frame Functional Groups Sequence (5200,9230), inside its `seq` macro (e.g. Plane Position Sequence), else
 * from the Shared Functional Groups Sequence (5200,9229), else from the top level. Returns the count read. */
size_t vx_dcm_frame_nums(const vx_dcm_ds *ds, size_t k, uint32_t seq, uint32_t tag, double *v, size_t n);

/* ---- pixel data ------------------------------------------------------------------------------------------ */

typedef struct vx_dcm_pixfmt {
    unsigned rows, cols;
    unsigned samples;        /* samples per pixel (1; 3 only for colour, which the readers reject) */
    unsigned bits_allocated; /* 1, 8, 16 or 32 */
    unsigned bits_stored;
    unsigned high_bit;
    unsigned pixel_rep;      /* 0 unsigned, 1 two's complement */
    unsigned planar;         /* planar configuration (colour only) */
} vx_dcm_pixfmt;

/* Transfer syntax properties. Returns 0 for a known syntax, -1 for an unknown one. kind: 0 native
 * (uncompressed), 1 deflate, 2 RLE, 3 JPEG baseline/extended (8/12-bit lossy), 4 JPEG lossless (process 14,
 * incl. selection value 1), 5 JPEG-LS (lossless and near-lossless), 6 JPEG 2000 (lossless and lossy; HTJ2K
 * .4.201/.202/.203 too). Unknown: -1, with *kind = -1, *explicit_vr = 1, *big_endian = 0. Outputs may be NULL. */
enum {
    VX_TS_NATIVE = 0,
    VX_TS_DEFLATE = 1,
    VX_TS_RLE = 2,
    VX_TS_JPEG_BASELINE = 3,
    VX_TS_JPEG_LOSSLESS = 4,
    VX_TS_JPEG_LS = 5,
    VX_TS_JPEG_2000 = 6,
};
int vx_dcm_ts_info(const char *ts, int *kind, int *explicit_vr, int *big_endian);
/* Human-readable name of a transfer syntax ("JPEG Lossless, first-order prediction", ...), or the UID. */
const char *vx_dcm_ts_name(const char *ts);

/* Decode one compressed frame (the frame's fragments concatenated, data/len) of transfer-syntax kind
 * (VX_TS_RLE .. VX_TS_JPEG_2000) into out: rows * cols * samples values, each bits_allocated / 8 bytes (8 or
 * 16 bits; 32 for RLE), native little-endian, pixel-interleaved, the stored value in the low bits_stored
 * bits (RLE cells with high_bit > bits_stored - 1 are shifted down); JPEG and JPEG-LS give the unsigned bit
 * pattern of the stream's precision, signed JPEG 2000 gives two's complement of the whole cell; sign extension
 * from bits_stored is the caller's job. out_len must be at least that size (else VX_EINVAL). Other
 * bits_allocated, and the non-standard 16-bit DCT JPEG that GDCM writes, are VX_EUNSUPPORTED. The decoded stream's own dimensions, precision and component count are checked against pf;
 * a mismatch or a corrupt stream is VX_EFORMAT with a message naming the codec and the problem. */
int vx_dcm_decode_frame(int kind, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, uint8_t *out,
                        size_t out_len, vx_error *err);

/* Pixel format and frame count of an image object (Rows, Columns, SamplesPerPixel, BitsAllocated/Stored,
 * HighBit, PixelRepresentation, NumberOfFrames). Colour (samples != 1) and missing pixel data are
 * VX_EUNSUPPORTED / VX_EFORMAT naming the file. */
int vx_dcm_pixfmt_read(const vx_dcm_file *f, vx_dcm_pixfmt *pf, size_t *nframes, vx_error *err);
/* Frame k (0-based) as stored values in out (rows * cols doubles, row by row): decompressed when needed,
 * byte-swapped for big endian, masked to BitsStored (shifted by HighBit) and sign-extended for
 * PixelRepresentation 1; 1-bit frames (SEG) unpacked; float/double pixel data as is. No rescale. */
int vx_dcm_frame(const vx_dcm_file *f, const vx_dcm_pixfmt *pf, size_t nframes, size_t k, double *out,
                 vx_error *err);

#endif
