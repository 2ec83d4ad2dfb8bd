/* vx_outfile (src/io/outfile.c): outputs written atomically (regular files), through symbolic links, and as
 * streams (fifos, devices, "-"), never leaving a partial or temporary file.
 *
 * Each test asserts what POSIX says the file system must look like afterwards: the bytes of the target, the
 * type of each path (lstat), the mode of a replaced file, and that the folder holds no other entry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "voxomics/io.h"
#include "vx_test.h"

/* a fresh empty folder per test */
static const char *fresh_dir(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s/outfile_%s", vx_test_tmpdir(), name);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(mkdir(dir, 0777), 0);
    return dir;
}

static const char *in(const char *dir, const char *name)
{
    static char buf[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void assert_content(const char *path, const char *want)
{
    char *got = vx_test_slurp(path, NULL);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* A new regular file appears only at commit, complete, and nothing else is left in the folder. */
static void test_regular_new(void **state)
{
    (void)state;
    const char *dir = fresh_dir("new");
    vx_error err;
    vx_outfile *h;
    FILE *f = vx_outfile_open(in(dir, "out.csv"), &h, &err);
    assert_non_null(f);
    assert_int_equal(vx_outfile_is_stream(h), 0);
    fputs("a,b\n1,2\n", f);
    fflush(f);
    struct stat st;
    assert_int_not_equal(stat(in(dir, "out.csv"), &st), 0); /* not there before the commit */
    assert_int_equal(count_entries(dir), 1);                  /* the temporary file beside it */
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    assert_content(in(dir, "out.csv"), "a,b\n1,2\n");
    assert_int_equal(count_entries(dir), 1);
    /* mode 0666 less the umask, like fopen would have made it */
    mode_t um = umask(022);
    umask(um);
    assert_int_equal(stat(in(dir, "out.csv"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~um);
}

/* Replacing keeps the old mode; abort leaves the old file untouched and no temporary file. */
static void test_regular_replace_and_abort(void **state)
{
    (void)state;
    const char *dir = fresh_dir("replace");
    const char *p = in(dir, "t.csv");
    write_file(p, "old\n");
    assert_int_equal(chmod(p, 0640), 0);
    vx_error err;
    vx_outfile *h;
    FILE *f = vx_outfile_open(p, &h, &err);
    assert_non_null(f);
    fputs("half", f);
    vx_outfile_abort(h);
    assert_content(p, "old\n");
    assert_int_equal(count_entries(dir), 1);

    f = vx_outfile_open(p, &h, &err);
    assert_non_null(f);
    fputs("new\n", f);
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    assert_content(p, "new\n");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(count_entries(dir), 1);
}

/* A real write error in the middle (file size limit: EFBIG) fails the commit, keeps the old file, leaves no
 * temporary file. Run in a child so the limit does not outlive the test. */
static void test_error_mid_write(void **state)
{
    (void)state;
    const char *dir = fresh_dir("midwrite");
    const char *p = in(dir, "big.csv");
    write_file(p, "old\n");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl;
        getrlimit(RLIMIT_FSIZE, &rl);
        rl.rlim_cur = 1000;
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        vx_error err;
        vx_outfile *h;
        FILE *f = vx_outfile_open(p, &h, &err);
        if (!f)
            _exit(11);
        for (int i = 0; i < 1000; i++)
            fputs("0123456789abcdef\n", f);
        int rc = vx_outfile_commit(h, &err);
        _exit(rc == VX_EIO && strstr(err.msg, "big.csv") ? 0 : 12);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_content(p, "old\n");
    assert_int_equal(count_entries(dir), 1);
}

/* Through a symbolic link (relative, a chain, a dangling one): the target is written, the links stay links. */
static void test_symlink(void **state)
{
    (void)state;
    const char *dir = fresh_dir("symlink");
    assert_int_equal(mkdir(in(dir, "real"), 0777), 0);
    write_file(in(dir, "real/target.csv"), "old\n");
    assert_int_equal(symlink("real/target.csv", in(dir, "link.csv")), 0);
    assert_int_equal(symlink("link.csv", in(dir, "link2.csv")), 0);
    vx_error err;
    vx_outfile *h;
    FILE *f = vx_outfile_open(in(dir, "link2.csv"), &h, &err);
    assert_non_null(f);
    fputs("new\n", f);
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    struct stat st;
    assert_int_equal(lstat(in(dir, "link.csv"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(in(dir, "link2.csv"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_content(in(dir, "real/target.csv"), "new\n");
    assert_int_equal(count_entries(in(dir, "real")), 1);
    assert_int_equal(count_entries(dir), 3);

    /* dangling: the file it names is created */
    assert_int_equal(symlink("real/fresh.csv", in(dir, "dangling.csv")), 0);
    f = vx_outfile_open(in(dir, "dangling.csv"), &h, &err);
    assert_non_null(f);
    fputs("x\n", f);
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    assert_int_equal(lstat(in(dir, "dangling.csv"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_content(in(dir, "real/fresh.csv"), "x\n");
}

/* A fifo is written as a stream, read by a child, and stays a fifo. */
static void test_fifo(void **state)
{
    (void)state;
    const char *dir = fresh_dir("fifo");
    const char *p = in(dir, "pipe");
    assert_int_equal(mkfifo(p, 0600), 0);
    const char *text = "feature,value\nx,1\n";
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *r = fopen(p, "r");
        char buf[256];
        size_t n = r ? fread(buf, 1, sizeof buf - 1, r) : 0;
        buf[n] = '\0';
        _exit(r && !strcmp(buf, text) ? 0 : 1);
    }
    vx_error err;
    vx_outfile *h;
    FILE *f = vx_outfile_open(p, &h, &err);
    assert_non_null(f);
    assert_int_equal(vx_outfile_is_stream(h), 1);
    fputs(text, f);
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(count_entries(dir), 1);
}

/* Character devices: /dev/null is written and stays a device; /dev/full reports the write error. */
static void test_devices(void **state)
{
    (void)state;
    vx_error err;
    vx_outfile *h;
    FILE *f = vx_outfile_open("/dev/null", &h, &err);
    assert_non_null(f);
    assert_int_equal(vx_outfile_is_stream(h), 1);
    fputs("discarded\n", f);
    assert_int_equal(vx_outfile_commit(h, &err), VX_OK);
    struct stat st;
    assert_int_equal(lstat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    if (stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode)) {
        f = vx_outfile_open("/dev/full", &h, &err);
        assert_non_null(f);
        fputs("no space\n", f);
        assert_int_equal(vx_outfile_commit(h, &err), VX_EIO);
        assert_non_null(strstr(err.msg, "/dev/full"));
    }
}

/* "-" writes to standard output, which stays usable afterwards. */
static void test_stdout(void **state)
{
    (void)state;
    const char *dir = fresh_dir("stdout");
    const char *p = in(dir, "captured.txt");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(1);
        close(fd);
        vx_error err;
        vx_outfile *h;
        FILE *f = vx_outfile_open("-", &h, &err);
        if (!f || !vx_outfile_is_stream(h) || strcmp(vx_outfile_target(h), "-"))
            _exit(2);
        fputs("table\n", f);
        if (vx_outfile_commit(h, &err) != VX_OK)
            _exit(3);
        printf("after\n"); /* stdout is still open */
        fflush(stdout);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_content(p, "table\nafter\n");
}

/* A folder, or a file in a folder that does not exist, is an error naming the path; nothing is created. */
static void test_errors(void **state)
{
    (void)state;
    const char *dir = fresh_dir("errors");
    vx_error err;
    vx_error_clear(&err);
    vx_outfile *h = (vx_outfile *)&err;
    assert_null(vx_outfile_open(dir, &h, &err));
    assert_null(h);
    assert_int_equal(err.code, VX_EIO);
    assert_non_null(strstr(err.msg, "folder"));
    assert_null(vx_outfile_open(in(dir, "no/such/dir/out.csv"), &h, &err));
    assert_non_null(strstr(err.msg, "no/such/dir/out.csv"));
    assert_non_null(strstr(err.msg, "create the folder"));
    assert_int_equal(count_entries(dir), 0);
    vx_outfile_abort(NULL); /* allowed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_new),     cmocka_unit_test(test_regular_replace_and_abort),
        cmocka_unit_test(test_error_mid_write), cmocka_unit_test(test_symlink),
        cmocka_unit_test(test_fifo),            cmocka_unit_test(test_devices),
        cmocka_unit_test(test_stdout),          cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
