/* voxomics: whole studies. One case end to end (inputs -> regions -> results), cohorts read from
 * PyRadiomics-style batch CSV files, parallel and resumable runs, and the cohort feature table.
 *
 * Cohort CSV (PyRadiomics batch convention): a header line with the columns Image and Mask (required), Label
 * (optional: a positive label, or "all" for every label of the mask), ID (optional: the case name; else the row
 * number, 1-based). Column names match case-insensitively. Every other column is copied to the output (in
 * PyRadiomics compatibility every column, Image and Mask included: vx_cohort_write_csv). Fields
 * may be quoted ("..." with "" for a quote). Relative paths are taken relative to the CSV file's folder.
 * Image and Mask take every form of voxomics/input.h (files, DICOM folders, RTSTRUCT_FILE:ROI, SEG_FILE:SEGMENT).
 *
 * Runs: cases run in parallel (jobs), each case on one thread; a failed case gets an error ("stage: reason",
 * naming the file) and never stops the others. Results are identical, bit for bit, for any number of jobs,
 * and the table lists cases in the order of the CSV. With a store (SQLite), every finished case is committed
 * as soon as it is done; running again with the same store skips the cases already in it, so a run killed at
 * any moment loses at most the cases in flight. A store made with other settings, another voxomics version,
 * or other cases is refused.
 *
 * Store integrity: every stored case carries a SHA-256 of its whole record (IDs, paths, label, error and every
 * value, bound to the store's settings and version), the meta rows carry their own. A file that is not a SQLite
 * database, a truncated or damaged database, a store without its tables or meta rows, or with altered meta rows
 * is refused with a message naming the store (fix: a new store file). A case whose record fails its checksum
 * (edited or truncated) refuses the run naming the store and the case, or is run again with retry_failed.
 * Stored values are never used unverified.
 *
 * Cohort CSV rules: RFC 4180 (a quoted field may hold commas, "" and line breaks, and so span lines), LF or CRLF
 * line ends, an optional UTF-8 byte order mark; a quote left open is an error naming file:line. With an ID
 * column, rows sharing an ID must each name their own label number (one row per region, so that (case, roi)
 * is unique in the table); otherwise two rows with one ID are refused before any case runs, naming both rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_COHORT_H
#define VOXOMICS_COHORT_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdio.h>

#include "voxomics/dicom.h"
#include "voxomics/extract.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one case ------------------------------------------------------------------------------------------ */
typedef struct vx_case_spec {
    const char *id;
    const char *image; /* IMAGE as in voxomics/input.h */
    const char *mask;  /* MASK as in voxomics/input.h */
    const char *label; /* NULL or "": mask >= threshold; "all": every label; "N": label N */
} vx_case_spec;

typedef struct vx_case_options {
    int resample_mask;      /* resample a mask on another grid onto the image grid (nearest neighbour) */
    int largest_component;  /* keep the largest 26-connected component of each region */
    vx_dicom_options dicom; /* series selection, PET SUV */
} vx_case_options;

/* Defaults: no mask resampling, every component kept, vx_dicom_options_default. */
VX_API void vx_case_options_default(vx_case_options *o);

typedef struct vx_region_result {
    char roi[256]; /* label number, RTSTRUCT ROI / SEG segment name, or "" for the whole mask */
    vx_results res;
} vx_region_result;

typedef struct vx_case_result {
    int done;              /* the case has been run (or loaded from a store) */
    char *error;           /* NULL on success, else "stage: reason" (malloc'ed) */
    vx_region_result *regions;
    size_t n_regions;
    char image_sha256[65]; /* "" when the input could not be read */
    char mask_sha256[65];
    char note[256];        /* input remarks (PET SUV, mask resampled), "" when none */
} vx_case_result;

/* Run one case: read image and mask, hash them, select the regions, extract each. Never stops at the first
 * problem silently: on failure r->error says which stage failed and why, and the return value is its code
 * (any VX_E* of the readers and of vx_extract). r is overwritten (its previous contents are not freed) and
 * owned by the caller afterwards, on success and on failure: free it with vx_case_result_free. */
VX_API int vx_case_run(const vx_case_spec *c, const vx_settings *s, const vx_case_options *o, vx_case_result *r);
/* vx_case_run on an image and a mask already in memory (built by the caller, e.g. the Python package, or read
 * earlier): label as vx_case_spec.label; the mask must look like a mask (vx_mask_check_values) and lie on the
 * image grid (vx_geometry_check), else the case fails, or with o->resample_mask it is resampled onto the image
 * grid (nearest neighbour); in compat pyradiomics the extraction checks the grids itself (geometryTolerance,
 * correctMask), as for a mask file. Nothing is hashed (image_sha256 and mask_sha256 stay ""). img and mask
 * are only read; r as for vx_case_run (free it with vx_case_result_free). */
VX_API int vx_case_run_images(const vx_image *img, const vx_image *mask, const char *label, const vx_settings *s,
                              const vx_case_options *o, vx_case_result *r);
/* Free the error text and the regions' results of r (not r itself) and zero it. NULL is allowed. */
VX_API void vx_case_result_free(vx_case_result *r);

/* PyRadiomics' RadiomicsFeatureExtractor.execute() in one call: the ordered result dict of one extraction
 * (vx_results_pyradiomics_items: diagnostics first, in PyRadiomics' order, then the features) for the
 * settings s (usually a PyRadiomics parameter file: compat pyradiomics; its label and label_channel select the
 * region and the mask channel). Either image_path and mask_path (any IMAGE and MASK of voxomics/input.h, run
 * as vx_case_run runs a case, so that the values are the CLI's) with image and mask NULL, or image and mask
 * in memory (vx_case_run_images; the image hash of the diagnostics is that of image->pixel_type) with the
 * paths NULL. out is overwritten; free it with vx_pyrad_items_free (also after an error). Errors: those of
 * vx_case_run / vx_case_run_images, the message naming the stage and the file; VX_EINVAL for a path given
 * with an image. */
