/* The cohort store's integrity, through the CLI (`voxomics extract --cohort --store`): a stored value edited
 * with SQLite's C API, a truncated payload, an edited ID, deleted or altered meta rows, a store file truncated
 * mid-page and at a page boundary, a file that is not SQLite, another database's tables and a store without
 * checksums are each refused with one line naming the store (and the case); --retry-failed recomputes a
 * damaged case and the table is then byte-identical to the undamaged run.
 *
 * The cohort: three cases written by `voxomics synth`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vx_test.h"

static char dir[4096];

/* A path in the test folder (a ring of buffers: copy it to keep it for long). */
static const char *tmp(const char *name)
{
    static char buf[8][4600];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void sh(const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void setup_once(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "%s", vx_test_tmpdir());
    FILE *f = fopen(tmp("cases.csv"), "w");
    assert_non_null(f);
    fputs("ID,Image,Mask\n", f);
    for (int i = 1; i <= 3; i++) {
        sh("'%s/voxomics' synth --size 24 --radius %d --seed %d -o '%s/c%d' >/dev/null 2>&1", getenv("VX_BUILD_DIR"),
           4 + i, i, dir, i);
        fprintf(f, "p%d,c%d/image.nii.gz,c%d/mask.nii.gz\n", i, i, i);
    }
    fclose(f);
}

/* Run the cohort with a store; stderr in err.txt. Returns the exit status. */
static int run(const char *store, const char *out, const char *extra)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' --store '%s' -o '%s' %s "
             "--quiet 2>'%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("cases.csv"), store, out, extra, tmp("err.txt"));
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *err_text(void)
{
    char *e = vx_test_slurp(tmp("err.txt"), NULL);
    assert_non_null(e);
    print_message("  stderr: %s", e);
    return e;
}

/* The refusal is one line holding every one of the given pieces. */
static void expect_refusal(const char *store, const char *out_name, int n, ...)
{
    char out[4600];
    snprintf(out, sizeof out, "%s", out_name);
    assert_int_equal(run(store, out, ""), 1);
    char *e = err_text();
    char *nl = strchr(e, '\n');
    assert_true(nl && nl[1] == '\0'); /* one line */
    assert_non_null(strstr(e, store));
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *piece = va_arg(ap, const char *);
        if (!strstr(e, piece))
            fail_msg("'%s' missing from the message", piece);
    }
    va_end(ap);
    free(e);
    struct stat sb;
    assert_true(stat(out, &sb) != 0); /* no table from a refused run */
}

