/* voxomics: SHA-256 of files and settings (provenance), on nettle.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dirlist.h"
#include "hash.h"
#include "voxomics/io.h"
#include "voxomics/settings.h"

static void to_hex(const uint8_t *d, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

int vx_file_sha256(const char *path, char hex[65], vx_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_update(&ctx, n, buf);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return vx_error_set(err, VX_EIO, "%s: read error", path);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    to_hex(d, hex);
    return VX_OK;
}

/* A folder: SHA-256 of the lines "<sha256 of file>  <file name>\n" of its regular files (not starting with
 * '.'), in byte order of the names: the same set of files gives the same hash wherever the folder lies. */
static int dir_sha256(const char *path, char hex[65], vx_error *err)
{
    char **files = NULL;
    size_t n = 0;
    int rc = vx_dir_files(path, &files, &n, err);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        const char *name = strrchr(files[i], '/') + 1;
        char fh[65];
        rc = vx_file_sha256(files[i], fh, err);
        if (rc == VX_OK) {
            sha256_update(&ctx, 64, (const uint8_t *)fh);
            sha256_update(&ctx, 2, (const uint8_t *)"  ");
            sha256_update(&ctx, strlen(name), (const uint8_t *)name);
            sha256_update(&ctx, 1, (const uint8_t *)"\n");
        }
    }
    vx_dir_free(files, n);
    if (rc != VX_OK)
        return rc;
    uint8_t dg[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof dg, dg);
    to_hex(dg, hex);
    return VX_OK;
}

int vx_path_sha256(const char *path, char hex[65], vx_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    return S_ISDIR(st.st_mode) ? dir_sha256(path, hex, err) : vx_file_sha256(path, hex, err);
}

void vx_sha256_hex(const void *data, size_t n, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n, (const uint8_t *)data);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    to_hex(d, hex);
}

void vx_settings_hash(const vx_settings *s, char hex[65])
{
    /* room for every filter's parameters (VX_MAX_FILTERS of them) next to the other settings */
    enum { LEN = 1 << 18 };
    char small[4096], *text = malloc(LEN);
    if (!text) { /* out of memory: hash what fits (the filters may be cut) rather than nothing */
        text = small;
        vx_settings_canonical(s, text, sizeof small);
    } else
        vx_settings_canonical(s, text, LEN);
    vx_sha256_hex(text, strlen(text), hex);
    if (text != small)
        free(text);
}
