/* voxomics: CSV records (RFC 4180: quoted fields, possibly spanning lines; LF or CRLF; UTF-8 BOM).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "csv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Split one CSV record (RFC 4180 quoting) of line into fields (malloc'ed copies). Returns the count, -1 on
 * an unterminated quote or out of memory. */
int vx_csv_split(const char *line, char ***fields)
{
    char **f = NULL;
    int n = 0, cap = 0;
    const char *p = line;
    for (;;) {
        /* the field's length first: a copy sized by the rest of the line made reading a wide table quadratic */
        size_t len = 0, k = 0;
        if (*p == '"') {
            for (const char *q = p + 1; *q && !(*q == '"' && q[1] != '"'); q += *q == '"' ? 2 : 1)
                len++; /* the characters copied: "" is one, the text after the closing quote none */
        } else
            len = strcspn(p, ",");
        char *field = malloc(len + 1);
        if (!field)
            goto fail;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) {
                    free(field);
                    goto fail;
                }
                if (*p == '"' && p[1] == '"') {
                    field[k++] = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    field[k++] = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                field[k++] = *p++;
        }
        field[k] = '\0';
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **nf = realloc(f, (size_t)cap * sizeof *nf);
            if (!nf) {
                free(field);
                goto fail;
            }
            f = nf;
        }
        f[n++] = field;
        if (*p != ',')
            break;
        p++;
    }
    *fields = f;
    return n;
fail:
    for (int i = 0; i < n; i++)
        free(f[i]);
    free(f);
    return -1;
}

void vx_csv_free_fields(char **f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i]);
    free(f);
}


void vx_csv_trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[a] == ' ' || s[a] == '\t')
        a++;
    memmove(s, s + a, n - a + 1);
}


void vx_csv_reader_init(vx_csv_reader *r, FILE *f)
{
    memset(r, 0, sizeof *r);
    r->f = f;
}

void vx_csv_reader_free(vx_csv_reader *r)
{
    free(r->rec);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

static int append(vx_csv_reader *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t nc = 2 * (r->len + n + 1) + 256;
        char *p = realloc(r->rec, nc);
        if (!p)
            return -1;
        r->rec = p;
        r->cap = nc;
    }
    memcpy(r->rec + r->len, s, n);
    r->len += n;
    r->rec[r->len] = '\0';
    return 0;
}

/* Scanner states, the same grammar as vx_csv_split: a quote opens a quoted field only at a field's start;
 * after the closing quote everything up to the next comma is skipped. */
enum { AT_START, UNQUOTED, QUOTED, QUOTE_SEEN, AFTER_QUOTED };

int vx_csv_next(vx_csv_reader *r)
{
    for (;;) {
        r->len = 0;
        if (append(r, "", 0) != 0)
            return -2;
        int state = AT_START, started = 0;
        for (;;) {
            ssize_t got = getline(&r->buf, &r->bcap, r->f);
            if (got < 0) {
                if (!started)
                    return 0;
                return -1; /* a quoted field runs to the end of the file */
            }
            r->lines++;
            char *t = r->buf;
            if (r->lines == 1 && got >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
                (unsigned char)t[2] == 0xBF) {
                t += 3;
                got -= 3;
            }
            if (got > 0 && t[got - 1] == '\n')
                got--;
            if (got > 0 && t[got - 1] == '\r')
                got--;
            if (!started) {
                r->line = r->lines;
                started = 1;
            } else if (append(r, "\n", 1) != 0) {
                return -2;
            }
            if (append(r, t, (size_t)got) != 0)
                return -2;
            for (ssize_t k = 0; k < got; k++) {
                char ch = t[k];
                switch (state) {
                case AT_START:
                    state = ch == '"' ? QUOTED : ch == ',' ? AT_START : UNQUOTED;
                    break;
                case UNQUOTED:
                    if (ch == ',')
                        state = AT_START;
                    break;
                case QUOTED:
                    if (ch == '"')
                        state = QUOTE_SEEN;
                    break;
                case QUOTE_SEEN: /* "" is a quote inside the field, anything else ends it */
                    state = ch == '"' ? QUOTED : ch == ',' ? AT_START : AFTER_QUOTED;
                    break;
                default: /* AFTER_QUOTED */
                    if (ch == ',')
                        state = AT_START;
                    break;
                }
            }
            if (state != QUOTED)
                break; /* the record ends with this line */
        }
        if (r->len == 0)
            continue; /* blank line */
        r->row++;
        return 1;
    }
}
