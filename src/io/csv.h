/* voxomics (internal): CSV records.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_CSV_H
#define VX_IO_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Split one CSV record (without its final line break; RFC 4180 quoting: "..." with "" for a quote; a quoted
 * field may hold commas and line breaks) into malloc'ed fields. Returns the count, or -1 on an unterminated
 * quote or out of memory. */
int vx_csv_split(const char *line, char ***fields);
void vx_csv_free_fields(char **f, int n);
/* Remove leading and trailing spaces and tabs, in place. */
void vx_csv_trim(char *s);

/* Records of a CSV file (RFC 4180): a record is one line, or several when a quoted field holds line breaks.
 * Line ends LF or CRLF (a line break inside a quoted field is kept as "\n"); a UTF-8 byte order mark at the
 * start of the file is skipped. A quote opens a quoted field only at the start of a field (as vx_csv_split
 * reads it). */
typedef struct vx_csv_reader {
    FILE *f;
    char *rec;       /* the last record read, NUL-terminated, without its line end */
    size_t len;      /* its length */
    size_t line;     /* file line where that record starts (1-based) */
    size_t row;      /* record number (1-based, the header is record 1; blank lines are not records) */
    size_t lines;    /* physical lines read so far */
    size_t cap;
    char *buf;       /* one physical line */
    size_t bcap;
} vx_csv_reader;

void vx_csv_reader_init(vx_csv_reader *r, FILE *f);
/* The next non-blank record into r->rec: 1; 0 at the end of the file; -1 when the file ends inside a quoted
 * field (r->line: where that record starts); -2 out of memory. */
int vx_csv_next(vx_csv_reader *r);
void vx_csv_reader_free(vx_csv_reader *r);

#endif
