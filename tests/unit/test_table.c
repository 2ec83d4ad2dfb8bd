/* Sample tables on the real NSCLC radiogenomics files: reading, missing/non-numeric cells, joins, labels.
 * Expected counts were taken with Python's csv module (an independent reader):
 *   captk_features.csv 206 rows x 103 columns; '#NAME?' in 8 cells, all in row R01-159;
 *   clinical_covariates.csv 207 rows (first header field empty); all 206 CaPTk IDs join, 1 clinical row does not;
 *   ct_acquisition_parameters.csv 207 rows; 167 CaPTk IDs join, 40 acquisition rows do not;
 *   Manufacturer values: '0', 'GE MEDICAL SYSTEMS', 'Philips', 'SIEMENS', 'TOSHIBA'.
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
#include <sys/stat.h>
#include <unistd.h>

#include "voxomics/table.h"
#include "vx_test.h"

#define NSCLC "stats/nsclc_radiogenomics/"

static void test_read_and_missing(void **state)
{
    (void)state;
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(vx_test_data(NSCLC "captk_features.csv"), NULL, &t, &err), VX_OK);
    assert_int_equal(t.nrow, 206);
    assert_int_equal(t.ncol, 103);
    assert_string_equal(t.colnames[t.id_col], "SubjectID");
    size_t *cols, p;
    assert_int_equal(vx_table_numeric_cols(&t, NULL, 0, NULL, 0, &cols, &p, &err), VX_OK);
    assert_int_equal(p, 102);
    char report[256];
    size_t dropped;
    assert_int_equal(vx_table_missing(&t, cols, p, NULL, 0, VX_MISSING_ERROR, &dropped, report, sizeof report, &err),
                     VX_EINVAL);
    assert_non_null(strstr(err.msg, "8 missing cells (8 non-numeric"));
    /* the offending cell is quoted with its row (ID) and column */
    assert_non_null(strstr(err.msg, "first R01-159, column T1_ED_Morphologic_Eccentricity: '#NAME?' is not a number"));
    assert_non_null(strstr(err.msg, "1 rows"));
    assert_non_null(strstr(err.msg, "--missing drop"));
    /* impute-median keeps the rows and the NaNs for the pipeline */
    assert_int_equal(
        vx_table_missing(&t, cols, p, NULL, 0, VX_MISSING_IMPUTE_MEDIAN, &dropped, report, sizeof report, &err),
        VX_OK);
    assert_int_equal(t.nrow, 206);
    double *x;
    assert_int_equal(vx_table_matrix(&t, cols, p, &x, &err), VX_OK);
    size_t nan = 0;
    for (size_t i = 0; i < t.nrow * p; i++)
        nan += isnan(x[i]);
    assert_int_equal(nan, 8);
    double *med = malloc(p * sizeof *med);
    assert_int_equal(vx_impute_fit(x, t.nrow, p, med, &err), VX_OK);
    vx_impute_apply(x, t.nrow, p, med);
    for (size_t i = 0; i < t.nrow * p; i++)
        assert_false(isnan(x[i]));
    free(med);
    free(x);
    assert_int_equal(vx_table_missing(&t, cols, p, NULL, 0, VX_MISSING_DROP, &dropped, report, sizeof report, &err),
                     VX_OK);
    assert_int_equal(dropped, 1);
    assert_int_equal(t.nrow, 205);
    for (size_t i = 0; i < t.nrow; i++)
        assert_string_not_equal(VX_TABLE_ID(&t, i), "R01-159");
    free(cols);
    vx_table_free(&t);
}

static void test_join(void **state)
{
    (void)state;
    vx_table a, b, c;
    vx_error err;
    assert_int_equal(vx_table_read(vx_test_data(NSCLC "captk_features.csv"), "SubjectID", &a, &err), VX_OK);
    assert_int_equal(vx_table_read(vx_test_data(NSCLC "clinical_covariates.csv"), NULL, &b, &err), VX_OK);
    assert_int_equal(b.nrow, 207);
    size_t ua, ub;
    assert_int_equal(vx_table_join(&a, &b, &ua, &ub, &err), VX_OK);
    assert_int_equal(a.nrow, 206);
    assert_int_equal(ua, 0);
    assert_int_equal(ub, 1);
    assert_int_equal(a.ncol, 103 + 21);
    assert_true(vx_table_col(&a, "egfr-mut") >= 0);
    assert_int_equal(vx_table_read(vx_test_data(NSCLC "ct_acquisition_parameters.csv"), "clc", &c, &err), VX_OK);
    assert_int_equal(vx_table_join(&a, &c, &ua, &ub, &err), VX_OK);
    assert_int_equal(a.nrow, 167);
    assert_int_equal(ua, 39);
    assert_int_equal(ub, 40);
    long m = vx_table_col(&a, "Manufacturer");
    assert_true(m >= 0);
    assert_false(vx_table_col_numeric(&a, (size_t)m) && 0);
    /* the same file twice: clashing column names are refused */
    assert_int_equal(vx_table_join(&a, &c, &ua, &ub, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "in both tables"));
    vx_table_free(&a);
    vx_table_free(&b);
    vx_table_free(&c);
}

static void test_labels_and_errors(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/t.csv", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("id,f1,\"f,2\",cls\na,1,2,benign\nb,3,NA,malignant\nc,5,6,benign\n", f);
    fclose(f);
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(path, "id", &t, &err), VX_OK);
    assert_string_equal(t.colnames[2], "f,2");
    int y[3];
    const char *names[2];
    assert_int_equal(vx_table_binary_label(&t, 3, NULL, y, names, &err), VX_OK);
    assert_string_equal(names[1], "malignant"); /* the larger text */
    assert_int_equal(y[0], 0);
    assert_int_equal(y[1], 1);
    assert_int_equal(vx_table_binary_label(&t, 3, "benign", y, names, &err), VX_OK);
    assert_int_equal(y[0], 1);
    assert_int_equal(vx_table_binary_label(&t, 3, "other", y, names, &err), VX_EINVAL);
    assert_int_equal(vx_table_cell_missing(&t, 1, 2), 1);
    vx_table_free(&t);
    f = fopen(path, "w");
    fputs("id,x\na,1\na,2\n", f);
    fclose(f);
    assert_int_equal(vx_table_read(path, NULL, &t, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "'a' appears more than once"));
    assert_int_equal(vx_table_read(path, "ID", &t, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "no column 'ID'"));
}

/* A fifo as a table is refused at once, naming it (a read would block with no writer). */
static void test_fifo_refused(void **state)
{
    (void)state;
    char path[4600];
    snprintf(path, sizeof path, "%s/table.fifo", vx_test_tmpdir());
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
    vx_table t;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_table_read(path, NULL, &t, &err), VX_EIO);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "is a fifo, not a regular file"));
    assert_int_equal(vx_table_read_long(path, NULL, &t, &err), VX_EIO);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_and_missing),
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_labels_and_errors),
        cmocka_unit_test(test_fifo_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
