/* voxomics: NRRD reader and writer, and 3D Slicer segmentations (.seg.nrrd). See include/voxomics/nrrd.h.
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
#include "voxomics/nrrd.h"
#include "voxomics/io.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <zlib.h>

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

/* ---- tables ---------------------------------------------------------------------------------------------- */

enum { T_I8, T_U8, T_I16, T_U16, T_I32, T_U32, T_I64, T_U64, T_F32, T_F64, T_BLOCK };
static const int TYPE_SIZE[] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0};
static const char *const TYPE_CANON[] = {"int8",  "uint8",  "int16", "uint16", "int32", "uint32",
                                         "int64", "uint64", "float", "double", "block"};
static const struct {
    const char *name;
    int type;
} TYPE_NAMES[] = {
    {"signed char", T_I8},
    {"int8", T_I8},
    {"int8_t", T_I8},
    {"uchar", T_U8},
    {"unsigned char", T_U8},
    {"uint8", T_U8},
    {"uint8_t", T_U8},
    {"short", T_I16},
    {"short int", T_I16},
    {"signed short", T_I16},
    {"signed short int", T_I16},
    {"int16", T_I16},
    {"int16_t", T_I16},
    {"ushort", T_U16},
    {"unsigned short", T_U16},
    {"unsigned short int", T_U16},
    {"uint16", T_U16},
    {"uint16_t", T_U16},
    {"int", T_I32},
    {"signed int", T_I32},
    {"int32", T_I32},
    {"int32_t", T_I32},
    {"uint", T_U32},
    {"unsigned int", T_U32},
    {"uint32", T_U32},
    {"uint32_t", T_U32},
    {"longlong", T_I64},
    {"long long", T_I64},
    {"long long int", T_I64},
    {"signed long long", T_I64},
    {"signed long long int", T_I64},
    {"int64", T_I64},
    {"int64_t", T_I64},
    {"ulonglong", T_U64},
    {"unsigned long long", T_U64},
    {"unsigned long long int", T_U64},
    {"uint64", T_U64},
    {"uint64_t", T_U64},
    {"float", T_F32},
    {"double", T_F64},
    {"block", T_BLOCK},
};

enum { ENC_RAW, ENC_GZIP, ENC_OTHER };
static const struct {
    const char *name;
    int enc;
} ENC_NAMES[] = {
    {"raw", ENC_RAW},    {"gzip", ENC_GZIP},   {"gz", ENC_GZIP},    {"txt", ENC_OTHER}, {"text", ENC_OTHER},
    {"ascii", ENC_OTHER}, {"hex", ENC_OTHER}, {"bzip2", ENC_OTHER}, {"bz2", ENC_OTHER}, {"zrl", ENC_OTHER},
};

/* Named spaces: dimension and the sign that takes the x and y coordinates to LPS. */
static const struct {
    const char *name, *abbr;
    int dim;
    double sx, sy;
} SPACES[] = {
    {"right-anterior-superior", "RAS", 3, -1, -1},
    {"left-anterior-superior", "LAS", 3, 1, -1},
    {"left-posterior-superior", "LPS", 3, 1, 1},
    {"right-anterior-superior-time", "RAST", 4, -1, -1},
    {"left-anterior-superior-time", "LAST", 4, 1, -1},
    {"left-posterior-superior-time", "LPST", 4, 1, 1},
    {"scanner-xyz", NULL, 3, 1, 1},
    {"scanner-xyz-time", NULL, 4, 1, 1},
    {"3D-right-handed", NULL, 3, 1, 1},
    {"3D-left-handed", NULL, 3, 1, 1},
    {"3D-right-handed-time", NULL, 4, 1, 1},
    {"3D-left-handed-time", NULL, 4, 1, 1},
};

/* Fields this reader interprets: normalised name (lower case, no spaces) and the name for messages. */
enum {
    F_DIMENSION, F_TYPE, F_SIZES, F_ENCODING, F_ENDIAN, F_SPACE, F_SPACE_DIM, F_SPACE_ORIGIN, F_SPACE_DIRS,
    F_SPACINGS, F_KINDS, F_DATA_FILE, F_LINE_SKIP, F_BYTE_SKIP, F_COUNT
};
static const char *const FIELD_KEY[F_COUNT] = {"dimension",  "type",     "sizes",          "encoding",
                                               "endian",     "space",    "spacedimension", "spaceorigin",
                                               "spacedirections", "spacings", "kinds",     "datafile",
                                               "lineskip",   "byteskip"};
static const char *const FIELD_NAME[F_COUNT] = {"dimension",  "type",     "sizes",           "encoding",
                                                "endian",     "space",    "space dimension", "space origin",
                                                "space directions", "spacings", "kinds",      "data file",
                                                "line skip",  "byte skip"};

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
} nrrd_hdr;

/* ---- small helpers --------------------------------------------------------------------------------------- */

