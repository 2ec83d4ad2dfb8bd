/* voxomics associate | gsea | ora: radiogenomics statistics (voxomics/omics.h) on tables and gene-set files
 * (voxomics/table.h, voxomics/genesets.h); CSV results written atomically, an optional SVG heatmap.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "voxomics/genesets.h"
#include "voxomics/omics.h"

#define OMICS_EXITS "0  done\n1  a problem with the data or the files (one line naming it)\n2  wrong command line"

static int fail(const cli_command *c, const vx_error *err)
{
    fprintf(stderr, "voxomics %s: %s\n", c->name, err->msg);
    return 1;
}

/* ---- associate ----------------------------------------------------------------------------------------------- */
typedef struct assoc_opts {
    const char *id, *omics_id, *method, *out, *heatmap;
    long min_pairs, top;
    int by_rows, quiet;
    cli_list categorical, target, na;
} assoc_opts;
#define AO(f) offsetof(assoc_opts, f)

/* the samples and matrices of one association run */
typedef struct assoc_data {
    vx_table ft, ot;
    size_t n, px, py, pg;
    size_t *frow, *osmp; /* per used sample: its row in FEATURES, its row (or column with --omics-by-rows) in OMICS */
    size_t *fcol, *ycol, *gcol;
    double *x, *y;
    int *g, *k;
    const char **levels; /* pg x n level names */
} assoc_data;

static void assoc_free(assoc_data *d)
{
    vx_table_free(&d->ft), vx_table_free(&d->ot);
    free(d->frow), free(d->osmp), free(d->fcol), free(d->ycol), free(d->gcol);
    free(d->x), free(d->y), free(d->g), free(d->k), free(d->levels);
}

static int in_list(const cli_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

/* the sample IDs of OMICS: its rows, or its header (but the first column) with --omics-by-rows */
static const char *omics_sample(const assoc_data *d, int by_rows, size_t s)
{
    return by_rows ? d->ot.colnames[s] : VX_TABLE_ID(&d->ot, s);
}

/* match FEATURES rows to OMICS samples by ID (order of FEATURES) */
static int match_samples(const assoc_opts *o, assoc_data *d, const char *fpath, const char *opath, vx_error *err)
{
    const size_t ns = o->by_rows ? d->ot.ncol : d->ot.nrow;
    d->frow = malloc((d->ft.nrow + 1) * sizeof *d->frow);
    d->osmp = malloc((d->ft.nrow + 1) * sizeof *d->osmp);
    if (!d->frow || !d->osmp)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->ft.nrow; i++)
        for (size_t s = 0; s < ns; s++) {
            if ((o->by_rows && s == d->ot.id_col) || strcmp(VX_TABLE_ID(&d->ft, i), omics_sample(d, o->by_rows, s)))
                continue;
            d->frow[d->n] = i, d->osmp[d->n++] = s;
            break;
        }
    if (d->n < 3)
        return vx_error_set(err, VX_EINVAL, "%s and %s share %zu sample IDs; the association needs at least 3%s",
                            fpath, opath, d->n, o->by_rows ? "" : " (are the samples the columns? --omics-by-rows)");
    return VX_OK;
}

/* the numeric FEATURES columns into x (column-major, NaN missing) */
static int feature_matrix(assoc_data *d, vx_error *err)
{
    const vx_table *t = &d->ft;
    d->fcol = malloc((t->ncol + 1) * sizeof *d->fcol);
    d->x = malloc((t->ncol * d->n + 1) * sizeof *d->x);
    if (!d->fcol || !d->x)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t c = 0; c < t->ncol; c++) {
        if (c == t->id_col || !vx_table_col_numeric(t, c))
            continue;
        for (size_t i = 0; i < d->n; i++)
            d->x[d->px * d->n + i] = t->num[d->frow[i] * t->ncol + c];
        d->fcol[d->px++] = c;
    }
    if (!d->px)
        return vx_error_set(err, VX_EINVAL, "%s: no numeric feature column", t->path);
    return VX_OK;
}

