/* voxomics: the HTML builder of the study report.
 *
 * A growable buffer that never fails mid-way: an allocation failure, an invalid number format or a plot that
 * could not be drawn is recorded once (the first error wins) and reported by vxs_html_status, so that section
 * code can append without checking every call. Text is HTML-escaped; numbers carry their JSON source
 * (data-src, data-path), their exact value (%.17g) and the printf format shown (data-fmt) so that the browser
 * test re-derives the text from the JSON. Plots are inline SVG inside <figure class="vx-figure">, and also
 * written as standalone NAME.svg files when the report was asked for an SVG folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/report_impl.h"
#include "voxomics/io.h"

struct vxs_html {
    char *buf;
    size_t len, cap;
    char *svg_dir;   /* NULL: plots only inline */
    int svg_dir_ok;  /* the folder was created */
    char **names;    /* the SVG names used so far (unique in one report) */
    size_t nnames;
    int code;        /* the first error, VX_OK when none */
    char msg[VX_ERROR_LEN];
};

vxs_html *vxs_html_new(const char *svg_dir)
{
    vxs_html *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->cap = 4096;
    h->buf = malloc(h->cap);
    h->svg_dir = svg_dir ? strdup(svg_dir) : NULL;
    if (!h->buf || (svg_dir && !h->svg_dir)) {
        vxs_html_free(h);
        return NULL;
    }
    h->buf[0] = '\0';
    return h;
}

void vxs_html_free(vxs_html *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nnames; i++)
        free(h->names[i]);
    free(h->names);
    free(h->svg_dir);
    free(h->buf);
    free(h);
}

const char *vxs_html_data(const vxs_html *h, size_t *len)
{
    if (len)
        *len = h->len;
    return h->buf;
}

void vxs_html_truncate(vxs_html *h, size_t len)
{
    if (len < h->len) {
        h->len = len;
        h->buf[len] = '\0';
    }
}

void vxs_html_fail(vxs_html *h, int code, const char *msg)
{
    if (h->code != VX_OK)
        return;
    h->code = code;
    snprintf(h->msg, sizeof h->msg, "%s", msg);
}

/* Room for n more bytes and the NUL. */
static int reserve(vxs_html *h, size_t n)
{
    if (h->len + n + 1 <= h->cap)
        return 1;
    size_t cap = h->cap;
    while (h->len + n + 1 > cap)
        cap *= 2;
    char *b = realloc(h->buf, cap);
    if (!b) {
        vxs_html_fail(h, VX_ENOMEM, "out of memory building the HTML page");
        return 0;
    }
    h->buf = b;
    h->cap = cap;
    return 1;
}

static void append(vxs_html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->buf + h->len, s, n);
    h->len += n;
    h->buf[h->len] = '\0';
}

void vxs_html_raw(vxs_html *h, const char *s)
{
    if (s)
        append(h, s, strlen(s));
}

void vxs_html_printf(vxs_html *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(h, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(h->buf + h->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    h->len += (size_t)n;
}

void vxs_html_text(vxs_html *h, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep)
            vxs_html_raw(h, rep);
        else
            append(h, p, 1);
    }
}

/* A printf format for exactly one double: "%" [flags] [width] [.precision] one of f F e E g G, with any text
 * around it (no other '%' than "%%"). Anything else would be undefined behaviour with a double argument. */
static int fmt_ok(const char *fmt)
{
    int conv = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        if (conv++)
            return 0;
        p++;
        while (*p && strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        if (!*p || !strchr("fFeEgG", *p))
            return 0;
    }
    return conv == 1;
}

void vxs_html_num(vxs_html *h, const char *file, const char *path, double value, const char *fmt)
{
    if (!fmt || !fmt_ok(fmt)) {
        char m[VX_ERROR_LEN];
        snprintf(m, sizeof m, "%s %s: number format '%s' is not one printf conversion of a double "
                 "(use e.g. \"%%.3f\" or \"%%.3g\")", file, path, fmt ? fmt : "(null)");
        vxs_html_fail(h, VX_EINVAL, m);
        return;
    }
    vxs_html_raw(h, "<span class=\"vx-num\" data-src=\"");
    vxs_html_text(h, file);
    vxs_html_raw(h, "\" data-path=\"");
    vxs_html_text(h, path);
    vxs_html_printf(h, "\" data-value=\"%.17g\" data-fmt=\"", value);
    vxs_html_text(h, fmt);
    vxs_html_raw(h, "\">");
    if (isfinite(value)) {
        char txt[128];
        snprintf(txt, sizeof txt, fmt, value);
        vxs_html_text(h, txt);
    } else {
        vxs_html_raw(h, isnan(value) ? "NA" : value > 0 ? "&#8734;" : "&#8722;&#8734;");
    }
    vxs_html_raw(h, "</span>");
}