VX_API int vx_pyradiomics_execute(const vx_settings *s, const char *image_path, const char *mask_path,
                                  const vx_image *image, const vx_image *mask, vx_pyrad_items *out, vx_error *err);

/* ---- cohorts ------------------------------------------------------------------------------------------- */
typedef struct vx_cohort {
    size_t n;             /* cases */
    vx_case_spec *cases;  /* strings owned by the cohort */
    size_t n_extra;       /* columns copied to the output */
    char **extra_names;
    char **extra;         /* extra[i * n_extra + j]: case i, extra column j */
    size_t n_cols;        /* every column of the file, in its order (Image, Mask, Label, ID included) */
    char **col_names;
    char **cols;          /* cols[i * n_cols + j]: case i, column j, as written in the file (paths unresolved) */
    char *path;           /* the CSV file */
} vx_cohort;

/* Read a cohort CSV (rules above) into c, which is overwritten and then owned by the caller: free it with
 * vx_cohort_free (also after an error). Errors: VX_EIO (cannot open or read; a fifo), VX_EFORMAT (no Image or
 * Mask column, a quote left open, a row with another number of fields, an empty Image or Mask, no case:
 * naming file, line and fix), VX_EINVAL (two rows with one ID, naming both), VX_ENOMEM. */
VX_API int vx_cohort_read(const char *csv_path, vx_cohort *c, vx_error *err);
/* Free what vx_cohort_read allocated in c (not c itself) and zero it. NULL is allowed. */
VX_API void vx_cohort_free(vx_cohort *c);

typedef struct vx_cohort_progress {
    size_t total;   /* cases of this run (this shard) */
    size_t done;    /* finished, including those loaded from the store */
    size_t failed;  /* finished with an error */
    size_t resumed; /* loaded from the store */
    double elapsed; /* seconds since the run started */
    size_t damaged; /* stored records that failed their checksum and are run again (retry_failed) */
} vx_cohort_progress;

typedef struct vx_cohort_options {
    vx_case_options case_opts;
    int jobs;            /* cases run at once (>= 1) */
    const char *store;   /* SQLite file for crash-safe, resumable runs; NULL: none */
    int retry_failed;    /* with a store: run again the cases stored with an error, and those whose stored
                          * record fails its checksum (without it such a record refuses the run) */
    size_t rank, nranks; /* shard: this run handles the cases with index % nranks == rank (0 and 1: all) */
    /* called after every finished case (serialised: never concurrently), may be NULL */
    void (*progress)(void *ud, const vx_cohort_progress *p);
    void *progress_ud;
} vx_cohort_options;

/* Defaults: vx_case_options_default, 1 job, no store, no retry, one shard (rank 0 of 1), no progress. */
VX_API void vx_cohort_options_default(vx_cohort_options *o);

typedef struct vx_cohort_results {
    size_t n;              /* = cohort size; cases outside the shard have done = 0 */
    vx_case_result *cases;
} vx_cohort_results;

/* Run (the shard of) a cohort. Returns VX_OK when the run itself worked, whatever the cases did (see
 * out->cases[i].error); an error of the run (store refused or unwritable: VX_EIO / VX_EFORMAT / VX_EINVAL
 * naming the store; rank >= nranks; VX_ENOMEM) otherwise. out must be zeroed before the first call, or hold
 * the results of an earlier run or vx_cohort_load_store on the same cohort (kept, and completed). The caller
 * owns out, on success and on failure: free it with vx_cohort_results_free. */
VX_API int vx_cohort_run(const vx_cohort *c, const vx_settings *s, const vx_cohort_options *o, vx_cohort_results *out,
                         vx_error *err);
/* Add the cases stored in a store (e.g. another MPI rank's) to out (zeroed, or the results of a run on the
 * same c and s; the loaded cases become part of out, freed by vx_cohort_results_free). The store must match
 * c and s: errors as for the store of vx_cohort_run. */
VX_API int vx_cohort_load_store(const char *store, const vx_cohort *c, const vx_settings *s, vx_cohort_results *out,
                                vx_error *err);
/* Free every case result of r (not r itself) and zero it. NULL is allowed. */
VX_API void vx_cohort_results_free(vx_cohort_results *r);

/* Column names of the cohort table: vx_column_names (voxomics/extract.h). */

/* The wide cohort table: one row per case and region, in cohort order, columns
 *   case, <extra columns>, roi, error, <one per text value, then one per value, each the union over cases in
 *   order of appearance>, voxomics_version, settings_sha256, image_sha256, mask_sha256
 * With VX_NAMES_PYRADIOMICS the cases file's columns are copied as PyRadiomics' batch mode copies them: every
 * column of the file (Image, Mask, Label and ID included, as written) in its order, in place of <extra
 * columns>; PyRadiomics' diagnostics_* text values then follow roi and error.
 * A failed case has one row with its error and empty values. Cases with done = 0 are left out.
 * Errors: VX_ENOMEM; VX_EIO when writing to f failed. */
VX_API int vx_cohort_write_csv(FILE *f, const vx_cohort *c, const vx_cohort_results *r, const vx_settings *s,
                               vx_column_names names, vx_error *err);

/* Number of cases done and failed in r; done or failed may be NULL. */
VX_API void vx_cohort_count(const vx_cohort_results *r, size_t *done, size_t *failed);

#ifdef __cplusplus
}
#endif
#endif
