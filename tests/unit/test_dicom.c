/* DICOM inputs: series assembly and its checks, RTSTRUCT, SEG, PET SUV, IMAGE/MASK specifications.
 *
 * References: the IBSI CT phantom, distributed both as NIfTI (ct_phantom/) and as DICOM (ct_phantom_dicom/:
 * a 60-slice CT series and an RTSTRUCT with ROI GTV-1); the DICOM reading must give the NIfTI voxels, grid and
 * mask exactly. SEG and PET files are written by pydicom (scripts/make_seg.py, scripts/make_pet.py), an
 * independent writer, at test time into a private temporary folder. Series faults are made by copying the
 * phantom series and editing single files (deleting, duplicating, truncating, rewriting a position).
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

#include "io/dicom.h"
#include "voxomics/voxomics.h"
#include "vx_test.h"

#define PHANTOM_DICOM "ibsi/ibsi1/ct_phantom_dicom/image"
#define PHANTOM_RTSTRUCT "ibsi/ibsi1/ct_phantom_dicom/mask/DCM_RS_00060.dcm"

static vx_image *read_nifti(const char *rel)
{
    vx_image *img = NULL;
    vx_error err;
    assert_int_equal(vx_image_read(vx_test_data(rel), &img, &err), VX_OK);
    return img;
}

static size_t count_nonzero(const vx_image *m)
{
    size_t n = vx_geometry_count(&m->geom), c = 0;
    for (size_t i = 0; i < n; i++)
        c += m->v[i] != 0.0f;
    return c;
}

static void run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
}

/* A private copy of the phantom series in tmp/<name>. */
static const char *copy_series(const char *name)
{
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", vx_test_tmpdir(), name);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", dir, vx_test_data(PHANTOM_DICOM), dir);
    run(cmd);
    return dir;
}

/* Replace the first occurrence of `from` by `to` (same length) in a file. */
static void patch_file(const char *path, const char *from, const char *to)
{
    assert_int_equal(strlen(from), strlen(to));
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    size_t m = strlen(from);
    long at = -1;
    for (long i = 0; i + (long)m <= n; i++)
        if (!memcmp(buf + i, from, m)) {
            at = i;
            break;
        }
    if (at < 0)
        fail_msg("'%s' not found in %s", from, path);
    memcpy(buf + at, to, m);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    free(buf);
}

static void expect_error(const char *dir, int code, const char *needle)
{
    vx_image *img = NULL;
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_dicom_read(dir, NULL, &img, NULL, &err);
    if (rc != code || !strstr(err.msg, needle))
        fail_msg("expected %d with '%s', got %d: %s", code, needle, rc, err.msg);
    assert_null(img);
}

/* The DICOM series gives the NIfTI voxels on the NIfTI grid, exactly. */
static void test_series_equals_nifti(void **state)
{
    (void)state;
    vx_image *img = NULL, *ref = read_nifti("ibsi/ibsi1/ct_phantom/image.nii.gz");
    vx_dicom_info info;
    vx_error err;
    assert_int_equal(vx_dicom_read(vx_test_data(PHANTOM_DICOM), NULL, &img, &info, &err), VX_OK);
    assert_int_equal(img->geom.dims[0], 204);
    assert_int_equal(img->geom.dims[1], 201);
    assert_int_equal(img->geom.dims[2], 60);
    assert_true(vx_geometry_same(&img->geom, &ref->geom, 1e-4));
    size_t n = vx_geometry_count(&img->geom), diff = 0;
    for (size_t i = 0; i < n; i++)
        diff += img->v[i] != ref->v[i];
    assert_int_equal(diff, 0);
    assert_string_equal(info.modality, "CT");
    assert_int_equal(info.n_slices, 60);
    assert_int_equal(info.n_skipped, 0);
    assert_string_equal(info.transfer_syntax, "1.2.840.10008.1.2");
    assert_int_equal(info.suv_applied, 0);
    vx_image_free(img);
    vx_image_free(ref);
}

