/* voxomics: CSV records (RFC 4180 quoting within one line).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

/* Split one CSV record (RFC 4180 quoting) of line into fields (malloc'ed copies). Returns the count, -1 on
 * an unterminated quote or out of memory. */
int vx_csv_split(const char *line, char ***fields)
{
    char **f = NULL;
    int n = 0, cap = 0;
    const char *p = line;
    for (;;) {
        size_t len = strlen(p), k = 0;
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
