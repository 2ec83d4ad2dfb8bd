/* voxomics report module, private: the SVG writer shared by every plot kind.
 *
 * vxr_buf:   a growable string with a tiny locale-free formatter (vxr_out) and XML escaping.
 * vxr_axis:  a linear or log10 scale from data to pixels with its "nice" ticks (1, 2, 2.5, 5 x 10^k; decades).
 * vxr_plot:  one SVG document in progress: canvas size, the plot area, its two axes, an occupancy grid of the
 *            data drawn so far (so that the legend goes where it covers the least data).
 * Clipping is done here, in pixel space: segments by Liang-Barsky, polygons by Sutherland-Hodgman, markers by a
 * containment test; the output never uses clipPath (plots carry no ids).
 *
 * Numbers in the output never go through printf's %f/%g under the process locale: coordinates are printed from
 * integers (vxr_out's %p), labels by vxr_fmt which replaces whatever decimal separator the locale produced by '.'.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_REPORT_SVG_IMPL_H
#define VX_REPORT_SVG_IMPL_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/plot.h"

/* ---- string buffer -------------------------------------------------------------------------------------- */
typedef struct vxr_buf {
    char *s;
    size_t len, cap;
    int oom; /* an allocation failed: every later write is dropped, vxr_plot_end reports it */
} vxr_buf;

/* Append with a small format language (no locale, no floating-point printf):
 *   %s raw string (NULL: nothing)   %t XML-escaped text (NULL: nothing)   %d int   %z size_t
 *   %p double pixel coordinate (at most 2 decimals, trailing zeros dropped; non-finite prints 0)   %% '%' */
void vxr_out(vxr_buf *b, const char *fmt, ...);
/* Escaped text cut to at most maxch characters (UTF-8 code points) with a trailing ellipsis when longer. */
void vxr_esc_trunc(vxr_buf *b, const char *s, int maxch);

/* snprintf(out, cap, fmt, v) with the locale's decimal separator (whatever bytes it is) replaced by '.'.
 * fmt has exactly one double conversion. Returns out. */
char *vxr_fmt(char *out, size_t cap, const char *fmt, double v);
/* v with `decimals` decimals, or in %g style with 3 significant digits when |v| is huge or tiny; "-0" never. */
char *vxr_fmt_tick(char *out, size_t cap, double v, int decimals);
/* A value for text: 3 significant digits, plain notation between 1e-4 and 1e6 (e.g. "0.712", "12.4", "1250"). */
char *vxr_fmt_val(char *out, size_t cap, double v);
/* A p-value: "<0.001", "0.004", "0.05", "0.32"; "NA" when not finite. */
char *vxr_fmt_p(char *out, size_t cap, double p);

/* Approximate rendered width in pixels of text at font size px (sans-serif; counts UTF-8 code points). */
double vxr_text_width(const char *s, double px);
/* Width of s as vxr_label writes it (cut to maxch characters). */
double vxr_label_width(const char *s, double px, int maxch);
/* The content of a <text> element: s escaped, cut to maxch characters with an ellipsis, and then its full text in
 * a <title> child (shown on hover) when it was cut. NULL writes nothing. */
void vxr_label(vxr_buf *b, const char *s, int maxch);
/* Number of UTF-8 code points of s (0 for NULL). */
int vxr_strlen(const char *s);

/* ---- scales and ticks ------------------------------------------------------------------------------------ */
#define VXR_MAXTICKS 40

typedef struct vxr_axis {
    double lo, hi; /* data range shown */
    int log;       /* log10 scale */
    double p0, p1; /* pixels of lo and hi (for y: p0 is the bottom) */
    int nt;        /* ticks */
    double t[VXR_MAXTICKS];
    int decimals;  /* of the tick labels (linear) */
} vxr_axis;

/* Nice linear step for about `target` intervals over span (> 0), and the decimals its labels need. */
double vxr_nice_step(double span, int target, int *decimals);
/* Ticks step * k within [lo, hi] (inclusive, with tolerance); returns the count (at most cap). */
int vxr_ticks_linear(double lo, double hi, double step, double *t, int cap);
/* Log ticks within [lo, hi] (lo > 0): decades when the range covers 2 or more decades, else 1-2-5 (then 1..9)
 * x 10^k so that there are at least 3 where possible; returns the count. */
int vxr_ticks_log(double lo, double hi, double *t, int cap);

/* Data extent collected before an axis is set up. */
typedef struct vxr_extent {
    double lo, hi;
    int log; /* skip values <= 0 */
    size_t n;
} vxr_extent;
void vxr_extent_init(vxr_extent *e, int log);
void vxr_extent_add(vxr_extent *e, double v); /* skips non-finite values, |v| > 1e300, and v <= 0 when log */
void vxr_extent_addv(vxr_extent *e, const double *v, size_t n); /* v may be NULL */

/* Set up the axis range and ticks: [flo, fhi] when flo < fhi, else the extent padded by 4% and extended to the
 * nearest tick (ends that already are on a tick stay; an empty or degenerate extent gets a sensible span).
 * target: about how many tick intervals. */
