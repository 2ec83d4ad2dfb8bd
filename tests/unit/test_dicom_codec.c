/* Unit tests: DICOM transfer syntaxes and compressed frame decoding (src/io/dicom_codec.c, dicom_jpeg*.c).
 *
 * Reference data: tests/data/dicom/ts (scripts/make_dicom_testdata.py). Each compressed syntax folder has
 * frames/frameK.bin (one encapsulated frame), frameK.expected (its stored values as decoded by GDCM, or the
 * generator's own values for lossless syntaxes) and pixfmt.txt; extra_frames/ holds single frames for codec corner
 * cases. Comparisons are on the stored value: the low BitsStored bits, sign-extended when PixelRepresentation is 1
 * (what the series reader makes of the codec output), and they are exact - also for the lossy syntaxes, whose
 * reference is GDCM's decode with the same IDCT / wavelet arithmetic.
 *
 * RLE cases are built byte by byte here with hand-derived results. Corrupt streams (truncated, bit-flipped,
 * empty, or a pixel format that disagrees with the stream) must fail with VX_EFORMAT - never crash, never print.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/dicom.h"
#include "vx_test.h"

/* ---- helpers ------------------------------------------------------------------------------------------------ */

static const char *src_dir(void)
{
    static char buf[4096];
    const char *s = getenv("VX_SOURCE_DIR");
    if (s && *s)
        return s;
    snprintf(buf, sizeof buf, "%s", __FILE__); /* <src>/tests/unit/test_dicom_codec.c */
    char *p = strstr(buf, "/tests/unit/");
    if (p)
        *p = '\0';
    else
        snprintf(buf, sizeof buf, ".");
    return buf;
}

static const char *ts_path(const char *rel)
{
    static char buf[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/tests/data/dicom/ts/%s", src_dir(), rel);
    return buf[k];
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        fail();
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(n >= 0);
    uint8_t *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

typedef struct fmt {
    int kind;
    vx_dcm_pixfmt pf;
    unsigned frames, lossy;
} fmt;

static void read_fmt(const char *path, fmt *f)
{
    size_t n;
    char *t = (char *)slurp(path, &n);
    t[n] = '\0';
    memset(f, 0, sizeof *f);
    int got = sscanf(t,
                     "kind=%d rows=%u cols=%u samples=%u bits_allocated=%u bits_stored=%u high_bit=%u pixel_rep=%u "
                     "frames=%u lossy=%u",
                     &f->kind, &f->pf.rows, &f->pf.cols, &f->pf.samples, &f->pf.bits_allocated, &f->pf.bits_stored,
                     &f->pf.high_bit, &f->pf.pixel_rep, &f->frames, &f->lossy);
    free(t);
    if (got != 10) {
        print_error("%s: %d fields parsed\n", path, got);
        fail();
    }
}

static size_t frame_bytes(const vx_dcm_pixfmt *pf)
{
    return (size_t)pf->rows * pf->cols * pf->samples * (pf->bits_allocated / 8);
}

/* The stored value of sample i of a little-endian cell buffer: low bits_stored bits, sign-extended for pixel_rep. */
static int64_t stored(const uint8_t *b, size_t i, const vx_dcm_pixfmt *pf)
{
    unsigned bytes = pf->bits_allocated / 8;
    uint64_t u = 0;
    for (unsigned k = 0; k < bytes; k++)
        u |= (uint64_t)b[i * bytes + k] << (8 * k);
    u &= ((uint64_t)1 << pf->bits_stored) - 1;
    if (pf->pixel_rep && (u >> (pf->bits_stored - 1)) & 1)
        return (int64_t)u - ((int64_t)1 << pf->bits_stored);
    return (int64_t)u;
}

/* Decode frame file `bin` with format f and compare with `expected`; returns the number of samples compared. */
static size_t check_frame(const char *bin, const char *expected, const fmt *f)
{
    size_t len, elen;
    uint8_t *data = slurp(bin, &len);
    uint8_t *exp = slurp(expected, &elen);
    size_t need = frame_bytes(&f->pf), n = need / (f->pf.bits_allocated / 8);
    assert_int_equal(elen, need);
    uint8_t *out = malloc(need);
    assert_non_null(out);
    vx_error err = {0, ""};
    int rc = vx_dcm_decode_frame(f->kind, data, len, &f->pf, out, need, &err);
    if (rc != VX_OK) {
        print_error("%s: %s\n", bin, err.msg);
        fail();
    }
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a = stored(out, i, &f->pf), b = stored(exp, i, &f->pf);
        if (a != b && bad++ < 5)
            print_error("%s: sample %zu (x %zu, y %zu): decoded %lld, expected %lld\n", bin, i, i % f->pf.cols,
                        i / f->pf.cols, (long long)a, (long long)b);
    }
    assert_int_equal(bad, 0);
    free(out);
    free(exp);
    free(data);
    return n;
}

static const char *const SERIES[] = {"rle",           "jpeg_baseline",   "jpeg_extended12", "jpeg_lossless14",
                                     "jpeg_lossless_sv1", "jpegls_lossless", "jpegls_near",     "j2k_lossless",
                                     "j2k_lossy"};
#define NSERIES (sizeof SERIES / sizeof SERIES[0])
static const int SERIES_KIND[NSERIES] = {VX_TS_RLE,     VX_TS_JPEG_BASELINE, VX_TS_JPEG_BASELINE,
                                         VX_TS_JPEG_LOSSLESS, VX_TS_JPEG_LOSSLESS, VX_TS_JPEG_LS,
                                         VX_TS_JPEG_LS, VX_TS_JPEG_2000,     VX_TS_JPEG_2000};

static const char *const EXTRAS[] = {
    "ljpeg_p1_s16", "ljpeg_p2_s16", "ljpeg_p3_s16", "ljpeg_p4_s16",      "ljpeg_p5_s16", "ljpeg_p6_s16",
    "ljpeg_p7_s16", "ljpeg_p1_u2",  "ljpeg_p7_u2",  "ljpeg_p1_u8",       "ljpeg_p7_u8",  "ljpeg_p1_u12",
    "ljpeg_p7_u12", "jpeg12_odd",   "jpeg_baseline_odd", "ljpeg_sv1_u8", "jpegls_u8",    "rle_u8",
    "j2k_u8",       "j2k_jp2box_s16",
};
#define NEXTRAS (sizeof EXTRAS / sizeof EXTRAS[0])

/* One frame of a folder (or extra): data, format and expected bytes, for the corruption tests. */
typedef struct sample_frame {
    uint8_t *data, *exp;
    size_t len;
    fmt f;
} sample_frame;

static void load_series_frame(const char *series, unsigned k, sample_frame *s)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/frames/pixfmt.txt", series);
    read_fmt(ts_path(rel), &s->f);
    size_t elen;
    snprintf(rel, sizeof rel, "%s/frames/frame%u.bin", series, k);
    s->data = slurp(ts_path(rel), &s->len);
    snprintf(rel, sizeof rel, "%s/frames/frame%u.expected", series, k);
    s->exp = slurp(ts_path(rel), &elen);
}

