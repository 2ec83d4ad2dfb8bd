/* Bad input through the CLI: every case gets a one-line error naming the file and the problem, a non-zero
 * exit status, and never a crash (no signal, no sanitizer report).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "voxomics/voxomics.h"
#include "settings_errors.h"
#include "vx_test.h"

static char dir[4096];

static const char *tmp(const char *name)
{
    static char buf[8][4096];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* Run `voxomics extract` on image + mask with the digital-phantom config; returns the exit status (or
 * -signal) and the stderr text. */
static int run_extract(const char *image, const char *mask, char *errtext, size_t len)
{
    char cmd[16384];
    const char *errfile = tmp("stderr.txt");
    snprintf(cmd, sizeof cmd,
             "timeout 60 '%s/voxomics' extract --config '%s/configs/ibsi1/digital_phantom.yaml' -o '%s' '%s' '%s' "
             "2>'%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("out.csv"), image, mask, errfile);
    int st = system(cmd);
    FILE *f = fopen(errfile, "r");
    size_t n = f ? fread(errtext, 1, len - 1, f) : 0;
    errtext[n] = '\0';
    if (f)
        fclose(f);
    if (WIFSIGNALED(st))
        return -WTERMSIG(st);
    return WEXITSTATUS(st);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* one-line error, non-zero exit (1, not a crash or a sanitizer abort), message contains all needles */
static void expect_error(const char *image, const char *mask, const char *needle1, const char *needle2)
{
    char text[8192];
    int st = run_extract(image, mask, text, sizeof text);
    print_message("exit %d: %s", st, text);
    assert_int_equal(st, 1);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, needle1));
    if (needle2)
        assert_non_null(strstr(text, needle2));
}

/* a small valid case: 6x5x4 image of integer intensities 1..6 with a mask of the centre voxels */
static void write_case(const char *img_name, const char *mask_name, size_t nx, int mask_fill, float nan_voxels)
{
    vx_geometry g;
    vx_geometry_default(&g, nx, 5, 4);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    size_t n = vx_geometry_count(&g);
    for (size_t i = 0; i < n; i++) {
        img->v[i] = (float)(1 + i % 6);
        mask->v[i] = mask_fill ? 1.0f : 0.0f;
    }
    for (int k = 0; k < (int)nan_voxels; k++)
        img->v[2 + 7 * k] = NAN;
    vx_error err;
    if (img_name)
        assert_int_equal(vx_nifti_write(tmp(img_name), img, 1, &err), VX_OK);
    if (mask_name)
        assert_int_equal(vx_nifti_write(tmp(mask_name), mask, 1, &err), VX_OK);
    vx_image_free(img);
    vx_image_free(mask);
}

static void test_valid_case_runs(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    char text[8192];
    assert_int_equal(run_extract(tmp("ok.nii.gz"), tmp("okmask.nii.gz"), text, sizeof text), 0);
}

static void test_missing_file(void **state)
{
    (void)state;
    write_case(NULL, "okmask.nii.gz", 6, 1, 0);
    expect_error(tmp("does_not_exist.nii.gz"), tmp("okmask.nii.gz"), "does_not_exist.nii.gz", "No such file");
}