/* File names and instance numbers do not order slices: the same files under shuffled names read the same. */
static void test_series_order_by_position(void **state)
{
    (void)state;
    const char *dir = copy_series("shuffled");
    char cmd[9000];
    /* reverse the names: DCM_IMG_00000 <-> DCM_IMG_00059, ... */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for i in $(seq 0 59); do mv DCM_IMG_$(printf %%05d $i).dcm x_$(printf %%02d $((59-i))).dcm; "
             "done",
             dir);
    run(cmd);
    vx_image *img = NULL, *ref = read_nifti("ibsi/ibsi1/ct_phantom/image.nii.gz");
    vx_error err;
    assert_int_equal(vx_dicom_read(dir, NULL, &img, NULL, &err), VX_OK);
    assert_true(vx_geometry_same(&img->geom, &ref->geom, 1e-4));
    assert_memory_equal(img->v, ref->v, vx_geometry_count(&ref->geom) * sizeof(float));
    vx_image_free(img);
    /* an explicit list of files, in name order (the reverse of the positions after the renaming) */
    char *paths[60];
    for (int i = 0; i < 60; i++) {
        paths[i] = malloc(4200);
        snprintf(paths[i], 4200, "%s/x_%02d.dcm", dir, i);
    }
    assert_int_equal(vx_dicom_read_files((const char *const *)paths, 60, NULL, &img, NULL, &err), VX_OK);
    assert_memory_equal(img->v, ref->v, vx_geometry_count(&ref->geom) * sizeof(float));
    vx_image_free(img);
    /* in a list, every file counts: a file that is not DICOM is an error naming it */
    snprintf(cmd, sizeof cmd, "echo hello > '%s/notes.txt'", dir);
    run(cmd);
    snprintf(paths[59], 4200, "%s/notes.txt", dir);
    assert_int_equal(vx_dicom_read_files((const char *const *)paths, 60, NULL, &img, NULL, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "notes.txt"));
    for (int i = 0; i < 60; i++)
        free(paths[i]);
    vx_image_free(ref);
}

static void test_series_faults(void **state)
{
    (void)state;
    char path[4096], cmd[9000];
    /* a missing slice in the middle: 6 mm where the series has 3 mm */
    const char *dir = copy_series("missing");
    snprintf(path, sizeof path, "%s/DCM_IMG_00030.dcm", dir);
    assert_int_equal(remove(path), 0);
    expect_error(dir, VX_EFORMAT, "missing slice");

    /* the same slice twice */
    dir = copy_series("duplicate");
    snprintf(cmd, sizeof cmd, "cp '%s/DCM_IMG_00010.dcm' '%s/copy.dcm'", dir, dir);
    run(cmd);
    expect_error(dir, VX_EFORMAT, "same slice position");

    /* the top slice moved 1 mm up: a 4 mm gap among 3 mm ones */
    dir = copy_series("uneven");
    snprintf(path, sizeof path, "%s/DCM_IMG_00000.dcm", dir);
    patch_file(path, "76.5999984741211", "77.5999984741211");
    expect_error(dir, VX_EFORMAT, "unevenly spaced");

    /* the top slice shifted 1 mm in x: a sheared volume */
    dir = copy_series("tilt");
    snprintf(path, sizeof path, "%s/DCM_IMG_00000.dcm", dir);
    patch_file(path, "-174.39450073242", "-173.39450073242");
    expect_error(dir, VX_EUNSUPPORTED, "gantry tilt");

    /* a truncated slice: the error names the file */
    dir = copy_series("truncated");
    snprintf(path, sizeof path, "%s/DCM_IMG_00020.dcm", dir);
    assert_int_equal(truncate(path, 50000), 0);
    expect_error(dir, VX_EFORMAT, "DCM_IMG_00020.dcm");

    /* an empty folder, and a folder of non-DICOM files */
    snprintf(path, sizeof path, "%s/empty", vx_test_tmpdir());
    mkdir(path, 0700);
    expect_error(path, VX_EFORMAT, "no files");
    snprintf(cmd, sizeof cmd, "echo hello > '%s/readme.txt'", path);
    run(cmd);
    expect_error(path, VX_EFORMAT, "no DICOM image");
}

/* Hostile geometry (issue 11): zero, negative and absurd PixelSpacing, sheared ImageOrientationPatient and a
 * single slice without a thickness are refused naming the file; a single slice with SliceThickness reads. */