static void load_extra(const char *name, sample_frame *s)
{
    char rel[256];
    size_t elen;
    snprintf(rel, sizeof rel, "extra_frames/%s.txt", name);
    read_fmt(ts_path(rel), &s->f);
    snprintf(rel, sizeof rel, "extra_frames/%s.bin", name);
    s->data = slurp(ts_path(rel), &s->len);
    snprintf(rel, sizeof rel, "extra_frames/%s.expected", name);
    s->exp = slurp(ts_path(rel), &elen);
}

static void free_frame(sample_frame *s)
{
    free(s->data);
    free(s->exp);
}

/* While a quiet section is open, each decode runs with stdout and stderr redirected to a file, which must stay
 * empty: the library prints nothing. (Only the decode call is redirected, so test failures still show.) */
typedef struct quiet {
    int saved1, saved2, fd;
    char path[4096];
} quiet;

static quiet *g_quiet;

static int decode(const sample_frame *s, const uint8_t *data, size_t len, const vx_dcm_pixfmt *pf, vx_error *err)
{
    size_t need = frame_bytes(pf);
    uint8_t *out = malloc(need ? need : 1);
    assert_non_null(out);
    if (g_quiet) {
        fflush(stdout);
        fflush(stderr);
        dup2(g_quiet->fd, 1);
        dup2(g_quiet->fd, 2);
    }
    int rc = vx_dcm_decode_frame(s->f.kind, data, len, pf, out, need, err);
    if (g_quiet) {
        fflush(stdout);
        fflush(stderr);
        dup2(g_quiet->saved1, 1);
        dup2(g_quiet->saved2, 2);
    }
    free(out);
    return rc;
}

