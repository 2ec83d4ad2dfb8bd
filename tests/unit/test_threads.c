/* Threads inside one case: on a generated CT-like case whose ROI box is large enough for the threaded paths
 * (at least 200,000 ROI voxels: the families in parallel, bench/README.md "bench_scale"), vx_extract with 2 and 3 threads gives rows
 * bit-identical to 1 thread, and every family's rows equal those of that family extracted alone on one thread
 * (an independent run of each family, with no other family beside it). Checked for the 3D aggregations and for
 * every aggregation with the slices along x (the permuted-ROI path).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static vx_image *g_img, *g_mask;

static int setup(void **state)
{
    (void)state;
    vx_synth_params p;
    vx_synth_default(&p); /* 128^3 voxels of 1 mm */
    p.lesion_radius_mm = 42.0; /* about 310,000 ROI voxels: above the 200,000 where threads start */
    p.lobulation = 0.3;
    vx_error err;
    return vx_synth_ct(&p, &g_img, &g_mask, &err);
}

static int teardown(void **state)
{
    (void)state;
    vx_image_free(g_img);
    vx_image_free(g_mask);
    return 0;
}

static void run(unsigned families, unsigned aggs, int axis, int threads, vx_results *res)
{
    vx_settings s;
    vx_settings_default(&s);
    s.round_intensities = 1;
    s.texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, -1000.0};
    s.features.families = families;
    s.features.aggregations = aggs;
    s.features.slice_axis = axis;
    s.features.threads = threads;
    vx_results_init(res);
    vx_error err;
    int rc = vx_extract(g_img, g_mask, &s, res, &err);
    if (rc != VX_OK)
        fail_msg("vx_extract: %s", err.msg);
}

/* a and b hold the same rows in the same order, bit for bit (NaN equal to NaN). */
static void same(const char *what, const vx_results *a, const vx_results *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const vx_result_row *x = &a->rows[i], *y = &b->rows[i];
        if (x->feature != y->feature || x->agg != y->agg || x->image_type != y->image_type)
            fail_msg("%s: row %zu differs in name", what, i);
        if (memcmp(&x->value, &y->value, sizeof x->value) && !(isnan(x->value) && isnan(y->value)))
            fail_msg("%s: %s differs (%.17g, %.17g)", what, vx_feature_get(x->feature)->name, x->value, y->value);
    }
}

static void check(unsigned aggs, int axis)
{
    const unsigned all = (1u << VX_FAM_COUNT) - 1u;
    vx_results one, two, three, alone;
    run(all, aggs, axis, 1, &one);
    run(all, aggs, axis, 2, &two);
    run(all, aggs, axis, 3, &three);
    assert_true(one.n > 150);
    same("2 threads", &one, &two);
    same("3 threads", &one, &three);
    /* each family alone on one thread: its rows are the same rows of the all-family run */
    size_t k = 0;
    for (int f = 0; f < VX_FAM_COUNT; f++) {
        run(1u << f, aggs, axis, 1, &alone);
        for (size_t i = 0; i < alone.n; i++) {
            while (k < two.n && two.rows[k].feature != alone.rows[i].feature)
                k++;
            assert_true(k < two.n);
            vx_results sub = {.rows = &two.rows[k], .n = 1};
            vx_results one_row = {.rows = &alone.rows[i], .n = 1};
            same(vx_family_get((vx_family)f)->key, &one_row, &sub);
            k++;
        }
        vx_results_free(&alone);
    }
    vx_results_free(&one);
    vx_results_free(&two);
    vx_results_free(&three);
}

static void test_threads_3d(void **state)
{
    (void)state;
    check(VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG) | VX_AGGBIT(VX_AGG_3D), VX_SLICE_Z);
}

static void test_threads_all_aggregations_x(void **state)
{
    (void)state;
    vx_settings s;
    vx_settings_default(&s);
    check(s.features.aggregations, VX_SLICE_X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_3d),
        cmocka_unit_test(test_threads_all_aggregations_x),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