void vxs_html_table(vxs_html *h, const char *const *header, size_t ncols, const char *const *cells, size_t nrows)
{
    vxs_html_raw(h, "<div class=\"vx-table-wrap\"><table class=\"vx-table\">");
    if (header) {
        vxs_html_raw(h, "<thead><tr>");
        for (size_t j = 0; j < ncols; j++) {
            vxs_html_raw(h, "<th>");
            vxs_html_text(h, header[j]);
            vxs_html_raw(h, "</th>");
        }
        vxs_html_raw(h, "</tr></thead>");
    }
    vxs_html_raw(h, "<tbody>");
    for (size_t i = 0; i < nrows; i++) {
        vxs_html_raw(h, "<tr>");
        for (size_t j = 0; j < ncols; j++) {
            vxs_html_raw(h, "<td>");
            vxs_html_text(h, cells[i * ncols + j]);
            vxs_html_raw(h, "</td>");
        }
        vxs_html_raw(h, "</tr>");
    }
    vxs_html_raw(h, "</tbody></table></div>");
}

int vxs_html_status(const vxs_html *h, vx_error *err)
{
    if (h->code == VX_OK)
        return VX_OK;
    return vx_error_set(err, h->code, "%s", h->msg);
}

/* mkdir -p: each missing component of dir, mode 0777 less the umask. */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        int r = mkdir(dir, 0777);
        int e = errno;
        *p = c;
        if (r != 0 && e != EEXIST)
            return e;
        if (!c)
            return 0;
    }
}

/* A file name from name: letters, digits, '-', '_' and '.' kept, anything else '_'; "-2", "-3"... appended
 * when the name was used before in this report. malloc'd, NULL when out of memory. */
static char *unique_name(vxs_html *h, const char *name)
{
    size_t n = strlen(name);
    char *base = malloc(n + 24);
    if (!base)
        return NULL;
    for (size_t i = 0; i <= n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || (c == '.' && i > 0);
        base[i] = c && !ok ? '_' : c;
    }
    if (!n)
        strcpy(base, "plot");
    char *cand = malloc(strlen(base) + 24);
    char **names = realloc(h->names, (h->nnames + 1) * sizeof *names);
    if (!cand || !names) {
        free(base);
        free(cand);
        return NULL;
    }
    h->names = names;
    strcpy(cand, base);
    for (int k = 2;; k++) {
        size_t i = 0;
        while (i < h->nnames && strcmp(h->names[i], cand) != 0)
            i++;
        if (i == h->nnames)
            break;
        sprintf(cand, "%s-%d", base, k);
    }
    free(base);
    h->names[h->nnames++] = cand;
    return cand;
}

/* svg_dir/NAME.svg, written atomically. */
static void write_svg(vxs_html *h, const char *name, const char *svg)
{
    if (!h->svg_dir_ok) {
        int e = make_dirs(h->svg_dir);
        if (e) {
            char m[VX_ERROR_LEN];
            snprintf(m, sizeof m, "cannot create the SVG folder %s: %s", h->svg_dir, strerror(e));
            vxs_html_fail(h, VX_EIO, m);
            return;
        }
        h->svg_dir_ok = 1;
    }
    size_t n = strlen(h->svg_dir) + strlen(name) + 8;
    char *path = malloc(n);
    if (!path) {
        vxs_html_fail(h, VX_ENOMEM, "out of memory writing a plot");
        return;
    }
    snprintf(path, n, "%s/%s.svg", h->svg_dir, name);
    vx_error err;
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, &err);
    int rc = f ? VX_OK : VX_EIO;
    if (f) {
        fputs(svg, f);
        fputc('\n', f);
        rc = vx_outfile_commit(of, &err);
    }
    if (rc != VX_OK)
        vxs_html_fail(h, err.code, err.msg);
    free(path);
}

void vxs_html_plot(vxs_html *h, const char *name, char *svg, const char *caption)
{
    if (!name)
        name = "plot";
    if (!svg || strncmp(svg, "<svg", 4) != 0) {
        char m[VX_ERROR_LEN];
        snprintf(m, sizeof m, "plot '%s' (%s) could not be drawn", name, caption ? caption : "");
        vxs_html_fail(h, VX_EINVAL, m);
        free(svg);
        return;
    }
    char *file = unique_name(h, name);
    if (!file) {
        vxs_html_fail(h, VX_ENOMEM, "out of memory adding a plot");
        free(svg);
        return;
    }
    vxs_html_raw(h, "<figure class=\"vx-figure\" data-name=\"");
    vxs_html_text(h, file);
    vxs_html_raw(h, "\">");
    vxs_html_raw(h, svg);
    if (caption && *caption) {
        vxs_html_raw(h, "<figcaption>");
        vxs_html_text(h, caption);
        vxs_html_raw(h, "</figcaption>");
    }
    vxs_html_raw(h, "</figure>\n");
    if (h->svg_dir)
        write_svg(h, file, svg);
    free(svg);
}