static void errno_text(int e, char *buf, size_t len)
{
    if (e == 0 || strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
}

static int open_error(const char *path, int e, const char *what, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: cannot open%s: out of memory", path, what);
    errno_text(e, buf, sizeof buf);
    return vx_error_set(err, VX_EIO, "%s: cannot open%s: %s", path, what, buf);
}

/* Error about one header field: "<path>: <field> (line N): <message>". */
__attribute__((format(printf, 5, 6))) static int ferr(const nrrd_hdr *h, vx_error *err, int code, int f,
                                                      const char *fmt, ...)
{
    char msg[VX_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vx_error_set(err, code, "%s: field '%s' (line %d): %s", h->path, FIELD_NAME[f], h->line[f], msg);
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

static const char *skip_ws(const char *s)
{
    while (is_ws(*s))
        s++;
    return s;
}

/* Next whitespace-separated token of *s (NULL at the end); *len its length. */
static const char *next_token(const char **s, size_t *len)
{
    const char *p = skip_ws(*s);
    if (!*p)
        return NULL;
    const char *q = p;
    while (*q && !is_ws(*q))
        q++;
    *len = (size_t)(q - p);
    *s = q;
    return p;
}

static int token_is(const char *t, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(t, word, len) == 0;
}

/* Unsigned decimal integer token. */
static int parse_u64(const char *t, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    size_t i = 0;
    if (len > 0 && t[0] == '+')
        i = 1;
    if (i == len)
        return -1;
    for (; i < len; i++) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        if (x > (UINT64_MAX - 9) / 10)
            return -1;
        x = x * 10 + (uint64_t)(t[i] - '0');
    }
    *v = x;
    return 0;
}

/* Signed decimal integer token within [lo, hi]. */
static int parse_ll(const char *t, size_t len, long long lo, long long hi, long long *v)
{
    int neg = 0;
    size_t i = 0;
    if (len > 0 && (t[0] == '-' || t[0] == '+')) {
        neg = t[0] == '-';
        i = 1;
    }
    uint64_t u;
    if (parse_u64(t + i, len - i, &u) != 0 || (i == 1 && len > 1 && t[1] == '+'))
        return -1;
    if (u > (uint64_t)LLONG_MAX)
        return -1;
    long long x = neg ? -(long long)u : (long long)u;
    if (x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

/* The whole remaining string (after whitespace) as one integer. */
static int parse_ll_field(const char *s, long long lo, long long hi, long long *v)
{
    size_t len;
    const char *t = next_token(&s, &len);
    if (!t || parse_ll(t, len, lo, hi, v) != 0)
        return -1;
    return next_token(&s, &len) ? -1 : 0;
}

/* Floating-point token (strtod on a bounded copy). nan/inf accepted; the caller checks finiteness. */
static int parse_double(const char *t, size_t len, double *v)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, t, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double d = strtod(buf, &end);
    if (end != buf + len)
        return -1;
    *v = d;
    return 0;
}

/* A vector "(a,b,...)" of exactly n finite numbers, or "none" (*none = 1). Advances *s. */
static int parse_vector(const char **s, double *v, int n, int *none)
{
    const char *p = skip_ws(*s);
    *none = 0;
    if (strncasecmp(p, "none", 4) == 0 && (p[4] == '\0' || is_ws(p[4]))) {
        *none = 1;
        *s = p + 4;
        return 0;
    }
    if (*p != '(')
        return -1;
    p++;
    for (int i = 0; i < n; i++) {
        p = skip_ws(p);
        const char *q = p;
        while (*q && *q != ',' && *q != ')' && !is_ws(*q))
            q++;
        if (parse_double(p, (size_t)(q - p), &v[i]) != 0 || !isfinite(v[i]))
            return -1;
        p = skip_ws(q);
        if (*p != (i + 1 < n ? ',' : ')'))
            return -1;
        p++;
    }
    *s = p;
    return 0;
}

/* ---- header reading -------------------------------------------------------------------------------------- */

/* Read the header text of an open file: everything up to the blank line (text, NUL-terminated, without the
 * blank line) and the offset of the byte after it (*data_off; the file size when there is no blank line). */
static int read_header_text(const char *path, FILE *f, char **text, uint64_t *data_off, vx_error *err)
{
    size_t cap = 0, len = 0, scan = 0;
    int magic_checked = 0;
    char *buf = NULL;
    *text = NULL;
    for (;;) {
        if (len + HEADER_CHUNK + 1 > cap) {
            size_t ncap = cap ? 2 * cap : HEADER_CHUNK + 1;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                return vx_error_set(err, VX_ENOMEM, "%s: out of memory reading the header", path);
            }
            buf = nb;
            cap = ncap;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, HEADER_CHUNK, f);
        if (got < HEADER_CHUNK && ferror(f)) {
            char eb[256];
            errno_text(errno, eb, sizeof eb);
            free(buf);
            return vx_error_set(err, VX_EIO, "%s: read error: %s", path, eb);
        }
        len += got;
        if (!magic_checked && (len >= 4 || got == 0)) {
            if (len < 4 || memcmp(buf, "NRRD", 4) != 0) {
                free(buf);
                return vx_error_set(err, VX_EFORMAT, "%s: not a NRRD file (no NRRD magic)", path);
            }
            magic_checked = 1;
        }
        /* the header ends at an empty line: "\n\n" or "\n\r\n" */
        size_t i = scan, end = 0;
        for (; i < len; i++) {
            if (buf[i] == '\0') {
                free(buf);
                return vx_error_set(err, VX_EFORMAT, "%s: NUL byte in the header at byte %zu (binary data without "
                                    "the blank line that ends a NRRD header?)", path, i);
            }
            if (buf[i] != '\n')
                continue;
            if (i + 1 >= len)
                break; /* undecided until more bytes come */
            if (buf[i + 1] == '\n') {
                end = i + 2;
                break;
            }
            if (buf[i + 1] == '\r') {
                if (i + 2 >= len)
                    break;
                if (buf[i + 2] == '\n') {
                    end = i + 3;
                    break;
                }
            }
        }
        scan = i;
        if (end) {
            buf[i + 1] = '\0';
            *text = buf;
            *data_off = end;
            return VX_OK;
        }
        if (got == 0) { /* end of file: the whole file is the header (a detached header) */
            buf[len] = '\0';
            *text = buf;
            *data_off = len;
            return VX_OK;
        }
        if (len > MAX_HEADER) {
            free(buf);
            return vx_error_set(err, VX_EFORMAT, "%s: no blank line ending the header in the first %zu bytes", path,
                                MAX_HEADER);
        }
    }
}

/* ---- header parsing -------------------------------------------------------------------------------------- */

static void free_header(nrrd_hdr *h)
{
    free(h->text);
    free(h->kv);
    free((void *)h->df_list);
    memset(h, 0, sizeof *h);
}

/* "\n" -> newline and "\\" -> backslash, in place. */
static void unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') {
            *w++ = '\n';
            r++;
        } else if (r[0] == '\\' && r[1] == '\\') {
            *w++ = '\\';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static int field_index(const char *name, size_t len)
{
    char norm[32];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == ' ' || name[i] == '\t')
            continue;
        if (n + 1 >= sizeof norm)
            return -1;
        norm[n++] = (char)tolower((unsigned char)name[i]);
    }
    norm[n] = '\0';
    for (int f = 0; f < F_COUNT; f++)
        if (strcmp(norm, FIELD_KEY[f]) == 0)
            return f;
    return -1;
}

static int kind_spatial(const char *t, size_t len)
{
    static const char *const SPATIAL[] = {"domain", "space", "none", "???"};
    for (size_t i = 0; i < sizeof SPATIAL / sizeof SPATIAL[0]; i++)
        if (token_is(t, len, SPATIAL[i]))
            return 1;
    return 0;
}

/* Render a printf-style data file name format with exactly one integer conversion (%d %i %u %x %X %o with
 * flags '-', '0', '+', ' ' and a width). Returns 0, or -1 for a format we do not accept or a name too long. */
static int render_format(const char *fmt, long long v, char *out, size_t n)
{
    size_t w = 0;
    int nconv = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%' || p[1] == '%') {
            if (w + 1 >= n)
                return -1;
            out[w++] = *p;
            if (*p == '%')
                p++;
            continue;
        }
        int left = 0, zero = 0, plus = 0, space = 0;
        for (p++; *p == '-' || *p == '0' || *p == '+' || *p == ' ' || *p == '#'; p++) {
            left |= *p == '-';
            zero |= *p == '0';
            plus |= *p == '+';
            space |= *p == ' ';
        }
        int width = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            width = width * 10 + (*p - '0');
            if (width > 64)
                return -1;
        }
        unsigned base;
        int upper = 0, is_signed = 0;
        switch (*p) {
        case 'd': case 'i': base = 10; is_signed = 1; break;
        case 'u': base = 10; break;
        case 'x': base = 16; break;
        case 'X': base = 16; upper = 1; break;
        case 'o': base = 8; break;
        default: return -1;
        }
        if (++nconv > 1)
            return -1;
        char digits[72];
        int nd = 0;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        if (!is_signed && v < 0) /* as printf prints a negative int with an unsigned conversion */
            u = (unsigned)(int)v;
        do {
            unsigned d = (unsigned)(u % base);
            digits[nd++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
            u /= base;
        } while (u);
        char sign = 0;
        if (is_signed)
            sign = v < 0 ? '-' : plus ? '+' : space ? ' ' : 0;
        int body = nd + (sign != 0);
        int pad = width > body ? width - body : 0;
        if (w + (size_t)body + (size_t)pad + 1 >= n)
            return -1;
        if (!left && !zero)
            for (; pad > 0; pad--)
                out[w++] = ' ';
        if (sign)
            out[w++] = sign;
        if (!left && zero)
            for (; pad > 0; pad--)
                out[w++] = '0';
        while (nd > 0)
            out[w++] = digits[--nd];
        for (; pad > 0; pad--)
            out[w++] = ' ';
    }
    if (nconv != 1)
        return -1;
    out[w] = '\0';
    return 0;
}

