/* voxomics: SVG plots for reports.
 *
 * Every function here returns one standalone SVG document (a malloc'd NUL-terminated string, freed with
 * vx_plot_free): it starts with "<svg" (no XML prolog), carries xmlns, width, height and viewBox, so that the
 * same text is a valid .svg file and can be pasted inline into an HTML page. A plot uses no element ids (several
 * plots live in one page), no scripts, no external fonts or images, and no CSS outside its own attributes
 * (font-family is the generic "sans-serif"). Its root element is <svg class="vx-plot" data-plot="KIND"> with KIND
 * the plot kind ("lines", "km", "forest", "scatter", "heatmap", "histogram", "bars", "gsea").
 *
 * Axes have ticks at "nice" values (1, 2, 2.5, 5 x 10^k), tick labels, axis labels and a title; data outside
 * the axis range are clipped by the writer, not by clipPath. Colours come from the Okabe-Ito colour-blind-safe
 * palette (vx_plot_color); heatmaps use a blue-white-red diverging scale. Non-finite values are skipped.
 * Text is XML-escaped. The output depends only on the inputs (numbers printed with "%.6g"-style precision in the
 * C locale): the same call gives the same bytes.
 *
 * The module is pure: it never opens a file; errors (NULL where data is needed, n = 0 where a plot needs
 * points, mismatched sizes) return NULL with a message in err.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_PLOT_H
#define VOXOMICS_PLOT_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The palette: 8 Okabe-Ito colours ("#0072B2" blue first, then "#D55E00", "#009E73", "#CC79A7", "#E69F00",
 * "#56B4E9", "#F0E442", "#000000"), index taken modulo 8. Static string, never NULL. */
VX_API const char *vx_plot_color(int index);

/* Free what a vx_plot_* function returned (NULL is fine). */
VX_API void vx_plot_free(char *svg);

/* The frame of a plot. Zero-initialise and set what you need. */
typedef struct vx_plot_axes {
    const char *title;  /* above the plot (NULL: none) */
    const char *xlabel; /* below the x axis (NULL: none) */
    const char *ylabel; /* left of the y axis, rotated (NULL: none) */
    /* The axis ranges: used when xmin < xmax (resp. ymin < ymax), else taken from the data (with 4% padding,
     * and extended to the nearest ticks). */
    double xmin, xmax, ymin, ymax;
    int xlog;          /* log10 x axis (values <= 0 are skipped) */
    int diagonal;      /* draw the reference line y = x (dashed grey), e.g. ROC and calibration */
    double hline;      /* a dashed grey horizontal line at this y when hline_on */
    int hline_on;
    double vline;      /* a dashed grey vertical line at this x when vline_on (e.g. HR = 1, r = 0) */
    int vline_on;
    const char *note;  /* one line of text inside the plot, bottom right (e.g. "mean AUC 0.71 (0.65-0.77)") */
    int width, height; /* pixels of the whole SVG (0: 520 x 400) */
} vx_plot_axes;

/* How a series is drawn. */
enum {
    VX_PLOT_LINE = 0,   /* straight segments between points */
    VX_PLOT_STEP = 1,   /* right-continuous step function (Kaplan-Meier): horizontal then vertical */
    VX_PLOT_POINTS = 2, /* markers only (circles of radius 3) */
    VX_PLOT_LINE_POINTS = 3,
};

/* One series of a line or scatter plot. */
typedef struct vx_plot_series {
    const char *label;       /* legend entry (NULL: not in the legend) */
    const double *x, *y;     /* n points, in drawing order (sorted by x for LINE and STEP) */
    size_t n;
    const double *lo, *hi;   /* optional band (NULL: none): filled at 20% opacity between lo and hi, same x, same
                              * style (a STEP band is a step band) */
    const double *err_lo, *err_hi; /* optional vertical error bars per point (NULL: none) */
    int color;               /* palette index; -1: the series' position in the list */
    int style;               /* VX_PLOT_LINE ... */
    double width;            /* stroke width (0: 2 for lines) */
    double opacity;          /* stroke opacity (0: 1), e.g. 0.35 for per-fold ROC curves */
    int dashed;              /* dashed stroke */
    const unsigned char *marks; /* STEP only, optional: marks[i] != 0 draws a censoring tick "+" at point i */
} vx_plot_series;