static void quiet_begin(quiet *q)
{
    snprintf(q->path, sizeof q->path, "%s/codec_output.txt", vx_test_tmpdir());
    q->fd = open(q->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(q->fd >= 0);
    q->saved1 = dup(1);
    q->saved2 = dup(2);
    assert_true(q->saved1 >= 0 && q->saved2 >= 0);
    g_quiet = q;
}

static void quiet_end(quiet *q)
{
    g_quiet = NULL;
    close(q->saved1);
    close(q->saved2);
    close(q->fd);
    struct stat st;
    assert_int_equal(stat(q->path, &st), 0);
    if (st.st_size != 0)
        print_error("the codecs printed %lld bytes (see %s)\n", (long long)st.st_size, q->path);
    assert_int_equal(st.st_size, 0);
}

/* ---- transfer syntax table ------------------------------------------------------------------------------------ */

static void test_ts_info(void **state)
{
    (void)state;
    static const struct {
        const char *uid;
        int kind, ev, be;
    } t[] = {
        {"1.2.840.10008.1.2", VX_TS_NATIVE, 0, 0},          {"1.2.840.10008.1.2.1", VX_TS_NATIVE, 1, 0},
        {"1.2.840.10008.1.2.2", VX_TS_NATIVE, 1, 1},        {"1.2.840.10008.1.2.1.99", VX_TS_DEFLATE, 1, 0},
        {"1.2.840.10008.1.2.5", VX_TS_RLE, 1, 0},           {"1.2.840.10008.1.2.4.50", VX_TS_JPEG_BASELINE, 1, 0},
        {"1.2.840.10008.1.2.4.51", VX_TS_JPEG_BASELINE, 1, 0}, {"1.2.840.10008.1.2.4.57", VX_TS_JPEG_LOSSLESS, 1, 0},
        {"1.2.840.10008.1.2.4.70", VX_TS_JPEG_LOSSLESS, 1, 0}, {"1.2.840.10008.1.2.4.80", VX_TS_JPEG_LS, 1, 0},
        {"1.2.840.10008.1.2.4.81", VX_TS_JPEG_LS, 1, 0},    {"1.2.840.10008.1.2.4.90", VX_TS_JPEG_2000, 1, 0},
        {"1.2.840.10008.1.2.4.91", VX_TS_JPEG_2000, 1, 0},  {"1.2.840.10008.1.2.4.201", VX_TS_JPEG_2000, 1, 0},
        {"1.2.840.10008.1.2.4.202", VX_TS_JPEG_2000, 1, 0}, {"1.2.840.10008.1.2.4.203", VX_TS_JPEG_2000, 1, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int kind = -9, ev = -9, be = -9;
        assert_int_equal(vx_dcm_ts_info(t[i].uid, &kind, &ev, &be), 0);
        assert_int_equal(kind, t[i].kind);
        assert_int_equal(ev, t[i].ev);
        assert_int_equal(be, t[i].be);
        const char *name = vx_dcm_ts_name(t[i].uid);
        assert_non_null(name);
        assert_true(name != t[i].uid && strlen(name) > 5);
    }
    /* names that say what they are */
    assert_non_null(strstr(vx_dcm_ts_name("1.2.840.10008.1.2.4.70"), "Selection Value 1"));
    assert_non_null(strstr(vx_dcm_ts_name("1.2.840.10008.1.2.2"), "Big Endian"));
    /* unknown: -1, kind -1, described as explicit VR little endian; the name is the UID itself */
    static const char *const unknown[] = {
        "1.2.840.10008.1.2.4.100", /* MPEG2 */
        "1.2.840.10008.1.2.4.92",  /* JPEG 2000 part 2: not supported */
        "1.2.840.10008.1.2.4.5", "1.2.840.10008.1.2.1 ", "", "1.2.840.10008.1.2.5.1",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        int kind = -9, ev = -9, be = -9;
        assert_int_equal(vx_dcm_ts_info(unknown[i], &kind, &ev, &be), -1);
        assert_int_equal(kind, -1);
        assert_int_equal(ev, 1);
        assert_int_equal(be, 0);
        assert_ptr_equal(vx_dcm_ts_name(unknown[i]), unknown[i]);
    }
    assert_int_equal(vx_dcm_ts_info(NULL, NULL, NULL, NULL), -1);
    assert_int_equal(vx_dcm_ts_info("1.2.840.10008.1.2", NULL, NULL, NULL), 0);
    assert_non_null(vx_dcm_ts_name(NULL));
}

/* ---- every compressed syntax decodes bit-exactly ------------------------------------------------------------ */

static void test_series_frames(void **state)
{
    (void)state;
    size_t total = 0, frames = 0;
    for (size_t s = 0; s < NSERIES; s++) {
        char rel[256];
        fmt f;
        snprintf(rel, sizeof rel, "%s/frames/pixfmt.txt", SERIES[s]);
        read_fmt(ts_path(rel), &f);
        assert_int_equal(f.kind, SERIES_KIND[s]);
        assert_int_equal(f.frames, 4);
        for (unsigned k = 0; k < f.frames; k++) {
            char bin[256], exp[256];
            snprintf(bin, sizeof bin, "%s/frames/frame%u.bin", SERIES[s], k);
            snprintf(exp, sizeof exp, "%s/frames/frame%u.expected", SERIES[s], k);
            total += check_frame(ts_path(bin), ts_path(exp), &f);
            frames++;
        }
    }
    assert_int_equal(frames, 4 * NSERIES);
    assert_int_equal(total, 4 * NSERIES * 24 * 32);
}

static void test_extra_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < NEXTRAS; i++) {
        char rel[256], bin[256], exp[256];
        fmt f;
        snprintf(rel, sizeof rel, "extra_frames/%s.txt", EXTRAS[i]);
        read_fmt(ts_path(rel), &f);
        snprintf(bin, sizeof bin, "extra_frames/%s.bin", EXTRAS[i]);
        snprintf(exp, sizeof exp, "extra_frames/%s.expected", EXTRAS[i]);
        size_t n = check_frame(ts_path(bin), ts_path(exp), &f);
        assert_int_equal(n, (size_t)f.pf.rows * f.pf.cols);
    }
}

