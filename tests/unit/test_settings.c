/* The settings descriptor (include/voxomics/settings.def) and what comes from it.
 *
 * Expected values are hand-derived: the defaults from docs/config.md (IBSI 1 defaults: no interpolation,
 * linear interpolators, partial volume 0.5, ...); the canonical texts from the documented item format
 * "tag=v1,v2;..." (%.17g numbers, the discretisation words none / fbs / fbn) applied by hand to the shipped
 * settings files, so that their hashes, on which stored runs depend, cannot drift.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static int load_text(const char *text, vx_settings *s, vx_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/settings.yaml", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    vx_settings_default(s);
    vx_error_clear(err);
    return vx_settings_load(path, s, err);
}

/* A YAML file setting key (a dotted path) to the value text. */
static void yaml_for(const char *key, const char *value, char *buf, size_t len)
{
    size_t used = 0;
    int depth = 0;
    const char *p = key;
    for (;;) {
        const char *dot = strchr(p, '.');
        int n = dot ? (int)(dot - p) : (int)strlen(p);
        used += (size_t)snprintf(buf + used, len - used, "%*s%.*s:%s%s\n", 2 * depth, "", n, p, dot ? "" : " ",
                                 dot ? "" : value);
        if (!dot)
            break;
        p = dot + 1;
        depth++;
    }
}

static void test_defaults(void **state)
{
    (void)state;
    vx_settings s;
    memset(&s, 0x5a, sizeof s);
    vx_settings_default(&s);
    /* docs/config.md */
    assert_true(s.mask_threshold == 0.5);
    assert_int_equal(s.mask_label, 0);
    for (int a = 0; a < 3; a++)
        assert_true(isnan(s.resample_spacing[a]));
    assert_int_equal(s.interp, VX_INTERP_LINEAR);
    assert_int_equal(s.mask_interp, VX_INTERP_LINEAR);
    assert_true(s.mask_partial_volume == 0.5);
    assert_int_equal(s.round_intensities, 0);
    assert_true(isnan(s.reseg_min) && isnan(s.reseg_max));
    assert_true(s.reseg_outlier_sigma == 0.0);
    assert_int_equal(s.texture_disc.method, VX_DISC_NONE);
    assert_int_equal(s.ivh_disc.method, VX_DISC_NONE);
    assert_true(isnan(s.texture_disc.min_value) && isnan(s.ivh_disc.min_value));
    assert_int_equal(s.diagnostics, 0);
    assert_int_equal(s.compat, VX_COMPAT_IBSI);
    assert_true(s.voxel_shift == 0.0);
    assert_int_equal(s.feature_subset, 0);
    for (size_t i = 0; i < sizeof s.feature_bits; i++)
        assert_int_equal(s.feature_bits[i], 0);
    /* the feature settings' own defaults (src/feature) agree with the descriptor's */
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    assert_int_equal(s.features.families, fs.families);
    assert_int_equal(s.features.aggregations, fs.aggregations);
    assert_int_equal(s.features.glcm_distance, fs.glcm_distance);
    assert_int_equal(s.features.glcm_symmetric, fs.glcm_symmetric);
    assert_int_equal(s.features.ngtdm_distance, fs.ngtdm_distance);
    assert_int_equal(s.features.ngldm_distance, fs.ngldm_distance);
    assert_int_equal(s.features.ngldm_coarseness, fs.ngldm_coarseness);
    assert_int_equal(s.features.zone_linkage, fs.zone_linkage);
    assert_true(s.features.peak_volume_cc == fs.peak_volume_cc && fs.peak_volume_cc == 1.0);
    assert_int_equal(s.features.threads, fs.threads);
    vx_error err;
    assert_int_equal(vx_settings_validate(&s, &err), VX_OK);
}

/* Every row: a unique key (or the second value of the key before it), groups in order, hash items
 * contiguous, defaults valid where a default exists, documentation present. */
