/* voxomics: NRRD field interpretation: the type, encoding, space and field tables, token and number parsers, and
 * the meaning of each header field (dimension, type, sizes, encoding, endian, space, directions, origin, spacings,
 * kinds, data file, skips), checked against each other. See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

const int NRRD_TYPE_SIZE[T_COUNT] = {1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 0};
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

static const struct {
    const char *name;
    int enc;
} ENC_NAMES[] = {
    {"raw", ENC_RAW},    {"gzip", ENC_GZIP},   {"gz", ENC_GZIP},    {"txt", ENC_OTHER}, {"text", ENC_OTHER},
    {"ascii", ENC_OTHER}, {"hex", ENC_OTHER}, {"bzip2", ENC_OTHER}, {"bz2", ENC_OTHER}, {"zrl", ENC_OTHER},
};

/* Named spaces: dimension and the sign that takes the x and y coordinates to LPS. */
const nrrd_space NRRD_SPACES[NRRD_SPACE_COUNT] = {
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

const char *const NRRD_FIELD_KEY[F_COUNT] = {"dimension",  "type",     "sizes",          "encoding",
                                             "endian",     "space",    "spacedimension", "spaceorigin",
                                               "spacedirections", "spacings", "kinds",     "datafile",
                                               "lineskip",   "byteskip"};
const char *const NRRD_FIELD_NAME[F_COUNT] = {"dimension",  "type",     "sizes",           "encoding",
                                                "endian",     "space",    "space dimension", "space origin",
                                                "space directions", "spacings", "kinds",      "data file",
                                                "line skip",  "byte skip"};

/* ---- small helpers --------------------------------------------------------------------------------------- */

void nrrd_errno_text(int e, char *buf, size_t len)
{
    if (e == 0 || strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
}

int nrrd_open_error(const char *path, int e, const char *what, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: cannot open%s: out of memory", path, what);
    nrrd_errno_text(e, buf, sizeof buf);
    return vx_error_set(err, VX_EIO, "%s: cannot open%s: %s", path, what, buf);
}

/* Error about one header field: "<path>: <field> (line N): <message>". */
__attribute__((format(printf, 5, 6))) int nrrd_ferr(const nrrd_hdr *h, vx_error *err, int code, int f,
                                                      const char *fmt, ...)
{
    char msg[VX_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vx_error_set(err, code, "%s: field '%s' (line %d): %s", h->path, NRRD_FIELD_NAME[f], h->line[f], msg);
}

/* Next whitespace-separated token of *s (NULL at the end); *len its length. */
static const char *next_token(const char **s, size_t *len)
{
    const char *p = nrrd_skip_ws(*s);
    if (!*p)
        return NULL;
    const char *q = p;
    while (*q && !nrrd_is_ws(*q))
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
int nrrd_parse_ll(const char *t, size_t len, long long lo, long long hi, long long *v)
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
int nrrd_parse_ll_field(const char *s, long long lo, long long hi, long long *v)
{
    size_t len;
    const char *t = next_token(&s, &len);
    if (!t || nrrd_parse_ll(t, len, lo, hi, v) != 0)
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
    const char *p = nrrd_skip_ws(*s);
    *none = 0;
    if (strncasecmp(p, "none", 4) == 0 && (p[4] == '\0' || nrrd_is_ws(p[4]))) {
        *none = 1;
        *s = p + 4;
        return 0;
    }
    if (*p != '(')
        return -1;
    p++;
    for (int i = 0; i < n; i++) {
        p = nrrd_skip_ws(p);
        const char *q = p;
        while (*q && *q != ',' && *q != ')' && !nrrd_is_ws(*q))
            q++;
        if (parse_double(p, (size_t)(q - p), &v[i]) != 0 || !isfinite(v[i]))
            return -1;
        p = nrrd_skip_ws(q);
        if (*p != (i + 1 < n ? ',' : ')'))
            return -1;
        p++;
    }
    *s = p;
    return 0;
}

/* ---- field interpretation ------------------------------------------------------------------------------- */

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
int nrrd_render_format(const char *fmt, long long v, char *out, size_t n)
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
        return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "empty file name");
    long long subdim = h->dim - 1, v[4];
    uint64_t count;
    if (token_is(tok[0], tlen[0], "LIST")) {
        if (nt > 2 || (nt == 2 && nrrd_parse_ll(tok[1], tlen[1], 1, h->dim, &subdim) != 0))
            return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "expected 'LIST [<subdim>]' with subdim 1..%d", h->dim);
        if (nlist == 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "LIST without file names on the following lines");
        h->df_mode = DF_LIST;
        h->df_list = list;
        count = nlist;
    } else if ((nt == 4 || nt == 5) && memchr(tok[0], '%', tlen[0]) &&
               nrrd_parse_ll(tok[1], tlen[1], INT_MIN, INT_MAX, &v[0]) == 0 &&
               nrrd_parse_ll(tok[2], tlen[2], INT_MIN, INT_MAX, &v[1]) == 0 &&
               nrrd_parse_ll(tok[3], tlen[3], INT_MIN, INT_MAX, &v[2]) == 0) {
        if (nt == 5 && nrrd_parse_ll(tok[4], tlen[4], 1, h->dim, &subdim) != 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "subdim must be 1..%d", h->dim);
        if (v[2] == 0 || (v[2] > 0 ? v[1] < v[0] : v[1] > v[0]))
            return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "step %lld does not lead from %lld to %lld", v[2], v[0],
                             v[1]);
        count = (uint64_t)((v[1] - v[0]) / v[2]) + 1;
        ((char *)tok[0])[tlen[0]] = '\0'; /* the format is the first token */
        char name[4096];
        if (nrrd_render_format(tok[0], v[0], name, sizeof name) != 0 ||
            nrrd_render_format(tok[0], v[1], name, sizeof name))
            return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_DATA_FILE, "file name format '%.100s' is not supported "
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
        return nrrd_ferr(h, err, VX_EFORMAT, F_DATA_FILE, "%llu data files, but the sizes of axes %lld..%d call for "
                         "%llu", (unsigned long long)count, subdim, h->dim - 1, (unsigned long long)want);
    if (count > MAX_FILES)
        return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_DATA_FILE, "%llu data files (at most %llu)",
                         (unsigned long long)count, (unsigned long long)MAX_FILES);
    h->nfiles = count;
    return VX_OK;
}