static void test_truncated_gz(void **state)
{
    (void)state;
    write_case("trunc.nii.gz", "okmask.nii.gz", 6, 1, 0);
    FILE *f = fopen(tmp("trunc.nii.gz"), "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(tmp("trunc.nii.gz"), size / 2), 0);
    expect_error(tmp("trunc.nii.gz"), tmp("okmask.nii.gz"), "trunc.nii.gz", "trunc");
}

static void test_unsupported_datatype(void **state)
{
    (void)state;
    /* NIfTI-1 header with datatype 128 (RGB24), 2x2x2 */
    unsigned char h[352];
    memset(h, 0, sizeof h);
    int32_t sz = 348;
    memcpy(h, &sz, 4);
    int16_t dim[8] = {3, 2, 2, 2, 1, 1, 1, 1};
    memcpy(h + 40, dim, sizeof dim);
    int16_t dt = 128, bp = 24;
    memcpy(h + 70, &dt, 2);
    memcpy(h + 72, &bp, 2);
    float pixdim[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    memcpy(h + 76, pixdim, sizeof pixdim);
    float off = 352;
    memcpy(h + 108, &off, 4);
    memcpy(h + 344, "n+1", 4);
    FILE *f = fopen(tmp("rgb.nii"), "wb");
    fwrite(h, 1, sizeof h, f);
    unsigned char data[24] = {0};
    fwrite(data, 1, sizeof data, f);
    fclose(f);
    write_case(NULL, "okmask.nii.gz", 6, 1, 0);
    expect_error(tmp("rgb.nii"), tmp("okmask.nii.gz"), "rgb.nii", "datatype");
}

static void test_size_mismatch(void **state)
{
    (void)state;
    write_case("img7.nii.gz", NULL, 7, 1, 0);
    write_case(NULL, "okmask.nii.gz", 6, 1, 0);
    expect_error(tmp("img7.nii.gz"), tmp("okmask.nii.gz"), "7x5x4", "6x5x4");
}

static void test_empty_mask(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "empty.nii.gz", 6, 0, 0);
    expect_error(tmp("ok.nii.gz"), tmp("empty.nii.gz"), "empty.nii.gz", "empty");
}

static void test_nan_voxels(void **state)
{
    (void)state;
    write_case("nan.nii.gz", "okmask.nii.gz", 6, 1, 3);
    expect_error(tmp("nan.nii.gz"), tmp("okmask.nii.gz"), "nan.nii.gz", "3 of the 120 ROI voxels");
}

static void test_garbage_file(void **state)
{
    (void)state;
    FILE *f = fopen(tmp("garbage.nii"), "wb");
    for (int i = 0; i < 1000; i++)
        fputc((i * 7919) & 255, f);
    fclose(f);
    write_case(NULL, "okmask.nii.gz", 6, 1, 0);
    expect_error(tmp("garbage.nii"), tmp("okmask.nii.gz"), "garbage.nii", NULL);
}

static void test_bad_config(void **state)
{
    (void)state;
    FILE *f = fopen(tmp("bad.yaml"), "w");
    fputs("version: 1\nfeatures:\n  glcm: {distanse: 1}\n", f);
    fclose(f);
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s' -o '%s' '%s' '%s' 2>'%s'", getenv("VX_BUILD_DIR"),
             tmp("bad.yaml"), tmp("out.csv"), tmp("ok.nii.gz"), tmp("okmask.nii.gz"), tmp("cfg_err.txt"));
    int st = system(cmd);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    char text[4096] = {0};
    f = fopen(tmp("cfg_err.txt"), "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, "bad.yaml:3"));
    assert_non_null(strstr(text, "features.glcm.distanse"));
}

static void write_bytes(const char *name, const unsigned char *b, size_t n)
{
    FILE *f = fopen(tmp(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Malformed DICOM, RTSTRUCT, SEG and NRRD inputs: one line naming the file, exit 1, never a crash. */
static void test_malformed_readers(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    /* a Part 10 marker followed by an element whose length runs past the end */
    unsigned char dcm[200] = {0};
    memcpy(dcm + 128, "DICM", 4);
    const unsigned char meta[] = {0x02, 0x00, 0x10, 0x00, 'U', 'I', 20, 0, '1', '.', '2', '.', '8', '4', '0', '.',
                                  '1', '0', '0', '0', '8', '.', '1', '.', '2', '.', '1', 0,   0x28, 0x00, 0x10, 0x00,
                                  'U', 'S', 0x00, 0x10};
    memcpy(dcm + 132, meta, sizeof meta);
    write_bytes("cut.dcm", dcm, 132 + sizeof meta);
    expect_error(tmp("cut.dcm"), tmp("okmask.nii.gz"), "cut.dcm", "truncated");
    /* the same as a mask with a selector: RTSTRUCT/SEG specs open the file first */
    char spec[4200];
    snprintf(spec, sizeof spec, "%s:GTV", tmp("cut.dcm"));
    expect_error(tmp("ok.nii.gz"), spec, "cut.dcm", NULL);
    snprintf(spec, sizeof spec, "%s:GTV", tmp("no_such_rtstruct.dcm"));
    expect_error(tmp("ok.nii.gz"), spec, "no_such_rtstruct.dcm", "No such file");
    /* a DICOM image is not a structure set: the message says what the file is */
    char rs[4200];
    snprintf(rs, sizeof rs, "%s/ibsi/ibsi1/ct_phantom_dicom/mask/DCM_RS_00060.dcm:NOPE", vx_test_data_dir());
    expect_error(tmp("ok.nii.gz"), rs, "no ROI named 'NOPE'", "'GTV-1'");
    /* NRRD: a header without sizes, and data shorter than the header says */
    const char *hdr1 = "NRRD0004\ntype: float\ndimension: 3\nencoding: raw\nendian: little\n\n";
    write_bytes("nosizes.nrrd", (const unsigned char *)hdr1, strlen(hdr1));
    expect_error(tmp("nosizes.nrrd"), tmp("okmask.nii.gz"), "nosizes.nrrd", "sizes");
    const char *hdr2 = "NRRD0004\ntype: float\ndimension: 3\nsizes: 6 5 4\nencoding: raw\nendian: little\n\nabc";
    write_bytes("short.nrrd", (const unsigned char *)hdr2, strlen(hdr2));
    expect_error(tmp("short.nrrd"), tmp("okmask.nii.gz"), "short.nrrd", NULL);
}

/* A mask on a shifted grid: refused with both geometries; accepted with --resample-mask. */
static void test_resample_mask_option(void **state)
{
    (void)state;
    write_case("ok.nii.gz", NULL, 6, 1, 0);
    vx_geometry g;
    vx_geometry_default(&g, 6, 5, 4);
    g.origin[0] = 1.0; /* one voxel to the right: the first image column falls outside the mask */
    vx_image *m = vx_image_new(&g);
    for (size_t i = 0; i < vx_geometry_count(&g); i++)
        m->v[i] = 1.0f;
    vx_error err;
    assert_int_equal(vx_nifti_write(tmp("shifted.nii.gz"), m, 1, &err), VX_OK);
    vx_image_free(m);
    expect_error(tmp("ok.nii.gz"), tmp("shifted.nii.gz"), "--resample-mask", "origin");
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/ibsi1/digital_phantom.yaml' --resample-mask -o '%s' '%s' "
             "'%s' 2>/dev/null && grep -c 'input_mask_resampled_nearest,1,' '%s' >/dev/null && "
             "grep 'morph_vol_approx,' '%s' | grep -q ',100,'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("rs.csv"), tmp("ok.nii.gz"), tmp("shifted.nii.gz"),
             tmp("rs.csv"), tmp("rs.csv"));
    /* 6x5x4 voxels of 1 mm^3, minus the 5x4 first column: 100 mm^3 */
    assert_int_equal(system(cmd), 0);
}

/* ---- hostile inputs (issue 11) ------------------------------------------------------------------------ */

/* Run a shell command under `timeout 20` (a hang is exit 124, never a blocked test) with stderr into a file;
 * returns the exit status and the stderr text. */
static int run_cmd(const char *cmd, char *errtext, size_t len)
{
    char full[20000];
    const char *errfile = tmp("cmd_stderr.txt");
    snprintf(full, sizeof full, "timeout 20 %s 2>'%s'", cmd, errfile);
    int st = system(full);
    FILE *f = fopen(errfile, "r");
    size_t n = f ? fread(errtext, 1, len - 1, f) : 0;
    errtext[n] = '\0';
    if (f)
        fclose(f);
    if (WIFSIGNALED(st))
        return -WTERMSIG(st);
    return WEXITSTATUS(st);
}

/* A 11x10x10 image (1..6) and a mask holding the given values (value(i) for voxel i). */
static void write_mask_case(const char *mask_name, float (*value)(size_t i))
{
    vx_geometry g;
    vx_geometry_default(&g, 11, 10, 10);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    size_t n = vx_geometry_count(&g);
    for (size_t i = 0; i < n; i++) {
        img->v[i] = (float)(1 + i % 6);
        mask->v[i] = value(i);
    }
    vx_error err;
    assert_int_equal(vx_nifti_write(tmp("img11.nii.gz"), img, 1, &err), VX_OK);
    assert_int_equal(vx_nifti_write(tmp(mask_name), mask, 1, &err), VX_OK);
    vx_image_free(img);
    vx_image_free(mask);
}

static float v_negative(size_t i) { return i == 123 ? -1.0f : (i % 3 == 0); }
static float v_frac_half(size_t i) { return i % 4 == 0 ? 0.5f : (i % 4 == 1 ? 1.0f : 0.0f); }
static float v_frac_17(size_t i) { return i == 250 ? 1.7f : (float)(i % 2); }
static float v_1001(size_t i) { return (float)(i % 1001); }  /* 0..1000: 1001 distinct values */
static float v_1000(size_t i) { return (float)(i % 1000); }  /* 0..999: 1000 distinct values, a label image */
static float v_labels3(size_t i) { return (float)(i % 4); }  /* labels 1, 2, 3 */

/* Image and mask swapped: the IBSI CT phantom and a synthetic case are refused with the question. */
static void test_swapped_image_mask(void **state)
{
    (void)state;
    char img[4200], mask[4200];
    snprintf(img, sizeof img, "%s/ibsi/ibsi1/ct_phantom/image.nii.gz", vx_test_data_dir());
    snprintf(mask, sizeof mask, "%s/ibsi/ibsi1/ct_phantom/mask.nii.gz", vx_test_data_dir());
    if (access(img, R_OK) == 0) {
        expect_error(mask, img, "image.nii.gz: does not look like a mask: voxel (0, 0, 0) holds -1000",
                     "were IMAGE and MASK swapped?");
    }
    char cmd[8192], text[8192];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' synth --size 24 -o '%s'", getenv("VX_BUILD_DIR"), tmp("synth"));
    assert_int_equal(run_cmd(cmd, text, sizeof text), 0);
    char si[4200], sm[4200];
    snprintf(si, sizeof si, "%s/image.nii.gz", tmp("synth"));
    snprintf(sm, sizeof sm, "%s/mask.nii.gz", tmp("synth"));
    expect_error(sm, si, "synth/image.nii.gz: does not look like a mask", "were IMAGE and MASK swapped?");
    /* the right order runs */
    snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' -o '%s' '%s' '%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("synth.csv"), si, sm);
    assert_int_equal(run_cmd(cmd, text, sizeof text), 0);
}

/* Masks that are no masks are refused; fractional masks in [0, 1] and label images keep working. */
static void test_mask_values(void **state)
{
    (void)state;
    char text[8192];
    write_mask_case("neg.nii.gz", v_negative);
    expect_error(tmp("img11.nii.gz"), tmp("neg.nii.gz"), "neg.nii.gz: does not look like a mask: voxel (2, 1, 1) "
                 "holds -1", "were IMAGE and MASK swapped?");
    write_mask_case("f17.nii.gz", v_frac_17);
    expect_error(tmp("img11.nii.gz"), tmp("f17.nii.gz"), "f17.nii.gz: does not look like a mask: voxel (8, 2, 2) "
                 "holds 1.7", "swapped");
    write_mask_case("d1001.nii.gz", v_1001);
    expect_error(tmp("img11.nii.gz"), tmp("d1001.nii.gz"), "d1001.nii.gz: does not look like a mask: more than 1000 "
                 "distinct values", "swapped");
    /* the same refusal when a label is selected (LABEL_IMAGE:N) */
    char spec[4200];
    snprintf(spec, sizeof spec, "%s:5", tmp("d1001.nii.gz"));
    expect_error(tmp("img11.nii.gz"), spec, "more than 1000 distinct values", NULL);
    /* a fractional mask with 0.5 values runs (the ROI is >= mask_threshold 0.5) */
    write_mask_case("f05.nii.gz", v_frac_half);
    assert_int_equal(run_extract(tmp("img11.nii.gz"), tmp("f05.nii.gz"), text, sizeof text), 0);
    /* a label image with 1000 distinct values, label 5 selected, runs */
    write_mask_case("d1000.nii.gz", v_1000);
    snprintf(spec, sizeof spec, "%s:5", tmp("d1000.nii.gz"));
    assert_int_equal(run_extract(tmp("img11.nii.gz"), spec, text, sizeof text), 0);
    /* --label all on a label image with labels 1..3 runs, one result set per label */
    write_mask_case("lab3.nii.gz", v_labels3);
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/ibsi1/digital_phantom.yaml' --label all -o '%s' '%s' '%s' && "
             "test $(cut -d, -f2 '%s' | sort -u | grep -c '^[123]$') -eq 3",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("lab.csv"), tmp("img11.nii.gz"), tmp("lab3.nii.gz"),
             tmp("lab.csv"));
    assert_int_equal(run_cmd(cmd, text, sizeof text), 0);
}

/* A sheared sform and a zero pixdim through the CLI: one line naming the file. */
static void test_hostile_geometry_cli(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    vx_geometry g;
    vx_geometry_default(&g, 6, 5, 4);
    g.direction[1] = 0.5; /* column 1 (the j axis) leans towards x: not orthogonal to column 0 */
    g.direction[4] = sqrt(0.75);
    vx_image *img = vx_image_new(&g);
    for (size_t i = 0; i < vx_geometry_count(&g); i++)
        img->v[i] = (float)(1 + i % 6);
    vx_error err;
    assert_int_equal(vx_nifti_write(tmp("sheared.nii.gz"), img, 1, &err), VX_OK);
    vx_image_free(img);
    expect_error(tmp("sheared.nii.gz"), tmp("okmask.nii.gz"), "sheared.nii.gz: sform (sform_code 1): axes 1 and 2 "
                 "are not orthogonal (angle 60 degrees", "resample the image onto an orthogonal grid");
    /* NRRD with a zero spacing */
    const char *hdr = "NRRD0004\ntype: uint8\ndimension: 3\nsizes: 6 5 4\nspacings: 1 0 1\nencoding: raw\n\n";
    unsigned char buf[400];
    size_t hl = strlen(hdr);
    memcpy(buf, hdr, hl);
    for (size_t i = 0; i < 120; i++)
        buf[hl + i] = (unsigned char)(1 + i % 6);
    write_bytes("zero.nrrd", buf, hl + 120);
    expect_error(tmp("zero.nrrd"), tmp("okmask.nii.gz"), "zero.nrrd: field 'spacings' (line 5): the spacing of "
                 "axis 1 is 0", "[1e-06, 1e+06] mm");
}

/* A fifo or a socket as IMAGE, MASK or settings file is refused at once (the commands run under timeout). */
static void test_fifo_socket(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    unlink(tmp("fifo.nii.gz"));
    assert_int_equal(mkfifo(tmp("fifo.nii.gz"), 0600), 0);
    expect_error(tmp("fifo.nii.gz"), tmp("okmask.nii.gz"), "fifo.nii.gz: is a fifo, not a regular file or a folder",
                 NULL);
    expect_error(tmp("ok.nii.gz"), tmp("fifo.nii.gz"), "fifo.nii.gz: is a fifo, not a regular file or a folder",
                 NULL);
    char spec[4200];
    snprintf(spec, sizeof spec, "%s:GTV", tmp("fifo.nii.gz"));
    expect_error(tmp("ok.nii.gz"), spec, "fifo.nii.gz: is a fifo, not a regular file", NULL);
    /* the settings file */
    char cmd[16384], text[8192];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s' -o '%s' '%s' '%s'", getenv("VX_BUILD_DIR"),
             tmp("fifo.nii.gz"), tmp("out.csv"), tmp("ok.nii.gz"), tmp("okmask.nii.gz"));
    int st = run_cmd(cmd, text, sizeof text);
    print_message("exit %d: %s", st, text);
    assert_int_equal(st, 1);
    assert_int_equal(count_lines(text), 1);
    assert_non_null(strstr(text, "fifo.nii.gz: the settings file is a fifo, not a regular file"));
    /* a socket */
    char sp[4200];
    snprintf(sp, sizeof sp, "%s", tmp("sock"));
    unlink(sp);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(sp) < sizeof a.sun_path) {
        snprintf(a.sun_path, sizeof a.sun_path, "%s", sp);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
        expect_error(sp, tmp("okmask.nii.gz"), "sock: is a socket, not a regular file or a folder", NULL);
        expect_error(tmp("ok.nii.gz"), sp, "sock: is a socket, not a regular file or a folder", NULL);
        unlink(sp);
    }
    close(fd);
    /* in a cohort, a fifo case fails alone (its row carries the error) and the run does not block */
    FILE *f = fopen(tmp("fifo_cases.csv"), "w");
    fprintf(f, "Image,Mask\n%s,%s\n%s,%s\n", tmp("ok.nii.gz"), tmp("okmask.nii.gz"), tmp("fifo.nii.gz"),
            tmp("okmask.nii.gz"));
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/ibsi1/digital_phantom.yaml' --cohort '%s' -o '%s' >/dev/null",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("fifo_cases.csv"), tmp("fifo_out.csv"));
    st = run_cmd(cmd, text, sizeof text);
    assert_int_equal(st, 3); /* table written, one case failed */
    char *tab = vx_test_slurp(tmp("fifo_out.csv"), NULL);
    assert_non_null(tab);
    assert_non_null(strstr(tab, "is a fifo, not a regular file"));
    free(tab);
    unlink(tmp("fifo.nii.gz"));
}

