/* voxomics: placeholder for the Riesz transform until implemented. SPDX-License-Identifier: GPL-3.0-or-later */
#include "filter_impl.h"

int vxf_riesz_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *img, const double *resp,
                    const size_t dims[3], const double spacing[3], double *out, vx_error *err)
{
    (void)c, (void)img, (void)resp, (void)dims, (void)spacing, (void)out;
    return vx_error_set(err, VX_EINVAL, "filter %s: Riesz transform not implemented yet", vx_filter_kind_name(f->kind));
}

int vxf_riesz_check(const vx_filter_spec *f, vx_error *err)
{
    (void)f, (void)err;
    return VX_OK;
}