/* The data field: its mode, files and their count (checked against the sizes). */
static int parse_data_file(nrrd_hdr *h, const char **list, size_t nlist, vx_error *err)
{
    if (!h->field[F_DATA_FILE]) {
        h->df_mode = DF_ATTACHED;
        h->nfiles = 1;
        return VX_OK;
    }
    const char *s = h->field[F_DATA_FILE], *p = s;
    const char *tok[6];
    size_t tlen[6];
    int nt = 0;
    while (nt < 6 && (tok[nt] = next_token(&p, &tlen[nt])) != NULL)
        nt++;
    if (nt == 0)
        return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "empty file name");
    long long subdim = h->dim - 1, v[4];
    uint64_t count;
    if (token_is(tok[0], tlen[0], "LIST")) {
        if (nt > 2 || (nt == 2 && parse_ll(tok[1], tlen[1], 1, h->dim, &subdim) != 0))
            return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "expected 'LIST [<subdim>]' with subdim 1..%d", h->dim);
        if (nlist == 0)
            return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "LIST without file names on the following lines");
        h->df_mode = DF_LIST;
        h->df_list = list;
        count = nlist;
    } else if ((nt == 4 || nt == 5) && memchr(tok[0], '%', tlen[0]) &&
               parse_ll(tok[1], tlen[1], INT_MIN, INT_MAX, &v[0]) == 0 &&
               parse_ll(tok[2], tlen[2], INT_MIN, INT_MAX, &v[1]) == 0 &&
               parse_ll(tok[3], tlen[3], INT_MIN, INT_MAX, &v[2]) == 0) {
        if (nt == 5 && parse_ll(tok[4], tlen[4], 1, h->dim, &subdim) != 0)
            return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "subdim must be 1..%d", h->dim);
        if (v[2] == 0 || (v[2] > 0 ? v[1] < v[0] : v[1] > v[0]))
            return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "step %lld does not lead from %lld to %lld", v[2], v[0],
                        v[1]);
        count = (uint64_t)((v[1] - v[0]) / v[2]) + 1;
        ((char *)tok[0])[tlen[0]] = '\0'; /* the format is the first token */
        char name[4096];
        if (render_format(tok[0], v[0], name, sizeof name) != 0 || render_format(tok[0], v[1], name, sizeof name))
            return ferr(h, err, VX_EUNSUPPORTED, F_DATA_FILE, "file name format '%.100s' is not supported "
                        "(exactly one %%d, %%i, %%u, %%x or %%o conversion with flags and width)", tok[0]);
        h->df_mode = DF_FORMAT;
        h->df_name = tok[0];
        h->fmt_min = v[0];
        h->fmt_step = v[2];
    } else {
        h->df_mode = DF_SINGLE;
        h->df_name = s;
        count = 1;
        subdim = h->dim;
    }
    uint64_t want = 1;
    for (int a = (int)subdim; a < h->dim; a++)
        want *= h->sizes[a]; /* cannot overflow: the product of all sizes was checked */
    if (count != want)
        return ferr(h, err, VX_EFORMAT, F_DATA_FILE, "%llu data files, but the sizes of axes %lld..%d call for "
                    "%llu", (unsigned long long)count, subdim, h->dim - 1, (unsigned long long)want);
    if (count > MAX_FILES)
        return ferr(h, err, VX_EUNSUPPORTED, F_DATA_FILE, "%llu data files (at most %llu)",
                    (unsigned long long)count, (unsigned long long)MAX_FILES);
    h->nfiles = count;
    return VX_OK;
}