/* dimension: the number of axes. */
static int interpret_dimension(nrrd_hdr *h, vx_error *err)
{
    long long x;
    if (nrrd_parse_ll_field(h->field[F_DIMENSION], 1, LLONG_MAX, &x) != 0)
        return nrrd_ferr(h, err, VX_EFORMAT, F_DIMENSION, "not a positive integer: '%.40s'", h->field[F_DIMENSION]);
    if (x > NRRD_DIM_MAX)
        return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_DIMENSION, "%lld axes (at most %d)", x, NRRD_DIM_MAX);
    h->dim = (int)x;
    return VX_OK;
}

/* type: one of the scalar types (block is not supported). */
static int interpret_type(nrrd_hdr *h, vx_error *err)
{
    h->type = -1;
    for (size_t i = 0; i < sizeof TYPE_NAMES / sizeof TYPE_NAMES[0]; i++)
        if (strcasecmp(h->field[F_TYPE], TYPE_NAMES[i].name) == 0)
            h->type = TYPE_NAMES[i].type;
    if (h->type < 0)
        return nrrd_ferr(h, err, VX_EFORMAT, F_TYPE, "unknown type '%.40s'", h->field[F_TYPE]);
    if (h->type == T_BLOCK)
        return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_TYPE, "type 'block' is not supported (scalar types only)");
    return VX_OK;
}