/* level codes of a categorical OMICS column, levels sorted as R's factor (bytes) */
static void code_levels(const assoc_opts *o, assoc_data *d, size_t c, size_t j)
{
    const vx_table *t = &d->ot;
    const char **lev = d->levels + j * d->n;
    int nl = 0, *g = d->g + j * d->n;
    for (size_t i = 0; i < d->n; i++) {
        const size_t r = d->osmp[i];
        if (vx_table_cell_missing(t, r, c) == 1 || in_list(&o->na, t->cell[r * t->ncol + c])) {
            g[i] = -1;
            continue;
        }
        g[i] = 0; /* coded below */
        const char *v = t->cell[r * t->ncol + c];
        int k = 0;
        while (k < nl && strcmp(lev[k], v))
            k++;
        if (k == nl)
            lev[nl++] = v;
    }
    for (int a = 1; a < nl; a++) /* insertion sort of the few levels */
        for (int b = a; b > 0 && strcmp(lev[b - 1], lev[b]) > 0; b--) {
            const char *s = lev[b - 1];
            lev[b - 1] = lev[b], lev[b] = s;
        }
    for (size_t i = 0; i < d->n; i++) {
        if (g[i] < 0)
            continue;
        int k = 0;
        while (strcmp(lev[k], t->cell[d->osmp[i] * t->ncol + c]))
            k++;
        g[i] = k;
    }
    d->k[j] = nl;
}

/* the OMICS targets: numeric columns into y, categorical ones (text or --categorical) into g; by rows: every
 * row a numeric target */
static int target_matrix(const assoc_opts *o, assoc_data *d, vx_error *err)
{
    const vx_table *t = &d->ot;
    const size_t nt = o->by_rows ? t->nrow : t->ncol;
    d->ycol = malloc((nt + 1) * sizeof *d->ycol), d->gcol = malloc((nt + 1) * sizeof *d->gcol);
    d->y = malloc((nt * d->n + 1) * sizeof *d->y), d->g = malloc((nt * d->n + 1) * sizeof *d->g);
    d->k = malloc((nt + 1) * sizeof *d->k), d->levels = malloc((nt * d->n + 1) * sizeof *d->levels);
    if (!d->ycol || !d->gcol || !d->y || !d->g || !d->k || !d->levels)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t c = 0; c < nt; c++) {
        if ((!o->by_rows && c == t->id_col) ||
            (o->target.n && !in_list(&o->target, o->by_rows ? VX_TABLE_ID(t, c) : t->colnames[c])))
            continue;
        if (!o->by_rows && (in_list(&o->categorical, t->colnames[c]) || !vx_table_col_numeric(t, c))) {
            code_levels(o, d, c, d->pg);
            d->gcol[d->pg++] = c;
            continue;
        }
        for (size_t i = 0; i < d->n; i++)
            d->y[d->py * d->n + i] = o->by_rows ? t->num[c * t->ncol + d->osmp[i]] : t->num[d->osmp[i] * t->ncol + c];
        d->ycol[d->py++] = c;
    }
    if (!d->py && !d->pg)
        return vx_error_set(err, VX_EINVAL, "%s: no target%s", t->path, o->target.n ? " of --target found" : "");
    for (size_t i = 0; i < o->categorical.n; i++)
        if (o->by_rows || vx_table_col(t, o->categorical.v[i]) < 0)
            return vx_error_set(err, VX_EINVAL, "--categorical %s: no such column in %s%s", o->categorical.v[i],
                                t->path, o->by_rows ? " (with --omics-by-rows every row is a numeric target)" : "");
    return VX_OK;
}

static const char *target_name(const assoc_opts *o, const assoc_data *d, size_t j)
{
    if (j >= d->py)
        return d->ot.colnames[d->gcol[j - d->py]];
    return o->by_rows ? VX_TABLE_ID(&d->ot, d->ycol[j]) : d->ot.colnames[d->ycol[j]];
}

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.17g", v);
}

static int write_pairs(const assoc_opts *o, const assoc_data *d, const vx_assoc_pair *pr, size_t np, vx_error *err)
{
    vx_outfile *h;
    FILE *f = vx_outfile_open(o->out, &h, err);
    if (!f)
        return err->code;
    fputs("feature,target,n,rho,p,q\n", f);
    for (size_t i = 0; i < np; i++) {
        vx_csv_field(f, d->ft.colnames[d->fcol[pr[i].feature]]);
        fputc(',', f);
        vx_csv_field(f, target_name(o, d, pr[i].target));
        fprintf(f, ",%zu", pr[i].n);
        put_num(f, pr[i].rho), put_num(f, pr[i].p), put_num(f, pr[i].q);
        fputc('\n', f);
    }
    return vx_outfile_commit(h, err);
}