static void test_descriptor_shape(void **state)
{
    (void)state;
    size_t n = vx_setting_count();
    assert_true(n >= 30);
    assert_null(vx_setting_get(n));
    int last_group = -1;
    for (size_t i = 0; i < n; i++) {
        const vx_setting_info *r = vx_setting_get(i);
        assert_true((int)r->group >= last_group); /* grouped, in processing order */
        last_group = (int)r->group;
        assert_true(r->doc && *r->doc);
        if (r->flags & VX_SF_PART) {
            assert_true(i > 0 && !strcmp(vx_setting_get(i - 1)->key, r->key));
        } else {
            assert_ptr_equal(vx_setting_find(r->key), r);
        }
        if (r->when) {
            const vx_setting_info *w = vx_setting_find(r->when);
            assert_non_null(w);
            assert_int_equal(w->type, VX_ST_ENUM);
            assert_non_null(vx_setting_enum_word(w->values, r->when_value));
        }
        if (r->hash != VX_HASH_NEVER) {
            assert_true(r->hash_pos > 0 && r->hash_tag);
            for (size_t j = 0; j < n; j++) { /* one position, one tag, adjacent rows */
                const vx_setting_info *q = vx_setting_get(j);
                if (q->hash_pos != r->hash_pos)
                    continue;
                assert_string_equal(q->hash_tag, r->hash_tag);
                for (size_t k = (i < j ? i : j); k <= (i < j ? j : i); k++)
                    assert_int_equal(vx_setting_get(k)->hash_pos, r->hash_pos);
            }
        }
        if (r->type == VX_ST_INT || r->type == VX_ST_REAL || r->type == VX_ST_ENUM || r->type == VX_ST_BOOL)
            assert_true(vx_setting_in_range(r, r->def, NULL, 0) || (r->flags & VX_SF_NEEDED_WHEN));
    }
    assert_null(vx_setting_find("features.subset.x"));
    assert_int_equal(vx_setting_enum_find(VX_SE_DISC, "FBS"), VX_DISC_FBS);
    assert_int_equal(vx_setting_enum_find(VX_SE_MASK_INTERP, "cubic"), -1);
    assert_int_equal(vx_setting_enum_find(VX_SE_INTERP, "trilinear"), VX_INTERP_LINEAR);
    char acc[100];
    vx_setting_enum_accepted(VX_SE_INTERP, acc, sizeof acc);
    assert_string_equal(acc, "nearest, linear or cubic");
}

/* The reader reads every scalar key into the field its row names, and refuses a value just outside the
 * row's range with a message naming the file, line 1 + depth and the key. */
static void test_reader_every_key(void **state)
{
    (void)state;
    char text[1024], value[64];
    vx_settings s;
    vx_error err;
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if ((r->flags & (VX_SF_PART | VX_SF_INTERNAL)) || r->offset == VX_SETTING_NO_FIELD)
            continue;
        double v = NAN, bad = NAN;
        switch (r->type) {
        case VX_ST_BOOL:
            v = r->def != 0.0 ? 0.0 : 1.0;
            snprintf(value, sizeof value, "%s", v != 0.0 ? "true" : "false");
            break;
        case VX_ST_INT:
            v = r->lo == r->def ? r->lo + 1 : r->lo;
            bad = r->lo - 1;
            snprintf(value, sizeof value, "%d", (int)v);
            break;
        case VX_ST_REAL:
            v = (r->flags & VX_SF_LO_OPEN) || isinf(r->lo) ? (isinf(r->hi) ? 7.5 : r->hi / 2) : r->lo + 0.25;
            bad = isinf(r->lo) ? INFINITY : r->lo - (fabs(r->lo) > 1 ? fabs(r->lo) : 1); /* -1e15 - 1 == -1e15 */
            snprintf(value, sizeof value, "%.17g", v);
            break;
        case VX_ST_ENUM:
            v = r->def == 0 ? 1 : 0;
            snprintf(value, sizeof value, "%s", vx_setting_enum_word(r->values, (int)v));
            break;
        default:
            continue;
        }
        /* a key with a WHEN condition is given together with the value that makes it apply */
        char when[256] = "";
        if (r->when) {
            const vx_setting_info *w = vx_setting_find(r->when);
            yaml_for(w->key, vx_setting_enum_word(w->values, r->when_value), when, sizeof when);
        }
        char own[512];
        yaml_for(r->key, value, own, sizeof own);
        snprintf(text, sizeof text, "%s%s", own, when);
        /* without the original image, an image type must remain: one filter */
        if (!strcmp(r->key, "image_types.original"))
            snprintf(text, sizeof text, "image_types:\n  original: %s\n  filters: [{filter: mean}]\n", value);
        /* the keys required under that condition (or under the enum value this row is set to) */
        const char *ck = r->when ? r->when : r->type == VX_ST_ENUM ? r->key : NULL;
        int cv = r->when ? r->when_value : (int)v;
        for (size_t j = 0; ck && j < vx_setting_count(); j++) {
            const vx_setting_info *q = vx_setting_get(j);
            if (q != r && q->when && !strcmp(q->when, ck) && q->when_value == cv && (q->flags & VX_SF_NEEDED_WHEN)) {
                char more[512];
                yaml_for(q->key, "2", more, sizeof more);
                strncat(text, more, sizeof text - strlen(text) - 1);
            }
        }
        if (load_text(text, &s, &err) != VX_OK) {
            print_error("%s: %s (file:\n%s)\n", r->key, err.msg, text);
            fail();
        }
        if (fabs(vx_setting_value(&s, r) - v) > 0) {
            print_error("%s: read %g, expected %g (file:\n%s)\n", r->key, vx_setting_value(&s, r), v, text);
            fail();
        }
        if (isnan(bad))
            continue;
        snprintf(value, sizeof value, r->type == VX_ST_INT ? "%.0f" : "%g", bad);
        yaml_for(r->key, isinf(bad) ? ".inf" : value, own, sizeof own);
        snprintf(text, sizeof text, "%s%s", own, when);
        if (load_text(text, &s, &err) != VX_EINVAL) {
            print_error("%s: %s was accepted\n", r->key, value);
            fail();
        }
        char where[300];
        int depth = 0;
        for (const char *c = r->key; *c; c++)
            depth += *c == '.';
        snprintf(where, sizeof where, "settings.yaml:%d: %s: ", depth + 1, r->key);
        if (!strstr(err.msg, where)) {
            print_error("%s: message '%s' does not name '%s'\n", r->key, err.msg, where);
            fail();
        }
    }
}