static void test_series_hostile_geometry(void **state)
{
    (void)state;
    char path[4096], cmd[9000];
    const char *bad[] = {"0.00000000000000", "-0.9769999980926", "1.0000000000e-30"};
    const char *want[] = {"PixelSpacing (0028,0030) 0\\0.977", "PixelSpacing (0028,0030) -0.977",
                          "PixelSpacing (0028,0030) 1e-30"};
    for (int b = 0; b < 3; b++) {
        const char *dir = copy_series("pixsp");
        snprintf(path, sizeof path, "%s/DCM_IMG_00020.dcm", dir);
        patch_file(path, "0.97699999809265", bad[b]);
        expect_error(dir, VX_EGEOMETRY, want[b]);
        expect_error(dir, VX_EGEOMETRY, "DCM_IMG_00020.dcm");
    }
    /* every slice with row (1, 0, 0) and column (0.5, 1, 0): a sheared plane */
    const char *dir = copy_series("sheared");
    snprintf(cmd, sizeof cmd, "ls '%s'", dir);
    FILE *ls = popen(cmd, "r");
    assert_non_null(ls);
    char name[512];
    while (fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = '\0';
        snprintf(path, sizeof path, "%s/%s", dir, name);
        patch_file(path, "1.0\\0.0\\0.0\\0.0\\1.0\\0.0", "1.0\\0.0\\0.0\\0.5\\1.0\\0.0");
    }
    pclose(ls);
    expect_error(dir, VX_EGEOMETRY, "ImageOrientationPatient / PixelSpacing: axes 1 and 2 are not orthogonal");
    /* a single slice: its SliceThickness (3 mm) is the slice spacing */
    snprintf(path, sizeof path, "%s/single", vx_test_tmpdir());
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s' && cp '%s/DCM_IMG_00000.dcm' '%s/'", path, path,
             vx_test_data(PHANTOM_DICOM), path);
    run(cmd);
    vx_image *img = NULL;
    vx_error err;
    assert_int_equal(vx_dicom_read(path, NULL, &img, NULL, &err), VX_OK);
    vx_assert_near(img->geom.spacing[2], 3.0, 1e-12);
    vx_image_free(img);
    /* without a thickness: refused, never 1 mm */
    char file[4200];
    snprintf(file, sizeof file, "%s/DCM_IMG_00000.dcm", path);
    patch_file(file, "3.0 ", "0.0 ");
    expect_error(path, VX_EGEOMETRY, "a single slice without a valid SpacingBetweenSlices");
}

/* Non-DICOM files are skipped; a second series must be chosen by UID. */
static void test_series_selection(void **state)
{
    (void)state;
    const char *dir = copy_series("two_series");
    char path[4096], cmd[9000];
    snprintf(cmd, sizeof cmd, "echo 'not dicom' > '%s/notes.txt'", dir);
    run(cmd);
    snprintf(path, sizeof path, "%s/DCM_IMG_00000.dcm", dir);
    vx_dcm_file f;
    vx_error err;
    assert_int_equal(vx_dcm_read(path, &f, &err), VX_OK);
    char uid[65], other[65];
    assert_int_equal(vx_dcm_str(&f.ds, VX_DCM_SERIES_UID, uid, sizeof uid), 0);
    vx_dcm_free(&f);
    snprintf(other, sizeof other, "%s", uid);
    other[strlen(other) - 1] = other[strlen(other) - 1] == '1' ? '2' : '1';
    patch_file(path, uid, other);
    expect_error(dir, VX_EINVAL, "2 image series found");

    vx_dicom_options o;
    vx_dicom_options_default(&o);
    o.series_uid = uid;
    vx_image *img = NULL;
    vx_dicom_info info;
    assert_int_equal(vx_dicom_read(dir, &o, &img, &info, &err), VX_OK);
    assert_int_equal(img->geom.dims[2], 59); /* the top slice left for the other series */
    assert_int_equal(info.n_skipped, 2);     /* notes.txt and the other series' file */
    vx_image_free(img);
    o.series_uid = other;
    assert_int_equal(vx_dicom_read(dir, &o, &img, &info, &err), VX_OK);
    assert_int_equal(img->geom.dims[2], 1);
    vx_image_free(img);
    o.series_uid = "1.2.3";
    assert_int_equal(vx_dicom_read(dir, &o, &img, &info, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "series 1.2.3 not found"));
}

