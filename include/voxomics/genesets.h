/* voxomics: gene-set files for the omics statistics (module table: src/table/genesets.c; the statistics are in
 * voxomics/omics.h, which never opens a file).
 *
 * GMT (Broad/MSigDB): one set a line, tab-separated: name, description, then the genes; empty fields and
 *   trailing carriage returns are ignored, blank lines skipped. A line with a name and no gene is a set of size 0.
 * RNK (pre-ranked GSEA): two tab- or space-separated fields a line, gene and statistic; lines starting with '#'
 *   and a first line whose statistic is not a number (a header such as "ID\tt") are skipped; any other
 *   non-numeric or non-finite statistic, or a repeated gene, is an error naming file:line.
 * Gene lists (ORA): the first whitespace-separated field of each line; blank lines and '#' lines skipped;
 *   repeats are kept here and counted once by vx_ora.
 *
 * Ownership: structures filled here are freed with their _free function (also after an error).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_GENESETS_H
#define VOXOMICS_GENESETS_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_genesets {
    size_t n;      /* sets */
    char **name;   /* n set names */
    size_t *off;   /* n + 1: set s has genes gene[off[s] .. off[s+1]) */
    char **gene;   /* off[n] gene names */
} vx_genesets;

/* Read a GMT file. Errors: VX_EIO (cannot open or read), VX_EFORMAT (no set, a line without a name: file:line),
 * VX_ENOMEM. */
VX_API int vx_genesets_read_gmt(const char *path, vx_genesets *gs, vx_error *err);
VX_API void vx_genesets_free(vx_genesets *gs);

typedef struct vx_genelist {
    size_t n;
    char **gene;
    double *stat; /* n statistics (RNK), NULL for a plain list */
} vx_genelist;

/* Read a RNK file (gene, statistic). VX_EIO, VX_EFORMAT (file:line), VX_EINVAL (a repeated gene), VX_ENOMEM. */
VX_API int vx_genelist_read_rnk(const char *path, vx_genelist *gl, vx_error *err);
/* Read a gene list (one gene a line). VX_EIO, VX_EFORMAT (no gene), VX_ENOMEM. */
VX_API int vx_genelist_read(const char *path, vx_genelist *gl, vx_error *err);
VX_API void vx_genelist_free(vx_genelist *gl);

#ifdef __cplusplus
}
#endif
#endif