/* The stream, not the transfer syntax kind, picks the decoder: a JPEG-LS frame labelled JPEG lossless (and a
 * JPEG lossless frame labelled JPEG 2000) still decode. RLE is never sniffed. */
static void test_mislabelled_kind(void **state)
{
    (void)state;
    sample_frame s;
    load_series_frame("jpegls_lossless", 0, &s);
    size_t need = frame_bytes(&s.f.pf);
    uint8_t *out = malloc(need);
    vx_error err = {0, ""};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_LOSSLESS, s.data, s.len, &s.f.pf, out, need, &err), VX_OK);
    assert_memory_equal(out, s.exp, need); /* sign-extended 12-bit values in a 16-bit JPEG-LS stream */
    free_frame(&s);
    load_series_frame("jpeg_lossless14", 1, &s);
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_2000, s.data, s.len, &s.f.pf, out, need, &err), VX_OK);
    assert_memory_equal(out, s.exp, need);
    assert_int_equal(vx_dcm_decode_frame(VX_TS_RLE, s.data, s.len, &s.f.pf, out, need, &err), VX_EFORMAT);
    free_frame(&s);
    free(out);
}

/* A stream without its final EOI marker (some encoders omit it) still decodes: JPEG, 12-bit JPEG, JPEG lossless
 * and JPEG-LS. */
static void test_missing_eoi(void **state)
{
    (void)state;
    static const char *const series[] = {"jpeg_baseline", "jpeg_extended12", "jpeg_lossless14", "jpeg_lossless_sv1",
                                         "jpegls_lossless", "jpegls_near"};
    for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
        sample_frame s;
        load_series_frame(series[i], 3, &s);
        size_t len = s.len;
        if (len > 0 && s.data[len - 1] == 0)
            len--; /* pad byte */
        assert_true(len >= 2 && s.data[len - 2] == 0xFF && s.data[len - 1] == 0xD9);
        len -= 2;
        uint8_t *t = malloc(len);
        memcpy(t, s.data, len);
        size_t need = frame_bytes(&s.f.pf);
        uint8_t *out = malloc(need);
        vx_error err = {0, ""};
        int rc = vx_dcm_decode_frame(s.f.kind, t, len, &s.f.pf, out, need, &err);
        if (rc != VX_OK)
            print_error("%s without EOI: %s\n", series[i], err.msg);
        assert_int_equal(rc, VX_OK);
        for (size_t k = 0; k < need / (s.f.pf.bits_allocated / 8); k++)
            assert_int_equal(stored(out, k, &s.f.pf), stored(s.exp, k, &s.f.pf));
        free(out);
        free(t);
        free_frame(&s);
    }
}

/* ---- corrupt streams ------------------------------------------------------------------------------------------ */

static uint32_t rng_next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void corrupt_one(const char *what, sample_frame *s, size_t *random_ok)
{
    vx_error err;
    int rc;
    const vx_dcm_pixfmt *pf = &s->f.pf;
    /* empty */
    err.msg[0] = '\0';
    assert_int_equal(decode(s, s->data, 0, pf, &err), VX_EFORMAT);
    assert_true(err.msg[0] != '\0');
    /* truncated: the first few bytes, half, three quarters */
    size_t cuts[] = {1, 2, 3, 7, 20, s->len / 2, s->len * 3 / 4};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        uint8_t *t = malloc(cuts[i]); /* exact size: ASan catches any read past the end */
        memcpy(t, s->data, cuts[i]);
        err.msg[0] = '\0';
        rc = decode(s, t, cuts[i], pf, &err);
        if (rc != VX_EFORMAT)
            print_error("%s truncated to %zu of %zu bytes: rc %d (%s)\n", what, cuts[i], s->len, rc, err.msg);
        assert_int_equal(rc, VX_EFORMAT);
        assert_true(err.msg[0] != '\0');
        free(t);
    }
    /* a flipped bit in the signature or in the RLE segment count: always detected */
    uint8_t *t = malloc(s->len);
    memcpy(t, s->data, s->len);
    t[0] ^= 0x02;
    err.msg[0] = '\0';
    assert_int_equal(decode(s, t, s->len, pf, &err), VX_EFORMAT);
    assert_true(err.msg[0] != '\0');
    /* random bit flips and byte overwrites anywhere: VX_OK (undetectable in entropy-coded data) or VX_EFORMAT */
    uint32_t x = 0x9E3779B9u ^ (uint32_t)s->len;
    for (int trial = 0; trial < 300; trial++) {
        memcpy(t, s->data, s->len);
        int nflip = 1 + (int)(rng_next(&x) % 4);
        for (int k = 0; k < nflip; k++) {
            size_t at = rng_next(&x) % s->len;
            if (rng_next(&x) & 1)
                t[at] ^= (uint8_t)(1u << (rng_next(&x) % 8));
            else
                t[at] = (uint8_t)rng_next(&x);
        }
        err.msg[0] = '\0';
        rc = decode(s, t, s->len, pf, &err);
        if (rc != VX_OK && rc != VX_EFORMAT && rc != VX_EUNSUPPORTED)
            print_error("%s trial %d: rc %d (%s)\n", what, trial, rc, err.msg);
        assert_true(rc == VX_OK || rc == VX_EFORMAT || rc == VX_EUNSUPPORTED);
        if (rc == VX_OK)
            ++*random_ok;
        else
            assert_true(err.msg[0] != '\0');
    }
    free(t);
}

