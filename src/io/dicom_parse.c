/* voxomics: DICOM Part 10 parser (PS3.5 chapter 7 data set encoding, PS3.10 chapter 7 file format).
 *
 * The whole file is held in memory; elements point into it. Encodings: implicit VR little endian, explicit VR
 * little endian, explicit VR big endian, deflated explicit VR little endian (raw deflate after the meta group,
 * PS3.5 A.5). Sequences and items of defined or undefined length nest up to MAX_DEPTH levels; an element of
 * undefined length that is not pixel data is parsed as a sequence (an undefined-length UN is implicit VR
 * little endian by PS3.5 6.2.2). Encapsulated pixel data (PS3.5 A.4) is split into its fragments.
 *
 * Implicit VR files carry no VR: a small dictionary gives the VR of the binary and sequence elements the
 * readers use, and a defined-length value that starts with an item tag is taken as a sequence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "dicom.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "voxomics/io.h"

#define MAX_DEPTH 24
/* a deflated data set may expand at most this much, and never beyond 2 GiB */
#define MAX_INFLATE_RATIO 1032u
#define MAX_INFLATED ((size_t)2 << 30)

typedef struct parser {
    const char *name;
    const uint8_t *base; /* start of the buffer that offsets in messages refer to */
    vx_error *err;
} parser;