/* Interpret the collected fields. */
static int interpret_fields(nrrd_hdr *h, const char **list, size_t nlist, vx_error *err)
{
    static const int REQUIRED[] = {F_DIMENSION, F_TYPE, F_SIZES, F_ENCODING};
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
        if (!h->field[REQUIRED[i]])
            return vx_error_set(err, VX_EFORMAT, "%s: missing required field '%s'", h->path,
                                FIELD_NAME[REQUIRED[i]]);
    const char *s, *t;
    size_t len;
    long long x;

    if (parse_ll_field(h->field[F_DIMENSION], 1, LLONG_MAX, &x) != 0)
        return ferr(h, err, VX_EFORMAT, F_DIMENSION, "not a positive integer: '%.40s'", h->field[F_DIMENSION]);
    if (x > NRRD_DIM_MAX)
        return ferr(h, err, VX_EUNSUPPORTED, F_DIMENSION, "%lld axes (at most %d)", x, NRRD_DIM_MAX);
    h->dim = (int)x;

    h->type = -1;
    for (size_t i = 0; i < sizeof TYPE_NAMES / sizeof TYPE_NAMES[0]; i++)
        if (strcasecmp(h->field[F_TYPE], TYPE_NAMES[i].name) == 0)
            h->type = TYPE_NAMES[i].type;
    if (h->type < 0)
        return ferr(h, err, VX_EFORMAT, F_TYPE, "unknown type '%.40s'", h->field[F_TYPE]);
    if (h->type == T_BLOCK)
        return ferr(h, err, VX_EUNSUPPORTED, F_TYPE, "type 'block' is not supported (scalar types only)");

    s = h->field[F_SIZES];
    h->nelem = 1;
    for (int a = 0; a < h->dim; a++) {
        uint64_t n;
        if (!(t = next_token(&s, &len)))
            return ferr(h, err, VX_EFORMAT, F_SIZES, "%d sizes for dimension %d", a, h->dim);
        if (parse_u64(t, len, &n) != 0 || n == 0)
            return ferr(h, err, VX_EFORMAT, F_SIZES, "axis %d: not a positive integer: '%.*s'", a,
                        (int)(len < 40 ? len : 40), t);
        if (__builtin_mul_overflow(h->nelem, n, &h->nelem) || h->nelem > MAX_SAMPLES)
            return ferr(h, err, VX_EFORMAT, F_SIZES, "too many samples (more than 2^36; corrupt sizes?)");
        h->sizes[a] = n;
    }
    if (next_token(&s, &len))
        return ferr(h, err, VX_EFORMAT, F_SIZES, "more than %d sizes for dimension %d", h->dim, h->dim);

    h->enc = -1;
    for (size_t i = 0; i < sizeof ENC_NAMES / sizeof ENC_NAMES[0]; i++)
        if (strcasecmp(h->field[F_ENCODING], ENC_NAMES[i].name) == 0)
            h->enc = ENC_NAMES[i].enc;
    if (h->enc < 0)
        return ferr(h, err, VX_EFORMAT, F_ENCODING, "unknown encoding '%.40s'", h->field[F_ENCODING]);
    if (h->enc == ENC_OTHER)
        return ferr(h, err, VX_EUNSUPPORTED, F_ENCODING, "encoding '%s' is not supported (supported: raw, gzip)",
                    h->field[F_ENCODING]);

    h->big_endian = -1;
    if (h->field[F_ENDIAN]) {
        if (strcasecmp(h->field[F_ENDIAN], "little") == 0)
            h->big_endian = 0;
        else if (strcasecmp(h->field[F_ENDIAN], "big") == 0)
            h->big_endian = 1;
        else
            return ferr(h, err, VX_EFORMAT, F_ENDIAN, "'%.40s' is neither 'little' nor 'big'", h->field[F_ENDIAN]);
    } else if (TYPE_SIZE[h->type] > 1) {
        return vx_error_set(err, VX_EFORMAT, "%s: missing field 'endian' (required for type %s)", h->path,
                            TYPE_CANON[h->type]);
    }

    h->space = -1;
    if (h->field[F_SPACE]) {
        for (size_t i = 0; i < sizeof SPACES / sizeof SPACES[0]; i++)
            if (strcasecmp(h->field[F_SPACE], SPACES[i].name) == 0 ||
                (SPACES[i].abbr && strcasecmp(h->field[F_SPACE], SPACES[i].abbr) == 0))
                h->space = (int)i;
        if (h->space < 0)
            return ferr(h, err, VX_EFORMAT, F_SPACE, "unknown space '%.60s'", h->field[F_SPACE]);
        h->space_dim = SPACES[h->space].dim;
    }
    if (h->field[F_SPACE_DIM]) {
        if (parse_ll_field(h->field[F_SPACE_DIM], 1, 4, &x) != 0)
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIM, "'%.40s' (1..4 supported)", h->field[F_SPACE_DIM]);
        if (h->space_dim && h->space_dim != x)
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIM, "%lld contradicts space '%s' (dimension %d)", x,
                        h->field[F_SPACE], h->space_dim);
        h->space_dim = (int)x;
    }
    if (h->field[F_SPACE_DIRS]) {
        if (!h->space_dim)
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "given without 'space' or 'space dimension'");
        s = h->field[F_SPACE_DIRS];
        for (int a = 0; a < h->dim; a++)
            if (parse_vector(&s, h->dirs[a], h->space_dim, &h->dir_none[a]) != 0)
                return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "axis %d: expected '(' %d finite numbers ')' or "
                            "'none'", a, h->space_dim);
        if (next_token(&s, &len))
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "more than %d vectors", h->dim);
        h->have_dirs = 1;
    }
    if (h->field[F_SPACE_ORIGIN]) {
        int none;
        if (!h->space_dim)
            return ferr(h, err, VX_EFORMAT, F_SPACE_ORIGIN, "given without 'space' or 'space dimension'");
        s = h->field[F_SPACE_ORIGIN];
        if (parse_vector(&s, h->origin, h->space_dim, &none) != 0 || none || next_token(&s, &len))
            return ferr(h, err, VX_EFORMAT, F_SPACE_ORIGIN, "expected '(' %d finite numbers ')'", h->space_dim);
        h->have_origin = 1;
    }
    if (h->field[F_SPACINGS]) {
        s = h->field[F_SPACINGS];
        for (int a = 0; a < h->dim; a++)
            if (!(t = next_token(&s, &len)) || parse_double(t, len, &h->spacings[a]) != 0)
                return ferr(h, err, VX_EFORMAT, F_SPACINGS, "axis %d: expected a number (or nan)", a);
        if (next_token(&s, &len))
            return ferr(h, err, VX_EFORMAT, F_SPACINGS, "more than %d spacings", h->dim);
        h->have_spacings = 1;
    }
    if (h->field[F_KINDS]) {
        s = h->field[F_KINDS];
        for (int a = 0; a < h->dim; a++) {
            if (!(t = next_token(&s, &len)))
                return ferr(h, err, VX_EFORMAT, F_KINDS, "%d kinds for dimension %d", a, h->dim);
            h->kind[a] = t;
            h->kind_len[a] = len;
            h->kind_nonspatial[a] = !kind_spatial(t, len);
        }
        if (next_token(&s, &len))
            return ferr(h, err, VX_EFORMAT, F_KINDS, "more than %d kinds", h->dim);
        h->have_kinds = 1;
    }
    if (h->field[F_LINE_SKIP]) {
        if (parse_ll_field(h->field[F_LINE_SKIP], 0, LONG_MAX, &x) != 0)
            return ferr(h, err, VX_EFORMAT, F_LINE_SKIP, "not a non-negative integer: '%.40s'",
                        h->field[F_LINE_SKIP]);
        h->line_skip = (long)x;
    }
    if (h->field[F_BYTE_SKIP]) {
        if (parse_ll_field(h->field[F_BYTE_SKIP], -1, (long long)1 << 50, &x) != 0)
            return ferr(h, err, VX_EFORMAT, F_BYTE_SKIP, "not an integer >= -1: '%.40s'", h->field[F_BYTE_SKIP]);
        if (x < 0 && h->enc != ENC_RAW)
            return ferr(h, err, VX_EUNSUPPORTED, F_BYTE_SKIP, "byte skip -1 is supported with raw encoding only");
        h->byte_skip = x;
    }
    return parse_data_file(h, list, nlist, err);
}

/* Split the header text into lines and collect fields, key/value pairs and LIST file names. */
static int parse_header(nrrd_hdr *h, vx_error *err)
{
    char *p = h->text;
    int lineno = 0, in_list = 0;
    size_t nlist = 0, caplist = 0, capkv = 0;
    const char **list = NULL;
    int rc = VX_OK;
    while (*p) {
        char *line = p, *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
        if (nl)
            *nl = '\0';
        lineno++;
        size_t n = strlen(line);
        while (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (lineno == 1) {
            while (n > 0 && is_ws(line[n - 1]))
                line[--n] = '\0';
            if (strcmp(line, "NRRD00.01") == 0 ||
                (n == 8 && strncmp(line, "NRRD000", 7) == 0 && line[7] >= '1' && line[7] <= '5'))
                continue;
            rc = vx_error_set(err, strncmp(line, "NRRD", 4) == 0 ? VX_EUNSUPPORTED : VX_EFORMAT,
                              "%s: unsupported NRRD magic '%.20s' (NRRD0001..NRRD0005)", h->path, line);
            break;
        }
        if (in_list) { /* after "data file: LIST": one file name per line */
            if (nlist == caplist) {
                caplist = caplist ? 2 * caplist : 16;
                const char **nlst = realloc((void *)list, caplist * sizeof *list);
                if (!nlst) {
                    rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
                    break;
                }
                list = nlst;
            }
            list[nlist++] = line;
            continue;
        }
        if (line[0] == '#')
            continue;
        char *colon = strchr(line, ':');
        if (!colon) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: line %d: neither '<field>: <value>' nor '<key>:=<value>': "
                              "'%.60s'", h->path, lineno, line);
            break;
        }
        if (colon[1] == '=') { /* key/value pair */
            *colon = '\0';
            unescape(colon + 2);
            if (h->nkv == capkv) {
                capkv = capkv ? 2 * capkv : 16;
                nrrd_kv *nkv = realloc(h->kv, capkv * sizeof *nkv);
                if (!nkv) {
                    rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
                    break;
                }
                h->kv = nkv;
            }
            h->kv[h->nkv].key = line;
            h->kv[h->nkv].value = colon + 2;
            h->nkv++;
            continue;
        }
        int f = field_index(line, (size_t)(colon - line));
        if (f < 0)
            continue; /* a field this reader does not use */
        if (h->field[f]) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: line %d: field '%s' given twice (first on line %d)", h->path,
                              lineno, FIELD_NAME[f], h->line[f]);
            break;
        }
        char *v = (char *)skip_ws(colon + 1);
        size_t vl = strlen(v);
        while (vl > 0 && is_ws(v[vl - 1]))
            v[--vl] = '\0';
        h->field[f] = v;
        h->line[f] = lineno;
        if (f == F_DATA_FILE && strncasecmp(v, "LIST", 4) == 0 && (v[4] == '\0' || is_ws(v[4])))
            in_list = 1;
    }
    if (rc == VX_OK && lineno == 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: empty header", h->path);
    if (rc == VX_OK)
        rc = interpret_fields(h, list, nlist, err);
    if (rc != VX_OK || h->df_mode != DF_LIST) {
        free((void *)list);
        h->df_list = NULL;
    }
    return rc;
}