static void test_rtstruct(void **state)
{
    (void)state;
    vx_error err;
    vx_rtstruct_roi *rois = NULL;
    size_t n = 0;
    assert_int_equal(vx_rtstruct_list(vx_test_data(PHANTOM_RTSTRUCT), &rois, &n, &err), VX_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rois[0].name, "GTV-1");
    assert_int_equal(rois[0].number, 1);
    assert_int_equal(rois[0].n_contours, 26);
    free(rois);

    vx_image *img = NULL, *m = NULL, *ref = read_nifti("ibsi/ibsi1/ct_phantom/mask.nii.gz");
    vx_dicom_info info;
    assert_int_equal(vx_dicom_read(vx_test_data(PHANTOM_DICOM), NULL, &img, &info, &err), VX_OK);
    const char *names[] = {"GTV-1", "gtv-1", "#1"};
    for (int t = 0; t < 3; t++) {
        assert_int_equal(vx_rtstruct_rasterise(vx_test_data(PHANTOM_RTSTRUCT), names[t], &img->geom,
                                               info.frame_of_reference_uid, &m, &err),
                         VX_OK);
        size_t nv = vx_geometry_count(&img->geom), diff = 0, in = 0;
        for (size_t i = 0; i < nv; i++) {
            diff += (m->v[i] > 0) != (ref->v[i] > 0);
            in += m->v[i] > 0;
        }
        assert_int_equal(in, 125256);
        assert_int_equal(diff, 0);
        vx_image_free(m);
        m = NULL;
    }
    assert_int_equal(vx_rtstruct_rasterise(vx_test_data(PHANTOM_RTSTRUCT), "GTV-2", &img->geom, NULL, &m, &err),
                     VX_EINVAL);
    assert_non_null(strstr(err.msg, "'GTV-1' (#1)"));
    assert_int_equal(
        vx_rtstruct_rasterise(vx_test_data(PHANTOM_RTSTRUCT), "GTV-1", &img->geom, "1.2.3.4", &m, &err),
        VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "frame of reference"));
    /* a grid that misses every contour's slice */
    vx_geometry far = img->geom;
    far.origin[2] += 999.0; /* 333 slices up: every contour on a slice below the grid */
    assert_int_equal(vx_rtstruct_rasterise(vx_test_data(PHANTOM_RTSTRUCT), "GTV-1", &far, NULL, &m, &err), VX_EEMPTY);
    /* an image is not a structure set */
    char first[4096];
    snprintf(first, sizeof first, "%s/DCM_IMG_00000.dcm", vx_test_data(PHANTOM_DICOM));
    assert_int_equal(vx_rtstruct_list(first, &rois, &n, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not an RT Structure Set"));
    vx_image_free(img);
    vx_image_free(ref);
}

/* A SEG written by pydicom from the NIfTI mask reads back as that mask (binary and fractional). */
static void test_seg(void **state)
{
    (void)state;
    const char *src = getenv("VX_SOURCE_DIR");
    assert_non_null(src);
    vx_image *img = NULL, *ref = read_nifti("ibsi/ibsi1/ct_phantom/mask.nii.gz");
    vx_dicom_info info;
    vx_error err;
    assert_int_equal(vx_dicom_read(vx_test_data(PHANTOM_DICOM), NULL, &img, &info, &err), VX_OK);
    const vx_geometry *g = &img->geom;
    size_t nv = vx_geometry_count(g);
    /* segment 2 of make_seg.py: per slice, the bounding box of the mask (derived here from the NIfTI mask) */
    size_t box = 0;
    for (size_t k = 0; k < g->dims[2]; k++) {
        size_t x0 = SIZE_MAX, x1 = 0, y0 = SIZE_MAX, y1 = 0;
        for (size_t y = 0; y < g->dims[1]; y++)
            for (size_t x = 0; x < g->dims[0]; x++)
                if (ref->v[x + g->dims[0] * (y + g->dims[1] * k)] > 0) {
                    x0 = x < x0 ? x : x0;
                    x1 = x > x1 ? x : x1;
                    y0 = y < y0 ? y : y0;
                    y1 = y > y1 ? y : y1;
                }
        if (x0 != SIZE_MAX)
            box += (x1 - x0 + 1) * (y1 - y0 + 1);
    }
    for (int frac = 0; frac < 2; frac++) {
        char seg[4096], cmd[16384];
        snprintf(seg, sizeof seg, "%s/seg_%d.dcm", vx_test_tmpdir(), frac);
        char series[4096], nifti[4096];
        snprintf(series, sizeof series, "%s", vx_test_data(PHANTOM_DICOM));
        snprintf(nifti, sizeof nifti, "%s", vx_test_data("ibsi/ibsi1/ct_phantom/mask.nii.gz"));
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/scripts/make_seg.py' '%s' '%s' '%s'%s", src, series, nifti,
                 seg, frac ? " --fractional" : "");
        run(cmd);
        vx_seg_segment *segs = NULL;
        size_t ns = 0;
        assert_int_equal(vx_seg_list(seg, &segs, &ns, &err), VX_OK);
        assert_int_equal(ns, 2);
        assert_int_equal(segs[0].number, 1);
        assert_string_equal(segs[0].label, "GTV-1");
        assert_int_equal(segs[0].n_frames, 26);
        assert_string_equal(segs[1].label, "GTV-1 box");
        free(segs);
        const char *sel[] = {"GTV-1", "1", "gtv-1", "2"};
        for (int t = 0; t < 4; t++) {
            vx_image *m = NULL;
            assert_int_equal(vx_seg_read(seg, sel[t], g, info.frame_of_reference_uid, &m, &err), VX_OK);
            size_t in = 0, diff = 0;
            for (size_t i = 0; i < nv; i++) {
                assert_true(m->v[i] == 0.0f || m->v[i] == 1.0f);
                in += m->v[i] >= 0.5f;
                diff += (m->v[i] >= 0.5f) != (ref->v[i] > 0);
            }
            if (t < 3) {
                assert_int_equal(in, 125256);
                assert_int_equal(diff, 0);
            } else {
                assert_int_equal(in, box);
            }
            vx_image_free(m);
        }
        /* the segmentation's own grid: 26 slices from the lowest frame */
        vx_image *own = NULL;
        assert_int_equal(vx_seg_read(seg, "1", NULL, NULL, &own, &err), VX_OK);
        assert_int_equal(own->geom.dims[0], 204);
        assert_int_equal(own->geom.dims[1], 201);
        assert_int_equal(own->geom.dims[2], 26);
        assert_true(fabs(own->geom.spacing[2] - 3.0) < 1e-6);
        vx_image_free(own);
        vx_image *m = NULL;
        assert_int_equal(vx_seg_read(seg, "3", g, NULL, &m, &err), VX_EINVAL);
        assert_non_null(strstr(err.msg, "1 'GTV-1', 2 'GTV-1 box'"));
        assert_int_equal(vx_seg_read(seg, "1", g, "9.9.9", &m, &err), VX_EGEOMETRY);
        /* the same through a MASK specification */
        char spec[4200];
        snprintf(spec, sizeof spec, "%s:GTV-1", seg);
        vx_input_info ii, mi;
        vx_image *im = NULL;
        assert_int_equal(vx_input_image(vx_test_data(PHANTOM_DICOM), NULL, &im, &ii, &err), VX_OK);
        assert_string_equal(ii.format, "dicom");
        assert_int_equal(vx_input_mask(spec, im, &ii, 0, &m, &mi, &err), VX_OK);
        assert_string_equal(mi.format, "seg");
        assert_string_equal(mi.selector, "GTV-1");
        size_t in = 0;
        for (size_t i = 0; i < nv; i++)
            in += m->v[i] >= 0.5f;
        assert_int_equal(in, 125256);
        vx_image_free(m);
        vx_image_free(im);
    }
    vx_image_free(img);
    vx_image_free(ref);
}