/* ---- the heatmap: top features x top targets by their smallest q, rho coloured (ColorBrewer RdBu) ---------- */
static void rdbu(double r, char *hex)
{
    static const double stop[3][3] = {{33, 102, 172}, {247, 247, 247}, {178, 24, 43}}; /* -1, 0, +1 */
    const double t = isnan(r) ? 0.0 : fmax(-1.0, fmin(1.0, r));
    const int lo = t < 0 ? 0 : 1;
    const double u = t < 0 ? t + 1.0 : t;
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(stop[lo][k] + u * (stop[lo + 1][k] - stop[lo][k]));
    snprintf(hex, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
}

static void svg_text(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
}

/* the first `top` distinct features and targets in p order (pairs are sorted by p) */
static size_t top_of(const vx_assoc_pair *pr, size_t np, int target, size_t top, size_t *pick)
{
    size_t m = 0;
    for (size_t i = 0; i < np && m < top; i++) {
        const size_t v = target ? pr[i].target : pr[i].feature;
        size_t k = 0;
        while (k < m && pick[k] != v)
            k++;
        if (k == m)
            pick[m++] = v;
    }
    return m;
}

static void svg_cells(FILE *f, const vx_assoc_pair *pr, size_t np, const size_t *fr, size_t nf, const size_t *tc,
                      size_t nt, int x0, int y0, int cell)
{
    for (size_t i = 0; i < np; i++) {
        size_t a = 0, b = 0;
        while (a < nf && fr[a] != pr[i].feature)
            a++;
        while (b < nt && tc[b] != pr[i].target)
            b++;
        if (a == nf || b == nt)
            continue;
        char hex[8];
        rdbu(pr[i].rho, hex);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>rho %.3f, q %.3g</title>"
                   "</rect>\n", x0 + (int)b * cell, y0 + (int)a * cell, cell, cell, hex, pr[i].rho, pr[i].q);
        if (pr[i].q < 0.05)
            fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"2\" fill=\"#000\"/>\n", x0 + (int)b * cell + cell / 2,
                    y0 + (int)a * cell + cell / 2);
    }
}

static int write_heatmap(const assoc_opts *o, const assoc_data *d, const vx_assoc_pair *pr, size_t np,
                         vx_error *err)
{
    const size_t top = (size_t)o->top;
    size_t *fr = malloc((top + 1) * sizeof *fr), *tc = malloc((top + 1) * sizeof *tc);
    vx_outfile *h;
    FILE *f = fr && tc ? vx_outfile_open(o->heatmap, &h, err) : NULL;
    if (!f) {
        free(fr), free(tc);
        return fr && tc ? err->code : vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    const size_t nf = top_of(pr, np, 0, top, fr), nt = top_of(pr, np, 1, top, tc);
    const int cell = 14, x0 = 260, y0 = 160, w = x0 + (int)nt * cell + 120, hh = y0 + (int)nf * cell + 40;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
               "font-size=\"10\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n", w, hh);
    fprintf(f, "<text x=\"4\" y=\"14\" font-size=\"12\">%s correlation, top %zu features x %zu targets by p "
               "(dot: q &lt; 0.05)</text>\n", o->method, nf, nt);
    svg_cells(f, pr, np, fr, nf, tc, nt, x0, y0, cell);
    for (size_t a = 0; a < nf; a++) {
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", x0 - 4, y0 + (int)a * cell + cell - 3);
        svg_text(f, d->ft.colnames[d->fcol[fr[a]]]);
        fputs("</text>\n", f);
    }
    for (size_t b = 0; b < nt; b++) {
        const int x = x0 + (int)b * cell + cell - 4;
        fprintf(f, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-60 %d %d)\">", x, y0 - 4, x, y0 - 4);
        svg_text(f, target_name(o, d, tc[b]));
        fputs("</text>\n", f);
    }
    const int lx = x0 + (int)nt * cell + 20; /* legend: -1 .. +1 */
    for (int s = 0; s <= 20; s++) {
        char hex[8];
        rdbu(1.0 - s / 10.0, hex);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"5\" fill=\"%s\"/>\n", lx, y0 + s * 5, hex);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\">+1</text>\n<text x=\"%d\" y=\"%d\">0</text>\n<text x=\"%d\" y=\"%d\">-1"
               "</text>\n</svg>\n", lx + 16, y0 + 6, lx + 16, y0 + 54, lx + 16, y0 + 104);
    free(fr), free(tc);
    return vx_outfile_commit(h, err);
}

