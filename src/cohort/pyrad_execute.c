/* voxomics: PyRadiomics' RadiomicsFeatureExtractor.execute() in one call (vx_pyradiomics_execute,
 * include/voxomics/cohort.h): one case run as the CLI runs it, its values as PyRadiomics' ordered result dict
 * (vx_results_pyradiomics_items). The Python package's voxomics.pyradiomics calls it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "voxomics/cohort.h"

/* The items of a finished case (one region: the settings' label); r.error becomes err's message. */
static int case_items(int rc, const vx_case_result *r, const char *image, const char *mask, vx_pyrad_items *out,
                      vx_error *err)
{
    if (rc != VX_OK)
        return vx_error_set(err, rc, "%s", r->error ? r->error : vx_strerror(rc));
    if (r->n_regions != 1)
        return vx_error_set(err, VX_EINVAL, "image %s, mask %s: %zu regions, expected one", image, mask,
                            r->n_regions);
    return vx_results_pyradiomics_items(&r->regions[0].res, out, err);
}

int vx_pyradiomics_execute(const vx_settings *s, const char *image_path, const char *mask_path, const vx_image *image,
                           const vx_image *mask, vx_pyrad_items *out, vx_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !out)
        return vx_error_set(err, VX_EINVAL, "PyRadiomics execute: NULL argument");
    const int files = image_path && mask_path && !image && !mask;
    if (!files && (!image || !mask || image_path || mask_path))
        return vx_error_set(err, VX_EINVAL, "PyRadiomics execute: give the image and the mask both as paths or "
                                            "both as images");
    vx_case_result r;
    int rc;
    if (files) {
        vx_case_spec cs = {"", image_path, mask_path, NULL};
        rc = vx_case_run(&cs, s, NULL, &r);
    } else {
        rc = vx_case_run_images(image, mask, NULL, s, NULL, &r);
    }
    rc = case_items(rc, &r, files ? image_path : "(in memory)", files ? mask_path : "(in memory)", out, err);
    vx_case_result_free(&r);
    return rc;
}
