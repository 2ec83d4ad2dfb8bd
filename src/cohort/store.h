/* voxomics (internal): the SQLite store of a cohort run (one row per finished case, committed at once).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_COHORT_STORE_H
#define VX_COHORT_STORE_H

#include "voxomics/cohort.h"

typedef struct vx_store vx_store;

/* Open (create) a store for cohort c under settings s: a store made with other settings, another version or
 * other cases is VX_EINVAL with a message saying what differs and what to do; a file that is not a SQLite
 * database, is truncated or damaged, lacks the tables or meta rows of a store, or whose meta rows were altered
 * (their checksum) is VX_EFORMAT naming the store and the fix. */
int vx_store_open(const char *path, const vx_cohort *c, const vx_settings *s, vx_store **st, vx_error *err);
void vx_store_close(vx_store *st);
/* Load every stored case into out (out->cases[i] of the stored indices; done = 1), each verified against its
 * SHA-256. A record that fails its checksum is VX_EFORMAT naming the store and the case, or, with
 * recompute_damaged, left not done (to be run and stored again) and counted in *n_damaged (may be NULL). */
int vx_store_load(vx_store *st, const vx_cohort *c, vx_cohort_results *out, int recompute_damaged,
                  size_t *n_damaged, vx_error *err);
/* Commit the result of case i (its own transaction) with its checksum. */
int vx_store_put(vx_store *st, const vx_cohort *c, size_t i, const vx_case_result *r, vx_error *err);

/* Text form of a case result, and back (exact: shortest round-trip decimals). */
char *vx_case_serialise(const vx_case_result *r);
int vx_case_deserialise(const char *text, vx_case_result *r);

#endif
