/* voxomics extract: one image + mask -> feature table (long or wide CSV).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Case id from the image path: file name without directory and without .nii/.nii.gz/.nrrd extensions. */
static void case_from_path(const char *path, char *buf, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(buf, len, "%s", b);
    static const char *ext[] = {".nii.gz", ".nii", ".nrrd", ".nhdr", ".gz"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t n = strlen(buf), e = strlen(ext[i]);
        if (n > e && !strcmp(buf + n - e, ext[i])) {
            buf[n - e] = '\0';
            break;
        }
    }
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "voxomics extract: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: voxomics extract --config FILE.yaml [--format long|wide] [--case ID] [--threads N] "
                    "-o OUT.csv IMAGE MASK\n");
    return 2;
}

int cli_extract(int argc, char **argv)
{
    const char *config = NULL, *out = NULL, *format = "long", *case_id = NULL;
    const char *pos[2] = {NULL, NULL};
    int npos = 0, threads = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--config") || !strcmp(a, "-c")) && i + 1 < argc)
            config = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(a, "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(a, "--case") && i + 1 < argc)
            case_id = argv[++i];
        else if (!strcmp(a, "--threads") && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 4096)
                return usage_error("--threads needs a positive integer", argv[i]);
            threads = (int)t;
        } else if (a[0] == '-' && a[1])
            return usage_error("unknown or incomplete option", a);
        else if (npos < 2)
            pos[npos++] = a;
        else
            return usage_error("too many arguments", a);
    }
    if (!config)
        return usage_error("--config is required", NULL);
    if (!out)
        return usage_error("-o OUT.csv is required", NULL);
    if (npos != 2)
        return usage_error("IMAGE and MASK are required", NULL);
    if (strcmp(format, "long") && strcmp(format, "wide"))
        return usage_error("--format must be long or wide", format);

    vx_error err;
    vx_error_clear(&err);
    vx_settings s;
    vx_settings_default(&s);
    if (vx_settings_load(config, &s, &err) != VX_OK) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        return 1;
    }
    if (threads > 0)
        s.features.threads = threads;

    char cid[256];
    if (case_id)
        snprintf(cid, sizeof cid, "%s", case_id);
    else
        case_from_path(pos[0], cid, sizeof cid);

    vx_image *img = NULL, *mask = NULL;
    vx_results res;
    vx_results_init(&res);
    vx_provenance prov;
    memset(&prov, 0, sizeof prov);
    prov.version = vx_version();
    vx_settings_hash(&s, prov.settings_hash);

    int rc = vx_image_read(pos[0], &img, &err);
    if (rc == VX_OK)
        rc = vx_image_read(pos[1], &mask, &err);
    if (rc == VX_OK)
        rc = vx_file_sha256(pos[0], prov.image_sha256, &err);
    if (rc == VX_OK)
        rc = vx_file_sha256(pos[1], prov.mask_sha256, &err);
    if (rc == VX_OK) {
        rc = vx_extract(img, mask, &s, &res, &err);
        if (rc != VX_OK)
            vx_error_prefix(&err, "image %s, mask %s: ", pos[0], pos[1]);
    }
    vx_image_free(img);
    vx_image_free(mask);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, err.msg);
        vx_results_free(&res);
        return 1;
    }

    /* write to a temporary file, then rename: never leave a half-written table */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", out, strerror(errno));
        vx_results_free(&res);
        return 1;
    }
    if (!strcmp(format, "long"))
        rc = vx_results_write_long(f, cid, "original", &res, &prov, 1);
    else
        rc = vx_results_write_wide(f, cid, "original", &res, &prov, 1);
    if (fclose(f) != 0)
        rc = VX_EIO;
    size_t nvals = res.n + res.n_diag;
    vx_results_free(&res);
    if (rc != VX_OK || rename(tmp, out) != 0) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", out, strerror(errno));
        unlink(tmp);
        return 1;
    }
    fprintf(stderr, "voxomics extract: case '%s': %zu values written to %s\n", cid, nvals, out);
    return 0;
}