/* vx_settings_validate enforces every numeric row's range on settings built in code. */
static void test_validate_every_range(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if (r->offset == VX_SETTING_NO_FIELD || r->hash == VX_HASH_NEVER ||
            !(r->type == VX_ST_INT || r->type == VX_ST_REAL || r->type == VX_ST_ENUM))
            continue;
        vx_settings_default(&s);
        if (r->when) /* make the row apply */
            vx_setting_set(&s, vx_setting_find(r->when), r->when_value);
        for (size_t j = 0; j < vx_setting_count(); j++) { /* and its required siblings valid */
            const vx_setting_info *q = vx_setting_get(j);
            if (q->flags & VX_SF_NEEDED_WHEN)
                vx_setting_set(&s, q, q->lo + 1);
        }
        if (vx_settings_validate(&s, &err) != VX_OK) {
            print_error("%s: %s\n", r->key, err.msg);
            fail();
        }
        double bad = r->type == VX_ST_ENUM ? 99
                     : isinf(r->lo)         ? INFINITY
                                            : r->lo - (fabs(r->lo) > 1 ? fabs(r->lo) : 1);
        vx_setting_set(&s, r, bad);
        assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
        char where[300];
        snprintf(where, sizeof where, "settings: %s: ", r->key);
        assert_non_null(strstr(err.msg, where));
    }
    /* named check: resegmentation_order */
    vx_settings_default(&s);
    s.reseg_min = 2;
    s.reseg_max = 1;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "processing.resegmentation.range: min 2 exceeds max 1"));
}

