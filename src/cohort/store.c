/* voxomics: the SQLite store of a cohort run.
 *
 * Tables: meta(key, value) with the store format, the settings hash, the voxomics version, the number of cases
 * and meta_sha256 (the SHA-256 of the other four); cases(idx, id, image, mask, label, ok, error, payload,
 * checksum), one row per finished case, each written in its own transaction in WAL mode (synchronous NORMAL: a
 * committed case survives the process being killed at any moment). The payload is the case result as text
 * (vx_case_serialise), with values in shortest round-trip decimals so that loading gives the same doubles.
 * checksum is the SHA-256 of a canonical text of the row (every column, length-prefixed) together with the
 * store's settings hash and version, so an edited, truncated or transplanted record is found on loading.
 *
 * Integrity, in order: the file must be empty (a new store) or a whole SQLite database (header, whole pages,
 * not shorter than its header says); SQLite's quick_check must pass; the tables must have exactly the columns
 * above; the meta rows must all be there, no others, and match their checksum; they must match the run. Every
 * case record must match its checksum: otherwise the run is refused naming the store and the case, or, with
 * retry_failed, that case is run again and stored over. Stored values are never used unverified.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "store.h"

#include "io/hash.h"
#include "voxomics/voxomics.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vx_store {
    sqlite3 *db;
    char *path;
    char settings[65]; /* settings hash of the run (= of the store, once checked) */
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

/* A text field of any length, tabs and line breaks replaced by spaces. */
static void put_text(sbuf *b, const char *t)
{
    size_t m = strlen(t);
    char *tmp = malloc(m + 1);
    if (!tmp) {
        b->oom = 1;
        return;
    }
    for (size_t k = 0; k <= m; k++)
        tmp[k] = (t[k] == '\t' || t[k] == '\n' || t[k] == '\r') ? ' ' : t[k];
    put(b, tmp);
    free(tmp);
}

