/* voxomics: a whole study from one file, and its report.
 *
 * A study file (YAML) names the inputs (a cohort to extract or ready feature tables; clinical, batch and omics
 * tables joined by ID), the outcome (a label, and/or a time and an event) and the steps to run: extraction,
 * reliability, harmonization, selection, classification (CV, held-out split, external validation, multimodal
 * blocks), survival, association, gsea and imaging_to_omics. vx_study_run runs the steps in that fixed order
 * with the library's calls, writes each step's CSV and JSON into OUTDIR (OUTDIR/<step>.json is the step's result
 * and what the report reads), skips a step whose inputs and settings are unchanged (a SHA-256 key over the step's
 * settings, the hashes of the files it reads and the voxomics version, stored in its JSON), and writes
 * OUTDIR/report.html. docs/study.md describes the file and OUTDIR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_STUDY_H
#define VOXOMICS_STUDY_H

#include "voxomics/error.h"
#include "voxomics/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a step did, for progress lines. */
typedef enum vx_study_state {
    VX_STUDY_START = 0,   /* about to run */
    VX_STUDY_DONE = 1,    /* ran; seconds is its wall time */
    VX_STUDY_SKIPPED = 2, /* inputs and settings unchanged: the previous result kept */
    VX_STUDY_FAILED = 3,  /* failed (the run stops; the message is in err) */
} vx_study_state;

typedef void (*vx_study_progress_fn)(const char *step, vx_study_state state, double seconds, void *ctx);

typedef struct vx_study_options {
    int force;                     /* run every step even when unchanged */
    int threads;                   /* 0: OpenMP's default */
    vx_study_progress_fn progress; /* NULL: none */
    void *progress_ctx;
} vx_study_options;

/* Read and check a study file: YAML syntax, known keys (an unknown key is an error naming "file:line: key"),
 * types and ranges, the files it names exist. Nothing is computed or written. */
VX_API int vx_study_check(const char *study_path, vx_error *err);

/* Run a study into outdir (created if missing) and write outdir/report.html. Counts of steps run and skipped
 * go to *ran and *skipped (either may be NULL). */
VX_API int vx_study_run(const char *study_path, const char *outdir, const vx_study_options *opt, int *ran,
                        int *skipped, vx_error *err);

/* Write the report of a finished outdir (its study.json and step JSON files) to html_path, recomputing
 * nothing. Also writes each plot as a standalone SVG into svg_dir when svg_dir is not NULL. */
VX_API int vx_study_report(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
