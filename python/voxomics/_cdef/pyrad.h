/* voxomics Python package, PyRadiomics helper: the public C API voxomics.pyradiomics calls (read by _build.py
 * after core.h, whose types and vx_settings_load_text it uses: vx_settings, vx_image, vx_error).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* ---- extract.h, cohort.h: PyRadiomics' result dict ---- */
typedef struct vx_pyrad_item {
    char *key;
    char *text;
    double value;
} vx_pyrad_item;
typedef struct vx_pyrad_items {
    vx_pyrad_item *items;
    size_t n;
} vx_pyrad_items;
void vx_pyrad_items_free(vx_pyrad_items *items);
int vx_pyradiomics_execute(const vx_settings *s, const char *image_path, const char *mask_path,
                           const vx_image *image, const vx_image *mask, vx_pyrad_items *out, vx_error *err);
