/* Omics statistics (voxomics/omics.h; `voxomics associate`, `gsea`, `ora`) against external references.
 *
 * R 4 (numbers printed by scripts/omics_reference.R, pasted here or in tests/data/stats/omics_pairs_ref.csv):
 *   - a 10-sample worked case: cor.test (spearman, pearson, kendall; exact = FALSE), wilcox.test (exact = FALSE,
 *     correct = TRUE) of two groups, kruskal.test of three, p.adjust(method = "BH"), pt, pchisq, phyper;
 *   - the NSCLC radiogenomics association (CaPTk x RNA-seq, Spearman, pairwise-complete, min 20 pairs, 127
 *     samples, 102,000 pairs): sampled pairs (the 20 smallest p, 20 with missing samples, 20 spread over the
 *     rest; 59 distinct) with n, rho, p and the BH q over all pairs; Pearson and Kendall on two pairs.
 * fgsea (external files of $VOXOMICS_DATA/stats/genesets): the ES and sizes of all 586 pathways of
 *   fgsea_res_reference.tsv (1e-10) and the 20 ES of fgsea's C++ core (fgsea_cpp_*, 1e-12).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/genesets.h"
#include "voxomics/omics.h"
#include "vx_test.h"

static const double X10[10] = {1.2, 3.4, 2.2, 5.0, 4.4, 3.4, 0.5, 2.8, 3.9, 6.1};
static const double Y10[10] = {2.0, 2.9, 2.5, 4.1, 3.0, 3.8, 1.1, 2.2, 4.4, 5.0};

static void test_small_vs_r(void **state)
{
    (void)state;
    vx_error err = {0};
    static const double rho[3] = {0.91793737095689754, 0.90350288782843358, 0.80903983495589049};
    static const double p[3] = {0.00017953021778898545, 0.00033716073332812455, 0.0012254240706707099};
    for (int m = 0; m < 3; m++) {
        double r, pv;
        size_t n;
        assert_int_equal(vx_cor_test((vx_cor_method)m, X10, Y10, 10, &r, &pv, &n, &err), VX_OK);
        assert_int_equal(n, 10);
        vx_assert_near_rel(r, rho[m], 1e-12);
        vx_assert_near_rel(pv, p[m], 1e-10);
    }
    /* groups a, b (Mann-Whitney, level c left out) and a, b, c (Kruskal-Wallis) */
    const int g2[10] = {0, 1, 0, 1, 1, 0, 0, 1, -1, -1}, g3[10] = {0, 1, 0, 1, 1, 0, 0, 1, 2, 2};
    double stat, rb, pv;
    size_t n;
    assert_int_equal(vx_group_test(X10, g2, 10, 2, &stat, &rb, &pv, &n, &err), VX_OK);
    assert_int_equal(n, 8);
    vx_assert_near(stat, 1.5, 1e-15);
    vx_assert_near_rel(pv, 0.081429102359891106, 1e-12);
    vx_assert_near_rel(rb, 1.0 - 2.0 * 1.5 / 16.0, 1e-15);
    assert_int_equal(vx_group_test(X10, g3, 10, 3, &stat, &rb, &pv, &n, &err), VX_OK);
    vx_assert_near_rel(stat, 5.5564024390243913, 1e-12);
    vx_assert_near_rel(pv, 0.062150201460373221, 1e-12);
    assert_true(isnan(rb));
    /* BH */
    const double pp[8] = {0.01, 0.04, 0.03, 0.2, 0.5, 0.001, 0.04, 0.9};
    const double qq[8] = {0.04, 0.064, 0.064, 0.26666666666666666, 0.5714285714285714, 0.008, 0.064, 0.9};
    double q[8];
    assert_int_equal(vx_bh(pp, 8, q, &err), VX_OK);
    for (int i = 0; i < 8; i++)
        vx_assert_near_rel(q[i], qq[i], 1e-14);
    /* distributions and ORA */
    vx_assert_near_rel(vx_t_p2(3.1, 17), 0.0065045393855642352, 1e-12);
    vx_assert_near_rel(vx_chisq_upper(7.3, 3), 0.062926236459043175, 1e-12);
    vx_assert_near_rel(vx_ora_p(12, 150, 12000, 300), 0.00038093107759155079, 1e-11);
    vx_assert_near_rel(vx_ora_p(3, 40, 500, 25), 0.32252898128501406, 1e-11);
    assert_true(vx_ora_p(0, 40, 500, 25) == 1.0 && vx_ora_p(26, 40, 500, 25) == 0.0);
}