/* Open path, read and parse its header. */
static int load_header(const char *path, nrrd_hdr *h, vx_error *err)
{
    memset(h, 0, sizeof *h);
    h->path = path;
    struct stat st;
    if (stat(path, &st) != 0)
        return open_error(path, errno, "", err);
    if (!S_ISREG(st.st_mode)) /* a fifo would block in fopen */
        return vx_path_check(path, 0, NULL, err);
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return open_error(path, errno, "", err);
    int rc = read_header_text(path, f, &h->text, &h->data_off, err);
    fclose(f);
    if (rc == VX_OK)
        rc = parse_header(h, err);
    if (rc != VX_OK) {
        free_header(h);
        h->path = path;
    }
    return rc;
}

/* ---- geometry -------------------------------------------------------------------------------------------- */

static int axis_nonspatial(const nrrd_hdr *h, int a)
{
    if (h->have_dirs)
        return h->dir_none[a];
    return h->have_kinds && h->kind_nonspatial[a];
}

static void cross3(const double a[3], const double b[3], double c[3])
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

static double norm3(const double a[3]) { return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]); }

static int has_segments(const nrrd_hdr *h)
{
    for (size_t i = 0; i < h->nkv; i++)
        if (strncmp(h->kv[i].key, "Segment", 7) == 0 && isdigit((unsigned char)h->kv[i].key[7]))
            return 1;
    return 0;
}

/* The voxel grid of the spatial axes. With allow_layers, a non-spatial axis 0 of any size is the layer axis
 * of a segmentation (*layer_axis = 0, else -1). */
static int build_geometry(const nrrd_hdr *h, int allow_layers, vx_geometry *g, int *layer_axis, vx_error *err)
{
    int sp[NRRD_DIM_MAX], ns = 0;
    *layer_axis = -1;
    for (int a = 0; a < h->dim; a++) {
        if (axis_nonspatial(h, a)) {
            if (a == 0 && allow_layers) {
                *layer_axis = 0;
                continue;
            }
            if (h->sizes[a] == 1)
                continue;
            const char *kind = h->have_kinds ? h->kind[a] : "none";
            int klen = h->have_kinds ? (int)(h->kind_len[a] < 40 ? h->kind_len[a] : 40) : 4;
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: axis %d (kind %.*s, size %llu) is not a spatial axis: "
                                "only scalar images are supported%s", h->path, a, klen, kind,
                                (unsigned long long)h->sizes[a],
                                a == 0 && has_segments(h) ? " (a multi-layer segmentation: read its segments with "
                                "vx_nrrd_read_segment)" : "");
        }
        sp[ns++] = a;
    }
    while (ns > 3) { /* drop size-1 axes, last first */
        int drop = -1;
        for (int i = ns - 1; i >= 0 && drop < 0; i--)
            if (h->sizes[sp[i]] == 1)
                drop = i;
        if (drop < 0)
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: %d spatial axes (axis %d has size %llu): only 2D and 3D "
                                "images are supported", h->path, ns, sp[3], (unsigned long long)h->sizes[sp[3]]);
        for (int i = drop; i + 1 < ns; i++)
            sp[i] = sp[i + 1];
        ns--;
    }
    if (ns == 0)
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: no spatial axis", h->path);

    double sx = 1.0, sy = 1.0;
    if (h->space >= 0) {
        sx = SPACES[h->space].sx;
        sy = SPACES[h->space].sy;
    }
    double col[3][3] = {{0}};
    memset(g, 0, sizeof *g);
    for (int i = 0; i < 3; i++) {
        g->dims[i] = i < ns ? (size_t)h->sizes[sp[i]] : 1;
        g->spacing[i] = 1.0;
    }
    for (int i = 0; i < ns; i++) {
        int a = sp[i];
        if (h->have_dirs) {
            double v[3] = {0, 0, 0};
            for (int c = 0; c < 3 && c < h->space_dim; c++)
                v[c] = h->dirs[a][c];
            v[0] *= sx;
            v[1] *= sy;
            double nv = norm3(v);
            if (!(nv > 0.0) || !isfinite(nv))
                return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "axis %d has a zero or non-finite length", a);
            g->spacing[i] = nv;
            for (int c = 0; c < 3; c++)
                col[i][c] = v[c] / nv;
        } else {
            if (h->have_spacings) { /* the sign of a spacing flips the axis; its size is |s| */
                double s = h->spacings[a];
                if (!isfinite(s) || !(fabs(s) >= VX_SPACING_MIN_MM && fabs(s) <= VX_SPACING_MAX_MM))
                    return ferr(h, err, VX_EGEOMETRY, F_SPACINGS, "the spacing of axis %d is %g: a spacing must be "
                                "finite and within [%g, %g] mm (its sign may flip the axis)", a, s,
                                VX_SPACING_MIN_MM, VX_SPACING_MAX_MM);
                g->spacing[i] = fabs(s);
            }
            col[i][i] = 1.0;
        }
    }
    if (ns == 1) { /* a second direction perpendicular to the first */
        int k = 0;
        for (int c = 1; c < 3; c++)
            if (fabs(col[0][c]) < fabs(col[0][k]))
                k = c;
        double e[3] = {0, 0, 0};
        e[k] = 1.0;
        double d = e[0] * col[0][0] + e[1] * col[0][1] + e[2] * col[0][2];
        for (int c = 0; c < 3; c++)
            e[c] -= d * col[0][c];
        double ne = norm3(e);
        for (int c = 0; c < 3; c++)
            col[1][c] = e[c] / ne;
    }
    if (ns <= 2) {
        double c3[3];
        cross3(col[0], col[1], c3);
        double nc = norm3(c3);
        if (!(nc > 1e-6))
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "the directions of axes %d and %d are parallel", sp[0],
                        sp[1]);
        for (int c = 0; c < 3; c++)
            col[2][c] = c3[c] / nc;
    } else {
        double c3[3];
        cross3(col[0], col[1], c3);
        double det = c3[0] * col[2][0] + c3[1] * col[2][1] + c3[2] * col[2][2];
        if (!(fabs(det) > 1e-6))
            return ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "the directions of axes %d, %d and %d are linearly "
                        "dependent", sp[0], sp[1], sp[2]);
    }
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            g->direction[3 * r + c] = col[c][r];
    if (h->have_origin) {
        for (int c = 0; c < 3 && c < h->space_dim; c++)
            g->origin[c] = h->origin[c];
        g->origin[0] *= sx;
        g->origin[1] *= sy;
    }
    /* spacing bounds, and no shear: the axes must be orthogonal (vx_geometry_validate) */
    return vx_geometry_validate(g, h->path, h->have_dirs ? "space directions" : "spacings", err);
}

/* ---- data ------------------------------------------------------------------------------------------------ */

/* Path of data file i (malloc'ed); NULL when out of memory. Relative names are relative to the header's
 * folder. */
