/* voxomics: extraction settings (vx_settings) and their descriptor.
 *
 * Every setting is one row of include/voxomics/settings.def: its YAML key, struct field, type, default, valid
 * range, hashing rule, processing group and documentation. The defaults, the YAML reader (vx_settings_load),
 * the checks (vx_settings_validate), the canonical hash text (vx_settings_canonical) and the settings
 * reference of docs/config.md (vx_settings_write_reference) all come from that table; cross-key rules that
 * one row cannot express are the named checks listed at vx_settings_validate.
 *
 * Ownership: nothing here allocates; the descriptor rows are static and live as long as the library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_SETTINGS_H
#define VOXOMICS_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "voxomics/error.h"
#include "voxomics/export.h"
#include "voxomics/feature.h"
#include "voxomics/filter.h"
#include "voxomics/process.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- discretisation (IBSI 1, "Intensity discretisation") --------------------------------------------- */
typedef enum vx_disc_method {
    VX_DISC_NONE = 0, /* use intensities as grey levels (integer intensities >= 1 required) */
    VX_DISC_FBS,      /* fixed bin size: g = floor((x - x_min) / w) + 1 */
    VX_DISC_FBN,      /* fixed bin number: g = floor(N (x - x_min) / (x_max - x_min)) + 1, g(x_max) = N */
} vx_disc_method;

typedef struct vx_discretisation {
    vx_disc_method method;
    double bin_width;  /* FBS: w */
    int bin_count;     /* FBN: N */
    double min_value;  /* FBS: x_min; NaN = lower bound of the re-segmentation range, else the ROI minimum */
} vx_discretisation;

/* ---- image types (IBSI 2 filters) ------------------------------------------------------------------ */
#define VX_MAX_FILTERS 64

/* One filtered image type: the filter, the name of its rows, and optionally its own discretisation (IBSI 2
 * lets each response map be discretised on its own; without, the top-level discretisation applies with no
 * re-segmentation bound, as response maps are not in the image's units). */
typedef struct vx_image_type_settings {
    vx_filter_spec filter;
    char name[VX_IMAGE_TYPE_NAME_LEN]; /* image_type of its rows: vx_filter_image_type, or the file's name */
    int own_texture_disc, own_ivh_disc;
    vx_discretisation texture_disc, ivh_disc;
} vx_image_type_settings;

/* ---- compatibility modes ------------------------------------------------------------------------------ */
enum {
    VX_COMPAT_IBSI = 0,        /* IBSI 1 definitions (default) */
    VX_COMPAT_PYRADIOMICS = 1, /* PyRadiomics' documented deviations from IBSI (docs/config.md) */
};
/* "ibsi" / "pyradiomics"; "?" when unknown. */
VX_API const char *vx_compat_name(int compat);
/* VX_COMPAT_* by name (case-insensitive), -1 when unknown. */
VX_API int vx_compat_find(const char *name);

/* resegmentation.range with compat pyradiomics (PyRadiomics' resegmentMode) */
enum {
    VX_PYRAD_RESEG_ABSOLUTE = 0, /* intensities */
    VX_PYRAD_RESEG_RELATIVE = 1, /* fractions of the ROI maximum */
    VX_PYRAD_RESEG_SIGMA = 2,    /* standard deviations from the ROI mean */
};