/* the CaPTk x RNA-seq matrices: 127 samples (FEATURES order), NaN missing ("#NAME?", empty cells) */
#include "voxomics/table.h"
static void load_nsclc(size_t *n, double **x, size_t *px, double **y, size_t *py, vx_table *f, vx_table *o)
{
    vx_error err = {0};
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", f,
                                   &err), VX_OK);
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/rnaseq_top1000var_log10_zscore.csv"),
                                   NULL, o, &err), VX_OK);
    size_t *fr = malloc(f->nrow * sizeof *fr), *oc = malloc(f->nrow * sizeof *oc), m = 0;
    for (size_t i = 0; i < f->nrow; i++)
        for (size_t c = 1; c < o->ncol; c++)
            if (!strcmp(VX_TABLE_ID(f, i), o->colnames[c])) {
                fr[m] = i, oc[m++] = c;
                break;
            }
    *n = m, *px = f->ncol - 1, *py = o->nrow;
    *x = malloc(*px * m * sizeof **x), *y = malloc(*py * m * sizeof **y);
    for (size_t j = 0; j < *px; j++)
        for (size_t i = 0; i < m; i++)
            (*x)[j * m + i] = f->num[fr[i] * f->ncol + j + 1];
    for (size_t j = 0; j < *py; j++)
        for (size_t i = 0; i < m; i++)
            (*y)[j * m + i] = o->num[j * o->ncol + oc[i]];
    free(fr), free(oc);
}

static void check_pair(const vx_assoc_pair *pr, size_t np, const vx_table *f, const vx_table *o, char **fl)
{
    for (size_t i = 0; i < np; i++)
        if (!strcmp(f->colnames[pr[i].feature + 1], fl[0]) && !strcmp(VX_TABLE_ID(o, pr[i].target), fl[1])) {
            assert_int_equal(pr[i].n, (size_t)atol(fl[2]));
            vx_assert_near_rel(pr[i].rho, atof(fl[3]), 1e-10);
            vx_assert_near_rel(pr[i].p, atof(fl[4]), 1e-10);
            vx_assert_near_rel(pr[i].q, atof(fl[5]), 1e-10);
            return;
        }
    fail_msg("pair %s x %s not in the result", fl[0], fl[1]);
}

static void test_association_vs_r(void **state)
{
    (void)state;
    vx_table f = {0}, o = {0};
    double *x, *y;
    size_t n, px, py, np;
    load_nsclc(&n, &x, &px, &y, &py, &f, &o);
    assert_int_equal(n, 127);
    vx_assoc_pair *pr;
    vx_error err = {0};
    assert_int_equal(vx_associate(VX_COR_SPEARMAN, x, n, px, y, py, 20, &pr, &np, &err), VX_OK);
    assert_int_equal(np, 102000);
    char path[4096], line[1024], *fl[8];
    snprintf(path, sizeof path, "%s/tests/data/stats/omics_pairs_ref.csv", getenv("VX_SOURCE_DIR"));
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t checked = 0;
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        assert_int_equal(vx_test_csv_split(line, fl, 8), 6);
        check_pair(pr, np, &f, &o, fl);
        checked++;
    }
    fclose(fp);
    assert_int_equal(checked, 59);
    for (size_t i = 1; i < np; i++)
        assert_true(pr[i - 1].p <= pr[i].p);
    free(pr);
    /* Pearson and Kendall (cor.test exact = FALSE) on one complete and one incomplete pair */
    const char *names[2][2] = {{"T1_ED_Intensity_Skewness", "HOPX"}, {"T1_ED_Intensity_Mean", "NR3C2"}};
    const double ref[2][2][3] = {{{127, 0.48196890965144951, 9.6299353310452432e-09},
                                  {127, 0.3565804274465692, 2.7532354626991225e-09}},
                                 {{120, -0.42490536945198232, 1.3172173878667253e-06},
                                  {120, -0.36666666666666664, 2.8807400155684665e-09}}};
    for (int k = 0; k < 2; k++) {
        const long fc = vx_table_col(&f, names[k][0]) - 1;
        long tr = -1;
        for (size_t r = 0; r < o.nrow; r++)
            if (!strcmp(VX_TABLE_ID(&o, r), names[k][1]))
                tr = (long)r;
        assert_true(fc >= 0 && tr >= 0);
        for (int m = 1; m <= 2; m++) {
            double r, p;
            size_t used;
            assert_int_equal(vx_cor_test((vx_cor_method)m, x + fc * n, y + tr * n, n, &r, &p, &used, &err), VX_OK);
            assert_int_equal(used, (size_t)ref[k][m - 1][0]);
            vx_assert_near_rel(r, ref[k][m - 1][1], 1e-10);
            vx_assert_near_rel(p, ref[k][m - 1][2], 1e-10);
        }
    }
    free(x), free(y);
    vx_table_free(&f), vx_table_free(&o);
}

