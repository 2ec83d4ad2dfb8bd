/* voxomics: the SQLite store of a cohort run.
 *
 * Tables: meta(key, value) with the settings hash, the voxomics version and the number of cases; cases(idx, id,
 * image, mask, label, ok, error, payload), one row per finished case, each written in its own transaction in
 * WAL mode (synchronous NORMAL: a committed case survives the process being killed at any moment).
 * The payload is the case result as text (vx_case_serialise), with values in shortest round-trip decimals so
 * that loading gives the same doubles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store.h"

#include "voxomics/voxomics.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vx_store {
    sqlite3 *db;
    char *path;
};

static int db_error(sqlite3 *db, const char *path, const char *what, vx_error *err)
{
    return vx_error_set(err, VX_EIO, "store %s: %s: %s", path, what, db ? sqlite3_errmsg(db) : "cannot open");
}

/* ---- text form ----------------------------------------------------------------------------------------- */
typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *t)
{
    size_t m = strlen(t);
    if (b->oom)
        return;
    if (b->n + m + 1 > b->cap) {
        size_t nc = (b->cap ? b->cap * 2 : 4096) + m;
        char *s = realloc(b->s, nc);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = nc;
    }
    memcpy(b->s + b->n, t, m + 1);
    b->n += m;
}

/* Text fields must not hold tabs or newlines: replace them by spaces. */
static void put_field(sbuf *b, const char *t)
{
    char tmp[512];
    size_t k = 0;
    for (; t[k] && k + 1 < sizeof tmp; k++)
        tmp[k] = (t[k] == '\t' || t[k] == '\n' || t[k] == '\r') ? ' ' : t[k];
    tmp[k] = '\0';
    put(b, tmp);
}

char *vx_case_serialise(const vx_case_result *r)
{
    sbuf b = {0};
    char num[64], line[128];
    put(&b, "S\t");
    put(&b, r->image_sha256);
    put(&b, "\t");
    put(&b, r->mask_sha256);
    put(&b, "\nN\t");
    put_field(&b, r->note);
    put(&b, "\n");
    for (size_t g = 0; g < r->n_regions; g++) {
        const vx_results *res = &r->regions[g].res;
        put(&b, "R\t");
        put_field(&b, r->regions[g].roi);
        put(&b, "\n");
        for (size_t i = 0; i < res->n_diag; i++) {
            vx_format_double(res->diag[i].value, num, sizeof num);
            put(&b, "D\t");
            put_field(&b, res->diag[i].tag);
            snprintf(line, sizeof line, "\t%s\n", num);
            put(&b, line);
        }
        for (size_t i = 0; i < res->n; i++) {
            vx_format_double(res->rows[i].value, num, sizeof num);
            snprintf(line, sizeof line, "F\t%d\t%d\t%s\n", (int)res->rows[i].feature, (int)res->rows[i].agg, num);
            put(&b, line);
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s ? b.s : calloc(1, 1);
}

int vx_case_deserialise(const char *text, vx_case_result *r)
{
    memset(r, 0, sizeof *r);
    r->done = 1;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[1024];
        if (len >= sizeof line)
            return VX_EFORMAT;
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (e ? 1 : 0);
        char *f[5] = {NULL};
        int nf = 0;
        for (char *q = line; nf < 5;) {
            f[nf++] = q;
            char *t = strchr(q, '\t');
            if (!t)
                break;
            *t = '\0';
            q = t + 1;
        }
        if (!strcmp(f[0], "S") && nf == 3) {
            snprintf(r->image_sha256, sizeof r->image_sha256, "%s", f[1]);
            snprintf(r->mask_sha256, sizeof r->mask_sha256, "%s", f[2]);
        } else if (!strcmp(f[0], "N") && nf == 2) {
            snprintf(r->note, sizeof r->note, "%s", f[1]);
        } else if (!strcmp(f[0], "R") && nf == 2) {
            vx_region_result *g = realloc(r->regions, (r->n_regions + 1) * sizeof *g);
            if (!g)
                return VX_ENOMEM;
            r->regions = g;
            g = &r->regions[r->n_regions++];
            memset(g, 0, sizeof *g);
            snprintf(g->roi, sizeof g->roi, "%s", f[1]);
            vx_results_init(&g->res);
        } else if (!strcmp(f[0], "D") && nf == 3 && r->n_regions) {
            if (vx_results_add_diag(&r->regions[r->n_regions - 1].res, f[1], strtod(f[2], NULL)) != VX_OK)
                return VX_ENOMEM;
        } else if (!strcmp(f[0], "F") && nf == 4 && r->n_regions) {
            long id = strtol(f[1], NULL, 10), agg = strtol(f[2], NULL, 10);
            if (id < 0 || id >= VX_F_COUNT || agg < 0 || agg >= VX_AGG_COUNT)
                return VX_EFORMAT;
            if (vx_results_add(&r->regions[r->n_regions - 1].res, (vx_feature_id)id, (vx_agg)agg,
                               strtod(f[3], NULL)) != VX_OK)
                return VX_ENOMEM;
        } else if (line[0]) {
            return VX_EFORMAT;
        }
    }
    return VX_OK;
}

/* ---- the database -------------------------------------------------------------------------------------- */
static int exec(vx_store *st, const char *sql, vx_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        vx_error_set(err, VX_EIO, "store %s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return VX_EIO;
    }
    return VX_OK;
}

static int meta_get(vx_store *st, const char *key, char *buf, size_t n)
{
    sqlite3_stmt *q;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?", -1, &q, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(q) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(q, 0);
        snprintf(buf, n, "%s", v ? (const char *)v : "");
        found = 1;
    }
    sqlite3_finalize(q);
    return found ? 0 : -1;
}