static char *data_path(const nrrd_hdr *h, uint64_t i)
{
    char fmtbuf[4096];
    const char *name;
    switch (h->df_mode) {
    case DF_ATTACHED: return strdup(h->path);
    case DF_SINGLE: name = h->df_name; break;
    case DF_LIST: name = h->df_list[i]; break;
    default: {
        long long v = h->fmt_min + (long long)i * h->fmt_step; /* within the int range checked at parsing */
        if (render_format(h->df_name, v, fmtbuf, sizeof fmtbuf) != 0)
            fmtbuf[0] = '\0';
        name = fmtbuf;
        break;
    }
    }
    const char *slash = strrchr(h->path, '/');
    size_t dlen = name[0] == '/' || !slash ? 0 : (size_t)(slash - h->path) + 1;
    size_t nlen = strlen(name);
    char *p = malloc(dlen + nlen + 1);
    if (!p)
        return NULL;
    memcpy(p, h->path, dlen);
    memcpy(p + dlen, name, nlen + 1);
    return p;
}

static int data_open_error(const nrrd_hdr *h, const char *dpath, int e, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    errno_text(e, buf, sizeof buf);
    return vx_error_set(err, VX_EIO, "%s: cannot open data file %s: %s", h->path, dpath, buf);
}

/* Before allocating: every data file exists and is large enough for its share of the samples. */
static int check_files(const nrrd_hdr *h, vx_error *err)
{
    uint64_t need = h->nelem / h->nfiles * (uint64_t)TYPE_SIZE[h->type];
    for (uint64_t i = 0; i < h->nfiles; i++) {
        char *dp = data_path(h, i);
        if (!dp)
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
        struct stat st;
        int rc = VX_OK;
        if (stat(dp, &st) != 0)
            rc = data_open_error(h, dp, errno, err);
        else if (!S_ISREG(st.st_mode) && (rc = vx_path_check(dp, 0, NULL, err)) != VX_OK)
            vx_error_prefix(err, "%s: data file ", h->path);
        if (rc) {
            free(dp);
            return rc;
        }
        uint64_t size = (uint64_t)st.st_size, start = h->df_mode == DF_ATTACHED ? h->data_off : 0;
        uint64_t avail = size > start ? size - start : 0;
        if (h->enc == ENC_RAW) {
            uint64_t skip = h->byte_skip > 0 ? (uint64_t)h->byte_skip : 0;
            if (avail < need || avail - need < skip)
                rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected in %s from byte "
                                  "%llu (byte skip %llu), the file has %llu bytes", h->path, (unsigned long long)need,
                                  dp, (unsigned long long)(start + skip), (unsigned long long)skip,
                                  (unsigned long long)size);
        } else if ((double)avail * GZ_MAX_RATIO + 65536.0 < (double)need + (double)h->byte_skip) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected, but %s has only %llu "
                              "compressed bytes after byte %llu", h->path, (unsigned long long)need, dp,
                              (unsigned long long)avail, (unsigned long long)start);
        }
        free(dp);
        if (rc)
            return rc;
    }
    return VX_OK;
}

/* A byte source: a raw file or a gzip/zlib stream in it. */
typedef struct src {
    FILE *f;
    const char *hpath, *dpath;
    int gz, zinit, zend;
    z_stream zs;
    unsigned char *in;
} data_src;

static int src_read(data_src *s, unsigned char *buf, size_t n, size_t *got, vx_error *err)
{
    *got = 0;
    if (!s->gz) {
        errno = 0;
        *got = fread(buf, 1, n, s->f);
        if (*got < n && ferror(s->f)) {
            char eb[256];
            errno_text(errno, eb, sizeof eb);
            return vx_error_set(err, VX_EIO, "%s: read error in %s: %s", s->hpath, s->dpath, eb);
        }
        return VX_OK;
    }
    s->zs.next_out = buf;
    s->zs.avail_out = (uInt)n;
    while (s->zs.avail_out > 0 && !s->zend) {
        if (s->zs.avail_in == 0) {
            errno = 0;
            size_t r = fread(s->in, 1, ZIN, s->f);
            if (r == 0) {
                if (ferror(s->f)) {
                    char eb[256];
                    errno_text(errno, eb, sizeof eb);
                    return vx_error_set(err, VX_EIO, "%s: read error in %s: %s", s->hpath, s->dpath, eb);
                }
                break; /* end of file */
            }
            s->zs.next_in = s->in;
            s->zs.avail_in = (uInt)r;
        }
        int zr = inflate(&s->zs, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            if (s->zs.avail_in == 0) {
                size_t r = fread(s->in, 1, ZIN, s->f);
                s->zs.next_in = s->in;
                s->zs.avail_in = (uInt)r;
            }
            if (s->zs.avail_in >= 2 && s->zs.next_in[0] == 0x1f && s->zs.next_in[1] == 0x8b) {
                if (inflateReset(&s->zs) != Z_OK)
                    return vx_error_set(err, VX_EFORMAT, "%s: corrupt gzip data in %s", s->hpath, s->dpath);
                continue; /* another gzip member */
            }
            s->zend = 1;
            break;
        }
        if (zr == Z_MEM_ERROR)
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory in zlib", s->hpath);
        if (zr != Z_OK)
            return vx_error_set(err, VX_EFORMAT, "%s: corrupt gzip data in %s: %s", s->hpath, s->dpath,
                                s->zs.msg ? s->zs.msg : "no progress");
    }
    *got = n - s->zs.avail_out;
    return VX_OK;
}

#define CONVERT(T, U, BSWAP)                                                                                   \
    do {                                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                                       \
            U u;                                                                                               \
            memcpy(&u, src + i * sizeof(U), sizeof(U));                                                        \
            if (swap)                                                                                          \
                u = BSWAP(u);                                                                                  \
            T t;                                                                                               \
            memcpy(&t, &u, sizeof t);                                                                          \
            dst[i] = (float)t;                                                                                 \
        }                                                                                                      \
    } while (0)
#define NOSWAP(u) (u)

static void convert(float *dst, const unsigned char *src, size_t n, int type, int swap)
{
    switch (type) {
    case T_I8: CONVERT(int8_t, uint8_t, NOSWAP); break;
    case T_U8: CONVERT(uint8_t, uint8_t, NOSWAP); break;
    case T_I16: CONVERT(int16_t, uint16_t, __builtin_bswap16); break;
    case T_U16: CONVERT(uint16_t, uint16_t, __builtin_bswap16); break;
    case T_I32: CONVERT(int32_t, uint32_t, __builtin_bswap32); break;
    case T_U32: CONVERT(uint32_t, uint32_t, __builtin_bswap32); break;
    case T_I64: CONVERT(int64_t, uint64_t, __builtin_bswap64); break;
    case T_U64: CONVERT(uint64_t, uint64_t, __builtin_bswap64); break;
    case T_F32: CONVERT(float, uint32_t, __builtin_bswap32); break;
    case T_F64: CONVERT(double, uint64_t, __builtin_bswap64); break;
    default: break; /* unreachable: the type was validated */
    }
}