static void test_corrupt_streams(void **state)
{
    (void)state;
    static quiet q; /* static: stays valid if an assertion leaves the section open */
    size_t ok = 0;
    quiet_begin(&q);
    for (size_t i = 0; i < NSERIES; i++) {
        sample_frame s;
        load_series_frame(SERIES[i], 2, &s);
        corrupt_one(SERIES[i], &s, &ok);
        free_frame(&s);
    }
    for (size_t i = 0; i < NEXTRAS; i++) {
        sample_frame s;
        load_extra(EXTRAS[i], &s);
        corrupt_one(EXTRAS[i], &s, &ok);
        free_frame(&s);
    }
    quiet_end(&q);
    print_message("random corruptions that decoded without an error: %zu of %zu\n", ok, (NSERIES + NEXTRAS) * 300);
    /* most random corruptions of such small streams are detected */
    assert_true(ok < (NSERIES + NEXTRAS) * 300 / 2);
}

/* A DICOM pixel format that disagrees with the stream: VX_EFORMAT, with both sizes in the message. */
static void test_pixfmt_mismatch(void **state)
{
    (void)state;
    static const char *const series[] = {"rle",          "jpeg_baseline", "jpeg_extended12",
                                         "jpeg_lossless14", "jpegls_lossless", "j2k_lossless"};
    for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
        sample_frame s;
        load_series_frame(series[i], 0, &s);
        vx_error err;
        vx_dcm_pixfmt pf = s.f.pf;
        assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_OK);
        pf.rows--;
        err.msg[0] = '\0';
        if (strcmp(series[i], "rle") == 0) {
            /* RLE has no dimensions of its own, and output beyond the frame is ignored (as padding) */
            assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_OK);
        }
        else {
            assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
            assert_non_null(strstr(err.msg, "32 x 24"));
            assert_non_null(strstr(err.msg, "32 x 23"));
        }
        pf = s.f.pf;
        pf.rows++;
        assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
        pf = s.f.pf;
        pf.cols++;
        assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
        pf = s.f.pf;
        pf.samples = 3;
        assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
        /* wrong bits: a 16-bit stream into 8-bit cells, an 8-bit stream into 16-bit ones where that matters */
        pf = s.f.pf;
        if (pf.bits_allocated == 16) {
            pf.bits_allocated = 8;
            pf.bits_stored = 8;
            pf.high_bit = 7;
            assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
        }
        free_frame(&s);
    }
    /* a 12-bit unsigned stream for 16 signed bits stored: the sign bit is missing */
    sample_frame s;
    load_extra("ljpeg_p1_u12", &s);
    vx_error err;
    vx_dcm_pixfmt pf = s.f.pf;
    pf.pixel_rep = 1;
    assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_OK); /* 12 signed bits: fine */
    pf.bits_stored = 16;
    pf.high_bit = 15;
    assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "12-bit"));
    free_frame(&s);
    load_extra("jpeg12_odd", &s);
    pf = s.f.pf;
    pf.bits_allocated = 8;
    pf.bits_stored = 8;
    pf.high_bit = 7;
    assert_int_equal(decode(&s, s.data, s.len, &pf, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "12-bit"));
    free_frame(&s);
    /* an 8-bit stream into 16-bit cells is fine: values are widened */
    load_extra("jpegls_u8", &s);
    pf = s.f.pf;
    pf.bits_allocated = 16;
    size_t n = (size_t)pf.rows * pf.cols;
    uint8_t *out = malloc(2 * n);
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &pf, out, 2 * n, &err), VX_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[2 * i], s.exp[i]);
        assert_int_equal(out[2 * i + 1], 0);
    }
    free(out);
    free_frame(&s);
}

