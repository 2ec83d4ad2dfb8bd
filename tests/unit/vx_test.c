/* voxomics test helpers.  SPDX-License-Identifier: GPL-3.0-or-later */
#include "vx_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char data_dir[4096];
static char path_buf[4096];
static char tmp_dir[4096];

const char *vx_test_data_dir(void)
{
    const char *d = getenv("VOXOMICS_DATA");
    if (d && *d)
        return d;
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(data_dir, sizeof data_dir, "%s/../shared", src ? src : ".");
    return data_dir;
}

const char *vx_test_data(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", vx_test_data_dir(), rel);
    return path_buf;
}

const char *vx_test_tmpdir(void)
{
    if (!tmp_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/vxtest.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp_dir))
            snprintf(tmp_dir, sizeof tmp_dir, "%s", t && *t ? t : "/tmp");
    }
    return tmp_dir;
}

int vx_test_ibsi_match(double x, double ref, double tol)
{
    if (!isfinite(x))
        return 0;
    double diff = fabs(ref - x);
    /* truncate toward zero at the reference's third significant digit (Excel ROUNDDOWN) */
    int e = ref == 0.0 ? 2 : (int)floor(log10(fabs(ref)));
    double unit = pow(10.0, e - 2);
    double trunc = floor(diff / unit * (1.0 + 1e-12)) * unit;
    return trunc <= tol * (1.0 + 1e-12);
}