/* ---- settings ----------------------------------------------------------------------------------------- */
/* The fields; their keys, defaults, ranges and documentation are in settings.def. */
typedef struct vx_settings {
    /* input */
    double mask_threshold;   /* mask voxels with value >= threshold are in the ROI (default 0.5) */
    int mask_label;          /* > 0: only voxels equal to this label are in the ROI (default 0: any) */
    int mask_channel;        /* >= 0: the channel of a multi-channel NRRD mask to read (vx_input_mask_channel);
                                -1 (default): none (compat pyradiomics: 0, PyRadiomics' label_channel default) */
    /* image processing, in IBSI order: interpolation, rounding, ROI partial-volume threshold,
     * re-segmentation, discretisation */
    double resample_spacing[3]; /* new voxel spacing in mm per axis; NaN keeps that axis (NaN z with x, y
                                   set: in-plane 2D interpolation); all NaN (default): no interpolation */
    vx_interp interp;           /* image interpolator, default linear */
    vx_interp mask_interp;      /* ROI interpolator, default linear */
    double mask_partial_volume; /* interpolated ROI voxels >= this are in the ROI, default 0.5 */
    int round_intensities;   /* round intensities to the nearest integer (IBSI, calibrated CT), default 0;
                                applies to the input and to interpolated intensities */
    double reseg_min, reseg_max; /* re-segmentation range of the intensity mask; NaN = open */
    double reseg_outlier_sigma;  /* > 0: also drop intensities outside mean +/- sigma * sd, default 0 */
    vx_discretisation texture_disc; /* intensity histogram and texture families */
    vx_discretisation ivh_disc;     /* intensity-volume histogram */
    /* image types (IBSI 2): the original image (unless image_original is 0), then each filter's response map */
    int image_original;      /* compute the families on the original image, default 1 */
    int n_filters;           /* filters[0..n_filters-1], in output order; default none */
    vx_image_type_settings filters[VX_MAX_FILTERS];
    /* families */
    vx_feature_settings features;
    /* output */
    int diagnostics;         /* add the IBSI diagnostic values (image, ROI and processing checks), default 0;
                                with interpolation this interpolates the whole image once for its statistics */
    /* compatibility (docs/config.md, "PyRadiomics compatibility") */
    int compat;              /* VX_COMPAT_IBSI (default) or VX_COMPAT_PYRADIOMICS */
    double voxel_shift;      /* PyRadiomics voxelArrayShift c: with VX_COMPAT_PYRADIOMICS, energy and root mean
                                square use x + c; default 0 */
    /* PyRadiomics' image processing (compat pyradiomics; docs/config.md "PyRadiomics parameter files") */
    int pyrad_normalize;          /* normalise the whole image before resampling, default 0 */
    double pyrad_normalize_scale; /* scale s of s (x - mean) / sd, default 1 */
    double pyrad_remove_outliers; /* > 0: clip (x - mean) / sd to +/- this before the scale; 0 (default): off */
    int pyrad_pad_distance;       /* new voxels kept around the ROI box when resampling, default 5 */
    int pyrad_pre_crop;           /* without resampling: crop to the ROI box plus pad_distance first, default 0 */
    int pyrad_reseg_mode;         /* VX_PYRAD_RESEG_*: how resegmentation.range reads, default absolute */
    int pyrad_reseg_shape;        /* shape (morphology) on the re-segmented mask too, default 0 */
    int pyrad_min_roi_dims;       /* ROI bounding box longer than one voxel along at least this many axes (1..3),
                                     default 2 */
    int pyrad_min_roi_size;       /* > 0: ROIs of this many voxels or fewer are refused; 0 (default): no check */
    int pyrad_correct_mask;       /* a mask off the image grid is resampled onto it (nearest neighbour), default 0 */
    double pyrad_geometry_tolerance; /* mask grid = image grid within this (relative to the spacing), default 1e-6 */
    int feature_subset;      /* != 0: only the features whose bit is set in feature_bits were requested (a
                                PyRadiomics featureClass list); the families compute all, writers keep these */
    uint8_t feature_bits[(VX_F_COUNT + 7) / 8];
    /* PyRadiomics' own account of the settings, for its diagnostics_* columns (vx_pyradiomics_diagnostics,
     * voxomics/extract.h). Filled by the PyRadiomics parameter reader (src/io/pyrad_params.c); empty for a
     * voxomics YAML file (the diagnostics then describe the fields above in PyRadiomics' terms). Not YAML keys
     * and not hashed: they change no value. */
    char pyrad_settings[4096];    /* PyRadiomics' settings dict, one "key=<Python repr of the value>" line per
                                     entry in its order (its defaults, then the file's setting section) */
    char pyrad_image_types[2048]; /* Python repr of the enabled image types, e.g. "{'Original': {}}" */
    int pyrad_no_additional_info; /* setting additionalInfo: false (PyRadiomics then writes no diagnostics) */
} vx_settings;

/* Every field to its default (settings.def). */
VX_API void vx_settings_default(vx_settings *s);
/* Read a YAML settings file (schema: docs/config.md) over the settings already in s (usually the defaults).
 * Unknown keys and invalid values are VX_EINVAL errors "FILE:LINE: KEY: what is wrong and the valid values";
 * a PyRadiomics parameter file is mapped onto the same struct (src/io/pyrad_params.c). */
VX_API int vx_settings_load(const char *path, vx_settings *s, vx_error *err);
/* vx_settings_load on the text of a settings file held in memory (len bytes, no terminator needed): a voxomics
 * YAML document or a PyRadiomics parameter document, told apart as in a file. name stands for the file in
 * messages ("NAME:LINE: KEY: ..."; NULL or "": "settings"). The same checks and errors, VX_EFORMAT for a YAML
 * syntax error. (The Python package passes a dict of settings this way.) */
