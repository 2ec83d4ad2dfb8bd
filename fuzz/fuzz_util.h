/* voxomics fuzz drivers: a private temporary folder for the bytes under test, and the fixed grid of the IBSI CT
 * phantom. Driver code, not library code: the folder's name lives in statics of each target.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_FUZZ_UTIL_H
#define VX_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voxomics/image.h"

#define FUZZ_MAX_FILES 4

static char fuzz_dir[4096];
static char fuzz_files[FUZZ_MAX_FILES][4200];
static int fuzz_nfiles;

static inline void fuzz_cleanup(void)
{
    for (int i = 0; i < fuzz_nfiles; i++)
        unlink(fuzz_files[i]);
    rmdir(fuzz_dir);
}

/* Path of file `name` in the target's private temporary folder (created on first use, removed at exit). */
static inline const char *fuzz_path(const char *name)
{
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/vxfuzz.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    for (int i = 0; i < fuzz_nfiles; i++)
        if (!strcmp(strrchr(fuzz_files[i], '/') + 1, name))
            return fuzz_files[i];
    if (fuzz_nfiles == FUZZ_MAX_FILES)
        abort();
    snprintf(fuzz_files[fuzz_nfiles], sizeof fuzz_files[0], "%s/%s", fuzz_dir, name);
    return fuzz_files[fuzz_nfiles++];
}

/* Write the bytes to path; any I/O failure aborts (it would hide the input). */
static inline void fuzz_put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

/* 64 x 64 x 60 voxels of 3.2 x 3.2 x 3 mm at the IBSI CT phantom's origin (-174.3945, -79.6255, -100.4) mm: the
 * phantom's slice positions, so that RTSTRUCT / SEG seeds made from it reach the rasterisers. */
static inline void fuzz_phantom_grid(vx_geometry *g)
{
    vx_geometry_default(g, 64, 64, 60);
    g->spacing[0] = g->spacing[1] = 3.2;
    g->spacing[2] = 3.0;
    g->origin[0] = -174.3945;
    g->origin[1] = -79.6255;
    g->origin[2] = -100.4;
}

#endif
