/* voxomics: the study report page (OUTDIR/report.html), built from OUTDIR's JSON files only.
 *
 * One self-contained HTML5 file: inline CSS (readable on screen, one section per printed page), inline SVG plots,
 * no scripts, links, images, fonts or url() of any kind, so that it opens offline and prints. The sections, in
 * order: cohort summary (study.json), extraction settings and IBSI compliance, each step with a result JSON (its
 * section function, in run order; a step without JSON or whose section writes nothing gets no section and no
 * table-of-contents entry), the RQS section (rqs.c) and provenance (versions, every input's SHA-256, each step's
 * key, state and time).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/report_impl.h"
#include "voxomics/io.h"
#include "voxomics/voxomics.h"

const cJSON *vxs_report_result(const vxs_report_data *d, const char *step)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], step) == 0)
            return d->results[i];
    return NULL;
}

const cJSON *vxs_report_get(const cJSON *obj, const char *key)
{
    return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *vxs_report_str(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Parse the JSON file at path into *out; a missing file leaves *out NULL and is not an error. */
static int read_json(const char *path, cJSON **out, vx_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return VX_OK;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len - 1, f);
        if (len < cap - 1)
            break;
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
        } else {
            buf = b;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        return vx_error_set(err, VX_ENOMEM, "out of memory reading %s", path);
    buf[len] = '\0';
    if (bad) {
        free(buf);
        return vx_error_set(err, VX_EIO, "%s: read error", path);
    }
    *out = cJSON_Parse(buf);
    free(buf);
    if (!*out || !cJSON_IsObject(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        return vx_error_set(err, VX_EFORMAT,
                            "%s is not a JSON object (a damaged or partial study folder: run the study "
                            "again)",
                            path);
    }
    return VX_OK;
}

/* OUTDIR/name: malloc'd. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int load(const char *outdir, vxs_report_data *d, vx_error *err)
{
    memset(d, 0, sizeof *d);
    char *p = join(outdir, "study.json");
    if (!p)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *study;
    int rc = read_json(p, &study, err);
    free(p);
    if (rc != VX_OK)
        return rc;
    d->study = study ? study : cJSON_CreateObject();
    size_t n;
    const vxs_step *const *steps = vxs_steps(&n);
    for (size_t i = 0; i < n && i < VXS_REPORT_MAX_STEPS && rc == VX_OK; i++) {
        char file[256];
        snprintf(file, sizeof file, "%s.json", steps[i]->name);
        d->names[i] = steps[i]->name;
        d->n = i + 1;
        p = join(outdir, file);
        rc = p ? read_json(p, &d->results[i], err) : vx_error_set(err, VX_ENOMEM, "out of memory");
        free(p);
    }
    size_t found = study != NULL;
    for (size_t i = 0; i < d->n; i++)
        found += d->results[i] != NULL;
    if (rc == VX_OK && !found)
        rc = vx_error_set(err, VX_EIO,
                          "%s has neither study.json nor any step's JSON: not a finished study folder "
                          "(run voxomics study STUDY.yaml -o %s first)",
                          outdir, outdir);
    return rc;
}

static void unload(vxs_report_data *d)
{
    cJSON_Delete((cJSON *)d->study);
    for (size_t i = 0; i < d->n; i++)
        cJSON_Delete(d->results[i]);
}


/* A row "label | number" of a key-value table when o[key] is a number; path is o's dotted path in file. */
static void row_num(vxs_html *h, const char *label, const cJSON *o, const char *file, const char *path,
                    const char *key, const char *fmt)
{
    const cJSON *v = vxs_report_get(o, key);
    if (!cJSON_IsNumber(v))
        return;
    char full[512];
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    vxs_html_raw(h, "<tr><th>");
    vxs_html_text(h, label);
    vxs_html_raw(h, "</th><td>");
    vxs_html_num(h, file, full, v->valuedouble, fmt);
    vxs_html_raw(h, "</td></tr>\n");
}

static void row_text(vxs_html *h, const char *label, const char *text, int code)
{
    if (!text)
        return;
    vxs_html_raw(h, "<tr><th>");
    vxs_html_text(h, label);
    vxs_html_raw(h, code ? "</th><td><code>" : "</th><td>");
    vxs_html_text(h, text);
    vxs_html_raw(h, code ? "</code></td></tr>\n" : "</td></tr>\n");
}

/* "name: n, name: n" for an object of counts (label levels, batches), each count tied to its JSON. */
static void row_counts(vxs_html *h, const char *label, const cJSON *counts, const char *path, const char *mark)
{
    if (!cJSON_IsObject(counts) || !counts->child)
        return;
    vxs_html_raw(h, "<tr><th>");
    vxs_html_text(h, label);
    vxs_html_raw(h, "</th><td>");
    for (const cJSON *c = counts->child; c; c = c->next) {
        if (!cJSON_IsNumber(c) || !c->string)
            continue;
        char full[512];
        snprintf(full, sizeof full, "%s.%s", path, c->string);
        vxs_html_raw(h, c == counts->child ? "" : ", ");
        vxs_html_text(h, c->string);
        if (mark && strcmp(mark, c->string) == 0)
            vxs_html_raw(h, " (positive)");
        vxs_html_raw(h, ": ");
        vxs_html_num(h, "study.json", full, c->valuedouble, "%.0f");
    }
    vxs_html_raw(h, "</td></tr>\n");
}

static int sec_cohort(const vxs_report_data *d, vxs_html *h, vx_error *err)
{
    (void)err;
    const cJSON *c = vxs_report_get(d->study, "cohort"), *oc = vxs_report_get(d->study, "outcome");
    if (!cJSON_IsObject(c))
        return VX_OK;
    const char *F = "study.json";
    vxs_html_raw(h, "<table class=\"vx-kv\"><tbody>\n");
    row_num(h, "Rows of the feature table", c, F, "cohort", "n_features_rows", "%.0f");
    row_num(h, "Features", c, F, "cohort", "n_features", "%.0f");
    row_num(h, "Rows of the clinical table", c, F, "cohort", "n_clinical_rows", "%.0f");
    row_num(h, "Subjects in the analysis (joined by ID)", c, F, "cohort", "n_joined", "%.0f");
    const char *label = vxs_report_str(oc, "label");
    if (label) {
        char l[300];
        snprintf(l, sizeof l, "Label '%s'", label);
        row_counts(h, l, vxs_report_get(c, "label_counts"), "cohort.label_counts", vxs_report_str(oc, "positive"));
    }
    row_num(h, "Label missing", c, F, "cohort", "n_label_missing", "%.0f");
    const char *tm = vxs_report_str(oc, "time"), *ev = vxs_report_str(oc, "event");
    if (tm && ev) {
        char l[600];
        snprintf(l, sizeof l, "time column '%s', event column '%s' (1 = event)", tm, ev);
        row_text(h, "Survival outcome", l, 0);
    }
    row_num(h, "Events", c, F, "cohort", "n_events", "%.0f");
    row_num(h, "Censored", c, F, "cohort", "n_censored", "%.0f");
    row_num(h, "Median observed time", c, F, "cohort", "median_time", "%.4g");
    row_counts(h, "Batches (subjects per batch)", vxs_report_get(c, "batches"), "cohort.batches", NULL);
    vxs_html_raw(h, "</tbody></table>\n");
    return VX_OK;
}

/* The input of role `role` in study.json's inputs, or NULL. */
static const cJSON *input_of(const cJSON *study, const char *role)
{
    const cJSON *in;
    cJSON_ArrayForEach(in, vxs_report_get(study, "inputs"))
    {
        const char *r = vxs_report_str(in, "role");
        if (r && strcmp(r, role) == 0)
            return in;
    }
    return NULL;
}

/* When the extraction step ran, its own section states the IBSI compliance (settings hash, version, counts of
 * IBSI-standardised features): this one then writes nothing and leaves no frame. */
static int sec_ibsi(const vxs_report_data *d, vxs_html *h, vx_error *err)
{
    (void)err;
    if (vxs_report_result(d, "extraction"))
        return VX_OK;
    const cJSON *fin = input_of(d->study, "features");
    vxs_html_raw(h, "<p>The features were supplied as a ready table");
    if (fin) {
        vxs_html_raw(h, " (<code>");
        vxs_html_text(h, vxs_report_str(fin, "path"));
        vxs_html_raw(h, "</code>, SHA-256 <code>");
        vxs_html_text(h, vxs_report_str(fin, "sha256"));
        vxs_html_raw(h, "</code>)");
    }
    vxs_html_raw(h, ", not extracted by voxomics: voxomics cannot state their IBSI compliance. The authors should "
                    "report the software that computed them, its version, the image processing settings and "
                    "which features follow the IBSI definitions.</p>\n");
    return VX_OK;
}

static void input_row(vxs_html *h, const char *role, const cJSON *in)
{
    vxs_html_raw(h, "<tr><td>");
    vxs_html_text(h, role);
    vxs_html_raw(h, "</td><td><code>");
    vxs_html_text(h, vxs_report_str(in, "path"));
    vxs_html_raw(h, "</code></td><td><code class=\"vx-hash\">");
    vxs_html_text(h, vxs_report_str(in, "sha256"));
    vxs_html_raw(h, "</code></td></tr>\n");
}

/* Every input: the study's (by role), then each step's files not listed yet (e.g. a gene-set file). */
static void prov_inputs(const vxs_report_data *d, vxs_html *h)
{
    vxs_html_raw(h, "<h3>Inputs</h3>\n<div class=\"vx-table-wrap\"><table class=\"vx-table\"><thead><tr><th>Role"
                    "</th><th>Path</th><th>SHA-256</th></tr></thead><tbody>\n");
    const cJSON *in, *sin = vxs_report_get(d->study, "inputs");
    cJSON_ArrayForEach(in, sin) input_row(h, vxs_report_str(in, "role") ? vxs_report_str(in, "role") : "", in);
    for (size_t i = 0; i < d->n; i++) {
        cJSON_ArrayForEach(in, vxs_report_get(d->results[i], "inputs"))
        {
            const char *p = vxs_report_str(in, "path"), *s = vxs_report_str(in, "sha256");
            int seen = !p;
            const cJSON *o;
            cJSON_ArrayForEach(o, sin) seen |= p && s && vxs_report_str(o, "sha256") &&
                                              strcmp(vxs_report_str(o, "sha256"), s) == 0;
            for (size_t k = 0; k < i && !seen; k++)
                cJSON_ArrayForEach(o, vxs_report_get(d->results[k], "inputs")) seen |= vxs_report_str(o, "path") &&
                                                                            strcmp(vxs_report_str(o, "path"), p) == 0;
            if (!seen) {
                char role[128];
                snprintf(role, sizeof role, "step %s", d->names[i]);
                input_row(h, role, in);
            }
        }
    }
    vxs_html_raw(h, "</tbody></table></div>\n");
}

static void prov_steps(const vxs_report_data *d, vxs_html *h)
{
    const cJSON *steps = vxs_report_get(d->study, "steps");
    if (!cJSON_GetArraySize(steps))
        return;
    vxs_html_raw(h, "<h3>Steps</h3>\n<div class=\"vx-table-wrap\"><table class=\"vx-table\"><thead><tr><th>Step"
                    "</th><th>State</th><th>Seconds</th><th>Key (SHA-256 of settings, inputs and version)</th>"
                    "</tr></thead><tbody>\n");
    int i = 0;
    for (const cJSON *s = steps->child; s; s = s->next, i++) {
        vxs_html_raw(h, "<tr><td>");
        vxs_html_text(h, vxs_report_str(s, "name"));
        vxs_html_raw(h, "</td><td>");
        vxs_html_text(h, vxs_report_str(s, "state"));
        vxs_html_raw(h, "</td><td>");
        const cJSON *sec = vxs_report_get(s, "seconds");
        if (cJSON_IsNumber(sec)) {
            char path[64];
            snprintf(path, sizeof path, "steps.%d.seconds", i);
            vxs_html_num(h, "study.json", path, sec->valuedouble, "%.2f");
        }
        vxs_html_raw(h, "</td><td><code class=\"vx-hash\">");
        vxs_html_text(h, vxs_report_str(s, "hash"));
        vxs_html_raw(h, "</code></td></tr>\n");
    }
    vxs_html_raw(h, "</tbody></table></div>\n");
}

static int sec_provenance(const vxs_report_data *d, vxs_html *h, vx_error *err)
{
    (void)err;
    const cJSON *st = vxs_report_get(d->study, "study");
    vxs_html_raw(h, "<table class=\"vx-kv\"><tbody>\n");
    row_text(h, "voxomics version", vxs_report_str(d->study, "voxomics_version"), 1);
    row_text(h, "Report written by", vx_version(), 1);
    row_text(h, "Study file", vxs_report_str(st, "file"), 1);
    row_text(h, "Study file SHA-256", vxs_report_str(st, "sha256"), 1);
    vxs_html_raw(h, "</tbody></table>\n");
    prov_inputs(d, h);
    prov_steps(d, h);
    const char *text = vxs_report_str(d->study, "study_text");
    if (text) {
        vxs_html_raw(h, "<h3>Study file</h3>\n<pre class=\"vx-code\">");
        vxs_html_text(h, text);
        vxs_html_raw(h, "</pre>\n");
    }
    return VX_OK;
}

/* The style: system fonts only, an Okabe-Ito blue accent, figures scaled to the width; in print no navigation
 * and each section on a new page. */
static const char *const CSS =
    ":root{--accent:#0072B2;--muted:#5f6b76;--line:#d8dee4;--bg-soft:#f5f7f9}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#1f2328;line-height:1.5;background:#fff}\n"
    "main{max-width:1160px;margin:0 auto;padding:0 24px 48px}\n"
    "header.vx-head{border-bottom:4px solid var(--accent);padding:24px 0 12px;margin-bottom:16px}\n"
    "header.vx-head h1{margin:0 0 8px;font-size:1.8em;line-height:1.25}\n"
    ".vx-meta{color:var(--muted);font-size:.92em;margin:4px 0}\n"
    "nav.vx-toc{background:var(--bg-soft);border-left:4px solid var(--accent);padding:8px 16px;margin:16px 0}\n"
    "nav.vx-toc ol{margin:4px 0;padding-left:20px;columns:2}\n"
    "a{color:var(--accent)}\n"
    "section.vx-section{margin-top:32px}\n"
    "h2{border-bottom:1px solid var(--line);padding-bottom:4px;color:var(--accent)}\n"
    "h3{margin-top:20px}\n"
    "table{border-collapse:collapse;margin:8px 0;font-size:.92em}\n"
    "th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}\n"
    "table.vx-kv th{font-weight:600;color:var(--muted);white-space:nowrap}\n"
    "table.vx-table thead th{background:var(--bg-soft);border-bottom:2px solid var(--line)}\n"
    ".vx-table-wrap{overflow-x:auto;max-width:100%}\n"
    ".vx-num{font-variant-numeric:tabular-nums}\n"
    "code,pre{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:.88em}\n"
    "code.vx-hash{word-break:break-all}\n"
    "pre.vx-code{background:var(--bg-soft);padding:10px;overflow-x:auto;white-space:pre-wrap}\n"
    "figure.vx-figure{margin:12px 20px 12px 0;display:inline-block;max-width:100%;vertical-align:top}\n"
    "figure.vx-figure svg{display:block;max-width:100%;height:auto}\n"
    "figcaption{color:var(--muted);font-size:.9em;margin-top:4px;max-width:520px}\n"
    ".vx-rqs-yes{color:#009E73;font-weight:600}.vx-rqs-no{color:#D55E00;font-weight:600}\n"
    ".vx-note{color:var(--muted);font-size:.92em}\n"
    "@media print{nav.vx-toc{display:none}main{max-width:none;padding:0}"
    "section.vx-section~section.vx-section{break-before:page;page-break-before:always}"
    "figure.vx-figure,table,tr{break-inside:avoid;page-break-inside:avoid}a{color:inherit;text-decoration:none}"
    "body{font-size:10.5pt}}\n";

typedef struct toc {
    const char *id[VXS_REPORT_MAX_STEPS + 8];
    const char *title[VXS_REPORT_MAX_STEPS + 8];
    size_t n;
} toc;

typedef int (*page_fn)(const vxs_report_data *d, vxs_html *h, vx_error *err);

/* <section id=ID><h2>TITLE</h2> body </section> when the body is not empty; nothing at all otherwise. */
static size_t section_open(vxs_html *h, const char *id, const char *title, size_t *body)
{
    size_t mark;
    vxs_html_data(h, &mark);
    vxs_html_raw(h, "<section class=\"vx-section\" id=\"");
    vxs_html_text(h, id);
    vxs_html_raw(h, "\"><h2>");
    vxs_html_text(h, title);
    vxs_html_raw(h, "</h2>\n");
    vxs_html_data(h, body);
    return mark;
}

static void section_close(vxs_html *h, toc *t, size_t mark, size_t body, const char *id, const char *title)
{
    size_t len;
    vxs_html_data(h, &len);
    if (len == body) {
        vxs_html_truncate(h, mark);
        return;
    }
    vxs_html_raw(h, "</section>\n");
    t->id[t->n] = id;
    t->title[t->n++] = title;
}

static int page_section(const vxs_report_data *d, vxs_html *h, toc *t, const char *id, const char *title,
                        page_fn fn, vx_error *err)
{
    size_t body, mark = section_open(h, id, title, &body);
    int rc = fn(d, h, err);
    if (rc == VX_OK)
        rc = vxs_html_status(h, err);
    if (rc == VX_OK)
        section_close(h, t, mark, body, id, title);
    return rc;
}

/* Each step with a result JSON, in run order, through its own section function. */
static int step_sections(const vxs_report_data *d, vxs_html *h, toc *t, vx_error *err)
{
    size_t n;
    const vxs_step *const *steps = vxs_steps(&n);
    for (size_t i = 0; i < n && i < d->n; i++) {
        if (!d->results[i] || !steps[i]->section)
            continue;
        size_t body, mark = section_open(h, steps[i]->name, steps[i]->title, &body);
        vx_error e;
        vx_error_clear(&e);
        int rc = steps[i]->section(d->results[i], d->study, h, &e);
        if (rc == VX_OK)
            rc = vxs_html_status(h, &e);
        if (rc != VX_OK)
            return vx_error_set(err, rc, "the section of step '%s' (%s.json) failed: %s", steps[i]->name,
                                steps[i]->name, e.msg);
        section_close(h, t, mark, body, steps[i]->name, steps[i]->title);
    }
    return VX_OK;
}

static int build_body(const vxs_report_data *d, vxs_html *h, toc *t, vx_error *err)
{
    int rc = page_section(d, h, t, "cohort", "Cohort", sec_cohort, err);
    if (rc == VX_OK)
        rc = page_section(d, h, t, "ibsi", "Features and IBSI compliance", sec_ibsi, err);
    if (rc == VX_OK)
        rc = step_sections(d, h, t, err);
    if (rc == VX_OK)
        rc = page_section(d, h, t, "rqs", "Radiomics Quality Score", vxs_report_rqs, err);
    if (rc == VX_OK)
        rc = page_section(d, h, t, "provenance", "Provenance", sec_provenance, err);
    return rc;
}

static void page_head(const vxs_report_data *d, vxs_html *p, const toc *t)
{
    const cJSON *st = vxs_report_get(d->study, "study");
    const char *title = vxs_report_str(st, "title"), *desc = vxs_report_str(st, "description");
    const char *version = vxs_report_str(d->study, "voxomics_version"), *date = vxs_report_str(d->study, "date");
    vxs_html_raw(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    vxs_html_text(p, title && *title ? title : "voxomics study report");
    vxs_html_raw(p, "</title>\n<style>\n");
    vxs_html_raw(p, CSS);
    vxs_html_raw(p, "</style>\n</head>\n<body>\n<main>\n<header class=\"vx-head\"><h1>");
    vxs_html_text(p, title ? title : "voxomics study report");
    vxs_html_raw(p, "</h1>\n");
    if (desc && *desc) {
        vxs_html_raw(p, "<p>");
        vxs_html_text(p, desc);
        vxs_html_raw(p, "</p>\n");
    }
    vxs_html_raw(p, "<p class=\"vx-meta\">voxomics ");
    vxs_html_text(p, version ? version : vx_version());
    if (date) {
        vxs_html_raw(p, " &middot; run of ");
        vxs_html_text(p, date);
    }
    vxs_html_raw(p, "</p>\n</header>\n<nav class=\"vx-toc\"><strong>Contents</strong><ol>\n");
    for (size_t i = 0; i < t->n; i++) {
        vxs_html_raw(p, "<li><a href=\"#");
        vxs_html_text(p, t->id[i]);
        vxs_html_raw(p, "\">");
        vxs_html_text(p, t->title[i]);
        vxs_html_raw(p, "</a></li>\n");
    }
    vxs_html_raw(p, "</ol></nav>\n");
}

static int write_page(const char *html_path, const vxs_html *p, vx_error *err)
{
    size_t len;
    const char *text = vxs_html_data(p, &len);
    vx_outfile *of;
    FILE *f = vx_outfile_open(html_path, &of, err);
    if (!f)
        return err ? err->code : VX_EIO;
    if (fwrite(text, 1, len, f) != len) {
        vx_outfile_abort(of);
        return vx_error_set(err, VX_EIO, "%s: write failed", html_path);
    }
    return vx_outfile_commit(of, err);
}

int vxs_report_write(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err)
{
    if (!outdir || !html_path)
        return vx_error_set(err, VX_EINVAL, "the study folder and the report path are required");
    vxs_report_data d;
    int rc = load(outdir, &d, err);
    vxs_html *body = rc == VX_OK ? vxs_html_new(svg_dir) : NULL, *page = body ? vxs_html_new(NULL) : NULL;
    if (rc == VX_OK && !page)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    toc t = {0};
    if (rc == VX_OK)
        rc = build_body(&d, body, &t, err);
    if (rc == VX_OK) {
        page_head(&d, page, &t);
        vxs_html_raw(page, vxs_html_data(body, NULL));
        vxs_html_raw(page, "<footer class=\"vx-note\"><p>Written by voxomics ");
        vxs_html_text(page, vx_version());
        vxs_html_raw(page, " from the JSON files of the study folder; every number is tied to its source.</p>"
                           "</footer>\n</main>\n</body>\n</html>\n");
        rc = vxs_html_status(page, err);
    }
    if (rc == VX_OK)
        rc = write_page(html_path, page, err);
    vxs_html_free(page);
    vxs_html_free(body);
    unload(&d);
    return rc;
}

int vx_study_report(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err)
{
    return vxs_report_write(outdir, html_path, svg_dir, err);
}