/* a "T <image type>" line when the image type changes */
static void put_type(sbuf *b, const vx_results *res, vx_image_type t, vx_image_type *cur)
{
    if (t == *cur)
        return;
    put(b, "T\t");
    put_field(b, vx_results_image_type_name(res, t));
    put(b, "\n");
    *cur = t;
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
        vx_image_type cur = VX_IMAGE_ORIGINAL; /* "T" lines switch the image type of the lines after them */
        for (size_t i = 0; i < res->n_text; i++) { /* "X <key> <text>": text values */
            put(&b, "X\t");
            put_text(&b, res->text[i].key);
            put(&b, "\t");
            put_text(&b, res->text[i].value);
            put(&b, "\n");
        }
        for (size_t i = 0; i < res->n_diag; i++) {
            put_type(&b, res, res->diag[i].image_type, &cur);
            vx_format_double(res->diag[i].value, num, sizeof num);
            put(&b, "D\t");
            put_field(&b, res->diag[i].tag);
            snprintf(line, sizeof line, "\t%s\n", num);
            put(&b, line);
        }
        for (size_t i = 0; i < res->n; i++) {
            put_type(&b, res, res->rows[i].image_type, &cur);
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

/* A whole field as a number (vx_format_double's forms, NaN and Inf included): 0, else -1. */
static int number(const char *t, double *v)
{
    char *end;
    *v = strtod(t, &end);
    return end != t && !*end ? 0 : -1;
}

/* One line of the text form (split in place) into r. */
static int deserialise_line(char *line, vx_case_result *r)
{
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
    } else if (!strcmp(f[0], "T") && nf == 2 && r->n_regions) {
        int rc = vx_results_set_image_type(&r->regions[r->n_regions - 1].res, f[1]);
        if (rc != VX_OK)
            return rc == VX_ENOMEM ? VX_ENOMEM : VX_EFORMAT;
    } else if (!strcmp(f[0], "X") && nf == 3 && r->n_regions) {
        int rc = vx_results_add_text(&r->regions[r->n_regions - 1].res, f[1], f[2]);
        if (rc != VX_OK)
            return rc == VX_ENOMEM ? VX_ENOMEM : VX_EFORMAT;
    } else if (!strcmp(f[0], "D") && nf == 3 && r->n_regions) {
        double v;
        if (number(f[2], &v) != 0)
            return VX_EFORMAT;
        if (vx_results_add_diag(&r->regions[r->n_regions - 1].res, f[1], v) != VX_OK)
            return VX_ENOMEM;
    } else if (!strcmp(f[0], "F") && nf == 4 && r->n_regions) {
        char *e1, *e2;
        long id = strtol(f[1], &e1, 10), agg = strtol(f[2], &e2, 10);
        double v;
        if (e1 == f[1] || *e1 || e2 == f[2] || *e2 || id < 0 || id >= VX_F_COUNT || agg < 0 ||
            agg >= VX_AGG_COUNT || number(f[3], &v) != 0)
            return VX_EFORMAT;
        if (vx_results_add(&r->regions[r->n_regions - 1].res, (vx_feature_id)id, (vx_agg)agg, v) != VX_OK)
            return VX_ENOMEM;
    } else if (line[0]) {
        return VX_EFORMAT;
    }
    return VX_OK;
}

int vx_case_deserialise(const char *text, vx_case_result *r)
{
    memset(r, 0, sizeof *r);
    r->done = 1;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line_buf[1024], *line = line_buf;
        if (len >= sizeof line_buf) { /* only text values ("X" lines) may be this long */
            if (len > ((size_t)1 << 20) || strncmp(p, "X\t", 2) != 0)
                return VX_EFORMAT;
            if (!(line = malloc(len + 1)))
                return VX_ENOMEM;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (e ? 1 : 0);
        int rc = deserialise_line(line, r);
        if (line != line_buf)
            free(line);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* ---- the database -------------------------------------------------------------------------------------- */
#define STORE_FORMAT "voxomics store 2 (per-case SHA-256)"

static const char *const META_KEYS[] = {"format", "settings_sha256", "voxomics_version", "cases"};
#define N_META (sizeof META_KEYS / sizeof META_KEYS[0])
static const char *const CASE_COLS[] = {"idx", "id", "image", "mask", "label", "ok", "error", "payload", "checksum"};
#define N_CASE_COLS (sizeof CASE_COLS / sizeof CASE_COLS[0])
static const char *const META_COLS[] = {"key", "value"};

static const char *const FIX_NEW = "use a new store file (or delete this one: its cases will be recomputed)";

static int exec(vx_store *st, const char *sql, vx_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(st->db);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            vx_error_set(err, VX_EFORMAT, "store %s is %s (SQLite: %s): %s", st->path,
                         code == SQLITE_NOTADB ? "not a SQLite database" : "damaged", msg ? msg : "", FIX_NEW);
        else
            vx_error_set(err, VX_EIO, "store %s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? VX_EFORMAT : VX_EIO;
    }
    return VX_OK;
}

/* Canonical text of the meta rows or of one case record, hashed: every field as "name length\n" + bytes + "\n"
 * ("name -\n" for NULL), so that no two different records give the same text. */
static void canon_field(sbuf *b, const char *name, const char *v, size_t n)
{
    char head[96];
    if (!v) {
        snprintf(head, sizeof head, "%s -\n", name);
        put(b, head);
        return;
    }
    snprintf(head, sizeof head, "%s %zu\n", name, n);
    put(b, head);
    if (b->oom)
        return;
    if (b->n + n + 2 > b->cap) {
        size_t nc = 2 * (b->n + n + 2);
        char *s = realloc(b->s, nc);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = nc;
    }
    memcpy(b->s + b->n, v, n);
    b->n += n;
    b->s[b->n] = '\0';
    put(b, "\n");
}

static int canon_hash(sbuf *b, char hex[65])
{
    if (b->oom) {
        free(b->s);
        return VX_ENOMEM;
    }
    vx_sha256_hex(b->s ? b->s : "", b->n, hex);
    free(b->s);
    return VX_OK;
}

static int meta_checksum(const char *const values[N_META], char hex[65])
{
    sbuf b = {0};
    put(&b, "voxomics store meta\n");
    for (size_t k = 0; k < N_META; k++)
        canon_field(&b, META_KEYS[k], values[k], values[k] ? strlen(values[k]) : 0);
    return canon_hash(&b, hex);
}

/* One case record: the store's settings hash and version bind it to its run; idx binds it to its row. */
typedef struct case_rec {
    long long idx;
    const char *id, *image, *mask, *label, *error, *payload;
    size_t n_id, n_image, n_mask, n_label, n_error, n_payload;
    int ok;
} case_rec;

static int case_checksum(const vx_store *st, const case_rec *r, char hex[65])
{
    sbuf b = {0};
    char num[32];
    put(&b, "voxomics store case\n");
    canon_field(&b, "settings_sha256", st->settings, strlen(st->settings));
    canon_field(&b, "voxomics_version", vx_version(), strlen(vx_version()));
    snprintf(num, sizeof num, "%lld", r->idx);
    canon_field(&b, "idx", num, strlen(num));
    canon_field(&b, "id", r->id, r->n_id);
    canon_field(&b, "image", r->image, r->n_image);
    canon_field(&b, "mask", r->mask, r->n_mask);
    canon_field(&b, "label", r->label, r->n_label);
    snprintf(num, sizeof num, "%d", r->ok);
    canon_field(&b, "ok", num, strlen(num));
    canon_field(&b, "error", r->error, r->n_error);
    canon_field(&b, "payload", r->payload, r->n_payload);
    return canon_hash(&b, hex);
}

/* Before SQLite sees the file: an existing, non-empty file must be a whole SQLite database. */
static int check_file(const char *path, vx_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return VX_OK; /* absent: SQLite creates it (or says why it cannot) */
    unsigned char h[100];
    size_t got = fread(h, 1, sizeof h, f);
    int seek = fseek(f, 0, SEEK_END);
    long size = seek == 0 ? ftell(f) : -1;
    fclose(f);
    if (size == 0)
        return VX_OK;
    if (got < 16 || memcmp(h, "SQLite format 3", 16) != 0)
        return vx_error_set(err, VX_EFORMAT,
                            "store %s is not a SQLite database (a voxomics store is one): give --store a new file "
                            "name; voxomics does not overwrite other files",
                            path);
    if (got < sizeof h)
        return vx_error_set(err, VX_EFORMAT, "store %s is truncated (%ld bytes, less than a SQLite header): %s", path,
                            size, FIX_NEW);
    unsigned page = ((unsigned)h[16] << 8) | h[17];
    if (page == 1)
        page = 65536;
    if (page < 512 || (page & (page - 1)) || size < 0 || size % (long)page != 0)
        return vx_error_set(err, VX_EFORMAT,
                            "store %s is truncated or damaged (%ld bytes, not a whole number of %u-byte pages): %s",
                            path, size, page, FIX_NEW);
    /* the page count in the header, valid when its version number matches the change counter; with a write-
     * ahead log the file may legitimately lag behind (a checkpoint was interrupted), so only without one */
    unsigned long pages = ((unsigned long)h[28] << 24) | ((unsigned long)h[29] << 16) | ((unsigned long)h[30] << 8) | h[31];
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    FILE *w = fopen(wal, "rb");
    int has_wal = 0;
    if (w) {
        has_wal = fgetc(w) != EOF;
        fclose(w);
    }
    if (!has_wal && pages && !memcmp(h + 24, h + 92, 4) && (unsigned long)size / page < pages)
        return vx_error_set(err, VX_EFORMAT, "store %s is truncated (%ld bytes, its header says %lu pages of %u): %s",
                            path, size, pages, page, FIX_NEW);
    return VX_OK;
}

/* The columns of a table, in order, as "a,b,c" (empty when the table is absent). */
static int table_columns(vx_store *st, const char *table, char *buf, size_t n, vx_error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *q;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return exec(st, sql, err); /* the same error, with the message of exec() */
    size_t k = 0;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(q, 1);
        k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", k ? "," : "", c ? c : "");
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return exec(st, sql, err);
    return VX_OK;
}

static void join(const char *const *names, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0, "%s%s", i ? "," : "", names[i]);
}

/* A fresh store: both tables and the meta rows in one transaction (all or nothing). */
static int create_store(vx_store *st, const char *const meta[N_META], vx_error *err)
{
    char sum[65];
    if (meta_checksum(meta, sum) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = exec(st,
                  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                  "CREATE TABLE cases(idx INTEGER PRIMARY KEY, id TEXT, image TEXT, mask TEXT, label TEXT,"
                  " ok INTEGER, error TEXT, payload TEXT, checksum TEXT);",
                  err);
    sqlite3_stmt *q = NULL;
    if (rc == VX_OK &&
        sqlite3_prepare_v2(st->db, "INSERT INTO meta(key, value) VALUES(?, ?)", -1, &q, NULL) != SQLITE_OK)
        rc = db_error(st->db, st->path, "writing meta", err);
    for (size_t k = 0; rc == VX_OK && k <= N_META; k++) {
        sqlite3_reset(q);
        sqlite3_bind_text(q, 1, k < N_META ? META_KEYS[k] : "meta_sha256", -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, k < N_META ? meta[k] : sum, -1, SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = db_error(st->db, st->path, "writing meta", err);
    }
    sqlite3_finalize(q);
    return rc;
}

/* SQLite's quick check of the store file. */
static int check_integrity(vx_store *st, vx_error *err)
{
    sqlite3_stmt *q;
    int rc = VX_OK;
    if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &q, NULL) != SQLITE_OK)
        return exec(st, "PRAGMA quick_check(1)", err);
    if (sqlite3_step(q) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(q, 0);
        if (!v || strcmp(v, "ok") != 0) {
            /* one line: SQLite's report without its "*** in database main ***" heading, line breaks as "; " */
            char why[256];
            const char *t = v ? v : "?", *head = "*** in database main ***";
            if (!strncmp(t, head, strlen(head)))
                t += strlen(head);
            while (*t == '\n' || *t == ' ')
                t++;
            size_t k = 0;
            for (; *t && k + 3 < sizeof why; t++)
                if (*t == '\n') {
                    why[k++] = ';';
                    why[k++] = ' ';
                } else {
                    why[k++] = *t;
                }
            why[k] = '\0';
            rc = vx_error_set(err, VX_EFORMAT, "store %s is damaged (SQLite integrity check: %s): %s", st->path, why,
                              FIX_NEW);
        }
    } else {
        rc = vx_error_set(err, VX_EFORMAT, "store %s is damaged (SQLite integrity check: %s): %s", st->path,
                          sqlite3_errmsg(st->db), FIX_NEW);
    }
    sqlite3_finalize(q);
    return rc;
}

/* The tables cases and meta have the columns of this voxomics' store. */
static int check_schema(vx_store *st, vx_error *err)
{
    char have[512], expect[512];
    int rc;
    join(CASE_COLS, N_CASE_COLS, expect, sizeof expect);
    if ((rc = table_columns(st, "cases", have, sizeof have, err)) != VX_OK)
        return rc;
    if (!have[0])
        return vx_error_set(err, VX_EFORMAT,
                            "store %s is a SQLite database but not a voxomics store (no table 'cases'): give --store "
                            "a new file name; voxomics does not overwrite other files",
                            st->path);
    if (strcmp(have, expect) != 0)
        return vx_error_set(err, VX_EFORMAT,
                            "store %s does not have the tables of this voxomics' store (cases(%s), expected "
                            "cases(%s)): a store of an older voxomics, or altered; %s",
                            st->path, have, expect, FIX_NEW);
    join(META_COLS, 2, expect, sizeof expect);
    if ((rc = table_columns(st, "meta", have, sizeof have, err)) != VX_OK)
        return rc;
    if (strcmp(have, expect) != 0)
        return vx_error_set(err, VX_EFORMAT,
                            "store %s does not have the tables of a voxomics store (meta(%s), expected meta(%s)): %s",
                            st->path, have[0] ? have : "absent", expect, FIX_NEW);
    return VX_OK;
}

/* An existing store: intact (SQLite's quick check), the schema of a voxomics store, meta rows complete and
 * unaltered (their checksum), made for this run (settings, version, number of cases). */
static int check_store(vx_store *st, const char *const want[N_META], vx_error *err)
{
    int rc = check_integrity(st, err);
    if (rc == VX_OK)
        rc = check_schema(st, err);
    if (rc != VX_OK)
        return rc;

    sqlite3_stmt *q;
    /* the meta rows: exactly the known keys and their checksum */
    char val[N_META + 1][256];
    int seen[N_META + 1] = {0};
    if (sqlite3_prepare_v2(st->db, "SELECT key, value FROM meta", -1, &q, NULL) != SQLITE_OK)
        return db_error(st->db, st->path, "reading meta", err);
    int step;
    while (rc == VX_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(q, 0), *v = (const char *)sqlite3_column_text(q, 1);
        size_t i = 0;
        while (i < N_META && (!k || strcmp(k, META_KEYS[i]) != 0))
            i++;
        if (i == N_META && !(k && !strcmp(k, "meta_sha256")))
            rc = vx_error_set(err, VX_EFORMAT, "store %s has an unknown meta row '%s' (the store was altered): %s",
                              st->path, k ? k : "NULL", FIX_NEW);
        else {
            seen[i] = 1;
            snprintf(val[i], sizeof val[i], "%s", v ? v : "");
        }
    }
    if (rc == VX_OK && step != SQLITE_DONE)
        rc = db_error(st->db, st->path, "reading meta", err);
    sqlite3_finalize(q);
    if (rc != VX_OK)
        return rc;
    for (size_t i = 0; i <= N_META; i++)
        if (!seen[i])
            return vx_error_set(err, VX_EFORMAT,
                                "store %s lacks its meta row '%s' (the store was altered or is not a complete "
                                "voxomics store): %s",
                                st->path, i < N_META ? META_KEYS[i] : "meta_sha256", FIX_NEW);
    const char *have_meta[N_META];
    for (size_t i = 0; i < N_META; i++)
        have_meta[i] = val[i];
    char sum[65];
    if (meta_checksum(have_meta, sum) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    if (strcmp(sum, val[N_META]) != 0)
        return vx_error_set(err, VX_EFORMAT, "store %s: its meta rows were altered (checksum mismatch): %s", st->path,
                            FIX_NEW);
    if (strcmp(val[0], want[0]) != 0)
        return vx_error_set(err, VX_EFORMAT, "store %s has the format '%s', this voxomics writes '%s': %s", st->path,
                            val[0], want[0], FIX_NEW);
    static const char *const what[N_META] = {"format", "settings", "voxomics version", "number of cases"};
    for (size_t i = 1; i < N_META; i++)
        if (strcmp(val[i], want[i]) != 0)
            return vx_error_set(err, VX_EINVAL,
                                "store %s was made with %s %s, this run has %s: the stored results would not match; "
                                "use a new store file (or the original %s)",
                                st->path, what[i], val[i], want[i], what[i]);
    return VX_OK;
}

int vx_store_open(const char *path, const vx_cohort *c, const vx_settings *s, vx_store **out, vx_error *err)
{
    *out = NULL;
    int rc = check_file(path, err);
    if (rc != VX_OK)
        return rc;
    vx_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        rc = db_error(st->db, path, "cannot open", err);
        vx_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 60000);
    vx_settings_hash(s, st->settings);
    char ncases[32];
    snprintf(ncases, sizeof ncases, "%zu", c->n);
    const char *want[N_META] = {STORE_FORMAT, st->settings, vx_version(), ncases};
    rc = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE;", err);
    int tables = -1;
    if (rc == VX_OK) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(st->db, "SELECT COUNT(*) FROM sqlite_master", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            tables = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        if (tables < 0)
            rc = exec(st, "SELECT COUNT(*) FROM sqlite_master", err);
    }
    if (rc == VX_OK)
        rc = tables == 0 ? create_store(st, want, err) : check_store(st, want, err);
    if (rc == VX_OK)
        rc = exec(st, "COMMIT;", err);
    if (rc != VX_OK) {
        vx_store_close(st); /* an open transaction is rolled back */
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

/* Column k of the row as (text, bytes); NULL stays NULL. */
static const char *col_text(sqlite3_stmt *q, int k, size_t *n)
{
    const char *t = (const char *)sqlite3_column_text(q, k);
    *n = t ? (size_t)sqlite3_column_bytes(q, k) : 0;
    return t;
}

int vx_store_load(vx_store *st, const vx_cohort *c, vx_cohort_results *out, int recompute_damaged,
                  size_t *n_damaged, vx_error *err)
{
    sqlite3_stmt *q;
    if (n_damaged)
        *n_damaged = 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT idx, id, image, mask, label, ok, error, payload, checksum FROM cases ORDER BY idx",
                           -1, &q, NULL) != SQLITE_OK)
        return db_error(st->db, st->path, "reading cases", err);
    int rc = VX_OK, step;
    while (rc == VX_OK && (step = sqlite3_step(q)) == SQLITE_ROW) {
        case_rec cr;
        cr.idx = sqlite3_column_int64(q, 0);
        cr.id = col_text(q, 1, &cr.n_id);
        cr.image = col_text(q, 2, &cr.n_image);
        cr.mask = col_text(q, 3, &cr.n_mask);
        cr.label = col_text(q, 4, &cr.n_label);
        cr.ok = sqlite3_column_int(q, 5);
        cr.error = col_text(q, 6, &cr.n_error);
        cr.payload = col_text(q, 7, &cr.n_payload);
        size_t n_sum;
        const char *stored = col_text(q, 8, &n_sum);
        char sum[65];
        if (case_checksum(st, &cr, sum) != VX_OK) {
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
            break;
        }
        int in_range = cr.idx >= 0 && (size_t)cr.idx < c->n;
        int intact = stored && !strcmp(stored, sum) && sqlite3_column_type(q, 5) == SQLITE_INTEGER;
        vx_case_result *r = in_range ? &out->cases[cr.idx] : NULL;
        if (intact && in_range) {
            vx_case_result_free(r);
            if (vx_case_deserialise(cr.payload ? cr.payload : "", r) != VX_OK)
                intact = 0; /* cannot happen for a record this voxomics wrote */
        }
        if (!intact || !in_range) {
            if (r)
                vx_case_result_free(r);
            char who[512] = "";
            if (in_range)
                snprintf(who, sizeof who, " (ID '%s')", c->cases[cr.idx].id);
            if (!intact && recompute_damaged && in_range) {
                if (n_damaged)
                    ++*n_damaged;
                continue; /* not done: run again, and stored over */
            }
            if (!intact)
                rc = vx_error_set(err, VX_EFORMAT,
                                  "store %s: case %lld%s fails its checksum (its stored record was edited or "
                                  "damaged): run again with --retry-failed to recompute it, or use a new store",
                                  st->path, cr.idx + 1, who);
            else
                rc = vx_error_set(err, VX_EINVAL, "store %s holds case %lld, the cohort has %zu cases: %s", st->path,
                                  cr.idx + 1, c->n, FIX_NEW);
            break;
        }
        /* an intact record of another cohort at this place */
        const vx_case_spec *cs = &c->cases[cr.idx];
        const char *cols[4] = {cr.id, cr.image, cr.mask, cr.label};
        const char *want[4] = {cs->id, cs->image, cs->mask, nz(cs->label)};
        for (int k = 0; k < 4; k++)
            if (strcmp(nz(cols[k]), want[k]) != 0) {
                rc = vx_error_set(err, VX_EINVAL,
                                  "store %s holds case %lld as '%s' but the cohort has '%s' there: use a new store "
                                  "for a changed cohort",
                                  st->path, cr.idx + 1, nz(cols[k]), want[k]);
                break;
            }
        if (rc != VX_OK) {
            vx_case_result_free(r);
            break;
        }
        if (!cr.ok) {
            r->error = strdup(cr.error ? cr.error : "failed");
            if (!r->error)
                rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        }
    }
    if (rc == VX_OK && step != SQLITE_DONE)
        rc = sqlite3_errcode(st->db) == SQLITE_CORRUPT
                 ? vx_error_set(err, VX_EFORMAT, "store %s is damaged (SQLite: %s): %s", st->path,
                                sqlite3_errmsg(st->db), FIX_NEW)
                 : db_error(st->db, st->path, "reading cases", err);
    sqlite3_finalize(q);
    return rc;
}

int vx_store_put(vx_store *st, const vx_cohort *c, size_t i, const vx_case_result *r, vx_error *err)
{
    char *payload = vx_case_serialise(r);
    if (!payload)
        return vx_error_set(err, VX_ENOMEM, "out of memory storing case %zu", i + 1);
    const vx_case_spec *cs = &c->cases[i];
    case_rec cr = {(long long)i, cs->id, cs->image, cs->mask, nz(cs->label), r->error, payload,
                   strlen(cs->id), strlen(cs->image), strlen(cs->mask), strlen(nz(cs->label)),
                   r->error ? strlen(r->error) : 0, strlen(payload), r->error ? 0 : 1};
    char sum[65];
    if (case_checksum(st, &cr, sum) != VX_OK) {
        free(payload);
        return vx_error_set(err, VX_ENOMEM, "out of memory storing case %zu", i + 1);
    }
    sqlite3_stmt *q;
    int rc = VX_OK;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT OR REPLACE INTO cases(idx, id, image, mask, label, ok, error, payload, checksum)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &q, NULL) != SQLITE_OK) {
        free(payload);
        return db_error(st->db, st->path, "storing a case", err);
    }
    sqlite3_bind_int64(q, 1, (sqlite3_int64)i);
    sqlite3_bind_text(q, 2, cr.id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, cr.image, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, cr.mask, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, cr.label, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 6, cr.ok);
    if (r->error)
        sqlite3_bind_text(q, 7, r->error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 7);
    sqlite3_bind_text(q, 8, payload, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, sum, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = db_error(st->db, st->path, "storing a case", err);
    sqlite3_finalize(q);
    free(payload);
    return rc;
}