/* PET SUVbw, hand-derived: factor = 70000 g / (3.7e8 Bq * 2^(-3600 s / 6586.2 s)). */
static void test_pet_suv(void **state)
{
    (void)state;
    const char *src = getenv("VX_SOURCE_DIR");
    for (int noweight = 0; noweight < 2; noweight++) {
        char dir[4096], cmd[9000];
        snprintf(dir, sizeof dir, "%s/pet_%d", vx_test_tmpdir(), noweight);
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/scripts/make_pet.py' '%s'%s", src, dir,
                 noweight ? " --no-weight" : "");
        run(cmd);
        vx_image *img = NULL;
        vx_dicom_info info;
        vx_error err;
        assert_int_equal(vx_dicom_read(dir, NULL, &img, &info, &err), VX_OK);
        assert_string_equal(info.modality, "PT");
        const vx_geometry *g = &img->geom;
        assert_int_equal(g->dims[0], 8);
        assert_int_equal(g->dims[1], 6);
        assert_int_equal(g->dims[2], 3);
        assert_true(g->spacing[0] == 2.0 && g->spacing[1] == 3.0 && fabs(g->spacing[2] - 4.0) < 1e-12);
        assert_true(g->origin[0] == -7.0 && g->origin[1] == -7.5 && g->origin[2] == 0.0);
        double factor = 70000.0 / (3.7e8 * pow(2.0, -3600.0 / 6586.2));
        assert_int_equal(info.suv_applied, !noweight);
        if (!noweight)
            assert_true(fabs(info.suv_factor - factor) < 1e-12 * factor);
        else
            assert_non_null(strstr(info.note, "PatientWeight"));
        const double slope[3] = {0.5, 0.25, 2.0};
        for (size_t k = 0; k < 3; k++)
            for (size_t y = 0; y < 6; y++)
                for (size_t x = 0; x < 8; x++) {
                    double v = (100.0 * k + 10.0 * y + x) * slope[k] * (noweight ? 1.0 : factor);
                    float got = img->v[x + 8 * (y + 6 * k)];
                    assert_true(got == (float)v);
                }
        vx_image_free(img);
    }
}