static int assoc_compute(const assoc_opts *o, assoc_data *d, vx_assoc_pair **pairs, size_t *np, vx_error *err)
{
    const vx_cor_method m = !strcmp(o->method, "pearson") ? VX_COR_PEARSON
                            : !strcmp(o->method, "kendall") ? VX_COR_KENDALL
                                                            : VX_COR_SPEARMAN;
    vx_assoc_pair *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    int rc = vx_associate(m, d->x, d->n, d->px, d->y, d->py, (size_t)o->min_pairs, &a, &na, err);
    if (!rc && d->pg)
        rc = vx_associate_groups(d->x, d->n, d->px, d->g, d->k, d->pg, (size_t)o->min_pairs, &b, &nb, err);
    if (!rc && nb) {
        vx_assoc_pair *c = realloc(a, (na + nb + 1) * sizeof *c);
        if (!c)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        else {
            a = c;
            for (size_t i = 0; i < nb; i++) {
                a[na + i] = b[i];
                a[na + i].target += d->py; /* categorical targets follow the numeric ones */
            }
            na += nb;
            rc = vx_assoc_adjust(a, na, err);
        }
    }
    free(b);
    if (rc)
        free(a), a = NULL, na = 0;
    *pairs = a, *np = na;
    return rc;
}

static int run_associate(const cli_command *c, int argc, char **argv)
{
    assoc_opts o = {.method = "spearman", .min_pairs = 3, .top = 30};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos != 2)
        return cli_usage_error(c, "give FEATURES.csv and OMICS.csv", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o PAIRS.csv is required", NULL);
    if (strcmp(o.method, "spearman") && strcmp(o.method, "pearson") && strcmp(o.method, "kendall"))
        return cli_usage_error(c, "--method must be spearman, pearson or kendall", o.method);
    vx_error err = {0};
    assoc_data d = {0};
    vx_assoc_pair *pairs = NULL;
    size_t np = 0;
    int rc = vx_table_read(pos[0], o.id, &d.ft, &err);
    if (!rc)
        rc = vx_table_read(pos[1], o.by_rows ? NULL : o.omics_id ? o.omics_id : o.id, &d.ot, &err);
    if (!rc)
        rc = match_samples(&o, &d, pos[0], pos[1], &err);
    if (!rc)
        rc = feature_matrix(&d, &err);
    if (!rc)
        rc = target_matrix(&o, &d, &err);
    if (!rc)
        rc = assoc_compute(&o, &d, &pairs, &np, &err);
    if (!rc)
        rc = write_pairs(&o, &d, pairs, np, &err);
    if (!rc && o.heatmap)
        rc = write_heatmap(&o, &d, pairs, np, &err);
    if (!rc && !o.quiet)
        fprintf(stderr, "%zu samples, %zu features x %zu numeric + %zu categorical targets: %zu pairs tested\n", d.n,
                d.px, d.py, d.pg, np);
    free(pairs);
    assoc_free(&d);
    return rc ? fail(c, &err) : 0;
}

