/* voxomics: the Radiomics Quality Score section of the report (being written).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "study/report_impl.h"

int vxs_report_rqs(const vxs_report_data *d, vxs_html *h, vx_error *err)
{
    (void)d;
    (void)h;
    (void)err;
    return VX_OK;
}
