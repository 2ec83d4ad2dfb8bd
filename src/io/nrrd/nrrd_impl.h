/* voxomics: NRRD reader and writer, and 3D Slicer segmentations (.seg.nrrd): private declarations shared by
 * the files of src/io/nrrd/. See include/voxomics/nrrd.h.
 *
 * Files: header.c (reading the header text and splitting it into fields), fields.c (the tables, token and
 * number parsers and the interpretation of each field), geometry.c (axes, space and directions to the voxel
 * grid), data.c (data files: raw and gzip decoding, detached files, conversion to float; vx_nrrd_read),
 * segments.c (.seg.nrrd segments) and writer.c (vx_nrrd_write).
 *
 *
 * Facts from the format definition (teem.sourceforge.net/nrrd/format.html):
 *  - The first line is the magic "NRRD000X" (X = 1..5). Then one item per line: "<field>: <desc>",
 *    "<key>:=<value>" (key/value pairs; "\n" and "\\" escaped in the value) or "# comment". An empty line ends
 *    the header; attached data follow it. A detached header may end at the end of the file.
 *  - Field names are case-insensitive, several have a spelling without the space ("lineskip", "datafile").
 *    Per-axis fields hold one entry per axis, axis 0 the fastest. Fields this reader does not use (content,
 *    min, max, labels, units, thicknesses, centers, axis mins/maxs, measurement frame, ...) are ignored.
 *  - `line skip` lines are skipped on the data file before decompression; `byte skip` bytes are skipped after
 *    decompression; byte skip -1 (raw only) means the data are the last bytes of the file. With several data
 *    files both skips apply to each file. `data file: LIST [subdim]` must be the last field: the remaining
 *    header lines are the file names. Without subdim each file holds one slice of the slowest axis.
 *  - `space directions` gives one vector per axis in parentheses, "(x,y,z)", or `none`; `space origin` is the
 *    position of the first sample.
 *
 * Reading: the header is read up to its blank line (at most 16 MiB) and split into lines in place. Data are
 * read per data file in 1 MiB chunks (raw: fread; gzip: zlib inflate with gzip/zlib header detection,
 * concatenated gzip members accepted, the stream read to its end so that its CRC is checked) and converted
 * to float chunk by chunk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_IO_NRRD_IMPL_H
#define VX_IO_NRRD_IMPL_H

#include "voxomics/io.h"
#include "voxomics/nrrd.h"

#include <stddef.h>
#include <stdint.h>

#define NRRD_DIM_MAX 16
#define MAX_HEADER ((size_t)16 << 20)
#define HEADER_CHUNK ((size_t)64 << 10)
#define MAX_SAMPLES ((uint64_t)1 << 36)
#define MAX_FILES ((uint64_t)1 << 20)
#define CHUNK ((size_t)1 << 20) /* conversion buffer: a multiple of every element size */
#define ZIN ((size_t)64 << 10)
#define GZ_MAX_RATIO 1032.0 /* upper bound of the deflate expansion ratio */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BE 1
#else
#define HOST_BE 0
#endif

/* ---- tables (fields.c) ----------------------------------------------------------------------------------- */

enum { T_I8, T_U8, T_I16, T_U16, T_I32, T_U32, T_I64, T_U64, T_F32, T_F64, T_BLOCK, T_COUNT };
extern const int NRRD_TYPE_SIZE[T_COUNT]; /* bytes per sample; 0 for block */

enum { ENC_RAW, ENC_GZIP, ENC_OTHER };

/* A named space: dimension and the sign that takes the x and y coordinates to LPS. */
typedef struct nrrd_space {
    const char *name, *abbr;
    int dim;
    double sx, sy;
} nrrd_space;
#define NRRD_SPACE_COUNT 12
extern const nrrd_space NRRD_SPACES[NRRD_SPACE_COUNT];

/* Fields this reader interprets: normalised name (lower case, no spaces) and the name for messages. */
enum {
    F_DIMENSION, F_TYPE, F_SIZES, F_ENCODING, F_ENDIAN, F_SPACE, F_SPACE_DIM, F_SPACE_ORIGIN, F_SPACE_DIRS,
    F_SPACINGS, F_KINDS, F_DATA_FILE, F_LINE_SKIP, F_BYTE_SKIP, F_COUNT
};
extern const char *const NRRD_FIELD_KEY[F_COUNT];
extern const char *const NRRD_FIELD_NAME[F_COUNT];

