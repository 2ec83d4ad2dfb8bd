/* voxomics (internal): CSV records.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_CSV_H
#define VX_IO_CSV_H

/* Split one CSV record (a line without its line break; RFC 4180 quoting: "..." with "" for a quote) into
 * malloc'ed fields. Returns the count, or -1 on an unterminated quote or out of memory. */
int vx_csv_split(const char *line, char ***fields);
void vx_csv_free_fields(char **f, int n);
/* Remove leading and trailing spaces and tabs, in place. */
void vx_csv_trim(char *s);

#endif