static void test_arguments(void **state)
{
    (void)state;
    sample_frame s;
    load_series_frame("jpeg_lossless_sv1", 0, &s);
    vx_error err;
    size_t need = frame_bytes(&s.f.pf);
    uint8_t *out = malloc(need);
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &s.f.pf, out, need - 1, &err), VX_EINVAL);
    assert_int_equal(vx_dcm_decode_frame(VX_TS_NATIVE, s.data, s.len, &s.f.pf, out, need, &err), VX_EINVAL);
    assert_int_equal(vx_dcm_decode_frame(VX_TS_DEFLATE, s.data, s.len, &s.f.pf, out, need, &err), VX_EINVAL);
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, NULL, out, need, &err), VX_EINVAL);
    vx_dcm_pixfmt pf = s.f.pf;
    pf.bits_allocated = 12;
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &pf, out, need, &err), VX_EUNSUPPORTED);
    pf.bits_allocated = 32;
    pf.bits_stored = 32;
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &pf, out, need, &err), VX_EUNSUPPORTED);
    pf = s.f.pf;
    pf.bits_stored = 17;
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &pf, out, need, &err), VX_EFORMAT);
    pf = s.f.pf;
    pf.rows = 0;
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, s.len, &pf, out, need, &err), VX_EFORMAT);
    /* no error structure: still just a status */
    assert_int_equal(vx_dcm_decode_frame(s.f.kind, s.data, 0, &s.f.pf, out, need, NULL), VX_EFORMAT);
    free(out);
    free_frame(&s);
}

/* Hand-made JPEG marker sequences: no frame header, a segment longer than the stream, unknown signature. */
static void test_jpeg_markers(void **state)
{
    (void)state;
    vx_dcm_pixfmt pf = {.rows = 2, .cols = 2, .samples = 1, .bits_allocated = 8, .bits_stored = 8, .high_bit = 7};
    uint8_t out[4];
    vx_error err;
    static const uint8_t soi_eoi[] = {0xFF, 0xD8, 0xFF, 0xD9};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_BASELINE, soi_eoi, sizeof soi_eoi, &pf, out, 4, &err),
                     VX_EFORMAT);
    assert_non_null(strstr(err.msg, "SOF"));
    static const uint8_t overrun[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x40, 1, 2, 3};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_BASELINE, overrun, sizeof overrun, &pf, out, 4, &err),
                     VX_EFORMAT);
    assert_non_null(strstr(err.msg, "byte 2"));
    static const uint8_t nomarker[] = {0xFF, 0xD8, 0x12, 0x34};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_LOSSLESS, nomarker, sizeof nomarker, &pf, out, 4, &err),
                     VX_EFORMAT);
    static const uint8_t sos_first[] = {0xFF, 0xD8, 0xFF, 0xFF, 0xDA, 0x00, 0x02};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_LOSSLESS, sos_first, sizeof sos_first, &pf, out, 4, &err),
                     VX_EFORMAT);
    /* a 16-bit-precision frame header announcing 2 x 2 pixels but no tables or scan */
    static const uint8_t sof_only[] = {0xFF, 0xD8, 0xFF, 0xC3, 0x00, 0x0B, 8, 0, 2, 0, 2, 1, 1, 0x11, 0, 0xFF, 0xD9};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_LOSSLESS, sof_only, sizeof sof_only, &pf, out, 4, &err),
                     VX_EFORMAT);
    /* 16-bit DCT (GDCM's non-standard lossy 16-bit): refused */
    static const uint8_t dct16[] = {0xFF, 0xD8, 0xFF, 0xC1, 0x00, 0x0B, 16, 0, 2, 0, 2, 1, 1, 0x11, 0, 0xFF, 0xD9};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_BASELINE, dct16, sizeof dct16, &pf, out, 4, &err),
                     VX_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "16-bit DCT"));
    static const uint8_t junk[] = {0x12, 0x34, 0x56};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_2000, junk, sizeof junk, &pf, out, 4, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "12 34 56 00"));
    /* JPEG 2000 signatures with nothing behind them */
    static const uint8_t j2k[] = {0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_2000, j2k, sizeof j2k, &pf, out, 4, &err), VX_EFORMAT);
    static const uint8_t jp2[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0, 0x14};
    assert_int_equal(vx_dcm_decode_frame(VX_TS_JPEG_2000, jp2, sizeof jp2, &pf, out, 4, &err), VX_EFORMAT);
}

/* ---- RLE, hand-made (PS3.5 annex G) ---------------------------------------------------------------------------- */

/* An RLE frame: header with nseg offsets, then the segments' bytes. */
static size_t rle_frame(uint8_t *buf, size_t cap, unsigned nseg, const uint8_t *const *seg, const size_t *seglen)
{
    memset(buf, 0, 64);
    buf[0] = (uint8_t)nseg;
    size_t off = 64;
    for (unsigned s = 0; s < nseg; s++) {
        buf[4 + 4 * s] = (uint8_t)off;
        buf[5 + 4 * s] = (uint8_t)(off >> 8);
        assert_true(off + seglen[s] <= cap);
        memcpy(buf + off, seg[s], seglen[s]);
        off += seglen[s];
    }
    return off;
}

