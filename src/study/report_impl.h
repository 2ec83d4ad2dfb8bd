/* voxomics: the report's internals, shared by the HTML builder (html.c), the page (report.c) and the RQS section
 * (rqs.c). Step files use only the vxs_html_* calls of study_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_STUDY_REPORT_IMPL_H
#define VX_STUDY_REPORT_IMPL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "study/study_impl.h"

/* A new, empty builder. svg_dir (may be NULL): where vxs_html_plot also writes each plot as NAME.svg (created
 * when missing, on the first plot). NULL when out of memory. */
vxs_html *vxs_html_new(const char *svg_dir);
void vxs_html_free(vxs_html *h);
/* The text built so far (NUL-terminated, owned by h) and its length. */
const char *vxs_html_data(const vxs_html *h, size_t *len);
/* Drop everything after the first len bytes (to take back a section that turned out empty). */
void vxs_html_truncate(vxs_html *h, size_t len);
/* Record an error (the first one wins; vxs_html_status returns it). */
void vxs_html_fail(vxs_html *h, int code, const char *msg);

/* What the page sections read: study.json and the step results present, by step name. */
#define VXS_REPORT_MAX_STEPS 16
typedef struct vxs_report_data {
    const cJSON *study;                        /* OUTDIR/study.json (an empty object when missing) */
    const char *names[VXS_REPORT_MAX_STEPS];   /* the steps of vxs_steps() */
    cJSON *results[VXS_REPORT_MAX_STEPS];      /* their OUTDIR/S.json, NULL when absent */
    size_t n;
} vxs_report_data;

/* A step's result by name (NULL when that step has no JSON). */
const cJSON *vxs_report_result(const vxs_report_data *d, const char *step);
/* A member of obj, or NULL (obj may be NULL). */
const cJSON *vxs_report_get(const cJSON *obj, const char *key);
/* A string member of obj, or NULL (obj may be NULL). */
const char *vxs_report_str(const cJSON *obj, const char *key);

/* The RQS section body (rqs.c): the items the study shows, scored, and the rest for the authors. */
int vxs_report_rqs(const vxs_report_data *d, vxs_html *h, vx_error *err);

#endif