static int meta_set(vx_store *st, const char *key, const char *value, vx_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &q, NULL) !=
        SQLITE_OK)
        return db_error(st->db, st->path, "writing meta", err);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q) == SQLITE_DONE ? VX_OK : db_error(st->db, st->path, "writing meta", err);
    sqlite3_finalize(q);
    return rc;
}

/* The store must belong to this run: same settings, version and number of cases. */
static int check_meta(vx_store *st, const char *key, const char *want, const char *what, vx_error *err)
{
    char have[256];
    if (meta_get(st, key, have, sizeof have) != 0)
        return meta_set(st, key, want, err);
    if (strcmp(have, want) != 0)
        return vx_error_set(err, VX_EINVAL,
                            "store %s was made with %s %s, this run has %s: the stored results would not match; use "
                            "a new store file (or the original %s)",
                            st->path, what, have, want, what);
    return VX_OK;
}

int vx_store_open(const char *path, const vx_cohort *c, const vx_settings *s, vx_store **out, vx_error *err)
{
    *out = NULL;
    vx_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        int rc = db_error(st->db, path, "cannot open", err);
        vx_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 60000);
    int rc = exec(st,
                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                  "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
                  "CREATE TABLE IF NOT EXISTS cases(idx INTEGER PRIMARY KEY, id TEXT, image TEXT, mask TEXT,"
                  " label TEXT, ok INTEGER, error TEXT, payload TEXT);",
                  err);
    if (rc != VX_OK) {
        vx_error_prefix(err, "(not a voxomics store?) ");
        vx_store_close(st);
        return rc;
    }
    char hash[65], ncases[32];
    vx_settings_hash(s, hash);
    snprintf(ncases, sizeof ncases, "%zu", c->n);
    rc = check_meta(st, "settings_sha256", hash, "settings", err);
    if (rc == VX_OK)
        rc = check_meta(st, "voxomics_version", vx_version(), "voxomics version", err);
    if (rc == VX_OK)
        rc = check_meta(st, "cases", ncases, "number of cases", err);
    if (rc != VX_OK) {
        vx_store_close(st);
        return rc;
    }
    *out = st;
    return VX_OK;
}

void vx_store_close(vx_store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

int vx_store_load(vx_store *st, const vx_cohort *c, vx_cohort_results *out, vx_error *err)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, "SELECT idx, id, image, mask, label, ok, error, payload FROM cases ORDER BY idx",
                           -1, &q, NULL) != SQLITE_OK)
        return db_error(st->db, st->path, "reading cases", err);
    int rc = VX_OK, step;
    while (rc == VX_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        sqlite3_int64 idx = sqlite3_column_int64(q, 0);
        if (idx < 0 || (size_t)idx >= c->n) {
            rc = vx_error_set(err, VX_EINVAL, "store %s holds case %lld, the cohort has %zu cases", st->path,
                              (long long)idx + 1, c->n);
            break;
        }
        const vx_case_spec *cs = &c->cases[idx];
        const char *cols[4] = {(const char *)sqlite3_column_text(q, 1), (const char *)sqlite3_column_text(q, 2),
                               (const char *)sqlite3_column_text(q, 3), (const char *)sqlite3_column_text(q, 4)};
        const char *want[4] = {cs->id, cs->image, cs->mask, nz(cs->label)};
        for (int k = 0; k < 4; k++)
            if (strcmp(nz(cols[k]), want[k]) != 0) {
                rc = vx_error_set(err, VX_EINVAL,
                                  "store %s holds case %lld as '%s' but the cohort has '%s' there: use a new store "
                                  "for a changed cohort",
                                  st->path, (long long)idx + 1, nz(cols[k]), want[k]);
                break;
            }
        if (rc != VX_OK)
            break;
        vx_case_result *r = &out->cases[idx];
        vx_case_result_free(r);
        const char *payload = (const char *)sqlite3_column_text(q, 7);
        if (vx_case_deserialise(payload ? payload : "", r) != VX_OK) {
            vx_case_result_free(r);
            rc = vx_error_set(err, VX_EFORMAT, "store %s: case %lld is unreadable", st->path, (long long)idx + 1);
            break;
        }
        if (!sqlite3_column_int(q, 5)) {
            const char *e = (const char *)sqlite3_column_text(q, 6);
            r->error = strdup(e ? e : "failed");
            if (!r->error)
                rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        }
    }
    if (rc == VX_OK && step != SQLITE_DONE)
        rc = db_error(st->db, st->path, "reading cases", err);
    sqlite3_finalize(q);
    return rc;
}

int vx_store_put(vx_store *st, const vx_cohort *c, size_t i, const vx_case_result *r, vx_error *err)
{
    char *payload = vx_case_serialise(r);
    if (!payload)
        return vx_error_set(err, VX_ENOMEM, "out of memory storing case %zu", i + 1);
    sqlite3_stmt *q;
    int rc = VX_OK;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR REPLACE INTO cases(idx, id, image, mask, label, ok, error, payload)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK) {
        free(payload);
        return db_error(st->db, st->path, "storing a case", err);
    }
    const vx_case_spec *cs = &c->cases[i];
    sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
    sqlite3_bind_text(q, 2, cs->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, cs->image, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, cs->mask, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, nz(cs->label), -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 6, r->error ? 0 : 1);
    if (r->error)
        sqlite3_bind_text(q, 7, r->error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 7);
    sqlite3_bind_text(q, 8, payload, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = db_error(st->db, st->path, "storing a case", err);
    sqlite3_finalize(q);
    free(payload);
    return rc;
}