enum { DF_ATTACHED, DF_SINGLE, DF_LIST, DF_FORMAT };

typedef struct nrrd_kv {
    const char *key, *value;
} nrrd_kv;

/* A parsed header. Strings point into text (owned). */
typedef struct nrrd_hdr {
    const char *path;
    char *text;
    const char *field[F_COUNT];
    int line[F_COUNT];
    int dim;
    int type;
    int enc;
    int big_endian; /* -1: not given */
    uint64_t sizes[NRRD_DIM_MAX];
    uint64_t nelem;
    int space;     /* index into SPACES, -1 none */
    int space_dim; /* 0: no space */
    int have_dirs, have_origin, have_spacings, have_kinds;
    double dirs[NRRD_DIM_MAX][4];
    int dir_none[NRRD_DIM_MAX];
    double origin[4];
    double spacings[NRRD_DIM_MAX];
    int kind_nonspatial[NRRD_DIM_MAX];
    const char *kind[NRRD_DIM_MAX];
    size_t kind_len[NRRD_DIM_MAX];
    long line_skip;
    long long byte_skip;
    /* data files */
    int df_mode;
    uint64_t data_off; /* attached: byte offset of the data in the header file */
    const char *df_name; /* DF_SINGLE: the name; DF_FORMAT: the format */
    const char **df_list;
    uint64_t nfiles;
    long long fmt_min, fmt_step;
    nrrd_kv *kv;
    size_t nkv;
    int zlib_only; /* gzip data streamed through zlib even when libdeflate could take them whole (tests) */
} nrrd_hdr;

/* ---- small helpers (fields.c) ---------------------------------------------------------------------------- */

static inline int nrrd_is_ws(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

static inline const char *nrrd_skip_ws(const char *s)
{
    while (nrrd_is_ws(*s))
        s++;
    return s;
}

/* strerror_r text of e into buf ("error N" where there is none). */
void nrrd_errno_text(int e, char *buf, size_t len);
/* "<path>: cannot open<what>: <reason>" (VX_EIO; VX_ENOMEM for e == 0). */
int nrrd_open_error(const char *path, int e, const char *what, vx_error *err);
/* Error about one header field: "<path>: <field> (line N): <message>". */
__attribute__((format(printf, 5, 6))) int nrrd_ferr(const nrrd_hdr *h, vx_error *err, int code, int f,
                                                    const char *fmt, ...);
/* Signed decimal integer token within [lo, hi]. */
int nrrd_parse_ll(const char *t, size_t len, long long lo, long long hi, long long *v);
/* The whole remaining string (after whitespace) as one integer. */
int nrrd_parse_ll_field(const char *s, long long lo, long long hi, long long *v);
/* Render a printf-style data file name format with exactly one integer conversion (%d %i %u %x %X %o with
 * flags '-', '0', '+', ' ' and a width). Returns 0, or -1 for a format we do not accept or a name too long. */
int nrrd_render_format(const char *fmt, long long v, char *out, size_t n);
/* Interpret the collected fields (list: the names after `data file: LIST`). */
int nrrd_interpret_fields(nrrd_hdr *h, const char **list, size_t nlist, vx_error *err);

/* ---- header (header.c) ----------------------------------------------------------------------------------- */

/* Open path, read and parse its header. On success the caller frees it with nrrd_free_header. */
int nrrd_load_header(const char *path, nrrd_hdr *h, vx_error *err);
void nrrd_free_header(nrrd_hdr *h);

/* ---- geometry (geometry.c) ------------------------------------------------------------------------------- */

/* Whether axis a is non-spatial (by its kind, or by a `none` direction). */
int nrrd_axis_nonspatial(const nrrd_hdr *h, int a);
/* The voxel grid of the spatial axes. With allow_layers, a non-spatial axis 0 of any size is the layer axis
 * of a segmentation (*layer_axis = 0, else -1). */
int nrrd_build_geometry(const nrrd_hdr *h, int allow_layers, vx_geometry *g, int *layer_axis, vx_error *err);

/* ---- data (data.c) --------------------------------------------------------------------------------------- */

/* Before allocating: every data file exists and is large enough for its share of the samples. */
int nrrd_check_files(const nrrd_hdr *h, vx_error *err);
/* All samples (every axis, file order) into dst. */
int nrrd_read_data(const nrrd_hdr *h, float *dst, vx_error *err);

#endif