static const cli_opt assoc_table[] = {
    {"--output", "-o", "PAIRS.csv", "required", "the pairs: feature,target,n,rho,p,q sorted by p", CLI_STR, AO(out),
     0, 0, 0},
    {"--method", NULL, "spearman|pearson|kendall", "spearman", "the correlation of numeric targets", CLI_STR,
     AO(method), 0, 0, 0},
    {"--id", NULL, "COL", "the first column", "the sample ID column of FEATURES (and of OMICS without "
     "--omics-by-rows)", CLI_STR, AO(id), 0, 0, 0},
    {"--omics-id", NULL, "COL", "the --id name", "the sample ID column of OMICS when it is named otherwise",
     CLI_STR, AO(omics_id), 0, 0, 0},
    {"--target", NULL, "NAME", "every column (row)", "test only this OMICS target; may be repeated", CLI_LIST,
     AO(target), 0, 0, 0},
    {"--omics-by-rows", NULL, NULL, NULL, "OMICS has one target a row (genes) and one sample a column (header: "
     "sample IDs)", CLI_FLAG, AO(by_rows), 0, 0, 1},
    {"--min-pairs", NULL, "N", "3", "pairs with fewer complete samples are not tested", CLI_INT, AO(min_pairs), 3,
     1e9, 0},
    {"--categorical", NULL, "COL", "text columns", "an OMICS column tested as groups (Mann-Whitney for two levels, "
     "Kruskal-Wallis for more); may be repeated", CLI_LIST, AO(categorical), 0, 0, 0},
    {"--na", NULL, "TEXT", "none", "a level of categorical targets read as missing (e.g. Unknown); may be repeated",
     CLI_LIST, AO(na), 0, 0, 0},
    {"--heatmap", NULL, "HEAT.svg", NULL, "an SVG heatmap of rho, top features x top targets by p", CLI_STR,
     AO(heatmap), 0, 0, 0},
    {"--top", NULL, "N", "30", "features and targets in the heatmap", CLI_INT, AO(top), 1, 1000, 0},
    CLI_QUIET(assoc_opts),
    CLI_END};

const cli_command cli_cmd_associate = {
    "associate",
    "correlate every feature with every omics target (Spearman, Pearson, Kendall; group tests), BH q values",
    "FEATURES.csv OMICS.csv [--omics-by-rows] [--id COL] [--method spearman|pearson|kendall] [--min-pairs N] "
    "-o PAIRS.csv [--heatmap HEAT.svg]",
    "FEATURES.csv  one row per sample: the ID column and numeric features\n"
    "OMICS.csv     targets (genes, mutation status): one sample a row, or a column with --omics-by-rows",
    assoc_table,
    "Pairwise-complete: each pair uses the samples with a number on both sides; p by the t approximation "
    "(R's cor.test, exact = FALSE; Kendall: normal approximation with tie correction); BH over all pairs. "
    "Text targets: Mann-Whitney (wilcox.test, exact = FALSE, correct = TRUE; rho: rank-biserial) or "
    "Kruskal-Wallis (rho empty). See docs/radiogenomics.md.",
    "voxomics associate features.csv rnaseq.csv --omics-by-rows --id SubjectID --min-pairs 20 -o pairs.csv",
    OMICS_EXITS,
    run_associate};

/* ---- gsea ---------------------------------------------------------------------------------------------------- */
typedef struct gsea_opts {
    const char *out, *universe, *feature;
    long min_size, max_size, perms, seed;
    int quiet;
} gsea_opts;
#define GO(f) offsetof(gsea_opts, f)

static void write_gsea(FILE *f, const vx_genelist *rk, const vx_genesets *gs, const vx_gsea_run *run)
{
    fputs("set,size,es,nes,p,q,leading_edge\n", f);
    for (size_t t = 0; t < run->ntested; t++) {
        const vx_gsea_result *g = &run->res[t];
        vx_csv_field(f, gs->name[run->set[t]]);
        fprintf(f, ",%zu,%.17g", g->size, g->es);
        put_num(f, g->nes), put_num(f, g->p), put_num(f, g->q);
        fputs(",\"", f);
        for (size_t i = 0; i < g->le_count; i++) { /* ES < 0: from the bottom of the ranking */
            const size_t j = g->es > 0.0 ? g->le_first + i : g->le_first + g->le_count - 1 - i;
            const char *name = rk->gene[run->order[run->hit[run->off[t] + j]]];
            fprintf(f, "%s%s", i ? ";" : "", name);
        }
        fputs("\"\n", f);
    }
}

