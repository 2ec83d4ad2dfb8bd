/* voxomics Python package, voxel maps: the public C API voxomics.maps and the PyRadiomics extractor's voxel-based
 * execute call (include/voxomics/maps.h; read by _build.py after core.h, whose vx_geometry, vx_image,
 * vx_settings, vx_error, vx_feature_id and vx_agg it uses). The structs are declared field for field as the
 * header lays them out (no "...": cffi checks the layout when it compiles the extension).
 * SPDX-License-Identifier: GPL-3.0-or-later */

typedef enum vx_kernel_shape {
    VX_KERNEL_CUBE = 0,
    VX_KERNEL_SPHERE = 1
} vx_kernel_shape;

typedef struct vx_maps_settings {
    int radius;
    int shape;
    int masked;
    double init_value;
    int batch;
    int threads;
} vx_maps_settings;

void vx_maps_settings_default(vx_maps_settings *m);
int vx_maps_settings_load(const char *path, vx_maps_settings *ms, vx_error *err);
int vx_maps_settings_load_text(const char *text, size_t len, const char *name, vx_maps_settings *ms,
                               vx_error *err);

typedef struct vx_maps {
    vx_geometry geom;
    size_t n_vox, n_features;
    size_t *index;
    double *values;
    vx_feature_id *feature;
    vx_agg *agg;
    char (*name)[168];
    double init_value;
} vx_maps;

int vx_maps_compute(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                    vx_maps *out, vx_error *err);
int vx_maps_image(const vx_maps *m, size_t k, vx_image **out, vx_error *err);
void vx_maps_free(vx_maps *m);

/* ---- settings.h: whether a feature was requested (a PyRadiomics featureClass list): the maps hold every
 * feature of a family, the PyRadiomics extractor keeps the requested ones, as the library's writers do ---- */

/* ---- input.h: a mask file read as vx_case_run reads it (the settings' channel; compat pyradiomics: on its own
 * grid, which the processing checks with geometryTolerance and correctMask) ---- */
static const int VX_INPUT_MASK_OWN_GRID;
int vx_input_mask_channel(const char *spec, const vx_image *image, const vx_input_info *image_info,
                          int resample_mask, int channel, vx_image **mask, vx_input_info *info, vx_error *err);
