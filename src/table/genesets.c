/* Gene-set files: GMT, RNK and plain gene lists (voxomics/genesets.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/genesets.h"

typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

static int sv_push(strvec *s, const char *p, size_t len)
{
    if (s->n == s->cap) {
        const size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return VX_ENOMEM;
        s->v = v, s->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return VX_ENOMEM;
    memcpy(c, p, len);
    c[len] = '\0';
    s->v[s->n++] = c;
    return VX_OK;
}

static void sv_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static FILE *open_text(const char *path, vx_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    return f;
}

/* strip a trailing newline / carriage return */
static void chomp(char *s, ssize_t *len)
{
    while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
        s[--*len] = '\0';
}

/* the fields of one GMT line into names (first field) and genes (from the third) */
static int gmt_line(char *line, strvec *names, strvec *genes, size_t **off, size_t *cap)
{
    size_t field = 0;
    for (char *p = line;; field++) {
        char *tab = strchr(p, '\t');
        const size_t len = tab ? (size_t)(tab - p) : strlen(p);
        if (len && field != 1 && sv_push(field ? genes : names, p, len))
            return VX_ENOMEM;
        if (!field && !len)
            return VX_EFORMAT;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (names->n + 1 > *cap) {
        const size_t c = *cap ? 2 * *cap : 64;
        size_t *o = realloc(*off, c * sizeof *o);
        if (!o)
            return VX_ENOMEM;
        *off = o, *cap = c;
    }
    (*off)[names->n] = genes->n;
    return VX_OK;
}

int vx_genesets_read_gmt(const char *path, vx_genesets *gs, vx_error *err)
{
    memset(gs, 0, sizeof *gs);
    FILE *f = open_text(path, err);
    if (!f)
        return VX_EIO;
    strvec names = {0}, genes = {0};
    size_t *off = malloc(64 * sizeof *off), cap = 64, lineno = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = off ? VX_OK : VX_ENOMEM;
    if (off)
        off[0] = 0;
    while (!rc && (len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        chomp(line, &len);
        if (!len)
            continue;
        rc = gmt_line(line, &names, &genes, &off, &cap);
        if (rc == VX_EFORMAT)
            vx_error_set(err, rc, "%s:%zu: a GMT line must start with a set name (name<TAB>description<TAB>genes)",
                         path, lineno);
    }
    if (!rc && ferror(f))
        rc = vx_error_set(err, VX_EIO, "%s: read error", path);
    if (!rc && !names.n)
        rc = vx_error_set(err, VX_EFORMAT, "%s: no gene set (expected GMT: name<TAB>description<TAB>genes)", path);
    if (rc == VX_ENOMEM)
        vx_error_set(err, rc, "%s: out of memory", path);
    free(line);
    fclose(f);
    gs->n = names.n, gs->name = names.v, gs->gene = genes.v, gs->off = off;
    if (rc) {
        sv_free(&names), sv_free(&genes), free(off);
        memset(gs, 0, sizeof *gs);
    }
    return rc;
}

void vx_genesets_free(vx_genesets *gs)
{
    if (!gs)
        return;
    strvec a = {gs->name, gs->n, 0}, b = {gs->gene, gs->off ? gs->off[gs->n] : 0, 0};
    sv_free(&a), sv_free(&b);
    free(gs->off);
    memset(gs, 0, sizeof *gs);
}

void vx_genelist_free(vx_genelist *gl)
{
    if (!gl)
        return;
    strvec a = {gl->gene, gl->n, 0};
    sv_free(&a);
    free(gl->stat);
    memset(gl, 0, sizeof *gl);
}

/* one RNK line: gene and statistic; 1 when it is a header or comment to skip */
static int rnk_line(const char *path, size_t lineno, char *line, strvec *g, double **stat, size_t *cap,
                    vx_error *err)
{
    char *save = NULL, *gene = strtok_r(line, " \t", &save), *val = gene ? strtok_r(NULL, " \t", &save) : NULL;
    if (!gene || gene[0] == '#')
        return 1;
    char *end = NULL;
    const double v = val ? strtod(val, &end) : NAN;
    if (!val || end == val || *end || !isfinite(v)) {
        if (lineno == 1 || g->n == 0)
            return 1; /* a header line */
        return vx_error_set(err, VX_EFORMAT, "%s:%zu: '%s' is not a finite number (RNK: gene<TAB>statistic)", path,
                            lineno, val ? val : "");
    }
    if (g->n == *cap) {
        const size_t c = *cap ? 2 * *cap : 256;
        double *s = realloc(*stat, c * sizeof *s);
        if (!s)
            return VX_ENOMEM;
        *stat = s, *cap = c;
    }
    (*stat)[g->n] = v;
    return sv_push(g, gene, strlen(gene));
}

/* read lines of a RNK (rnk = 1) or a gene list */
static int read_list(const char *path, int rnk, vx_genelist *gl, vx_error *err)
{
    memset(gl, 0, sizeof *gl);
    FILE *f = open_text(path, err);
    if (!f)
        return VX_EIO;
    strvec g = {0};
    double *stat = NULL;
    size_t scap = 0, lineno = 0, lcap = 0;
    char *line = NULL;
    ssize_t len;
    int rc = VX_OK;
    while (!rc && (len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        chomp(line, &len);
        if (rnk) {
            rc = rnk_line(path, lineno, line, &g, &stat, &scap, err);
            rc = rc == 1 ? VX_OK : rc;
            continue;
        }
        char *save = NULL, *gene = strtok_r(line, " \t", &save);
        if (gene && gene[0] != '#')
            rc = sv_push(&g, gene, strlen(gene));
    }
    if (rc == VX_ENOMEM)
        vx_error_set(err, rc, "%s: out of memory", path);
    if (!rc && !g.n)
        rc = vx_error_set(err, VX_EFORMAT, "%s: no gene", path);
    free(line);
    fclose(f);
    gl->n = g.n, gl->gene = g.v, gl->stat = stat;
    if (rc)
        vx_genelist_free(gl);
    return rc;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int vx_genelist_read_rnk(const char *path, vx_genelist *gl, vx_error *err)
{
    int rc = read_list(path, 1, gl, err);
    if (rc)
        return rc;
    char **s = malloc((gl->n + 1) * sizeof *s);
    if (!s) {
        vx_genelist_free(gl);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    }
    memcpy(s, gl->gene, gl->n * sizeof *s);
    qsort(s, gl->n, sizeof *s, str_cmp);
    for (size_t i = 1; !rc && i < gl->n; i++)
        if (!strcmp(s[i - 1], s[i]))
            rc = vx_error_set(err, VX_EINVAL, "%s: gene '%s' appears twice", path, s[i]);
    free(s);
    if (rc)
        vx_genelist_free(gl);
    return rc;
}

int vx_genelist_read(const char *path, vx_genelist *gl, vx_error *err)
{
    return read_list(path, 0, gl, err);
}