/* Every settings rule, in a single run and in a cohort run: exit 1 before any case, one stderr line
 * "FILE:LINE: KEY: ...". */
static void test_settings_rules_cli(void **state)
{
    (void)state;
    write_case("ok.nii.gz", "okmask.nii.gz", 6, 1, 0);
    FILE *f = fopen(tmp("rule_cases.csv"), "w");
    fprintf(f, "Image,Mask\n%s,%s\n", tmp("ok.nii.gz"), tmp("okmask.nii.gz"));
    fclose(f);
    char cmd[16384], text[8192], want[4400];
    for (size_t i = 0; i < N_SETTINGS_ERROR_CASES; i++) {
        const settings_error_case *c = &settings_error_cases[i];
        f = fopen(tmp("rule.yaml"), "w");
        fputs(c->text, f);
        fclose(f);
        snprintf(want, sizeof want, "%s:%d: %s: ", tmp("rule.yaml"), c->line, c->key);
        for (int cohort = 0; cohort <= 1; cohort++) {
            remove(tmp("rule_out.csv"));
            if (cohort)
                snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s' --cohort '%s' -o '%s' >/dev/null",
                         getenv("VX_BUILD_DIR"), tmp("rule.yaml"), tmp("rule_cases.csv"), tmp("rule_out.csv"));
            else
                snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s' -o '%s' '%s' '%s'",
                         getenv("VX_BUILD_DIR"), tmp("rule.yaml"), tmp("rule_out.csv"), tmp("ok.nii.gz"),
                         tmp("okmask.nii.gz"));
            int st = run_cmd(cmd, text, sizeof text);
            if (st != 1 || count_lines(text) != 1 || !strstr(text, want) || !strstr(text, c->needle) ||
                access(tmp("rule_out.csv"), F_OK) == 0)
                fail_msg("rule %zu (%s), %s: exit %d, stderr '%s'; want '%s...%s' and no output", i, c->text,
                         cohort ? "cohort" : "single", st, text, want, c->needle);
        }
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s", vx_test_tmpdir());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_case_runs),  cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated_gz),     cmocka_unit_test(test_unsupported_datatype),
        cmocka_unit_test(test_size_mismatch),    cmocka_unit_test(test_empty_mask),
        cmocka_unit_test(test_nan_voxels),       cmocka_unit_test(test_garbage_file),
        cmocka_unit_test(test_bad_config),       cmocka_unit_test(test_malformed_readers),
        cmocka_unit_test(test_resample_mask_option),
        cmocka_unit_test(test_swapped_image_mask), cmocka_unit_test(test_mask_values),
        cmocka_unit_test(test_hostile_geometry_cli), cmocka_unit_test(test_fifo_socket),
        cmocka_unit_test(test_settings_rules_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