/* fgsea's example (Reactome, naive vs Th1): ES and sizes of the 586 pathways of fgsea_res_reference.tsv */
static void test_gsea_fgsea_reference(void **state)
{
    (void)state;
    vx_error err = {0};
    vx_genelist rk;
    vx_genesets gs;
    vx_gsea_run run;
    assert_int_equal(vx_genelist_read_rnk(vx_test_data("stats/genesets/fgsea_naive_vs_th1.rnk"), &rk, &err), VX_OK);
    assert_int_equal(rk.n, 12000);
    assert_int_equal(vx_genesets_read_gmt(vx_test_data("stats/genesets/fgsea_mouse_reactome.gmt"), &gs, &err), VX_OK);
    assert_int_equal(vx_gsea_sets((const char *const *)rk.gene, rk.stat, rk.n, (const char *const *)gs.gene, gs.off,
                                  gs.n, 15, 500, 0, 1, &run, &err),
                     VX_OK);
    assert_int_equal(run.ntested, 586);
    FILE *fp = fopen(vx_test_data("stats/genesets/fgsea_res_reference.tsv"), "r");
    assert_non_null(fp);
    char line[4096];
    size_t checked = 0;
    assert_non_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp)) {
        char id[256];
        double pv, padj, es, nes, more, size;
        assert_int_equal(sscanf(line, "%255s %lf %lf %lf %lf %lf %lf", id, &pv, &padj, &es, &nes, &more, &size), 7);
        size_t t = 0, len = strlen(id);
        while (t < run.ntested && !(strncmp(gs.name[run.set[t]], id, len) == 0 && gs.name[run.set[t]][len] == '_'))
            t++;
        assert_true(t < run.ntested);
        assert_int_equal(run.res[t].size, (size_t)size);
        vx_assert_near(run.res[t].es, es, 1e-10);
        checked++;
    }
    fclose(fp);
    assert_int_equal(checked, 586);
    /* permutations: deterministic by seed, NES of the same sign as ES, p in (0, 1] */
    vx_gsea_run a, b;
    assert_int_equal(vx_gsea_sets((const char *const *)rk.gene, rk.stat, rk.n, (const char *const *)gs.gene, gs.off,
                                  gs.n, 15, 500, 200, 7, &a, &err), VX_OK);
    assert_int_equal(vx_gsea_sets((const char *const *)rk.gene, rk.stat, rk.n, (const char *const *)gs.gene, gs.off,
                                  gs.n, 15, 500, 200, 7, &b, &err), VX_OK);
    for (size_t t = 0; t < a.ntested; t++) {
        assert_true(a.res[t].p == b.res[t].p && a.res[t].nes == b.res[t].nes);
        assert_true(a.res[t].p > 0.0 && a.res[t].p <= 1.0 && a.res[t].q >= a.res[t].p);
        assert_true(a.res[t].nes * a.res[t].es > 0.0);
    }
    vx_gsea_run_free(&a), vx_gsea_run_free(&b), vx_gsea_run_free(&run);
    vx_genesets_free(&gs), vx_genelist_free(&rk);
}

