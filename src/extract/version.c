/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/voxomics.h"
const char *vx_version(void)
{
    return VX_VERSION;
}