static uint16_t rd16(const uint8_t *p, int be)
{
    return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const uint8_t *p, int be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* VR of elements whose value the readers interpret as binary, or that are sequences (for implicit VR). */
static const char *dict_vr(uint32_t tag)
{
    static const struct {
        uint32_t tag;
        char vr[3];
    } d[] = {
        {0x00020000, "UL"}, {0x00020001, "OB"}, {0x00081115, "SQ"}, {0x0008114A, "SQ"}, {0x00081140, "SQ"},
        {0x00081150, "UI"}, {0x00081155, "UI"}, {0x00082112, "SQ"}, {0x00089124, "SQ"}, {0x00089215, "SQ"},
        {0x00280002, "US"}, {0x00280006, "US"}, {0x00280010, "US"}, {0x00280011, "US"}, {0x00280100, "US"},
        {0x00280101, "US"}, {0x00280102, "US"}, {0x00280103, "US"}, {0x00540016, "SQ"}, {0x00540022, "SQ"},
        {0x00209113, "SQ"}, {0x00209116, "SQ"}, {0x00209111, "SQ"}, {0x00209222, "SQ"}, {0x00209157, "UL"},
        {0x00209056, "UL"}, {0x00209057, "UL"}, {0x00209071, "SQ"}, {0x00209165, "AT"}, {0x00209167, "AT"},
        {0x00289110, "SQ"}, {0x00289145, "SQ"}, {0x00620002, "SQ"}, {0x00620003, "SQ"}, {0x00620004, "US"},
        {0x0062000A, "SQ"}, {0x0062000B, "US"}, {0x0062000E, "US"}, {0x00640002, "SQ"}, {0x00640005, "SQ"},
        {0x30060010, "SQ"}, {0x30060012, "SQ"}, {0x30060014, "SQ"}, {0x30060016, "SQ"}, {0x30060020, "SQ"},
        {0x30060039, "SQ"}, {0x30060040, "SQ"}, {0x30060080, "SQ"}, {0x300600B0, "SQ"}, {0x52009229, "SQ"},
        {0x52009230, "SQ"}, {0x7FE00008, "OF"}, {0x7FE00009, "OD"}, {0x7FE00010, "OW"},
        /* decimal and integer strings (text, but numbers must be told from binary UN) */
        {0x00101030, "DS"}, {0x00180050, "DS"}, {0x00180088, "DS"}, {0x00181074, "DS"}, {0x00181075, "DS"},
        {0x00200013, "IS"}, {0x00200032, "DS"}, {0x00200037, "DS"}, {0x00280008, "IS"}, {0x00280030, "DS"},
        {0x00281050, "DS"}, {0x00281051, "DS"}, {0x00281052, "DS"}, {0x00281053, "DS"}, {0x00541330, "US"},
        {0x30060022, "IS"}, {0x30060046, "IS"}, {0x30060048, "IS"}, {0x30060050, "DS"}, {0x30060084, "IS"},
        {0x00209128, "UL"},
    };
    for (size_t i = 0; i < sizeof d / sizeof *d; i++)
        if (d[i].tag == tag)
            return d[i].vr;
    return "UN";
}

/* VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 table 7.1-1). */
static int long_vr(const char vr[2])
{
    static const char *l[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
    for (size_t i = 0; i < sizeof l / sizeof *l; i++)
        if (vr[0] == l[i][0] && vr[1] == l[i][1])
            return 1;
    return 0;
}

static int valid_vr(const uint8_t *p)
{
    return p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z';
}

static void ds_free(vx_dcm_ds *ds);

static void elem_free(vx_dcm_elem *e)
{
    for (size_t i = 0; i < e->nitems; i++)
        ds_free(&e->items[i]);
    free(e->items);
    free(e->frag);
    free(e->frag_len);
}

static void ds_free(vx_dcm_ds *ds)
{
    for (size_t i = 0; i < ds->n; i++)
        elem_free(&ds->el[i]);
    free(ds->el);
    ds->el = NULL;
    ds->n = 0;
}

static int fail(parser *ps, const uint8_t *at, const char *what, uint32_t tag)
{
    return vx_error_set(ps->err, VX_EFORMAT, "%s: not a valid DICOM file: %s in element (%04X,%04X) at byte %zu",
                        ps->name, what, (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF), (size_t)(at - ps->base));
}

static int oom(parser *ps)
{
    return vx_error_set(ps->err, VX_ENOMEM, "%s: out of memory parsing the DICOM data set", ps->name);
}

static vx_dcm_elem *push_elem(vx_dcm_ds *ds, size_t *cap)
{
    if (ds->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        vx_dcm_elem *e = realloc(ds->el, nc * sizeof *e);
        if (!e)
            return NULL;
        ds->el = e;
        *cap = nc;
    }
    vx_dcm_elem *e = &ds->el[ds->n++];
    memset(e, 0, sizeof *e);
    return e;
}

static int parse_ds(parser *ps, const uint8_t **pp, const uint8_t *end, int explicit_vr, int be, int depth,
                    int until_item_end, vx_dcm_ds *ds);

/* Items of a sequence: [*pp, end) for a defined length, else until the sequence delimiter. */
static int parse_items(parser *ps, const uint8_t **pp, const uint8_t *end, int undefined, int explicit_vr, int be,
                       int depth, vx_dcm_elem *e)
{
    const uint8_t *p = *pp;
    size_t cap = 0;
    for (;;) {
        if (!undefined && p == end)
            break;
        if (end - p < 8)
            return fail(ps, p, undefined ? "sequence without its delimiter" : "truncated sequence item", e->tag);
        uint32_t tag = (uint32_t)rd16(p, be) << 16 | rd16(p + 2, be);
        uint32_t len = rd32(p + 4, be);
        p += 8;
        if (tag == VX_DCM_SEQ_END) {
            if (!undefined)
                return fail(ps, p - 8, "sequence delimiter inside a defined-length sequence", e->tag);
            break;
        }
        if (tag != VX_DCM_ITEM)
            return fail(ps, p - 8, "expected an item tag (FFFE,E000) in the sequence", e->tag);
        if (e->nitems == cap) {
            size_t nc = cap ? cap * 2 : 8;
            vx_dcm_ds *it = realloc(e->items, nc * sizeof *it);
            if (!it)
                return oom(ps);
            e->items = it;
            cap = nc;
        }
        vx_dcm_ds *item = &e->items[e->nitems++];
        memset(item, 0, sizeof *item);
        item->big_endian = be;
        int rc;
        if (len == VX_DCM_UNDEFINED) {
            rc = parse_ds(ps, &p, end, explicit_vr, be, depth + 1, 1, item);
        } else {
            if (len > (size_t)(end - p))
                return fail(ps, p - 8, "item longer than its sequence", e->tag);
            const uint8_t *q = p;
            rc = parse_ds(ps, &q, p + len, explicit_vr, be, depth + 1, 0, item);
            p += len;
        }
        if (rc != VX_OK)
            return rc;
    }
    *pp = p;
    return VX_OK;
}

/* Fragments of encapsulated pixel data, up to the sequence delimiter. */
static int parse_fragments(parser *ps, const uint8_t **pp, const uint8_t *end, vx_dcm_elem *e)
{
    const uint8_t *p = *pp;
    size_t cap = 0;
    for (;;) {
        if (end - p < 8)
            return fail(ps, p, "encapsulated pixel data without its sequence delimiter", e->tag);
        uint32_t tag = (uint32_t)rd16(p, 0) << 16 | rd16(p + 2, 0);
        uint32_t len = rd32(p + 4, 0);
        p += 8;
        if (tag == VX_DCM_SEQ_END)
            break;
        if (tag != VX_DCM_ITEM || len == VX_DCM_UNDEFINED)
            return fail(ps, p - 8, "expected a defined-length fragment item in encapsulated pixel data", e->tag);
        if (len > (size_t)(end - p))
            return fail(ps, p - 8, "pixel data fragment runs past the end of the file", e->tag);
        if (e->nfrag == cap) {
            size_t nc = cap ? cap * 2 : 8;
            const uint8_t **f = realloc(e->frag, nc * sizeof *f);
            if (!f)
                return oom(ps);
            e->frag = f;
            uint32_t *fl = realloc(e->frag_len, nc * sizeof *fl);
            if (!fl)
                return oom(ps);
            e->frag_len = fl;
            cap = nc;
        }
        e->frag[e->nfrag] = p;
        e->frag_len[e->nfrag] = len;
        e->nfrag++;
        p += len;
    }
    *pp = p;
    return VX_OK;
}

static int parse_ds(parser *ps, const uint8_t **pp, const uint8_t *end, int explicit_vr, int be, int depth,
                    int until_item_end, vx_dcm_ds *ds)
{
    if (depth > MAX_DEPTH)
        return vx_error_set(ps->err, VX_EFORMAT, "%s: not a valid DICOM file: sequences nested deeper than %d",
                            ps->name, MAX_DEPTH);
    const uint8_t *p = *pp;
    size_t cap = 0;
    ds->big_endian = be;
    for (;;) {
        if (p == end) {
            if (until_item_end)
                return fail(ps, p, "item without its delimiter", 0);
            break;
        }
        if (end - p < 8)
            return fail(ps, p, "truncated element header", 0);
        uint32_t tag = (uint32_t)rd16(p, be) << 16 | rd16(p + 2, be);
        const uint8_t *start = p;
        if (tag == VX_DCM_ITEM_END) {
            p += 8;
            if (!until_item_end)
                return fail(ps, start, "item delimiter outside an item", tag);
            break;
        }
        if ((tag >> 16) == 0xFFFE)
            return fail(ps, start, "unexpected item tag in a data set", tag);
        char vr[3] = "UN";
        uint32_t len;
        if (explicit_vr) {
            if (!valid_vr(p + 4))
                return fail(ps, start, "invalid value representation", tag);
            vr[0] = (char)p[4];
            vr[1] = (char)p[5];
            if (long_vr(vr)) {
                if (end - p < 12)
                    return fail(ps, start, "truncated element header", tag);
                len = rd32(p + 8, be);
                p += 12;
            } else {
                len = rd16(p + 6, be);
                p += 8;
            }
        } else {
            len = rd32(p + 4, be);
            p += 8;
            memcpy(vr, dict_vr(tag), 3);
        }
        vx_dcm_elem *e = push_elem(ds, &cap);
        if (!e)
            return oom(ps);
        e->tag = tag;
        memcpy(e->vr, vr, 3);
        e->len = len;
        int rc = VX_OK;
        if (len == VX_DCM_UNDEFINED) {
            if (tag == VX_DCM_PIXEL_DATA) {
                rc = parse_fragments(ps, &p, end, e);
            } else if (!strcmp(vr, "SQ")) {
                rc = parse_items(ps, &p, end, 1, explicit_vr, be, depth, e);
            } else if (!strcmp(vr, "UN")) {
                /* PS3.5 6.2.2: an undefined-length UN is a sequence in implicit VR little endian */
                rc = parse_items(ps, &p, end, 1, 0, 0, depth, e);
            } else {
                rc = fail(ps, start, "undefined length on a value that cannot have one", tag);
            }
        } else {
            if (len > (size_t)(end - p))
                return vx_error_set(ps->err, VX_EFORMAT,
                                    "%s: truncated DICOM file: element (%04X,%04X) at byte %zu needs %u bytes but "
                                    "only %zu are left",
                                    ps->name, (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFF),
                                    (size_t)(start - ps->base), len, (size_t)(end - p));
            int seq = !strcmp(vr, "SQ");
            /* implicit VR or UN: a value that starts with an item tag is a sequence */
            if (!seq && (!explicit_vr || !strcmp(vr, "UN")) && len >= 8 && tag != VX_DCM_PIXEL_DATA &&
                rd16(p, explicit_vr ? be : 0) == 0xFFFE && rd16(p + 2, explicit_vr ? be : 0) == 0xE000) {
                seq = 1;
                memcpy(e->vr, "SQ", 3);
            }
            if (seq) {
                const uint8_t *q = p;
                int ivr = explicit_vr && strcmp(vr, "UN") != 0;
                rc = parse_items(ps, &q, p + len, 0, ivr, ivr ? be : 0, depth, e);
            } else {
                e->value = p;
            }
            p += len;
        }
        if (rc != VX_OK)
            return rc;
    }
    *pp = p;
    return VX_OK;
}

int vx_dcm_is_part10(const uint8_t *buf, size_t len)
{
    return len >= 132 && !memcmp(buf + 128, "DICM", 4);
}

static int inflate_ds(parser *ps, const uint8_t *src, size_t n, vx_dcm_file *f)
{
    size_t limit = n * (size_t)MAX_INFLATE_RATIO + 4096;
    if (limit > MAX_INFLATED)
        limit = MAX_INFLATED;
    size_t cap = n * 4 + 4096;
    if (cap > limit)
        cap = limit;
    uint8_t *out = malloc(cap);
    if (!out)
        return oom(ps);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
        free(out);
        return oom(ps);
    }
    size_t done = 0, in_done = 0;
    int zr = Z_OK;
    while (zr != Z_STREAM_END) {
        if (done == cap) {
            if (cap >= limit) {
                inflateEnd(&z);
                free(out);
                return vx_error_set(ps->err, VX_EFORMAT,
                                    "%s: deflated DICOM data set expands beyond %zu bytes: refusing it", ps->name,
                                    limit);
            }
            size_t nc = cap * 2 > limit ? limit : cap * 2;
            uint8_t *o = realloc(out, nc);
            if (!o) {
                inflateEnd(&z);
                free(out);
                return oom(ps);
            }
            out = o;
            cap = nc;
        }
        size_t in_chunk = n - in_done > 1u << 30 ? 1u << 30 : n - in_done;
        size_t out_chunk = cap - done > 1u << 30 ? 1u << 30 : cap - done;
        z.next_in = (Bytef *)(uintptr_t)(src + in_done);
        z.avail_in = (uInt)in_chunk;
        z.next_out = out + done;
        z.avail_out = (uInt)out_chunk;
        zr = inflate(&z, Z_NO_FLUSH);
        in_done += in_chunk - z.avail_in;
        done += out_chunk - z.avail_out;
        if (zr == Z_BUF_ERROR && in_done == n && z.avail_out > 0)
            break; /* input ended without an end marker: treat as truncated */
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            inflateEnd(&z);
            free(out);
            return vx_error_set(ps->err, VX_EFORMAT, "%s: corrupt deflated DICOM data set (%s)", ps->name,
                                z.msg ? z.msg : "inflate failed");
        }
    }
    inflateEnd(&z);
    if (zr != Z_STREAM_END) {
        free(out);
        return vx_error_set(ps->err, VX_EFORMAT, "%s: truncated deflated DICOM data set", ps->name);
    }
    f->inflated = out;
    f->inflated_len = done;
    return VX_OK;
}