VX_API int vx_settings_load_text(const char *text, size_t len, const char *name, vx_settings *s, vx_error *err);
/* VX_OK when every value of s that changes results lies in its valid range (settings.def: each number in
 * its range, each enum one of its words; the discretisation keys of the method in use), and the named
 * cross-key checks hold:
 *   resegmentation_order   re-segmentation min <= max.
 * Else VX_EINVAL "settings: <key>: <what is wrong and the valid range>". vx_settings_load checks the same
 * (and more: keys given for another method, a fixed-bin-size minimum above the re-segmentation range) with
 * the file and line; vx_extract calls this for settings built in code. */
VX_API int vx_settings_validate(const vx_settings *s, vx_error *err);
/* Canonical text of the settings that change results ("tag=value;..." in the fixed item order of
 * settings.def); stable across versions for equal settings. VX_OK, or VX_EINVAL when len is too small. */
VX_API int vx_settings_canonical(const vx_settings *s, char *buf, size_t len);
/* SHA-256 of the canonical text, as 64 hex characters + NUL. */
VX_API void vx_settings_hash(const vx_settings *s, char hex[65]);
/* Whether feature f was requested: always when s->feature_subset is 0, else its bit in s->feature_bits. */
VX_API int vx_settings_feature_wanted(const vx_settings *s, vx_feature_id f);

/* v as Python's repr() writes a float (and so as PyRadiomics writes its values into CSV): the shortest digits
 * that read back to v, positional for decimal exponents -4..15 with at least one digit after the point
 * ("2.0", "0.7812499999999999", "0.0001"), else scientific with a signed exponent of at least two digits
 * ("1e-05", "1.5e+16"); "nan", "inf", "-inf". Into buf (len bytes; 32 always suffice). */
VX_API void vx_python_float_repr(double v, char *buf, size_t len);
/* Set key to value (a Python repr) in a "key=value"-lines dict such as vx_settings.pyrad_settings (cap bytes):
 * the line of key is replaced in its place (a Python dict update), else appended. Left unchanged when the
 * result would not fit. */
VX_API void vx_pyrad_settings_set(char *dict, size_t cap, const char *key, const char *value);

/* ---- the descriptor (settings.def) -------------------------------------------------------------------- */
typedef enum vx_setting_group {
    VX_SG_FILE = 0,         /* the file itself */
    VX_SG_INPUT,            /* ROI from the mask */
    VX_SG_INTERPOLATION,    /* interpolation, rounding, ROI partial volume */
    VX_SG_RESEGMENTATION,   /* re-segmentation of the intensity mask */
    VX_SG_DISCRETISATION,   /* intensity discretisation */
    VX_SG_FILTER,           /* image types: the original image and filters (IBSI 2) */
    VX_SG_FAMILIES,         /* feature families and their parameters, aggregations */
    VX_SG_OUTPUT,           /* output and execution */
    VX_SG_COMPAT,           /* compatibility with other software */
    VX_SG_COUNT
} vx_setting_group;

typedef enum vx_setting_type {
    VX_ST_BOOL = 0, /* int 0/1; YAML true/false, yes/no, on/off */
    VX_ST_INT,      /* int in [lo, hi] */
    VX_ST_REAL,     /* double in the range (flags: open ends, NaN) */
    VX_ST_ENUM,     /* int, one of the words of its vx_setting_enum */
    VX_ST_SPACING,  /* double[3]: none, or a list of 2 or 3 spacings, each NaN (keep the axis) or in range */
    VX_ST_RANGE,    /* double pair (this row and the next, VX_SF_PART): none, or [min, max] */
    VX_ST_FAMILIES, /* unsigned bit set of families: all or a list of family keys */
    VX_ST_AGGS,     /* unsigned VX_AGGBIT set: all or a list of aggregation keys / IBSI codes */
    VX_ST_SUBSET,   /* int feature_subset with the feature_bits after it (not a YAML key) */
    VX_ST_TEXT,     /* free text, not stored */
    VX_ST_FILTERS,  /* the image types: n_filters with filters[] (a list of mappings, voxomics/filter.def) */
} vx_setting_type;

typedef enum vx_setting_enum {
    VX_SE_NONE = 0,
    VX_SE_INTERP,      /* nearest, linear, cubic (vx_interp) */
    VX_SE_MASK_INTERP, /* nearest, linear */
    VX_SE_DISC,        /* none, fixed_bin_size (fbs), fixed_bin_number (fbn) (vx_disc_method) */
    VX_SE_COMPAT,      /* ibsi, pyradiomics */
    VX_SE_GLCM_WEIGHT, /* none, no_weighting, manhattan, euclidean, infinity (vx_glcm_weighting) */
    VX_SE_RESEG_MODE,  /* absolute, relative, sigma (VX_PYRAD_RESEG_*) */
    VX_SE_SLICE_AXIS,  /* z, y, x (vx_slice_axis) */
} vx_setting_enum;