static void sql(const char *db, const char *statement)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(h, statement, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", statement, msg);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

/* A finished store and its table (reference run, no store: the table a store must reproduce). */
static void fresh_store(const char *db)
{
    unlink(db);
    assert_int_equal(run(db, tmp("done.csv"), ""), 0);
}

static void same_table(const char *a_name, const char *b)
{
    char a[4600];
    snprintf(a, sizeof a, "%s", a_name);
    size_t na, nb;
    char *x = vx_test_slurp(a, &na), *y = vx_test_slurp(b, &nb);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

/* Edit one stored value (the first feature value of case 2) by one digit, with SQLite's C API. */
static void edit_value(const char *db)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT payload FROM cases WHERE idx = 1", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    char *p = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    char *line = strstr(p, "\nF\t");
    assert_non_null(line);
    char *end = strchr(line + 1, '\n'), *v = end ? end : line + strlen(line);
    while (v[-1] != '\t')
        v--; /* the value: the line's last field */
    char *digit = v;
    while (digit < end && (*digit < '0' || *digit > '8'))
        digit++;
    assert_true(digit < end);
    (*digit)++; /* e.g. 0.25 -> 1.25: still a valid number */
    assert_int_equal(sqlite3_prepare_v2(h, "UPDATE cases SET payload = ? WHERE idx = 1", -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_text(q, 1, p, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
    free(p);
}

/* A stored value edited: refused naming store and case; --retry-failed recomputes it; the table is then
 * byte-identical to the run without a store, and the store is whole again. */
static void test_edited_value(void **state)
{
    (void)state;
    setup_once();
    char db[4600];
    snprintf(db, sizeof db, "%s", tmp("edit.db"));
    fresh_store(db);
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' -o '%s' --quiet",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("cases.csv"), tmp("plain.csv"));
    assert_int_equal(system(cmd), 0);
    same_table(tmp("plain.csv"), tmp("done.csv"));

    edit_value(db);
    expect_refusal(db, tmp("e1.csv"), 4, "case 2", "ID 'p2'", "checksum", "--retry-failed");
    /* the recompute path */
    assert_int_equal(run(db, tmp("e2.csv"), "--retry-failed"), 0);
    same_table(tmp("plain.csv"), tmp("e2.csv"));
    assert_int_equal(run(db, tmp("e3.csv"), ""), 0); /* repaired: accepted as is */
    same_table(tmp("plain.csv"), tmp("e3.csv"));
}

/* A payload cut in half, an edited ID, an edited error, a flipped ok flag: each refused naming the case. */
static void test_truncated_payload_and_edited_columns(void **state)
{
    (void)state;
    setup_once();
    char db[4600];
    snprintf(db, sizeof db, "%s", tmp("cut.db"));
    fresh_store(db);
    sql(db, "UPDATE cases SET payload = substr(payload, 1, length(payload) / 2) WHERE idx = 0");
    expect_refusal(db, tmp("c1.csv"), 3, "case 1", "ID 'p1'", "checksum");

    fresh_store(db);
    sql(db, "UPDATE cases SET id = 'p9' WHERE idx = 2");
    expect_refusal(db, tmp("c2.csv"), 3, "case 3", "ID 'p3'", "checksum");

    fresh_store(db);
    sql(db, "UPDATE cases SET ok = 0, error = 'read image: edited' WHERE idx = 1");
    expect_refusal(db, tmp("c3.csv"), 2, "case 2", "checksum");

    /* a record moved to another case's place */
    fresh_store(db);
    sql(db, "DELETE FROM cases WHERE idx = 0; UPDATE cases SET idx = 0 WHERE idx = 1");
    expect_refusal(db, tmp("c4.csv"), 2, "case 1", "checksum");
}

/* Meta rows deleted, altered, added: the store is refused naming it. */
static void test_meta_rows(void **state)
{
    (void)state;
    setup_once();
    char db[4600];
    snprintf(db, sizeof db, "%s", tmp("meta.db"));
    fresh_store(db);
    sql(db, "DELETE FROM meta");
    expect_refusal(db, tmp("m1.csv"), 2, "lacks its meta row", "new store");

    fresh_store(db);
    sql(db, "DELETE FROM meta WHERE key = 'settings_sha256'");
    expect_refusal(db, tmp("m2.csv"), 2, "lacks its meta row 'settings_sha256'", "new store");

    fresh_store(db);
    sql(db, "UPDATE meta SET value = '0.0.9' WHERE key = 'voxomics_version'");
    expect_refusal(db, tmp("m3.csv"), 2, "meta rows were altered", "new store");

    fresh_store(db);
    sql(db, "INSERT INTO meta(key, value) VALUES('note', 'x')");
    expect_refusal(db, tmp("m4.csv"), 2, "unknown meta row 'note'", "new store");
}

static long file_size(const char *p)
{
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    return (long)sb.st_size;
}

/* The store file truncated mid-page, and at a page boundary: refused naming the store. */
static void test_truncated_file(void **state)
{
    (void)state;
    setup_once();
    char db[4600];
    snprintf(db, sizeof db, "%s", tmp("trunc.db"));
    fresh_store(db);
    struct stat sb;
    assert_true(stat(tmp("trunc.db-wal"), &sb) != 0 || sb.st_size == 0); /* closed: everything in the file */
    long n = file_size(db);
    assert_true(n >= 3 * 4096);
    assert_int_equal(truncate(db, n - 1000), 0);
    expect_refusal(db, tmp("t1.csv"), 2, "truncated", "new store");

    fresh_store(db);
    assert_int_equal(truncate(db, file_size(db) - 4096), 0); /* one whole page less */
    expect_refusal(db, tmp("t2.csv"), 1, "truncated");

    fresh_store(db);
    assert_int_equal(truncate(db, 50), 0); /* less than a header */
    expect_refusal(db, tmp("t3.csv"), 1, "truncated");

    /* bytes overwritten inside the file (every page past the first): found by SQLite's check or by the
     * checksums, never used */
    long size = (fresh_store(db), file_size(db));
    for (long off = 4096; off + 64 <= size; off += 4096) {
        fresh_store(db);
        FILE *f = fopen(db, "r+b");
        assert_non_null(f);
        assert_int_equal(fseek(f, off + 8, SEEK_SET), 0);
        for (int k = 0; k < 64; k++)
            fputc(0xA5, f);
        fclose(f);
        expect_refusal(db, tmp("t4.csv"), 0);
    }
}

/* A file that is not SQLite is refused and left as it was; another database's tables and a store without
 * checksums (an older voxomics) are refused; an empty file becomes a new store. */
static void test_not_a_store(void **state)
{
    (void)state;
    setup_once();
    char db[4600];
    snprintf(db, sizeof db, "%s", tmp("notes.db"));
    FILE *f = fopen(db, "w");
    const char *text = "ID,Image,Mask\nthis is a CSV file, not a store\n";
    fputs(text, f);
    fclose(f);
    expect_refusal(db, tmp("n1.csv"), 2, "not a SQLite database", "new file name");
    char *back = vx_test_slurp(db, NULL);
    assert_string_equal(back, text);
    free(back);

    snprintf(db, sizeof db, "%s", tmp("other.db"));
    unlink(db);
    sql(db, "CREATE TABLE patients(name TEXT); INSERT INTO patients VALUES('x')");
    expect_refusal(db, tmp("n2.csv"), 2, "not a voxomics store", "new file name");

    snprintf(db, sizeof db, "%s", tmp("old.db"));
    unlink(db);
    sql(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE cases(idx INTEGER PRIMARY KEY, id TEXT, image TEXT, mask TEXT, label TEXT, ok INTEGER,"
            " error TEXT, payload TEXT)");
    expect_refusal(db, tmp("n3.csv"), 2, "older voxomics", "new store");

    snprintf(db, sizeof db, "%s", tmp("empty.db"));
    f = fopen(db, "w");
    fclose(f);
    assert_int_equal(run(db, tmp("n4.csv"), ""), 0);
    same_table(tmp("done.csv"), tmp("n4.csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edited_value),
        cmocka_unit_test(test_truncated_payload_and_edited_columns),
        cmocka_unit_test(test_meta_rows),
        cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_not_a_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