int vx_dcm_parse(const char *name, uint8_t *buf, size_t len, vx_dcm_file *f, vx_error *err)
{
    memset(f, 0, sizeof *f);
    f->name = name;
    f->buf = buf;
    f->len = len;
    if (!buf && len)
        return vx_error_set(err, VX_EINVAL, "%s: NULL buffer", name);
    parser ps = {name, buf, err};
    const uint8_t *p = buf, *end = buf + len;
    int has_meta = 0;
    if (vx_dcm_is_part10(buf, len)) {
        p = buf + 132;
        has_meta = 1;
    } else if (len >= 8 && buf[0] == 0x02 && buf[1] == 0x00 && valid_vr(buf + 4)) {
        has_meta = 1; /* meta group without the preamble */
    }
    if (has_meta) {
        /* the meta group: explicit VR little endian, group 0002 only */
        size_t off = (size_t)(p - buf);
        while (len - off >= 8 && rd16(buf + off, 0) == 0x0002) {
            size_t step = long_vr((const char *)buf + off + 4)
                              ? (len - off >= 12 ? 12 + (size_t)rd32(buf + off + 8, 0) : len - off + 1)
                              : 8 + (size_t)rd16(buf + off + 6, 0);
            if (step > len - off)
                return vx_error_set(err, VX_EFORMAT, "%s: not a valid DICOM file: truncated file meta information",
                                    name);
            off += step;
        }
        int rc = parse_ds(&ps, &p, buf + off, 1, 0, 0, 0, &f->meta);
        if (rc != VX_OK)
            return rc;
        if (vx_dcm_str(&f->meta, VX_DCM_TRANSFER_SYNTAX, f->ts, sizeof f->ts) != 0 || !f->ts[0])
            return vx_error_set(err, VX_EFORMAT, "%s: not a valid DICOM file: no transfer syntax UID (0002,0010)",
                                name);
    } else {
        if (len < 8 || rd16(buf, 0) > 0x0FFF || rd16(buf, 0) == 0)
            return vx_error_set(err, VX_EFORMAT,
                                "%s: not a DICOM file (no 'DICM' marker and no data set at the start)", name);
        snprintf(f->ts, sizeof f->ts, "1.2.840.10008.1.2");
    }
    int kind;
    if (vx_dcm_ts_info(f->ts, &kind, &f->explicit_vr, &f->big_endian) != 0)
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: unsupported DICOM transfer syntax %s", name, f->ts);
    f->encapsulated = kind >= VX_TS_RLE;
    if (kind == VX_TS_DEFLATE) {
        int rc = inflate_ds(&ps, p, (size_t)(end - p), f);
        if (rc != VX_OK)
            return rc;
        p = f->inflated;
        end = f->inflated + f->inflated_len;
        ps.base = f->inflated;
    }
    return parse_ds(&ps, &p, end, f->explicit_vr, f->big_endian, 0, 0, &f->ds);
}

