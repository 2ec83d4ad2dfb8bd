/* voxomics: error recording.  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int vx_error_set(vx_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

int vx_error_prefix(vx_error *err, const char *fmt, ...)
{
    if (!err)
        return VX_EINVAL;
    char head[VX_ERROR_LEN], old[VX_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t h = strlen(head);
    if (h >= sizeof err->msg)
        h = sizeof err->msg - 1;
    memcpy(err->msg, head, h);
    size_t rest = strnlen(old, sizeof old);
    if (rest > sizeof err->msg - 1 - h)
        rest = sizeof err->msg - 1 - h;
    memcpy(err->msg + h, old, rest);
    err->msg[h + rest] = '\0';
    return err->code;
}

void vx_error_clear(vx_error *err)
{
    if (err) {
        err->code = VX_OK;
        err->msg[0] = '\0';
    }
}

const char *vx_strerror(int code)
{
    switch (code) {
    case VX_OK: return "ok";
    case VX_EINVAL: return "invalid argument";
    case VX_EIO: return "input/output error";
    case VX_ENOMEM: return "out of memory";
    case VX_EFORMAT: return "corrupt or unrecognised file";
    case VX_EUNSUPPORTED: return "unsupported";
    case VX_EGEOMETRY: return "geometry mismatch";
    case VX_EEMPTY: return "empty region of interest";
    case VX_ENAN: return "non-finite voxel values";
    default: return "unknown error";
    }
}