/* Read data file i: nelem samples into dst. */
static int read_one(const nrrd_hdr *h, uint64_t i, float *dst, uint64_t nelem, unsigned char *chunk, vx_error *err)
{
    size_t esz = (size_t)TYPE_SIZE[h->type];
    uint64_t need = nelem * esz;
    int swap = esz > 1 && h->big_endian != HOST_BE;
    data_src s;
    memset(&s, 0, sizeof s);
    s.hpath = h->path;
    char *dp = data_path(h, i);
    if (!dp)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    s.dpath = dp;
    int rc = VX_OK;
    errno = 0;
    s.f = fopen(dp, "rb");
    if (!s.f) {
        rc = data_open_error(h, dp, errno, err);
        goto done;
    }
    uint64_t start = h->df_mode == DF_ATTACHED ? h->data_off : 0;
    if (fseeko(s.f, (off_t)start, SEEK_SET) != 0) {
        rc = vx_error_set(err, VX_EIO, "%s: cannot seek to byte %llu of %s", h->path, (unsigned long long)start, dp);
        goto done;
    }
    for (long l = 0; l < h->line_skip;) {
        int c = getc(s.f);
        if (c == EOF) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: line skip %ld: %s ends after %ld lines", h->path, h->line_skip,
                              dp, l);
            goto done;
        }
        if (c == '\n')
            l++;
    }
    off_t pos = ftello(s.f);
    struct stat st;
    if (pos < 0 || fstat(fileno(s.f), &st) != 0) {
        rc = vx_error_set(err, VX_EIO, "%s: cannot stat %s", h->path, dp);
        goto done;
    }
    uint64_t size = (uint64_t)st.st_size, upos = (uint64_t)pos;
    if (h->enc == ENC_RAW) {
        uint64_t from;
        if (h->byte_skip < 0) {
            if (size < need || size - need < upos) {
                rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected at the end of %s "
                                  "(byte skip -1), the file has %llu bytes after byte %llu", h->path,
                                  (unsigned long long)need, dp, (unsigned long long)(size - upos),
                                  (unsigned long long)upos);
                goto done;
            }
            from = size - need;
        } else {
            from = upos + (uint64_t)h->byte_skip;
            if (from > size || size - from < need) {
                rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: %llu bytes of data expected at byte %llu of "
                                  "%s, the file has %llu bytes", h->path, (unsigned long long)need,
                                  (unsigned long long)from, dp, (unsigned long long)size);
                goto done;
            }
        }
        if (fseeko(s.f, (off_t)from, SEEK_SET) != 0) {
            rc = vx_error_set(err, VX_EIO, "%s: cannot seek to byte %llu of %s", h->path, (unsigned long long)from,
                              dp);
            goto done;
        }
    } else {
        s.gz = 1;
        s.in = malloc(ZIN);
        if (!s.in) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
            goto done;
        }
        if (inflateInit2(&s.zs, 15 + 32) != Z_OK) { /* gzip or zlib header, detected */
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory in zlib", h->path);
            goto done;
        }
        s.zinit = 1;
        for (uint64_t left = (uint64_t)h->byte_skip; left > 0;) {
            size_t want = left < CHUNK ? (size_t)left : CHUNK, got;
            if ((rc = src_read(&s, chunk, want, &got, err)) != VX_OK)
                goto done;
            if (got < want) {
                rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: the gzip stream of %s ends within the byte "
                                  "skip (%lld bytes)", h->path, dp, h->byte_skip);
                goto done;
            }
            left -= got;
        }
    }
    for (uint64_t done_el = 0; done_el < nelem;) {
        size_t want = nelem - done_el < CHUNK / esz ? (size_t)(nelem - done_el) : CHUNK / esz, got;
        if ((rc = src_read(&s, chunk, want * esz, &got, err)) != VX_OK)
            goto done;
        if (got < want * esz) {
            rc = vx_error_set(err, VX_EFORMAT, "%s: truncated data: expected %llu bytes of %s data in %s, got %llu",
                              h->path, (unsigned long long)need, s.gz ? "decompressed" : "raw", dp,
                              (unsigned long long)(done_el * esz + got));
            goto done;
        }
        convert(dst + done_el, chunk, want, h->type, swap);
        done_el += want;
    }
    if (s.gz) { /* read on to the end of the stream: zlib checks its CRC and length */
        size_t got;
        do {
            if ((rc = src_read(&s, chunk, CHUNK, &got, err)) != VX_OK)
                goto done;
        } while (got > 0 && !s.zend);
        if (!s.zend)
            rc = vx_error_set(err, VX_EFORMAT, "%s: truncated gzip stream in %s (no end of stream after the data)",
                              h->path, dp);
    }
done:
    if (s.zinit)
        inflateEnd(&s.zs);
    free(s.in);
    if (s.f)
        fclose(s.f);
    free(dp);
    return rc;
}

/* All samples (every axis, file order) into dst. */
static int read_data(const nrrd_hdr *h, float *dst, vx_error *err)
{
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    uint64_t per = h->nelem / h->nfiles;
    int rc = VX_OK;
    for (uint64_t i = 0; i < h->nfiles && rc == VX_OK; i++)
        rc = read_one(h, i, dst + i * per, per, chunk, err);
    free(chunk);
    return rc;
}

int vx_nrrd_read(const char *path, vx_image **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return vx_error_set(err, VX_EINVAL, "nrrd: NULL argument");
    nrrd_hdr h;
    int rc = load_header(path, &h, err);
    if (rc)
        return rc;
    vx_geometry g;
    int layer_axis;
    vx_image *img = NULL;
    if ((rc = build_geometry(&h, 0, &g, &layer_axis, err)) != VX_OK || (rc = check_files(&h, err)) != VX_OK)
        goto done;
    img = vx_image_new(&g);
    if (!img) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu x %zu voxels", path, g.dims[0], g.dims[1],
                          g.dims[2]);
        goto done;
    }
    rc = read_data(&h, img->v, err); /* the dropped axes have size 1: the sample order is the voxel order */
done:
    free_header(&h);
    if (rc) {
        vx_image_free(img);
        return rc;
    }
    *out = img;
    return VX_OK;
}

/* ---- segmentations --------------------------------------------------------------------------------------- */

typedef struct seg_full {
    long long index, label, layer;
    const char *id, *name;
    int has_layer;
} seg_full;

/* One Segment<k>_<field> key: k, which field (0 ID, 1 Name, 2 LabelValue, 3 Layer) and its place in the header. */
typedef struct seg_key {
    long long k;
    int fld;
    size_t kv;
} seg_key;

static int seg_key_cmp(const void *a, const void *b)
{
    const seg_key *x = a, *y = b;
    if (x->k != y->k)
        return (x->k > y->k) - (x->k < y->k);
    return (x->kv > y->kv) - (x->kv < y->kv);
}

/* Number of layers: the size of a non-spatial axis 0 (1 without one). */
static uint64_t layer_count(const nrrd_hdr *h)
{
    return h->dim >= 2 && axis_nonspatial(h, 0) ? h->sizes[0] : 1;
}

/* The segments of the header's Segment<k>_* keys, sorted by k (a later key wins over an earlier one); defaults
 * applied. Sorting keeps this O(n log n) in the number of keys. */
