/* CSV records (RFC 4180) of CASES.csv and of sample tables: quoted fields spanning lines, CRLF line ends, a
 * byte order mark, an unterminated quote named by file:line, duplicate case IDs named by both rows; and a
 * quoted multi-line extra column copied verbatim to the cohort table by the CLI.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static const char *write_file(const char *name, const char *text)
{
    static char path[8][4600];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/%s", vx_test_tmpdir(), name);
    FILE *f = fopen(path[k], "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path[k];
}

/* A quoted field with a line break, a CRLF line end, a doubled quote, a BOM: the fields as written. */
static void test_multiline_crlf_bom(void **state)
{
    (void)state;
    const char *p = write_file("a.csv", "\xEF\xBB\xBFID,Image,Mask,Notes\r\n"
                                        "P1,i1.nii,m1.nii,\"first line\r\nsecond, with \"\"quotes\"\"\"\r\n"
                                        "\r\n"
                                        "P2,i2.nii,m2.nii,plain\r\n"
                                        "P3,i3.nii,m3.nii,\"\n\"\n");
    vx_cohort c;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_cohort_read(p, &c, &err), VX_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.n_extra, 1);
    assert_string_equal(c.extra_names[0], "Notes");
    assert_string_equal(c.cases[0].id, "P1");
    assert_string_equal(c.extra[0], "first line\nsecond, with \"quotes\"");
    assert_string_equal(c.cases[1].id, "P2");
    assert_string_equal(c.extra[1], "plain");
    assert_string_equal(c.cases[2].id, "P3");
    assert_string_equal(c.extra[2], "\n");
    vx_cohort_free(&c);
}

/* A fifo as CASES.csv is refused at once (a read would block with no writer), naming the file. */
static void test_fifo_refused(void **state)
{
    (void)state;
    char path[4600];
    snprintf(path, sizeof path, "%s/cases.fifo", vx_test_tmpdir());
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
    vx_cohort c;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_cohort_read(path, &c, &err), VX_EIO);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "is a fifo, not a regular file"));
    unlink(path);
}

/* A quote left open: file:line of the record where it opened. */
static void test_unterminated_quote(void **state)
{
    (void)state;
    const char *p = write_file("b.csv", "ID,Image,Mask,Notes\n"
                                        "P1,i1.nii,m1.nii,ok\n"
                                        "P2,i2.nii,m2.nii,\"never closed\n"
                                        "P3,i3.nii,m3.nii,x\n");
    vx_cohort c;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_cohort_read(p, &c, &err), VX_EFORMAT);
    print_message("  %s\n", err.msg);
    char want[4700];
    snprintf(want, sizeof want, "%s:3: unterminated quote", p);
    assert_non_null(strstr(err.msg, want));

    /* the statistics table reader shares the record reader */
    p = write_file("b2.csv", "ID,x\nA,1\nB,\"2\n");
    vx_table t;
    assert_int_equal(vx_table_read(p, "ID", &t, &err), VX_EFORMAT);
    snprintf(want, sizeof want, "%s:3: unterminated quote", p);
    assert_non_null(strstr(err.msg, want));
}

/* A sample table with a quoted cell spanning lines and CRLF ends: the rows and cells as written. */
static void test_table_multiline(void **state)
{
    (void)state;
    const char *p = write_file("t.csv", "ID,comment,x\r\nA,\"two\r\nlines\",1.5\r\nB,one,2\r\n");
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(p, "ID", &t, &err), VX_OK);
    assert_int_equal(t.nrow, 2);
    assert_int_equal(t.ncol, 3);
    assert_string_equal(t.cell[1], "two\nlines");
    assert_string_equal(VX_TABLE_ID(&t, 1), "B");
    assert_true(t.num[2] == 1.5 && t.num[5] == 2.0);
    vx_table_free(&t);
}

static void expect_duplicate(const char *text, const char *want)
{
    const char *p = write_file("d.csv", text);
    vx_cohort c;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_cohort_read(p, &c, &err), VX_EINVAL);
    print_message("  %s\n", err.msg);
    char full[4800];
    snprintf(full, sizeof full, "%s: %s", p, want);
    if (!strstr(err.msg, full))
        fail_msg("expected '%s' in '%s'", full, err.msg);
}

static void expect_ok(const char *text, size_t n)
{
    const char *p = write_file("d.csv", text);
    vx_cohort c;
    vx_error err;
    assert_int_equal(vx_cohort_read(p, &c, &err), VX_OK);
    assert_int_equal(c.n, n);
    vx_cohort_free(&c);
}

/* Duplicate IDs: refused naming both rows (spreadsheet rows: the header is row 1), and the lines when a
 * quoted field spans lines; rows sharing an ID with their own label numbers are one case's regions. */
static void test_duplicate_ids(void **state)
{
    (void)state;
    expect_duplicate("ID,Image,Mask\nP011,a,b\nP012,a,b\nP013,a,b\nP012,c,d\n", "rows 3 and 5 both have ID 'P012'");
    /* the first pair in file order */
    expect_duplicate("ID,Image,Mask\nB,a,b\nA,a,b\nB,a,b\nA,a,b\n", "rows 2 and 4 both have ID 'B'");
    /* a record over two lines: rows and lines differ */
    expect_duplicate("ID,Image,Mask,Note\nP1,a,b,\"x\ny\"\nP1,a,b,z\n",
                     "rows 2 and 3 (lines 2 and 4) both have ID 'P1'");
    /* same label, or a label with "all" or none */
    expect_duplicate("ID,Image,Mask,Label\nP1,a,b,2\nP1,a,b,2\n", "rows 2 and 3 both have ID 'P1' (Label '2')");
    expect_duplicate("ID,Image,Mask,Label\nP1,a,b,1\nP1,a,b,all\n", "rows 2 and 3 both have ID 'P1' (Label 'all')");
    expect_duplicate("ID,Image,Mask,Label\nP1,a,b,1\nP1,a,c,\n", "rows 2 and 3 both have ID 'P1'");
    /* several regions of one case, one label number each: allowed */
    expect_ok("ID,Image,Mask,Label\nP1,a,b,1\nP1,a,b,2\nP2,a,b,1\n", 3);
    /* no ID column: rows are named by their number, never duplicates */
    expect_ok("Image,Mask\na,b\na,b\n", 2);
}

/* The CLI copies a quoted multi-line extra column verbatim (quoted again) into the table. */
static void test_cli_multiline_column(void **state)
{
    (void)state;
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR"), *d = vx_test_tmpdir();
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' synth --size 24 --radius 6 --seed 3 -o '%s/c' >/dev/null 2>&1", build,
             d);
    assert_int_equal(system(cmd), 0);
    const char *cases = write_file("cases.csv", "ID,Image,Mask,Comment\r\n"
                                                "P1,c/image.nii.gz,c/mask.nii.gz,\"seen twice,\r\nsee \"\"report\"\"\"\r\n");
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' -o '%s/out.csv' --quiet",
             build, src, cases, d);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    char out[4600];
    snprintf(out, sizeof out, "%s/out.csv", d);
    char *t = vx_test_slurp(out, NULL);
    assert_non_null(t);
    assert_memory_equal(t, "case,Comment,roi,error,", 23);
    assert_non_null(strstr(t, "\nP1,\"seen twice,\nsee \"\"report\"\"\",,,"));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multiline_crlf_bom),  cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_table_multiline),     cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_cli_multiline_column),
        cmocka_unit_test(test_fifo_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
