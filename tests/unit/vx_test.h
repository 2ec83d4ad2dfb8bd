/* voxomics test helpers (linked into every test).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_TEST_H
#define VX_TEST_H

#include <stddef.h>

/* Reference-data folder: $VOXOMICS_DATA, else ../shared relative to the source tree. */
const char *vx_test_data_dir(void);
/* path = data dir + "/" + rel, in a static buffer of the test program. */
const char *vx_test_data(const char *rel);
/* A fresh temporary directory for the test's files (removed by nothing: lives under $TMPDIR). */
const char *vx_test_tmpdir(void);

/* IBSI 1 match rule (../shared/ibsi/README.md): |x - ref| truncated at the reference's third significant
 * digit must not exceed the tolerance. */
int vx_test_ibsi_match(double x, double ref, double tol);

#endif
