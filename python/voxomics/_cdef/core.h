/* voxomics Python package, core helper: the public C API the core of the package calls (read by _build.py;
 * plain declarations as cffi's cdef reads them, "..." where the compiler fills in the rest).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* ---- libc: result tables are written by the library into a memory stream ---- */
FILE *open_memstream(char **ptr, size_t *sizeloc);
int fclose(FILE *f);
void free(void *p);

/* ---- error.h ---- */
enum {
    VX_OK = 0,
    VX_EINVAL = -1,
    VX_EIO = -2,
    VX_ENOMEM = -3,
    VX_EFORMAT = -4,
    VX_EUNSUPPORTED = -5,
    VX_EGEOMETRY = -6,
    VX_EEMPTY = -7,
    VX_ENAN = -8,
};
typedef struct vx_error {
    int code;
    char msg[...];
} vx_error;
void vx_error_clear(vx_error *err);
const char *vx_strerror(int code);

/* ---- voxomics.h ---- */
const char *vx_version(void);

/* ---- image.h ---- */
typedef struct vx_geometry {
    size_t dims[3];
    double spacing[3];
    double origin[3];
    double direction[9];
} vx_geometry;
typedef int... vx_pixel_type;
enum {
    VX_PIXEL_REAL = 0, VX_PIXEL_INT8 = 1, VX_PIXEL_UINT8 = 2, VX_PIXEL_INT16 = 3, VX_PIXEL_UINT16 = 4,
    VX_PIXEL_INT32 = 5, VX_PIXEL_UINT32 = 6, VX_PIXEL_INT64 = 7, VX_PIXEL_UINT64 = 8, VX_PIXEL_FLOAT32 = 9,
    VX_PIXEL_FLOAT64 = 10,
};
typedef struct vx_image {
    vx_geometry geom;
    float *v;
    vx_pixel_type pixel_type;
} vx_image;
const char *vx_pixel_type_name(vx_pixel_type t);
size_t vx_geometry_count(const vx_geometry *g);
int vx_geometry_validate(const vx_geometry *g, const char *path, const char *what, vx_error *err);
void vx_image_free(vx_image *img);

/* ---- io.h, input.h, mask.h ---- */
int vx_image_read(const char *path, vx_image **out, vx_error *err);
int vx_nifti_write(const char *path, const vx_image *img, int version, vx_error *err);
typedef struct vx_dicom_options {
    const char *series_uid;
    int suv;
} vx_dicom_options;
typedef struct vx_input_info {
    char format[...];
    char path[...];
    char selector[...];
    int mask_resampled;
    ...;
} vx_input_info;
int vx_input_image(const char *spec, const vx_dicom_options *dopt, vx_image **img, vx_input_info *info,
                   vx_error *err);
int vx_input_mask(const char *spec, const vx_image *image, const vx_input_info *image_info, int resample_mask,
                  vx_image **mask, vx_input_info *info, vx_error *err);
int vx_mask_check_values(const vx_image *mask, const char *path, vx_error *err);

/* ---- settings.h (the fields the package reads or sets; the rest through the descriptor) ---- */
enum { VX_COMPAT_IBSI = 0, VX_COMPAT_PYRADIOMICS = 1 };
typedef struct vx_settings {
    double mask_threshold;
    int mask_label;
    int mask_channel;
    int diagnostics;
    int compat;
    int pyrad_correct_mask;
    double pyrad_geometry_tolerance;
    int pyrad_no_additional_info;
    ...;
} vx_settings;
void vx_settings_default(vx_settings *s);
int vx_settings_load(const char *path, vx_settings *s, vx_error *err);
int vx_settings_load_text(const char *text, size_t len, const char *name, vx_settings *s, vx_error *err);
int vx_settings_validate(const vx_settings *s, vx_error *err);
void vx_settings_hash(const vx_settings *s, char hex[65]);
const char *vx_compat_name(int compat);
typedef struct vx_setting_info vx_setting_info;
const vx_setting_info *vx_setting_find(const char *key);
double vx_setting_value(const vx_settings *s, const vx_setting_info *r);
void vx_setting_set(vx_settings *s, const vx_setting_info *r, double v);
int vx_compat_find(const char *name);