/* Canonical texts of the shipped settings files, written out by hand from the files and the item format. */
static void test_canonical_shipped(void **state)
{
    (void)state;
    static const struct {
        const char *file, *text;
    } cases[] = {
        {"configs/ibsi1/digital_phantom.yaml",
         "mask_threshold=0.5;mask_label=0;round=0;reseg=nan,nan;outlier=0;tex=none,0,0,nan;ivh=none,0,0,nan;"
         "families=2047;aggs=1023;glcm=1,1;ngtdm=1;ngldm=1,0;zone=1;peak=1"},
        /* C: 2 mm trilinear, [-1000, 400] HU, fixed bin size 25, IVH fixed bin size 2.5, diagnostics;
         * aggregations 3D_all = 3D_avg, 3D_mrg, 3D: bits 5, 6, 9 of vx_agg = 32 + 64 + 512 = 608 */
        {"configs/ibsi1/C.yaml",
         "mask_threshold=0.5;mask_label=0;round=1;reseg=-1000,400;outlier=0;tex=fbs,25,0,nan;ivh=fbs,2.5,0,nan;"
         "families=2047;aggs=608;glcm=1,1;ngtdm=1;ngldm=1,0;zone=1;peak=1;resample=2,2,2,linear,linear,0.5;"
         "diagnostics=1"},
    };
    char path[4096], text[4096];
    vx_settings s;
    vx_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", getenv("VX_SOURCE_DIR"), cases[i].file);
        vx_settings_default(&s);
        assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
        assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
        assert_string_equal(text, cases[i].text);
    }
    /* items written only when not the default: compat, and the voxel shift only with compat pyradiomics */
    assert_int_equal(load_text("compat: ibsi\nvoxel_array_shift: 5\n", &s, &err), VX_OK);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_null(strstr(text, "voxel_shift"));
    assert_int_equal(load_text("compat: pyradiomics\nvoxel_array_shift: 5\nthreads: 3\n", &s, &err), VX_OK);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_non_null(strstr(text, ";peak=1;compat=pyradiomics;voxel_shift=5"));
    assert_null(strstr(text, "threads"));
    /* too small a buffer */
    assert_int_equal(vx_settings_canonical(&s, text, 20), VX_EINVAL);
}