/* sizes: one positive size per axis; their product is the number of samples. */
static int interpret_sizes(nrrd_hdr *h, vx_error *err)
{
    const char *s, *t;
    size_t len;
    s = h->field[F_SIZES];
    h->nelem = 1;
    for (int a = 0; a < h->dim; a++) {
        uint64_t n;
        if (!(t = next_token(&s, &len)))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SIZES, "%d sizes for dimension %d", a, h->dim);
        if (parse_u64(t, len, &n) != 0 || n == 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SIZES, "axis %d: not a positive integer: '%.*s'", a,
                             (int)(len < 40 ? len : 40), t);
        if (__builtin_mul_overflow(h->nelem, n, &h->nelem) || h->nelem > MAX_SAMPLES)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SIZES, "too many samples (more than 2^36; corrupt sizes?)");
        h->sizes[a] = n;
    }
    if (next_token(&s, &len))
        return nrrd_ferr(h, err, VX_EFORMAT, F_SIZES, "more than %d sizes for dimension %d", h->dim, h->dim);
    return VX_OK;
}

/* encoding (raw or gzip) and endian (required for samples of more than one byte). */
static int interpret_encoding(nrrd_hdr *h, vx_error *err)
{
    h->enc = -1;
    for (size_t i = 0; i < sizeof ENC_NAMES / sizeof ENC_NAMES[0]; i++)
        if (strcasecmp(h->field[F_ENCODING], ENC_NAMES[i].name) == 0)
            h->enc = ENC_NAMES[i].enc;
    if (h->enc < 0)
        return nrrd_ferr(h, err, VX_EFORMAT, F_ENCODING, "unknown encoding '%.40s'", h->field[F_ENCODING]);
    if (h->enc == ENC_OTHER)
        return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_ENCODING, "encoding '%s' is not supported (supported: raw, gzip)",
                         h->field[F_ENCODING]);

    h->big_endian = -1;
    if (h->field[F_ENDIAN]) {
        if (strcasecmp(h->field[F_ENDIAN], "little") == 0)
            h->big_endian = 0;
        else if (strcasecmp(h->field[F_ENDIAN], "big") == 0)
            h->big_endian = 1;
        else
            return nrrd_ferr(h, err, VX_EFORMAT, F_ENDIAN, "'%.40s' is neither 'little' nor 'big'", h->field[F_ENDIAN]);
    } else if (NRRD_TYPE_SIZE[h->type] > 1) {
        return vx_error_set(err, VX_EFORMAT, "%s: missing field 'endian' (required for type %s)", h->path,
                            TYPE_CANON[h->type]);
    }
    return VX_OK;
}

/* space, space dimension, space directions and space origin. */
static int interpret_space(nrrd_hdr *h, vx_error *err)
{
    const char *s;
    size_t len;
    long long x;
    h->space = -1;
    if (h->field[F_SPACE]) {
        for (size_t i = 0; i < sizeof NRRD_SPACES / sizeof NRRD_SPACES[0]; i++)
            if (strcasecmp(h->field[F_SPACE], NRRD_SPACES[i].name) == 0 ||
                (NRRD_SPACES[i].abbr && strcasecmp(h->field[F_SPACE], NRRD_SPACES[i].abbr) == 0))
                h->space = (int)i;
        if (h->space < 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE, "unknown space '%.60s'", h->field[F_SPACE]);
        h->space_dim = NRRD_SPACES[h->space].dim;
    }
    if (h->field[F_SPACE_DIM]) {
        if (nrrd_parse_ll_field(h->field[F_SPACE_DIM], 1, 4, &x) != 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIM, "'%.40s' (1..4 supported)", h->field[F_SPACE_DIM]);
        if (h->space_dim && h->space_dim != x)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIM, "%lld contradicts space '%s' (dimension %d)", x,
                             h->field[F_SPACE], h->space_dim);
        h->space_dim = (int)x;
    }
    if (h->field[F_SPACE_DIRS]) {
        if (!h->space_dim)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "given without 'space' or 'space dimension'");
        s = h->field[F_SPACE_DIRS];
        for (int a = 0; a < h->dim; a++)
            if (parse_vector(&s, h->dirs[a], h->space_dim, &h->dir_none[a]) != 0)
                return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "axis %d: expected '(' %d finite numbers ')' or "
                                 "'none'", a, h->space_dim);
        if (next_token(&s, &len))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "more than %d vectors", h->dim);
        h->have_dirs = 1;
    }
    if (h->field[F_SPACE_ORIGIN]) {
        int none;
        if (!h->space_dim)
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_ORIGIN, "given without 'space' or 'space dimension'");
        s = h->field[F_SPACE_ORIGIN];
        if (parse_vector(&s, h->origin, h->space_dim, &none) != 0 || none || next_token(&s, &len))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_ORIGIN, "expected '(' %d finite numbers ')'", h->space_dim);
        h->have_origin = 1;
    }
    return VX_OK;
}