/* ---- feature.h: result sets ---- */
typedef int... vx_feature_id;
typedef int... vx_agg;
typedef unsigned int vx_image_type;
typedef struct vx_result_row {
    vx_feature_id feature;
    vx_agg agg;
    double value;
    vx_image_type image_type;
} vx_result_row;
typedef struct vx_diag_row {
    char tag[...];
    double value;
    vx_image_type image_type;
} vx_diag_row;
typedef struct vx_text_row {
    char *key;
    char *value;
} vx_text_row;
typedef struct vx_results {
    vx_result_row *rows;
    size_t n;
    vx_diag_row *diag;
    size_t n_diag;
    vx_text_row *text;
    size_t n_text;
    ...;
} vx_results;
void vx_results_init(vx_results *r);
void vx_results_free(vx_results *r);
const char *vx_results_image_type_name(const vx_results *r, vx_image_type t);

/* ---- extract.h: writers ---- */
typedef struct vx_provenance {
    const char *version;
    char settings_hash[65];
    char image_sha256[65];
    char mask_sha256[65];
} vx_provenance;
typedef enum vx_column_names { VX_NAMES_IBSI = 0, VX_NAMES_PYRADIOMICS = 1 } vx_column_names;
int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header);
int vx_results_write_wide_named(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                                const vx_provenance *prov, int header, vx_column_names names);

/* ---- cohort.h ---- */
typedef struct vx_case_spec {
    const char *id;
    const char *image;
    const char *mask;
    const char *label;
} vx_case_spec;
typedef struct vx_case_options {
    int resample_mask;
    int largest_component;
    vx_dicom_options dicom;
} vx_case_options;
void vx_case_options_default(vx_case_options *o);
typedef struct vx_region_result {
    char roi[...];
    vx_results res;
} vx_region_result;
typedef struct vx_case_result {
    int done;
    char *error;
    vx_region_result *regions;
    size_t n_regions;
    char image_sha256[65];
    char mask_sha256[65];
    char note[...];
} vx_case_result;
int vx_case_run(const vx_case_spec *c, const vx_settings *s, const vx_case_options *o, vx_case_result *r);
int vx_case_run_images(const vx_image *img, const vx_image *mask, const char *label, const vx_settings *s,
                       const vx_case_options *o, vx_case_result *r);
void vx_case_result_free(vx_case_result *r);

typedef struct vx_cohort {
    size_t n;
    vx_case_spec *cases;
    ...;
} vx_cohort;
int vx_cohort_read(const char *csv_path, vx_cohort *c, vx_error *err);
void vx_cohort_free(vx_cohort *c);
typedef struct vx_cohort_progress {
    size_t total;
    size_t done;
    size_t failed;
    size_t resumed;
    double elapsed;
    size_t damaged;
} vx_cohort_progress;
typedef struct vx_cohort_options {
    vx_case_options case_opts;
    int jobs;
    const char *store;
    int retry_failed;
    size_t rank, nranks;
    void (*progress)(void *ud, const vx_cohort_progress *p);
    void *progress_ud;
} vx_cohort_options;
void vx_cohort_options_default(vx_cohort_options *o);
typedef struct vx_cohort_results {
    size_t n;
    vx_case_result *cases;
} vx_cohort_results;
int vx_cohort_run(const vx_cohort *c, const vx_settings *s, const vx_cohort_options *o, vx_cohort_results *out,
                  vx_error *err);
void vx_cohort_results_free(vx_cohort_results *r);
int vx_cohort_write_csv(FILE *f, const vx_cohort *c, const vx_cohort_results *r, const vx_settings *s,
                        vx_column_names names, vx_error *err);
void vx_cohort_count(const vx_cohort_results *r, size_t *done, size_t *failed);

/* the cohort progress callback into Python (voxomics/core.py); called serialised, from any thread */
extern "Python" void _vx_cohort_progress(void *ud, const vx_cohort_progress *p);