static int rle(const uint8_t *frame, size_t len, unsigned rows, unsigned cols, unsigned samples, unsigned bits,
               uint8_t *out, vx_error *err)
{
    vx_dcm_pixfmt pf = {.rows = rows, .cols = cols, .samples = samples, .bits_allocated = bits, .bits_stored = bits,
                        .high_bit = bits - 1};
    size_t need = (size_t)rows * cols * samples * bits / 8;
    uint8_t *o = malloc(need); /* exact size for ASan */
    int rc = vx_dcm_decode_frame(VX_TS_RLE, frame, len, &pf, o, need, err);
    if (rc == VX_OK)
        memcpy(out, o, need);
    free(o);
    return rc;
}

static void test_rle_runs(void **state)
{
    (void)state;
    uint8_t f[256], out[64];
    vx_error err;
    /* 8-bit 2 x 4: literal run of 3 (header 2), no-op (-128), replicate 4 times (header -3 = 0xFD), literal 1 */
    static const uint8_t s8[] = {0x02, 10, 20, 30, 0x80, 0xFD, 7, 0x00, 99};
    const uint8_t *segs[] = {s8};
    size_t lens[] = {sizeof s8};
    size_t n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 2, 4, 1, 8, out, &err), VX_OK);
    static const uint8_t want8[] = {10, 20, 30, 7, 7, 7, 7, 99};
    assert_memory_equal(out, want8, 8);
    /* the same with a trailing pad byte (0x00 would start a literal run): ignored once the segment is full */
    static const uint8_t s8pad[] = {0x02, 10, 20, 30, 0x80, 0xFD, 7, 0x00, 99, 0x00};
    segs[0] = s8pad;
    lens[0] = sizeof s8pad;
    n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 2, 4, 1, 8, out, &err), VX_OK);
    assert_memory_equal(out, want8, 8);
    /* a replicate run longer than what is left: clipped to the frame (no write past the 8 bytes) */
    static const uint8_t s8long[] = {0x02, 10, 20, 30, 0x81, 7}; /* 0x81 = -127: 128 copies */
    segs[0] = s8long;
    lens[0] = sizeof s8long;
    n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 2, 4, 1, 8, out, &err), VX_OK);
    static const uint8_t want8b[] = {10, 20, 30, 7, 7, 7, 7, 7};
    assert_memory_equal(out, want8b, 8);

    /* 16-bit 1 x 3, two segments, most significant byte first: cells 0x1234, 0xFFFE (-2), 0x0080 */
    static const uint8_t hi[] = {0x02, 0x12, 0xFF, 0x00}; /* literal 3 */
    static const uint8_t lo[] = {0x00, 0x34, 0x01, 0xFE, 0x80}; /* literal 1, literal 2 */
    const uint8_t *segs16[] = {hi, lo};
    size_t lens16[] = {sizeof hi, sizeof lo};
    n = rle_frame(f, sizeof f, 2, segs16, lens16);
    assert_int_equal(rle(f, n, 1, 3, 1, 16, out, &err), VX_OK);
    static const uint8_t want16[] = {0x34, 0x12, 0xFE, 0xFF, 0x80, 0x00};
    assert_memory_equal(out, want16, 6);

    /* 32-bit 1 x 2: four segments, MSB first: cells 0x01020304 and 0xA0B0C0D0 */
    static const uint8_t b3[] = {0x01, 0x01, 0xA0}, b2[] = {0x01, 0x02, 0xB0}, b1[] = {0x01, 0x03, 0xC0},
                         b0[] = {0x01, 0x04, 0xD0};
    const uint8_t *segs32[] = {b3, b2, b1, b0};
    size_t lens32[] = {3, 3, 3, 3};
    n = rle_frame(f, sizeof f, 4, segs32, lens32);
    assert_int_equal(rle(f, n, 1, 2, 1, 32, out, &err), VX_OK);
    static const uint8_t want32[] = {0x04, 0x03, 0x02, 0x01, 0xD0, 0xC0, 0xB0, 0xA0};
    assert_memory_equal(out, want32, 8);

    /* 3 samples (RGB), 8-bit, 1 x 2: segments R, G, B; output pixel-interleaved */
    static const uint8_t r[] = {0xFF, 200}, g[] = {0x01, 1, 2}, b[] = {0xFF, 9};
    const uint8_t *segsrgb[] = {r, g, b};
    size_t lensrgb[] = {2, 3, 2};
    n = rle_frame(f, sizeof f, 3, segsrgb, lensrgb);
    assert_int_equal(rle(f, n, 1, 2, 3, 8, out, &err), VX_OK);
    static const uint8_t wantrgb[] = {200, 1, 9, 200, 2, 9};
    assert_memory_equal(out, wantrgb, 6);

    /* HighBit above BitsStored - 1: the stored bits come back at the bottom of the cell. 16-bit cell 0xABC0 with
     * BitsStored 12, HighBit 15 -> 0x0ABC */
    static const uint8_t h12[] = {0x00, 0xAB}, l12[] = {0x00, 0xC0};
    const uint8_t *segs12[] = {h12, l12};
    size_t lens12[] = {2, 2};
    n = rle_frame(f, sizeof f, 2, segs12, lens12);
    vx_dcm_pixfmt pf = {.rows = 1, .cols = 1, .samples = 1, .bits_allocated = 16, .bits_stored = 12, .high_bit = 15};
    uint8_t o2[2];
    assert_int_equal(vx_dcm_decode_frame(VX_TS_RLE, f, n, &pf, o2, 2, &err), VX_OK);
    assert_int_equal(o2[0], 0xBC);
    assert_int_equal(o2[1], 0x0A);
}