int vx_dcm_read(const char *path, vx_dcm_file *f, vx_error *err)
{
    memset(f, 0, sizeof *f);
    f->name = path;
    int prc = vx_path_check(path, 0, NULL, err); /* a fifo would block in fopen */
    if (prc != VX_OK)
        return prc;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0) {
        fclose(fp);
        return vx_error_set(err, VX_EIO, "%s: cannot read (not a regular file?)", path);
    }
    long sz = ftell(fp);
    if (sz < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return vx_error_set(err, VX_EIO, "%s: cannot read (not a regular file?)", path);
    }
    if ((unsigned long)sz > 0xFFFFFFFFul) {
        fclose(fp);
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: DICOM file larger than 4 GiB", path);
    }
    uint8_t *buf = malloc((size_t)sz ? (size_t)sz : 1);
    if (!buf) {
        fclose(fp);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory reading %ld bytes", path, sz);
    }
    size_t got = fread(buf, 1, (size_t)sz, fp);
    int bad = ferror(fp);
    fclose(fp);
    if (bad || got != (size_t)sz) {
        free(buf);
        return vx_error_set(err, VX_EIO, "%s: read error", path);
    }
    int rc = vx_dcm_parse(path, buf, (size_t)sz, f, err);
    if (rc != VX_OK)
        vx_dcm_free(f);
    return rc;
}