enum {
    VX_SF_LO_OPEN = 1u << 0,      /* the lower bound itself is outside the range */
    VX_SF_HI_OPEN = 1u << 1,      /* the upper bound itself is outside the range */
    VX_SF_NAN_OK = 1u << 2,       /* NaN is valid (an open end / "use the default rule") */
    VX_SF_NULL_DEFAULT = 1u << 3, /* YAML null / .nan sets the default */
    VX_SF_STRICT_WHEN = 1u << 4,  /* giving the key while its WHEN condition is false is an error */
    VX_SF_NEEDED_WHEN = 1u << 5,  /* while its WHEN condition holds the value must be in range (no default) */
    VX_SF_HASH_WHEN = 1u << 6,    /* hashed only while its WHEN condition holds */
    VX_SF_PART = 1u << 7,         /* second value of the key of the row before (not a key of its own) */
    VX_SF_INTERNAL = 1u << 8,     /* set by code (e.g. the PyRadiomics reader), not a YAML key */
};

enum { VX_HASH_NEVER = 0, VX_HASH_ALWAYS, VX_HASH_CHANGED };

#define VX_SETTING_ALL (-1.0) /* default of the list types: every family / aggregation */
#define VX_SETTING_NO_FIELD ((size_t)-1)

typedef struct vx_setting_info {
    vx_setting_group group;
    const char *key;       /* YAML key path */
    vx_setting_type type;
    size_t offset;         /* offsetof(vx_settings, field), or VX_SETTING_NO_FIELD */
    double def, lo, hi;
    unsigned flags;        /* VX_SF_* */
    vx_setting_enum values;
    const char *when;      /* key of the setting that must equal when_value for this one to apply, or NULL */
    int when_value;
    int hash;              /* VX_HASH_* */
    int hash_pos;          /* position of its item in the canonical text */
    const char *hash_tag;
    const char *unit;
    const char *doc;
} vx_setting_info;

/* Number of rows, and row i (NULL when out of range), in settings.def order. */
VX_API size_t vx_setting_count(void);
VX_API const vx_setting_info *vx_setting_get(size_t i);
/* The row of a YAML key path (the first row of a multi-value key), or NULL. */
VX_API const vx_setting_info *vx_setting_find(const char *key);
/* Title of a group ("Interpolation"). */
VX_API const char *vx_setting_group_name(vx_setting_group g);

/* Word of an enum value ("linear"), NULL when not one of the enum's values. */
VX_API const char *vx_setting_enum_word(vx_setting_enum e, int value);
/* Value of a word (case-insensitive; aliases such as fbs), -1 when not accepted. */
VX_API int vx_setting_enum_find(vx_setting_enum e, const char *word);
/* The accepted words as text, "a, b or c". */
VX_API void vx_setting_enum_accepted(vx_setting_enum e, char *buf, size_t len);

/* Value of a BOOL, INT, REAL or ENUM row (the first value of SPACING / RANGE) as a double; NaN for others. */
VX_API double vx_setting_value(const vx_settings *s, const vx_setting_info *r);
/* Set a BOOL, INT, REAL or ENUM row (every axis of SPACING) from v, unchecked. */
VX_API void vx_setting_set(vx_settings *s, const vx_setting_info *r, double v);
/* Set a row back to its default. */
VX_API void vx_setting_reset(vx_settings *s, const vx_setting_info *r);
/* Whether v lies in the row's range (BOOL, INT, REAL, ENUM; one spacing of SPACING). On failure, when why
 * is not NULL, writes "<v> is out of range: must be ..." (or "must be one of ...") into why. */
VX_API int vx_setting_in_range(const vx_setting_info *r, double v, char *why, size_t n);
/* The valid values of a row as documentation text ("integer 1..64", "finite, in (0, 1]"). */
VX_API void vx_setting_valid_text(const vx_setting_info *r, char *buf, size_t len);
/* Whether the row's WHEN condition holds for s (1 when it has none). */
VX_API int vx_setting_applies(const vx_settings *s, const vx_setting_info *r);

/* Write the settings reference (every key by group: type, default, valid values, hashing, description) as
 * Markdown (the section of docs/config.md) or CSV. Returns VX_OK or VX_EIO when writing failed. */
VX_API int vx_settings_write_reference(FILE *f, int markdown, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