/* Per-axis spacings and kinds. */
static int interpret_axes(nrrd_hdr *h, vx_error *err)
{
    const char *s, *t;
    size_t len;
    if (h->field[F_SPACINGS]) {
        s = h->field[F_SPACINGS];
        for (int a = 0; a < h->dim; a++)
            if (!(t = next_token(&s, &len)) || parse_double(t, len, &h->spacings[a]) != 0)
                return nrrd_ferr(h, err, VX_EFORMAT, F_SPACINGS, "axis %d: expected a number (or nan)", a);
        if (next_token(&s, &len))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACINGS, "more than %d spacings", h->dim);
        h->have_spacings = 1;
    }
    if (h->field[F_KINDS]) {
        s = h->field[F_KINDS];
        for (int a = 0; a < h->dim; a++) {
            if (!(t = next_token(&s, &len)))
                return nrrd_ferr(h, err, VX_EFORMAT, F_KINDS, "%d kinds for dimension %d", a, h->dim);
            h->kind[a] = t;
            h->kind_len[a] = len;
            h->kind_nonspatial[a] = !kind_spatial(t, len);
        }
        if (next_token(&s, &len))
            return nrrd_ferr(h, err, VX_EFORMAT, F_KINDS, "more than %d kinds", h->dim);
        h->have_kinds = 1;
    }
    return VX_OK;
}

/* line skip and byte skip. */
static int interpret_skips(nrrd_hdr *h, vx_error *err)
{
    long long x;
    if (h->field[F_LINE_SKIP]) {
        if (nrrd_parse_ll_field(h->field[F_LINE_SKIP], 0, LONG_MAX, &x) != 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_LINE_SKIP, "not a non-negative integer: '%.40s'",
                             h->field[F_LINE_SKIP]);
        h->line_skip = (long)x;
    }
    if (h->field[F_BYTE_SKIP]) {
        if (nrrd_parse_ll_field(h->field[F_BYTE_SKIP], -1, (long long)1 << 50, &x) != 0)
            return nrrd_ferr(h, err, VX_EFORMAT, F_BYTE_SKIP, "not an integer >= -1: '%.40s'", h->field[F_BYTE_SKIP]);
        if (x < 0 && h->enc != ENC_RAW)
            return nrrd_ferr(h, err, VX_EUNSUPPORTED, F_BYTE_SKIP, "byte skip -1 is supported with raw encoding only");
        h->byte_skip = x;
    }
    return VX_OK;
}

/* Interpret the collected fields. */
int nrrd_interpret_fields(nrrd_hdr *h, const char **list, size_t nlist, vx_error *err)
{
    static const int REQUIRED[] = {F_DIMENSION, F_TYPE, F_SIZES, F_ENCODING};
    for (size_t i = 0; i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
        if (!h->field[REQUIRED[i]])
            return vx_error_set(err, VX_EFORMAT, "%s: missing required field '%s'", h->path,
                                NRRD_FIELD_NAME[REQUIRED[i]]);
    int rc;
    if ((rc = interpret_dimension(h, err)) != VX_OK || (rc = interpret_type(h, err)) != VX_OK ||
        (rc = interpret_sizes(h, err)) != VX_OK || (rc = interpret_encoding(h, err)) != VX_OK ||
        (rc = interpret_space(h, err)) != VX_OK || (rc = interpret_axes(h, err)) != VX_OK ||
        (rc = interpret_skips(h, err)) != VX_OK)
        return rc;
    return parse_data_file(h, list, nlist, err);
}
