/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/voxomics.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

const char *vx_version(void)
{
    return VX_VERSION;
}

int vx_tune_allocator(void)
{
#ifdef __GLIBC__
    int ok = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    ok &= mallopt(M_TRIM_THRESHOLD, 256 << 20);
    return ok ? 0 : -1;
#else
    return -1;
#endif
}