/* the ranking of --feature F from a PAIRS.csv of associate: its targets and their rho */
static int ranks_from_pairs(const char *path, const char *feature, vx_genelist *gl, vx_error *err)
{
    vx_table t = {0};
    memset(gl, 0, sizeof *gl);
    int rc = vx_table_read_long(path, "feature", &t, err);
    const long tc = rc ? -1 : vx_table_col(&t, "target"), rho_c = rc ? -1 : vx_table_col(&t, "rho");
    if (!rc && (tc < 0 || rho_c < 0))
        rc = vx_error_set(err, VX_EFORMAT, "%s: no target and rho columns (a PAIRS.csv of voxomics associate?)", path);
    if (!rc) {
        gl->gene = malloc((t.nrow + 1) * sizeof *gl->gene);
        gl->stat = malloc((t.nrow + 1) * sizeof *gl->stat);
        if (!gl->gene || !gl->stat)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; !rc && i < t.nrow; i++) {
        const double v = t.num[i * t.ncol + (size_t)rho_c];
        if (strcmp(VX_TABLE_ID(&t, i), feature) || isnan(v))
            continue;
        if (!(gl->gene[gl->n] = strdup(t.cell[i * t.ncol + (size_t)tc])))
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        else
            gl->stat[gl->n++] = v;
    }
    if (!rc && !gl->n)
        rc = vx_error_set(err, VX_EINVAL, "%s: no pair of feature '%s' with a rho", path, feature);
    vx_table_free(&t);
    if (rc)
        vx_genelist_free(gl);
    return rc;
}

static int run_gsea(const cli_command *c, int argc, char **argv)
{
    gsea_opts o = {.min_size = 15, .max_size = 500, .perms = 0, .seed = 1};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos != 2)
        return cli_usage_error(c, "give RANKS.rnk and SETS.gmt", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o RESULT.csv is required", NULL);
    if (o.max_size < o.min_size)
        return cli_usage_error(c, "--max-size must be at least --min-size", NULL);
    vx_error err = {0};
    vx_genelist rk = {0};
    vx_genesets gs = {0};
    vx_gsea_run run = {0};
    vx_outfile *h;
    FILE *f = NULL;
    int rc = o.feature ? ranks_from_pairs(pos[0], o.feature, &rk, &err) : vx_genelist_read_rnk(pos[0], &rk, &err);
    if (!rc)
        rc = vx_genesets_read_gmt(pos[1], &gs, &err);
    if (!rc)
        rc = vx_gsea_sets((const char *const *)rk.gene, rk.stat, rk.n, (const char *const *)gs.gene, gs.off, gs.n,
                          (size_t)o.min_size, (size_t)o.max_size, (size_t)o.perms, (uint64_t)o.seed, &run, &err);
    if (!rc && !(f = vx_outfile_open(o.out, &h, &err)))
        rc = err.code;
    if (!rc) {
        write_gsea(f, &rk, &gs, &run);
        rc = vx_outfile_commit(h, &err);
    }
    if (!rc && !o.quiet)
        fprintf(stderr, "%zu ranked genes, %zu of %zu sets tested (size %ld..%ld), %ld permutations\n", rk.n,
                run.ntested, gs.n, o.min_size, o.max_size, o.perms);
    vx_gsea_run_free(&run);
    vx_genesets_free(&gs);
    vx_genelist_free(&rk);
    return rc ? fail(c, &err) : 0;
}

static const cli_opt gsea_table[] = {
    {"--output", "-o", "RESULT.csv", "required", "one row per tested set: set,size,es,nes,p,q,leading_edge",
     CLI_STR, GO(out), 0, 0, 0},
    {"--min-size", NULL, "N", "15", "sets with fewer ranked genes are not tested", CLI_INT, GO(min_size), 1, 1e9, 0},
    {"--max-size", NULL, "N", "500", "sets with more ranked genes are not tested", CLI_INT, GO(max_size), 1, 1e9, 0},
    {"--permutations", NULL, "N", "0: ES only", "random gene sets per set size for NES, p and q", CLI_INT,
     GO(perms), 0, 1e8, 0},
    {"--feature", NULL, "NAME", NULL, "RANKS is a PAIRS.csv of associate: rank the targets by this feature's rho",
     CLI_STR, GO(feature), 0, 0, 0},
    {"--seed", NULL, "S", "1", "the seed of the permutations", CLI_INT, GO(seed), 0, 9e18, 0},
    CLI_QUIET(gsea_opts),
    CLI_END};

const cli_command cli_cmd_gsea = {
    "gsea",
    "pre-ranked gene-set enrichment: exact enrichment scores, leading edges, permutation NES, p and BH q",
    "RANKS.rnk SETS.gmt [--min-size 15 --max-size 500] [--permutations N --seed S] -o RESULT.csv",
    "RANKS.rnk  gene<TAB>statistic lines (a header line is skipped), or a PAIRS.csv with --feature\n"
    "SETS.gmt   gene sets: name<TAB>description<TAB>genes",
    gsea_table,
    "ES: weighted Kolmogorov-Smirnov running sum (weight 1) as fgsea; NES and p by random sets of the same size "
    "(fgsea's simple method). See docs/radiogenomics.md.",
    "voxomics gsea ranks.rnk reactome.gmt --permutations 1000 --seed 1 -o gsea.csv",
    OMICS_EXITS,
    run_gsea};

