/* voxomics (internal): SHA-256 of a memory buffer.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_HASH_H
#define VX_IO_HASH_H

#include <stddef.h>

/* SHA-256 of n bytes at data, as 64 lowercase hex digits and a NUL. */
void vx_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