static void test_rle_errors(void **state)
{
    (void)state;
    uint8_t f[256], out[64];
    vx_error err;
    /* a literal run crossing the end of its segment (5 bytes announced, 3 left before segment 2) */
    static const uint8_t cross[] = {0x04, 1, 2, 3};
    static const uint8_t other[] = {0x03, 1, 2, 3, 4};
    const uint8_t *segs[] = {cross, other};
    size_t lens[] = {sizeof cross, sizeof other};
    size_t n = rle_frame(f, sizeof f, 2, segs, lens);
    err.msg[0] = '\0';
    assert_int_equal(rle(f, n, 1, 4, 1, 16, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "crosses the end of segment 1"));
    assert_non_null(strstr(err.msg, "byte 68")); /* segment 1 ends where segment 2 starts: 64 + 4 */
    /* the same run at the very end of the frame */
    segs[0] = other;
    segs[1] = cross;
    lens[0] = sizeof other;
    lens[1] = sizeof cross;
    n = rle_frame(f, sizeof f, 2, segs, lens);
    assert_int_equal(rle(f, n, 1, 4, 1, 16, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "segment 2"));
    /* a replicate run whose value byte is missing */
    static const uint8_t norep[] = {0x00, 5, 0xFE};
    segs[0] = norep;
    lens[0] = sizeof norep;
    n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "no byte to repeat"));
    /* a segment that decodes short (3 of 4 bytes) */
    static const uint8_t shortseg[] = {0x02, 1, 2, 3};
    segs[0] = shortseg;
    lens[0] = sizeof shortseg;
    n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "after 3 of the 4 bytes"));
    /* the good segment, then header damage */
    static const uint8_t good[] = {0x03, 1, 2, 3, 4};
    segs[0] = good;
    lens[0] = sizeof good;
    n = rle_frame(f, sizeof f, 1, segs, lens);
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_OK);
    f[4] = 60; /* first offset inside the header */
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "offset 60"));
    f[4] = (uint8_t)n; /* offset at the end of the frame */
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    f[4] = 0;
    f[5] = 1; /* 256: beyond the frame */
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    f[4] = 64;
    f[5] = 0;
    f[0] = 2; /* segment count: 2 for 8-bit greyscale */
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "2 segments, 1 expected"));
    f[0] = 0;
    assert_int_equal(rle(f, n, 1, 4, 1, 8, out, &err), VX_EFORMAT);
    f[0] = 1;
    assert_int_equal(rle(f, 63, 1, 4, 1, 8, out, &err), VX_EFORMAT); /* shorter than the header */
    assert_non_null(strstr(err.msg, "64-byte"));
    /* offsets out of order */
    segs[0] = good;
    segs[1] = good;
    lens[0] = lens[1] = sizeof good;
    n = rle_frame(f, sizeof f, 2, segs, lens);
    assert_int_equal(rle(f, n, 1, 4, 1, 16, out, &err), VX_OK);
    f[8] = 64; /* segment 2 starts where segment 1 does */
    assert_int_equal(rle(f, n, 1, 4, 1, 16, out, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not after"));
    f[8] = 50;
    assert_int_equal(rle(f, n, 1, 4, 1, 16, out, &err), VX_EFORMAT);
    /* more segments than RLE allows: 4 samples of 32 bits */
    assert_int_equal(rle(f, n, 1, 1, 4, 32, out, &err), VX_EUNSUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ts_info),         cmocka_unit_test(test_series_frames),
        cmocka_unit_test(test_extra_frames),    cmocka_unit_test(test_mislabelled_kind),
        cmocka_unit_test(test_missing_eoi),
        cmocka_unit_test(test_corrupt_streams), cmocka_unit_test(test_pixfmt_mismatch),
        cmocka_unit_test(test_arguments),       cmocka_unit_test(test_jpeg_markers),
        cmocka_unit_test(test_rle_runs),        cmocka_unit_test(test_rle_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