/* ---- ora ----------------------------------------------------------------------------------------------------- */
static void write_ora(FILE *f, const vx_genesets *gs, const vx_ora_result *res, const unsigned char *ov)
{
    fputs("set,size,overlap,expected,p,q,genes\n", f);
    for (size_t s = 0; s < gs->n; s++) {
        if (!res[s].size)
            continue;
        vx_csv_field(f, gs->name[s]);
        fprintf(f, ",%zu,%zu", res[s].size, res[s].overlap);
        put_num(f, res[s].expected), put_num(f, res[s].p), put_num(f, res[s].q);
        fputs(",\"", f);
        for (size_t j = gs->off[s], k = 0; j < gs->off[s + 1]; j++)
            if (ov[j])
                fprintf(f, "%s%s", k++ ? ";" : "", gs->gene[j]);
        fputs("\"\n", f);
    }
}

static int run_ora(const cli_command *c, int argc, char **argv)
{
    gsea_opts o = {0};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos != 2)
        return cli_usage_error(c, "give GENES.txt and SETS.gmt", NULL);
    if (!o.out || !o.universe)
        return cli_usage_error(c, "-o RESULT.csv and --universe UNIVERSE.txt are required", NULL);
    vx_error err = {0};
    vx_genelist sel = {0}, uni = {0};
    vx_genesets gs = {0};
    vx_ora_result *res = NULL;
    unsigned char *ov = NULL;
    size_t N = 0, n = 0;
    vx_outfile *h;
    FILE *f = NULL;
    int rc = vx_genelist_read(pos[0], &sel, &err);
    if (!rc)
        rc = vx_genelist_read(o.universe, &uni, &err);
    if (!rc)
        rc = vx_genesets_read_gmt(pos[1], &gs, &err);
    if (!rc && (!(res = malloc((gs.n + 1) * sizeof *res)) || !(ov = malloc(gs.off[gs.n] + 1))))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    if (!rc)
        rc = vx_ora((const char *const *)uni.gene, uni.n, (const char *const *)sel.gene, sel.n,
                    (const char *const *)gs.gene, gs.off, gs.n, res, ov, &N, &n, &err);
    if (!rc && !(f = vx_outfile_open(o.out, &h, &err)))
        rc = err.code;
    if (!rc) {
        write_ora(f, &gs, res, ov);
        rc = vx_outfile_commit(h, &err);
    }
    if (!rc && !o.quiet)
        fprintf(stderr, "universe %zu annotated genes of %zu tested, %zu selected in it, %zu sets\n", N, uni.n, n,
                gs.n);
    free(res), free(ov);
    vx_genesets_free(&gs), vx_genelist_free(&sel), vx_genelist_free(&uni);
    return rc ? fail(c, &err) : 0;
}

static const cli_opt ora_table[] = {
    {"--output", "-o", "RESULT.csv", "required", "one row per set with annotated genes: set,size,overlap,expected,"
     "p,q,genes", CLI_STR, GO(out), 0, 0, 0},
    {"--universe", NULL, "UNIVERSE.txt", "required", "the tested genes, one a line; those in a set form the "
     "universe", CLI_STR, GO(universe), 0, 0, 0},
    CLI_QUIET(gsea_opts),
    CLI_END};

const cli_command cli_cmd_ora = {
    "ora",
    "over-representation of a gene list in gene sets: hypergeometric upper tail and BH q",
    "GENES.txt SETS.gmt --universe UNIVERSE.txt -o RESULT.csv",
    "GENES.txt  the selected genes, one a line\n"
    "SETS.gmt   gene sets: name<TAB>description<TAB>genes",
    ora_table,
    "p = P(X >= overlap), X hypergeometric (R's phyper(k - 1, K, N - K, n, lower.tail = FALSE)); the universe is "
    "the tested genes annotated to at least one set. See docs/radiogenomics.md.",
    "voxomics ora hits.txt go.gmt --universe tested.txt -o ora.csv",
    OMICS_EXITS,
    run_ora};
