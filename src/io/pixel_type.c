/* voxomics: the scalar type an image file stores its voxels in, as SimpleITK would read it (for PyRadiomics'
 * image hash, vx_pyradiomics_diagnostics). See vx_image_file_pixel_type in include/voxomics/io.h.
 *
 * NRRD: the header's `type`. NIfTI: the datatype (NIfTI-1 offsets 0 sizeof_hdr, 70 datatype, 112 scl_slope,
 * 116 scl_inter; NIfTI-2: 0 sizeof_hdr, 12 datatype, 176 scl_slope, 184 scl_inter; byte order from
 * sizeof_hdr); a scaling (slope not 0 or 1, or an intercept) makes the voxels real numbers: float32 (float64
 * for a float64 datatype), which is what ITK's NIfTI reader gives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "io/nrrd/nrrd_impl.h"
#include "voxomics/io.h"

static const char *const NRRD_NAMES[T_COUNT] = {"int8",   "uint8",  "int16",   "uint16",  "int32", "uint32",
                                                "int64",  "uint64", "float32", "float64", ""};

static uint64_t rd(const unsigned char *p, int n, int be)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

static double rd_f32(const unsigned char *p, int be)
{
    uint32_t u = (uint32_t)rd(p, 4, be);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static double rd_f64(const unsigned char *p, int be)
{
    uint64_t u = rd(p, 8, be);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static int nifti_type(const char *path, char *buf, size_t n, vx_error *err)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return vx_error_set(err, VX_EIO, "%s: cannot open", path);
    unsigned char h[540];
    int got = gzread(gz, h, sizeof h);
    gzclose(gz);
    if (got < 348)
        return vx_error_set(err, VX_EFORMAT, "%s: not a NIfTI file (header truncated)", path);
    int be = 0, v2 = 0;
    if (rd(h, 4, 0) == 348)
        be = 0;
    else if (rd(h, 4, 1) == 348)
        be = 1;
    else if (rd(h, 4, 0) == 540 && got >= 540)
        v2 = 1;
    else if (rd(h, 4, 1) == 540 && got >= 540)
        v2 = 1, be = 1;
    else
        return vx_error_set(err, VX_EFORMAT, "%s: not a NIfTI file (sizeof_hdr)", path);
    int dt = (int16_t)rd(h + (v2 ? 12 : 70), 2, be);
    double slope = v2 ? rd_f64(h + 176, be) : rd_f32(h + 112, be);
    double inter = v2 ? rd_f64(h + 184, be) : rd_f32(h + 116, be);
    const char *t;
    switch (dt) {
    case 2: t = "uint8"; break;
    case 4: t = "int16"; break;
    case 8: t = "int32"; break;
    case 16: t = "float32"; break;
    case 64: t = "float64"; break;
    case 256: t = "int8"; break;
    case 512: t = "uint16"; break;
    case 768: t = "uint32"; break;
    case 1024: t = "int64"; break;
    case 1280: t = "uint64"; break;
    default: return vx_error_set(err, VX_EUNSUPPORTED, "%s: unsupported datatype %d", path, dt);
    }
    int scaled = isfinite(slope) && slope != 0.0 && !(slope == 1.0 && (inter == 0.0 || !isfinite(inter)));
    if (scaled && dt != 64)
        t = "float32";
    snprintf(buf, n, "%s", t);
    return VX_OK;
}

int vx_image_file_pixel_type(const char *path, char *buf, size_t n, vx_error *err)
{
    if (!path || !buf || n < 8)
        return vx_error_set(err, VX_EINVAL, "pixel type: NULL argument or buffer too small");
    buf[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open", path);
    char magic[4] = {0};
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got == 4 && !memcmp(magic, "NRRD", 4)) {
        nrrd_hdr h;
        int rc = nrrd_load_header(path, &h, err);
        if (rc != VX_OK)
            return rc;
        int t = h.type;
        nrrd_free_header(&h);
        if (t < 0 || t >= T_BLOCK)
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: no scalar voxel type", path);
        snprintf(buf, n, "%s", NRRD_NAMES[t]);
        return VX_OK;
    }
    return nifti_type(path, buf, n, err);
}