static int collect_segments(const nrrd_hdr *h, seg_full **out, size_t *nout, vx_error *err)
{
    *out = NULL;
    *nout = 0;
    seg_key *keys = malloc((h->nkv ? h->nkv : 1) * sizeof *keys);
    if (!keys)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    size_t nk = 0;
    for (size_t i = 0; i < h->nkv; i++) {
        const char *key = h->kv[i].key;
        if (strncmp(key, "Segment", 7) != 0 || !isdigit((unsigned char)key[7]))
            continue;
        long long k = 0;
        const char *p = key + 7;
        for (; isdigit((unsigned char)*p); p++)
            if ((k = k * 10 + (*p - '0')) > INT_MAX)
                break;
        if (*p != '_')
            continue; /* not a segment key, or k beyond the int range */
        p++;
        int fld = strcmp(p, "ID") == 0 ? 0 : strcmp(p, "Name") == 0 ? 1 : strcmp(p, "LabelValue") == 0 ? 2
                  : strcmp(p, "Layer") == 0 ? 3 : -1;
        if (fld >= 0)
            keys[nk++] = (seg_key){k, fld, i};
    }
    if (nk == 0) {
        free(keys);
        return VX_OK;
    }
    qsort(keys, nk, sizeof *keys, seg_key_cmp);
    seg_full *s = malloc(nk * sizeof *s);
    if (!s) {
        free(keys);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    }
    size_t n = 0;
    for (size_t i = 0; i < nk; i++) {
        if (n == 0 || s[n - 1].index != keys[i].k) {
            memset(&s[n], 0, sizeof s[n]);
            s[n].index = keys[i].k;
            s[n].label = 1;
            s[n].id = "";
            n++;
        }
        seg_full *sg = &s[n - 1];
        const char *key = h->kv[keys[i].kv].key, *v = h->kv[keys[i].kv].value;
        long long x;
        switch (keys[i].fld) {
        case 0: sg->id = v; break;
        case 1: sg->name = v; break;
        default:
            if (parse_ll_field(v, keys[i].fld == 2 ? INT_MIN : 0, INT_MAX, &x) != 0) {
                int rc = vx_error_set(err, VX_EFORMAT, "%s: key %.100s: not %s: '%.40s'", h->path, key,
                                      keys[i].fld == 2 ? "an integer" : "a non-negative integer", v);
                free(keys);
                free(s);
                return rc;
            }
            if (keys[i].fld == 2) {
                sg->label = x;
            } else {
                sg->layer = x;
                sg->has_layer = 1;
            }
            break;
        }
    }
    free(keys);
    int multi = layer_count(h) > 1;
    for (size_t j = 0; j < n; j++) {
        if (!s[j].name)
            s[j].name = s[j].id;
        if (!s[j].has_layer)
            s[j].layer = multi ? (long long)j : 0;
    }
    *out = s;
    *nout = n;
    return VX_OK;
}

static void copy_trunc(char *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

int vx_nrrd_segments(const char *path, vx_nrrd_segment **segs, size_t *n, vx_error *err)
{
    if (segs)
        *segs = NULL;
    if (n)
        *n = 0;
    if (!path || !segs || !n)
        return vx_error_set(err, VX_EINVAL, "nrrd segments: NULL argument");
    nrrd_hdr h;
    int rc = load_header(path, &h, err);
    if (rc)
        return rc;
    seg_full *s;
    size_t ns;
    rc = collect_segments(&h, &s, &ns, err);
    if (rc == VX_OK && ns > 0) {
        vx_nrrd_segment *o = calloc(ns, sizeof *o);
        if (!o) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
        } else {
            for (size_t i = 0; i < ns; i++) {
                o[i].index = (int)s[i].index;
                copy_trunc(o[i].id, sizeof o[i].id, s[i].id);
                copy_trunc(o[i].name, sizeof o[i].name, s[i].name);
                o[i].label_value = (int)s[i].label;
                o[i].layer = (int)s[i].layer;
            }
            *segs = o;
            *n = ns;
        }
    }
    free(s);
    free_header(&h);
    return rc;
}

/* The selected segment, or -1. */
static long select_segment(const seg_full *s, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, want) == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (s[i].id[0] && strcmp(s[i].id, want) == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s[i].name, want) == 0)
            return (long)i;
    long long k;
    if (parse_ll(want, strlen(want), 1, (long long)n, &k) == 0)
        return (long)(k - 1);
    return -1;
}

int vx_nrrd_read_segment(const char *path, const char *segment, vx_image **mask, vx_error *err)
{
    if (mask)
        *mask = NULL;
    if (!path || !segment || !mask)
        return vx_error_set(err, VX_EINVAL, "nrrd segment: NULL argument");
    nrrd_hdr h;
    int rc = load_header(path, &h, err);
    if (rc)
        return rc;
    seg_full *s = NULL;
    size_t ns = 0;
    vx_image *m = NULL;
    float *tmp = NULL;
    if ((rc = collect_segments(&h, &s, &ns, err)) != VX_OK)
        goto done;
    if (ns == 0) {
        rc = vx_error_set(err, VX_EINVAL, "%s: no segments (no Segment<k>_ keys in the header: not a .seg.nrrd)",
                          path);
        goto done;
    }
    long sel = select_segment(s, ns, segment);
    if (sel < 0) {
        char list[640];
        size_t w = 0;
        list[0] = '\0';
        for (size_t i = 0; i < ns && w + 1 < sizeof list; i++) {
            int k = snprintf(list + w, sizeof list - w, "%s%zu '%.80s'", i ? ", " : "", i + 1, s[i].name);
            if (k < 0 || (size_t)k >= sizeof list - w) {
                w = sizeof list;
                break;
            }
            w += (size_t)k;
        }
        rc = vx_error_set(err, VX_EINVAL, "%s: no segment '%.100s'; segments: %s%s", path, segment, list,
                          w >= sizeof list ? "..." : "");
        goto done;
    }
    vx_geometry g;
    int layer_axis;
    if ((rc = build_geometry(&h, 1, &g, &layer_axis, err)) != VX_OK)
        goto done;
    uint64_t nl = layer_axis == 0 ? h.sizes[0] : 1;
    const seg_full *sg = &s[sel];
    if ((uint64_t)sg->layer >= nl) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: segment '%.100s' is on layer %lld, but the file has %llu layer%s", path,
                          sg->name, sg->layer, (unsigned long long)nl, nl == 1 ? "" : "s");
        goto done;
    }
    if ((rc = check_files(&h, err)) != VX_OK)
        goto done;
    m = vx_image_new(&g);
    if (!m) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu x %zu voxels", path, g.dims[0], g.dims[1],
                          g.dims[2]);
        goto done;
    }
    size_t nvox = vx_geometry_count(&g);
    float label = (float)sg->label;
    if (nl == 1) {
        if ((rc = read_data(&h, m->v, err)) != VX_OK)
            goto done;
        for (size_t i = 0; i < nvox; i++)
            m->v[i] = m->v[i] == label ? 1.0f : 0.0f;
    } else {
        tmp = malloc((size_t)h.nelem * sizeof *tmp);
        if (!tmp) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %llu samples", path,
                              (unsigned long long)h.nelem);
            goto done;
        }
        if ((rc = read_data(&h, tmp, err)) != VX_OK)
            goto done;
        size_t layer = (size_t)sg->layer;
        for (size_t i = 0; i < nvox; i++)
            m->v[i] = tmp[layer + (size_t)nl * i] == label ? 1.0f : 0.0f;
    }
done:
    free(tmp);
    free(s);
    free_header(&h);
    if (rc) {
        vx_image_free(m);
        return rc;
    }
    *mask = m;
    return VX_OK;
}

/* ---- writer ---------------------------------------------------------------------------------------------- */

static int write_error(FILE *f, const char *path, int e, vx_error *err)
{
    char buf[256];
    errno_text(e, buf, sizeof buf);
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
        return open_error(path, errno, " for writing", err);
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
