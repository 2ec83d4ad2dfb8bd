/* voxomics: placeholder for the simoncelli filter(s) until implemented. SPDX-License-Identifier: GPL-3.0-or-later */
#include "filter_impl.h"

int vxf_simoncelli_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                    const double spacing[3], double *out, vx_error *err)
{
    (void)c, (void)in, (void)dims, (void)spacing, (void)out;
    return vx_error_set(err, VX_EINVAL, "filter %s: not implemented yet", vx_filter_kind_name(f->kind));
}

void vxf_simoncelli_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)f, (void)spacing;
    reach[0] = reach[1] = reach[2] = 0;
}

int vxf_simoncelli_check(const vx_filter_spec *f, vx_error *err)
{
    (void)f, (void)err;
    return VX_OK;
}
