/* voxomics: NRRD header reading: the text up to its blank line, split into lines in place, each line a field, a
 * key/value pair or a comment; then the fields are interpreted (fields.c). See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

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
            nrrd_errno_text(errno, eb, sizeof eb);
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

void nrrd_free_header(nrrd_hdr *h)
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
        if (strcmp(norm, NRRD_FIELD_KEY[f]) == 0)
            return f;
    return -1;
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
            while (n > 0 && nrrd_is_ws(line[n - 1]))
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
                              lineno, NRRD_FIELD_NAME[f], h->line[f]);
            break;
        }
        char *v = (char *)nrrd_skip_ws(colon + 1);
        size_t vl = strlen(v);
        while (vl > 0 && nrrd_is_ws(v[vl - 1]))
            v[--vl] = '\0';
        h->field[f] = v;
        h->line[f] = lineno;
        if (f == F_DATA_FILE && strncasecmp(v, "LIST", 4) == 0 && (v[4] == '\0' || nrrd_is_ws(v[4])))
            in_list = 1;
    }
    if (rc == VX_OK && lineno == 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: empty header", h->path);
    if (rc == VX_OK)
        rc = nrrd_interpret_fields(h, list, nlist, err);
    if (rc != VX_OK || h->df_mode != DF_LIST) {
        free((void *)list);
        h->df_list = NULL;
    }
    return rc;
}

/* Open path, read and parse its header. */
int nrrd_load_header(const char *path, nrrd_hdr *h, vx_error *err)
{
    memset(h, 0, sizeof *h);
    h->path = path;
    struct stat st;
    if (stat(path, &st) != 0)
        return nrrd_open_error(path, errno, "", err);
    if (!S_ISREG(st.st_mode)) /* a fifo would block in fopen */
        return vx_path_check(path, 0, NULL, err);
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return nrrd_open_error(path, errno, "", err);
    int rc = read_header_text(path, f, &h->text, &h->data_off, err);
    fclose(f);
    if (rc == VX_OK)
        rc = parse_header(h, err);
    if (rc != VX_OK) {
        nrrd_free_header(h);
        h->path = path;
    }
    return rc;
}