/* IMAGE / MASK specifications and geometry validation. */
static void test_input_specs(void **state)
{
    (void)state;
    vx_error err;
    vx_input_info ii, mi;
    vx_image *img = NULL, *m = NULL;
    assert_int_equal(vx_input_image(vx_test_data("ibsi/ibsi1/ct_phantom/image.nii.gz"), NULL, &img, &ii, &err),
                     VX_OK);
    assert_string_equal(ii.format, "nifti");
    /* the RTSTRUCT needs the frame of reference only when both sides know it: a NIfTI image does not */
    char spec[4200];
    snprintf(spec, sizeof spec, "%s:GTV-1", vx_test_data(PHANTOM_RTSTRUCT));
    assert_int_equal(vx_input_mask(spec, img, &ii, 0, &m, &mi, &err), VX_OK);
    assert_string_equal(mi.format, "rtstruct");
    vx_image_free(m);
    /* one ROI: the selector may be left out */
    assert_int_equal(vx_input_mask(vx_test_data(PHANTOM_RTSTRUCT), img, &ii, 0, &m, &mi, &err), VX_OK);
    assert_string_equal(mi.selector, "GTV-1");
    vx_image_free(m);
    /* a label selector on a label image */
    snprintf(spec, sizeof spec, "%s:1", vx_test_data("ibsi/ibsi1/ct_phantom/mask.nii.gz"));
    assert_int_equal(vx_input_mask(spec, img, &ii, 0, &m, &mi, &err), VX_OK);
    assert_string_equal(mi.format, "label");
    assert_int_equal(count_nonzero(m), 125256);
    vx_image_free(m);
    snprintf(spec, sizeof spec, "%s:7", vx_test_data("ibsi/ibsi1/ct_phantom/mask.nii.gz"));
    assert_int_equal(vx_input_mask(spec, img, &ii, 0, &m, &mi, &err), VX_EEMPTY);
    assert_int_equal(vx_input_mask("/no/such/mask.nii.gz", img, &ii, 0, &m, &mi, &err), VX_EIO);
    assert_non_null(strstr(err.msg, "/no/such/mask.nii.gz"));
    vx_image_free(img);
    assert_int_equal(vx_input_image("/no/such/image.nii.gz:2", NULL, &img, &ii, &err), VX_EIO);
    assert_null(img);

    /* a mask on another grid: one clear message; --resample-mask resamples it by nearest neighbour */
    vx_image *ref = read_nifti("ibsi/ibsi1/ct_phantom/mask.nii.gz");
    vx_geometry sub = ref->geom;
    sub.dims[0] = 100; /* the first 100 columns */
    vx_image *crop = vx_image_new(&sub);
    for (size_t k = 0; k < sub.dims[2]; k++)
        for (size_t y = 0; y < sub.dims[1]; y++)
            for (size_t x = 0; x < 100; x++)
                crop->v[x + 100 * (y + sub.dims[1] * k)] = ref->v[x + 204 * (y + 201 * k)];
    char path[4096];
    snprintf(path, sizeof path, "%s/crop.nii.gz", vx_test_tmpdir());
    assert_int_equal(vx_nifti_write(path, crop, 1, &err), VX_OK);
    assert_int_equal(vx_input_image(vx_test_data("ibsi/ibsi1/ct_phantom/image.nii.gz"), NULL, &img, &ii, &err),
                     VX_OK);
    assert_int_equal(vx_input_mask(path, img, &ii, 0, &m, &mi, &err), VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "--resample-mask"));
    assert_non_null(strstr(err.msg, "204x201x60"));
    assert_non_null(strstr(err.msg, "100x201x60"));
    assert_int_equal(vx_input_mask(path, img, &ii, 1, &m, &mi, &err), VX_OK);
    assert_int_equal(mi.mask_resampled, 1);
    size_t nv = vx_geometry_count(&img->geom), diff = 0;
    for (size_t k = 0; k < 60; k++)
        for (size_t y = 0; y < 201; y++)
            for (size_t x = 0; x < 204; x++) {
                size_t i = x + 204 * (y + 201 * k);
                float want = x < 100 ? ref->v[i] : 0.0f;
                diff += m->v[i] != want;
            }
    assert_int_equal(diff, 0);
    (void)nv;
    vx_image_free(m);
    vx_image_free(img);
    vx_image_free(crop);
    vx_image_free(ref);
}

