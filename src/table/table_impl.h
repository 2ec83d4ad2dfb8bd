/* voxomics: what the table module (src/table) shares internally: the missing-value texts and the cell number
 * parser. Internal to libvoxomics (not installed).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_TABLE_IMPL_H
#define VX_TABLE_IMPL_H

#include "voxomics/table.h"

/* 1 when a cell text means "missing": empty, NA, NaN, N/A, NULL, None or ? (any case). */
int vxt_is_missing_text(const char *s);
/* The number of a cell: the whole text a finite decimal number (trailing spaces allowed), else NaN. */
double vxt_parse_number(const char *s);

#endif