/* Lines, steps, points and bands on one pair of axes, with a legend (bottom right inside the plot, entries in
 * series order) when any series has a label. ROC curves, calibration plots, running sums, PCA scatter plots. */
VX_API char *vx_plot_lines(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, vx_error *err);

/* Kaplan-Meier curves: step series with their confidence bands and censoring marks (as vx_plot_lines), and below
 * the axes a "Number at risk" table: one row per series (its label, in its colour), one column per time in
 * at_times (ticks of the x axis are placed at these times too), cell at_risk[s * n_times + j]. ax->note carries
 * e.g. the log-rank p. */
VX_API char *vx_plot_km(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, const double *at_times,
                        size_t n_times, const double *at_risk, vx_error *err);

/* Forest plot: one row per label (top to bottom in the given order) with a square at est[i], a line from lo[i] to
 * hi[i] and, in a text column on the right, "est (lo-hi)" and p[i] (p may be NULL). log_x: log10 axis (hazard and
 * odds ratios); ax->vline_on with ax->vline = 1 draws the reference. Rows with non-finite est are listed with
 * "NA". */
VX_API char *vx_plot_forest(const vx_plot_axes *ax, const char *const *labels, const double *est, const double *lo,
                            const double *hi, const double *p, size_t n, int log_x, vx_error *err);

/* Scatter plot coloured by group: point i at (x[i], y[i]) in palette colour group[i] (0-based), a legend with
 * group_names[0..ngroups-1]. highlight (optional) draws highlighted points larger and labels them with
 * point_labels[i] (e.g. a volcano plot's significant pairs; point_labels may be NULL). */
VX_API char *vx_plot_scatter(const vx_plot_axes *ax, const double *x, const double *y, size_t n, const int *group,
                             const char *const *group_names, size_t ngroups, const unsigned char *highlight,
                             const char *const *point_labels, vx_error *err);

/* Heatmap of a rows x cols matrix (row-major, v[i * cols + j]): cells coloured on a blue-white-red scale from
 * -vmax to vmax (vmax <= 0: the largest |v|), row labels left, column labels on top (rotated), a colour bar with
 * its label cbar_label. mark (optional, same shape) draws a dot in cells where mark != 0 (e.g. q < 0.05). NaN
 * cells are grey. */
VX_API char *vx_plot_heatmap(const vx_plot_axes *ax, const double *v, size_t rows, size_t cols,
                             const char *const *row_labels, const char *const *col_labels, double vmax,
                             const char *cbar_label, const unsigned char *mark, vx_error *err);

/* Histogram of n values in nbins equal bins over [ax->xmin, ax->xmax] (or the data range); bars in palette colour
 * 0; ax->vline_on marks a threshold (e.g. ICC 0.75). */
VX_API char *vx_plot_histogram(const vx_plot_axes *ax, const double *values, size_t n, size_t nbins,
                               vx_error *err);

/* Horizontal bar chart: one bar per label, top to bottom in the given order, from 0 to values[i] (negative values
 * to the left of a zero line), value printed at the bar's end. Feature importance, selection frequency. */
VX_API char *vx_plot_bars(const vx_plot_axes *ax, const char *const *labels, const double *values, size_t n,
                          vx_error *err);

/* GSEA enrichment plot of one gene set: the running enrichment score (x = rank position 1..n, y = running[i]) as
 * a line, a dashed line at ES, and below the axes a strip with one vertical tick per hit (hit_positions, 0-based
 * ranks, nhits of them). */
VX_API char *vx_plot_gsea(const vx_plot_axes *ax, const double *running, size_t n, const size_t *hit_positions,
                          size_t nhits, double es, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
