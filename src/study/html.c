/* voxomics: the study report (stub until implemented): the HTML builder and the page.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "study/study_impl.h"

void vxs_html_raw(vxs_html *h, const char *s) { (void)h; (void)s; }
void vxs_html_printf(vxs_html *h, const char *fmt, ...) { (void)h; (void)fmt; }
void vxs_html_text(vxs_html *h, const char *s) { (void)h; (void)s; }
void vxs_html_num(vxs_html *h, const char *file, const char *path, double value, const char *fmt)
{ (void)h; (void)file; (void)path; (void)value; (void)fmt; }
void vxs_html_plot(vxs_html *h, const char *name, char *svg, const char *caption)
{ (void)h; (void)name; (void)caption; free(svg); }
void vxs_html_table(vxs_html *h, const char *const *header, size_t ncols, const char *const *cells, size_t nrows)
{ (void)h; (void)header; (void)ncols; (void)cells; (void)nrows; }
int vxs_html_status(const vxs_html *h, vx_error *err) { (void)h; (void)err; return VX_OK; }
int vxs_report_write(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err)
{ (void)outdir; (void)html_path; (void)svg_dir; return vx_error_set(err, VX_EUNSUPPORTED, "reports are not implemented yet"); }
int vx_study_report(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err)
{ return vxs_report_write(outdir, html_path, svg_dir, err); }