void vxr_axis_setup(vxr_axis *a, const vxr_extent *e, double flo, double fhi, int target);
/* Pixel of a data value, NaN when not finite (or <= 0 on a log axis). Not clamped. */
double vxr_map(const vxr_axis *a, double v);
/* Tick label i of the axis. */
char *vxr_tick_label(const vxr_axis *a, int i, char *out, size_t cap);

/* ---- a plot in progress ---------------------------------------------------------------------------------- */
#define VXR_GRID 24

typedef struct vxr_plot {
    vxr_buf b;
    int W, H;
    double L, T, R, B; /* the plot area: x in [L, R], y in [T, B] (pixels) */
    vxr_axis x, y;
    unsigned short occ[VXR_GRID][VXR_GRID]; /* how much data was drawn in each cell of the plot area */
} vxr_plot;

/* Text sizes (px). */
#define VXR_FS_TITLE 14
#define VXR_FS_LABEL 12
#define VXR_FS_TICK 11

/* Root element and a white background; width/height from ax (0: defw x defh). */
void vxr_plot_begin(vxr_plot *p, const char *kind, const vx_plot_axes *ax, int defw, int defh);
/* Close the document and hand its text over (NULL with a message on allocation failure). */
char *vxr_plot_end(vxr_plot *p, vx_error *err);

/* Margins for the axes of ax around a plot area: left fits the y tick labels and ylabel, bottom the x tick labels
 * and xlabel, top the title; extra_* are added on each side (e.g. the at-risk table, a text column). The axes'
 * ranges must be set (vxr_axis_setup) first; this sets their pixel ends. */
void vxr_layout(vxr_plot *p, const vx_plot_axes *ax, double extra_left, double extra_bottom, double extra_right);

/* Grid lines, axis lines, ticks and tick labels (the x tick labels below the pixel row xaxis_y, normally p->B),
 * the axis labels and the title; the reference lines of ax (diagonal, hline, vline). Draw before the data.
 * xlabels: draw the x tick labels and label. */
void vxr_axes(vxr_plot *p, const vx_plot_axes *ax, double xaxis_y, int xlabels);

/* The title (NULL: none), bold, centred on x at the top of the canvas. */
void vxr_title(vxr_plot *p, double x, const char *title);

/* Record that data was drawn at pixel (x, y) (for the legend placement). */
void vxr_occupy(vxr_plot *p, double x, double y);

/* Legend entries: a line sample, a marker, or a filled square. */
enum { VXR_KEY_LINE = 0, VXR_KEY_POINT = 1, VXR_KEY_BOX = 2, VXR_KEY_LINE_POINT = 3 };
typedef struct vxr_key {
    const char *label;
    const char *color;
    int kind;
    int dashed;
    double opacity;
} vxr_key;
/* The legend (and the note of ax, its last line) in the corner of the plot area that covers the least data,
 * bottom right preferred. n may be 0 (then only the note, if any). */
void vxr_legend(vxr_plot *p, const vxr_key *k, size_t n, const char *note);

/* ---- clipped drawing (pixel coordinates) ----------------------------------------------------------------- */
/* A polyline being written as one <path>: points added one by one, NaN coordinates break the line, every
 * segment is clipped to the plot area. */
typedef struct vxr_pen {
    vxr_plot *p;
    int have_prev, drawn;
    double px, py; /* previous point */
    double ex, ey; /* last point written */
    size_t start;  /* buffer length before the <path */
} vxr_pen;
/* Opens <path d=" ; style is the rest of the element's attributes (e.g. stroke="#0072B2" fill="none"). */
void vxr_pen_begin(vxr_pen *q, vxr_plot *p);
void vxr_pen_to(vxr_pen *q, double x, double y);
void vxr_pen_break(vxr_pen *q);
/* Closes the path with the given attributes; if nothing was visible, removes it. */
void vxr_pen_end(vxr_pen *q, const char *attrs);

/* A polygon (n pixel points) clipped to the plot area, written as a <path> with attrs; nothing if empty. */
void vxr_polygon(vxr_plot *p, const double *x, const double *y, size_t n, const char *attrs);
/* Is the pixel point inside the plot area (with a half-pixel tolerance)? */
int vxr_inside(const vxr_plot *p, double x, double y);
/* Clip segment to the plot area in place; 0 when nothing is left. */
int vxr_clip_segment(const vxr_plot *p, double *x0, double *y0, double *x1, double *y1);

/* Draw one series of vx_plot_lines / vx_plot_km (band, line or steps, error bars, markers, censoring marks). */
void vxr_series(vxr_plot *p, const vx_plot_series *s, const char *color);
/* Check a series list (NULL, n = 0, missing x/y); 0 or a negative status with a message naming fn. */
int vxr_check_series(const vx_plot_series *s, size_t ns, const char *fn, vx_error *err);
/* Legend keys of the labelled series (k has room for ns), returns how many. */
size_t vxr_series_keys(const vx_plot_series *s, size_t ns, vxr_key *k);
/* The legend of the labelled series (and the note). */
void vxr_series_legend(vxr_plot *p, const vx_plot_series *s, size_t ns, const char *note);
/* Colour of series i. */
const char *vxr_series_color(const vx_plot_series *s, size_t i);

#endif