/* Malformed files: one-line errors naming the file, never a crash. */
static void test_malformed(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/DCM_IMG_00005.dcm", vx_test_data(PHANTOM_DICOM));
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t orig[200000];
    size_t n = fread(orig, 1, sizeof orig, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof orig);
    /* every truncation length in steps, and bytes flipped around the header */
    for (size_t len = 0; len < n; len += len < 2000 ? 7 : 4999) {
        uint8_t *b = malloc(len ? len : 1);
        memcpy(b, orig, len);
        vx_dcm_file d;
        vx_error err;
        int rc = vx_dcm_parse("cut.dcm", b, len, &d, &err);
        if (rc != VX_OK) {
            assert_non_null(strstr(err.msg, "cut.dcm"));
            assert_null(strchr(err.msg, '\n'));
        } else {
            vx_dcm_pixfmt pf;
            size_t nf;
            if (vx_dcm_pixfmt_read(&d, &pf, &nf, &err) == VX_OK) {
                double *out = malloc((size_t)pf.rows * pf.cols * sizeof *out);
                vx_dcm_frame(&d, &pf, nf, 0, out, &err);
                free(out);
            }
        }
        vx_dcm_free(&d);
    }
    for (size_t pos = 128; pos < 1200; pos += 3) {
        uint8_t *b = malloc(n);
        memcpy(b, orig, n);
        b[pos] ^= 0xA5;
        vx_dcm_file d;
        vx_error err;
        if (vx_dcm_parse("flip.dcm", b, n, &d, &err) == VX_OK) {
            vx_dcm_pixfmt pf;
            size_t nf;
            if (vx_dcm_pixfmt_read(&d, &pf, &nf, &err) == VX_OK && nf < 8) {
                double *out = malloc((size_t)pf.rows * pf.cols * sizeof *out);
                for (size_t k = 0; k < nf; k++)
                    vx_dcm_frame(&d, &pf, nf, k, out, &err);
                free(out);
            }
        }
        vx_dcm_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series_equals_nifti), cmocka_unit_test(test_series_order_by_position),
        cmocka_unit_test(test_series_faults), cmocka_unit_test(test_series_hostile_geometry),       cmocka_unit_test(test_series_selection),
        cmocka_unit_test(test_rtstruct),            cmocka_unit_test(test_seg),
        cmocka_unit_test(test_pet_suv),             cmocka_unit_test(test_input_specs),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
