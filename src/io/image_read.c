/* voxomics: read an image in any supported format, chosen from the content, then the file name.
 *
 * Supported: NIfTI-1/2 (.nii, .nii.gz, .hdr/.img) and NRRD (.nrrd, .nhdr). Content wins over the name: a
 * NRRD file starts with the magic "NRRD" (its header is never compressed, so the raw bytes are checked); the
 * first four bytes (after gzip decompression) of a NIfTI file are sizeof_hdr = 348 or 540 in either byte
 * order. A file whose content is not recognised but whose name says NIfTI or NRRD goes to that reader for its
 * precise error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/io.h"
#include "voxomics/nrrd.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int looks_like_nifti(const unsigned char b[4])
{
    uint32_t le = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    uint32_t be = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    return le == 348 || le == 540 || be == 348 || be == 540;
}

static int open_error(const char *path, int e, vx_error *err)
{
    char buf[256];
    if (e == 0)
        return vx_error_set(err, VX_ENOMEM, "%s: cannot open: out of memory", path);
    if (strerror_r(e, buf, sizeof buf) != 0)
        snprintf(buf, sizeof buf, "error %d", e);
    return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, buf);
}

int vx_path_check(const char *path, int allow_dir, const char *what, vx_error *err)
{
    struct stat st;
    if (!path)
        return vx_error_set(err, VX_EINVAL, "path check: NULL path");
    const char *w = what && *what ? what : "";
    const char *sp = *w ? " " : "";
    if (stat(path, &st) != 0) {
        int e = errno;
        char buf[256];
        if (strerror_r(e, buf, sizeof buf) != 0)
            snprintf(buf, sizeof buf, "error %d", e);
        return vx_error_set(err, VX_EIO, "%s: cannot open%s%s: %s", path, sp, w, buf);
    }
    if (S_ISREG(st.st_mode) || (allow_dir && S_ISDIR(st.st_mode)))
        return VX_OK;
    const char *kind = S_ISDIR(st.st_mode)    ? "a folder"
                       : S_ISFIFO(st.st_mode) ? "a fifo"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                                              : "not a file";
    return vx_error_set(err, VX_EIO, "%s: %s%s%s %s, not a regular file%s", path, *w ? "the " : "", w,
                        *w ? " is" : "is", kind, allow_dir ? " or a folder" : "");
}

int vx_image_read(const char *path, vx_image **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return vx_error_set(err, VX_EINVAL, "image read: NULL argument");
    struct stat st;
    if (stat(path, &st) != 0)
        return open_error(path, errno, err);
    if (S_ISDIR(st.st_mode))
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: unsupported image format (a directory)", path);
    if (!S_ISREG(st.st_mode))
        return vx_path_check(path, 0, NULL, err);

    unsigned char magic[4] = {0, 0, 0, 0};
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return open_error(path, errno, err);
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got == 4 && memcmp(magic, "NRRD", 4) == 0)
        return vx_nrrd_read(path, out, err);

    memset(magic, 0, sizeof magic);
    errno = 0;
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return open_error(path, errno, err);
    int n = gzread(gz, magic, sizeof magic);
    gzclose_r(gz);
    if (n == 4 && looks_like_nifti(magic))
        return vx_nifti_read(path, out, err);
    if (ends_with_ci(path, ".nrrd") || ends_with_ci(path, ".nhdr"))
        return vx_nrrd_read(path, out, err);
    if (ends_with_ci(path, ".nii") || ends_with_ci(path, ".nii.gz") || ends_with_ci(path, ".hdr") ||
        ends_with_ci(path, ".hdr.gz"))
        return vx_nifti_read(path, out, err);
    return vx_error_set(err, VX_EUNSUPPORTED, "%s: unsupported image format (supported: NIfTI-1/2 .nii, .nii.gz; "
                        "NRRD .nrrd, .nhdr)", path);
}
