/* voxomics: the files of a folder (see dirlist.h).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void vx_dir_free(char **paths, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

int vx_dir_files(const char *dir, char ***paths, size_t *n, vx_error *err)
{
    *paths = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return vx_error_set(err, VX_EIO, "%s: cannot open the folder: %s", dir, strerror(errno));
    char **list = NULL;
    size_t cnt = 0, cap = 0;
    int rc = VX_OK;
    struct dirent *de;
    while (rc == VX_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *full = malloc(len);
        if (!full) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory listing the folder", dir);
            break;
        }
        snprintf(full, len, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        if (cnt == cap) {
            size_t nc = cap ? cap * 2 : 256;
            char **nl = realloc(list, nc * sizeof *nl);
            if (!nl) {
                free(full);
                rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory listing the folder", dir);
                break;
            }
            list = nl;
            cap = nc;
        }
        list[cnt++] = full;
    }
    closedir(d);
    if (rc != VX_OK) {
        vx_dir_free(list, cnt);
        return rc;
    }
    /* paths share the "dir/" prefix, so sorting the paths sorts the names */
    if (cnt)
        qsort(list, cnt, sizeof *list, cmp_path);
    *paths = list;
    *n = cnt;
    return VX_OK;
}