void vx_dcm_free(vx_dcm_file *f)
{
    if (!f)
        return;
    ds_free(&f->meta);
    ds_free(&f->ds);
    free(f->buf);
    free(f->inflated);
    memset(f, 0, sizeof *f);
}

const vx_dcm_elem *vx_dcm_find(const vx_dcm_ds *ds, uint32_t tag)
{
    if (!ds)
        return NULL;
    for (size_t i = 0; i < ds->n; i++)
        if (ds->el[i].tag == tag)
            return &ds->el[i];
    return NULL;
}

int vx_dcm_str(const vx_dcm_ds *ds, uint32_t tag, char *buf, size_t n)
{
    if (n)
        buf[0] = '\0';
    const vx_dcm_elem *e = vx_dcm_find(ds, tag);
    if (!e || !e->value)
        return e && e->len == 0 ? 0 : -1;
    size_t a = 0, b = e->len;
    while (a < b && (e->value[a] == ' ' || e->value[a] == '\0'))
        a++;
    while (b > a && (e->value[b - 1] == ' ' || e->value[b - 1] == '\0'))
        b--;
    if (n) {
        size_t m = b - a < n - 1 ? b - a : n - 1;
        memcpy(buf, e->value + a, m);
        buf[m] = '\0';
        /* embedded NULs would truncate silently: replace them */
        for (size_t i = 0; i < m; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
    }
    return 0;
}

static int vr_is(const vx_dcm_elem *e, const char *vr)
{
    return e->vr[0] == vr[0] && e->vr[1] == vr[1];
}

size_t vx_dcm_nums(const vx_dcm_ds *ds, uint32_t tag, double *v, size_t n)
{
    const vx_dcm_elem *e = vx_dcm_find(ds, tag);
    if (!e || !e->value || !n)
        return 0;
    const uint8_t *p = e->value;
    const int be = ds->big_endian;
    size_t k = 0;
    if (vr_is(e, "DS") || vr_is(e, "IS")) {
        char tmp[64];
        size_t i = 0;
        while (i <= e->len && k < n) {
            size_t j = i;
            while (j < e->len && p[j] != '\\')
                j++;
            size_t a = i, b = j;
            while (a < b && (p[a] == ' ' || p[a] == '\0'))
                a++;
            while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\0'))
                b--;
            if (b - a == 0 || b - a >= sizeof tmp)
                break;
            memcpy(tmp, p + a, b - a);
            tmp[b - a] = '\0';
            char *endp;
            double x = strtod(tmp, &endp);
            if (*endp || !isfinite(x))
                break;
            v[k++] = x;
            i = j + 1;
        }
        return k;
    }
    size_t w;
    if (vr_is(e, "US") || vr_is(e, "SS") || vr_is(e, "OW"))
        w = 2;
    else if (vr_is(e, "UL") || vr_is(e, "SL") || vr_is(e, "FL") || vr_is(e, "OF") || vr_is(e, "OL"))
        w = 4;
    else if (vr_is(e, "FD") || vr_is(e, "OD"))
        w = 8;
    else if (vr_is(e, "UN") || vr_is(e, "OB"))
        w = e->len == 4 ? 4 : 2; /* unknown binary: the common US / UL case */
    else
        return 0;
    for (k = 0; k < n && (k + 1) * w <= e->len; k++) {
        const uint8_t *q = p + k * w;
        if (w == 2) {
            uint16_t u = rd16(q, be);
            v[k] = vr_is(e, "SS") ? (double)(int16_t)u : (double)u;
        } else if (w == 4) {
            uint32_t u = rd32(q, be);
            if (vr_is(e, "SL"))
                v[k] = (double)(int32_t)u;
            else if (vr_is(e, "FL") || vr_is(e, "OF")) {
                float fl;
                memcpy(&fl, &u, 4);
                v[k] = fl;
            } else
                v[k] = (double)u;
        } else {
            uint64_t u = (uint64_t)rd32(q, be) << 32 | rd32(q + 4, be);
            if (!be)
                u = (uint64_t)rd32(q + 4, 0) << 32 | rd32(q, 0);
            double d;
            memcpy(&d, &u, 8);
            v[k] = d;
        }
    }
    return k;
}

int vx_dcm_num(const vx_dcm_ds *ds, uint32_t tag, double *v)
{
    return vx_dcm_nums(ds, tag, v, 1) == 1 ? 0 : -1;
}

const vx_dcm_ds *vx_dcm_seq(const vx_dcm_ds *ds, uint32_t tag, size_t *n)
{
    const vx_dcm_elem *e = vx_dcm_find(ds, tag);
    *n = e ? e->nitems : 0;
    return e && e->nitems ? e->items : NULL;
}

size_t vx_dcm_frame_nums(const vx_dcm_ds *ds, size_t k, uint32_t seq, uint32_t tag, double *v, size_t n)
{
    size_t ni, m;
    const vx_dcm_ds *pf = vx_dcm_seq(ds, VX_DCM_PER_FRAME_FG, &ni);
    const vx_dcm_ds *groups[2] = {pf && k < ni ? &pf[k] : NULL, vx_dcm_seq(ds, VX_DCM_SHARED_FG, &ni)};
    for (int g = 0; g < 2; g++) {
        const vx_dcm_ds *it = groups[g] ? vx_dcm_seq(groups[g], seq, &m) : NULL;
        size_t got = it ? vx_dcm_nums(&it[0], tag, v, n) : 0;
        if (got)
            return got;
    }
    return vx_dcm_nums(ds, tag, v, n);
}