/* fgsea's C++ core (calcGseaStatBatchCpp): 20 pathways as 1-based indices into the statistics, ES to 1e-12 */
static void test_gsea_fgsea_cpp(void **state)
{
    (void)state;
    FILE *fs = fopen(vx_test_data("stats/genesets/fgsea_cpp_input_stats.tsv"), "r");
    FILE *fp = fopen(vx_test_data("stats/genesets/fgsea_cpp_input_pathways.tsv"), "r");
    FILE *fr = fopen(vx_test_data("stats/genesets/fgsea_cpp_ref_calcGseaStatBatchCpp.tsv"), "r");
    assert_true(fs && fp && fr);
    char line[65536];
    size_t N = 0, cap = 1024;
    double *stat = malloc(cap * sizeof *stat);
    assert_non_null(fgets(line, sizeof line, fs));
    while (fgets(line, sizeof line, fs)) {
        if (N == cap)
            stat = realloc(stat, (cap *= 2) * sizeof *stat);
        stat[N++] = strtod(line, NULL);
    }
    for (size_t i = 1; i < N; i++) /* sorted decreasingly: positions are the indices */
        assert_true(stat[i] <= stat[i - 1]);
    size_t *hit = malloc(N * sizeof *hit), checked = 0;
    assert_non_null(fgets(line, sizeof line, fr));
    while (fgets(line, sizeof line, fp)) {
        size_t k = 0, peak;
        for (char *s = line, *e; (hit[k] = strtoul(s, &e, 10)) > 0 && e != s; s = e)
            hit[k] -= 1, k++;
        char ref[4096], name[1024];
        long idx, size;
        double es;
        assert_non_null(fgets(ref, sizeof ref, fr));
        assert_int_equal(sscanf(ref, "%ld %1023s %ld %lf", &idx, name, &size, &es), 4);
        assert_int_equal(k, (size_t)size);
        vx_assert_near(vx_gsea_es(stat, N, hit, k, &peak), es, 1e-12);
        checked++;
    }
    assert_int_equal(checked, 20);
    fclose(fs), fclose(fp), fclose(fr);
    free(stat), free(hit);
}

/* ORA by hand: 600 tested genes, 500 annotated (set A: g0..g39, set B: g40..g499); selected g0..g2, g40..g61
 * and g550 (not annotated): N = 500, n = 25; A: K = 40, k = 3 -> phyper(2, 40, 460, 25, FALSE) from R */
static void test_ora_by_hand(void **state)
{
    (void)state;
    static char names[600][8];
    const char *tested[600], *sel[26], *sg[500];
    for (int i = 0; i < 600; i++) {
        snprintf(names[i], sizeof names[i], "g%d", i);
        tested[i] = names[i];
    }
    for (int i = 0; i < 500; i++)
        sg[i] = names[i];
    for (int i = 0; i < 3; i++)
        sel[i] = names[i];
    for (int i = 0; i < 22; i++)
        sel[3 + i] = names[40 + i];
    sel[25] = names[550];
    const size_t off[3] = {0, 40, 500};
    vx_ora_result res[2];
    unsigned char ov[500];
    size_t N, n;
    vx_error err = {0};
    assert_int_equal(vx_ora(tested, 600, sel, 26, sg, off, 2, res, ov, &N, &n, &err), VX_OK);
    assert_int_equal(N, 500);
    assert_int_equal(n, 25);
    assert_int_equal(res[0].size, 40);
    assert_int_equal(res[0].overlap, 3);
    vx_assert_near_rel(res[0].expected, 25.0 * 40.0 / 500.0, 1e-15);
    vx_assert_near_rel(res[0].p, 0.32252898128501406, 1e-11);
    assert_true(ov[0] && ov[1] && ov[2] && !ov[3]);
    assert_int_equal(res[1].overlap, 22);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_vs_r),
        cmocka_unit_test(test_association_vs_r),
        cmocka_unit_test(test_gsea_fgsea_reference),
        cmocka_unit_test(test_gsea_fgsea_cpp),
        cmocka_unit_test(test_ora_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
