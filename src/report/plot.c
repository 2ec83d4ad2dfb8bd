/* voxomics: SVG plots (stub until the plot module lands: every plot fails with a message).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "voxomics/plot.h"

static const char *const PALETTE[8] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#F0E442", "#000000"};

const char *vx_plot_color(int index) { return PALETTE[((index % 8) + 8) % 8]; }
void vx_plot_free(char *svg) { free(svg); }

#define STUB(...)                                                                                            \
    {                                                                                                        \
        vx_error_set(err, VX_EUNSUPPORTED, "plots are not implemented yet");                                 \
        return NULL;                                                                                         \
    }
char *vx_plot_lines(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, vx_error *err)
{ (void)ax; (void)s; (void)ns; STUB() }
char *vx_plot_km(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, const double *at_times, size_t n_times,
                 const double *at_risk, vx_error *err)
{ (void)ax; (void)s; (void)ns; (void)at_times; (void)n_times; (void)at_risk; STUB() }
char *vx_plot_forest(const vx_plot_axes *ax, const char *const *labels, const double *est, const double *lo,
                     const double *hi, const double *p, size_t n, int log_x, vx_error *err)
{ (void)ax; (void)labels; (void)est; (void)lo; (void)hi; (void)p; (void)n; (void)log_x; STUB() }
char *vx_plot_scatter(const vx_plot_axes *ax, const double *x, const double *y, size_t n, const int *group,
                      const char *const *group_names, size_t ngroups, const unsigned char *highlight,
                      const char *const *point_labels, vx_error *err)
{ (void)ax; (void)x; (void)y; (void)n; (void)group; (void)group_names; (void)ngroups; (void)highlight;
  (void)point_labels; STUB() }
char *vx_plot_heatmap(const vx_plot_axes *ax, const double *v, size_t rows, size_t cols, const char *const *row_labels,
                      const char *const *col_labels, double vmax, const char *cbar_label, const unsigned char *mark,
                      vx_error *err)
{ (void)ax; (void)v; (void)rows; (void)cols; (void)row_labels; (void)col_labels; (void)vmax; (void)cbar_label;
  (void)mark; STUB() }
char *vx_plot_histogram(const vx_plot_axes *ax, const double *values, size_t n, size_t nbins, vx_error *err)
{ (void)ax; (void)values; (void)n; (void)nbins; STUB() }
char *vx_plot_bars(const vx_plot_axes *ax, const char *const *labels, const double *values, size_t n, vx_error *err)
{ (void)ax; (void)labels; (void)values; (void)n; STUB() }
char *vx_plot_gsea(const vx_plot_axes *ax, const double *running, size_t n, const size_t *hit_positions, size_t nhits,
                   double es, vx_error *err)
{ (void)ax; (void)running; (void)n; (void)hit_positions; (void)nhits; (void)es; STUB() }