/* The reference lists every key once, in its group, and every filter parameter once. */
static void test_reference(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/reference.md", vx_test_tmpdir());
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    vx_error err;
    assert_int_equal(vx_settings_write_reference(f, 1, &err), VX_OK);
    long len = ftell(f);
    rewind(f);
    char *md = calloc((size_t)len + 1, 1);
    assert_int_equal(fread(md, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    assert_non_null(strstr(md, "### Image types (IBSI 2 filters)\n\n"));
    /* every filter parameter once, after the image-type keys */
    const char *types = strstr(md, "| `image_types.filters` |");
    assert_non_null(types);
    for (size_t i = 0; i < vx_filter_param_count(); i++) {
        char cellkey[200];
        snprintf(cellkey, sizeof cellkey, "| `%s` |", vx_filter_param_get(i)->key);
        const char *hit = strstr(types, cellkey);
        assert_non_null(hit);
        assert_null(strstr(hit + 1, cellkey));
    }
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if (r->flags & (VX_SF_PART | VX_SF_INTERNAL))
            continue;
        char cellkey[200];
        snprintf(cellkey, sizeof cellkey, "| `%s` |", r->key);
        const char *hit = strstr(md, cellkey);
        assert_non_null(hit);
        assert_null(strstr(hit + 1, cellkey));
    }
    assert_non_null(strstr(md, "| `discretisation.texture.bin_count` | integer | `none` | integer 1..16777216; only "
                               "with `discretisation.texture.method: fixed_bin_number`, required there |"));
    free(md);
}

/* Image types: a filters list is read into filters[] with each kind's parameters, names built from the
 * parameters (or given), and every parameter of the kind enters the canonical text (so the hash). */
static void test_image_types(void **state)
{
    (void)state;
    vx_settings *s = malloc(sizeof *s), *d = malloc(sizeof *d);
    vx_error err;
    const char *text = "image_types:\n"
                       "  original: true\n"
                       "  filters:\n"
                       "    - {filter: log, sigma_mm: 1.5, dim: 2D, padding: zero}\n"
                       "    - {filter: wavelet, wavelet: coif1, subband: LLH, rotation_invariant: true, pooling: avg}\n"
                       "    - {filter: gabor, dim: 2D, sigma_mm: 5, lambda_mm: 2, gamma: 1.5, rotation_invariant: yes,\n"
                       "       delta_theta: pi/8, pooling: average, orthogonal_planes: true}\n"
                       "    - {filter: simoncelli, level: 2, riesz_order: [0, 2, 0], tensor_sigma_mm: 1}\n"
                       "    - {filter: laws, kernel: L5E5E5, energy_delta: 7, rotation_invariant: true, name: lawsE7}\n"
                       "    - filter: mean\n"
                       "      support: 5\n"
                       "      discretisation:\n"
                       "        texture: {method: fixed_bin_number, bin_count: 16}\n";
    if (load_text(text, s, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(s->n_filters, 6);
    assert_int_equal(s->image_original, 1);
    assert_string_equal(s->filters[0].name, "log_s1.5mm_2D");
    assert_int_equal(s->filters[0].filter.kind, VX_FILTER_LOG);
    assert_int_equal(s->filters[0].filter.pad, VX_PAD_CONSTANT);
    assert_true(s->filters[0].filter.truncate == 4.0);
    assert_string_equal(s->filters[1].name, "wav_coif1_LLH_l1_ri-avg_3D");
    assert_int_equal(s->filters[1].filter.pooling, VX_POOL_AVERAGE);
    assert_string_equal(s->filters[2].name, "gabor_s5.0mm_l2.0mm_g1.5_dt0.3927_ri-avg_orth_2D");
    assert_true(fabs(s->filters[2].filter.delta_theta - 3.14159265358979323846 / 8) < 1e-15);
    assert_string_equal(s->filters[3].name, "riesz-sim_l2_020_st1.0mm_3D");
    assert_int_equal(s->filters[3].filter.riesz[1], 2);
    assert_string_equal(s->filters[4].name, "lawsE7");
    assert_int_equal(s->filters[4].filter.energy_delta, 7);
    assert_string_equal(s->filters[5].name, "mean_m5_3D");
    assert_int_equal(s->filters[5].own_texture_disc, 1);
    assert_int_equal(s->filters[5].own_ivh_disc, 0);
    assert_int_equal(s->filters[5].texture_disc.method, VX_DISC_FBN);
    assert_int_equal(s->filters[5].texture_disc.bin_count, 16);
    assert_int_equal(vx_settings_validate(s, &err), VX_OK);
    /* the canonical text holds every parameter of each kind; a changed parameter changes the hash */
    char *canon = malloc(1 << 16);
    assert_int_equal(vx_settings_canonical(s, canon, 1 << 16), VX_OK);
    assert_non_null(strstr(canon, ";filters=[log_s1.5mm_2D|log;dim=2D;padding=constant;padding_value=0;"
                                  "sigma_mm=1.5;truncate=4;riesz_order=[0, 0, 0];tensor_sigma_mm=0]"));
    assert_non_null(strstr(canon, "[mean_m5_3D|mean;dim=3D;padding=mirror;padding_value=0;support=5"
                                  "{texture=2,"));
    char h1[65], h2[65], h0[65];
    vx_settings_hash(s, h1);
    s->filters[0].filter.sigma_mm = 1.6;
    vx_settings_hash(s, h2);
    assert_string_not_equal(h1, h2);
    /* without filters the text is that of the defaults (stored runs keep their hash) */
    vx_settings_default(d);
    vx_settings_hash(d, h0);
    s->n_filters = 0;
    vx_settings_default(s);
    vx_settings_hash(s, h2);
    assert_string_equal(h0, h2);
    assert_int_equal(vx_settings_canonical(d, canon, 1 << 16), VX_OK);
    assert_null(strstr(canon, "filters="));
    assert_null(strstr(canon, "original="));
    /* a filter built in code is validated by vx_settings_validate (vx_extract's check) */
    d->n_filters = 1;
    vx_filter_spec_init(&d->filters[0].filter);
    d->filters[0].filter.kind = VX_FILTER_MEAN;
    d->filters[0].filter.support = 4;
    snprintf(d->filters[0].name, sizeof d->filters[0].name, "m");
    assert_int_equal(vx_settings_validate(d, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "settings: image_types.filters[1] (m): filter mean: support M = 4 voxels"));
    d->filters[0].filter.support = 5;
    assert_int_equal(vx_settings_validate(d, &err), VX_OK);
    snprintf(d->filters[0].name, sizeof d->filters[0].name, "original");
    assert_int_equal(vx_settings_validate(d, &err), VX_EINVAL);
    free(canon);
    free(s);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),          cmocka_unit_test(test_descriptor_shape),
        cmocka_unit_test(test_reader_every_key),  cmocka_unit_test(test_validate_every_range),
        cmocka_unit_test(test_canonical_shipped), cmocka_unit_test(test_reference),
        cmocka_unit_test(test_image_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
