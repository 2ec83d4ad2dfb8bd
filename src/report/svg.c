/* voxomics report: the string buffer of the SVG writer, XML escaping and locale-free number formatting.
 *
 * Why a formatter of our own: the library may run inside a program that called setlocale(LC_ALL, ""), where
 * printf("%g") writes "0,5"; SVG needs "0.5". Coordinates are printed from integers (hundredths of a pixel), so no
 * locale can touch them; label numbers go through snprintf and then have the locale's decimal separator replaced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg_impl.h"

static void grow(vxr_buf *b, size_t add)
{
    if (b->oom || b->len + add + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + add + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return;
    }
    b->s = s;
    b->cap = cap;
}

static void put(vxr_buf *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->oom)
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

/* Length in bytes of the UTF-8 sequence starting with byte c (1 for stray continuation bytes). */
static size_t seqlen(unsigned char c)
{
    if (c >= 0xF0)
        return 4;
    if (c >= 0xE0)
        return 3;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/* Escaped copy of at most maxch code points of s (maxch < 0: all); returns 1 if s was longer. */
static int esc(vxr_buf *b, const char *s, int maxch)
{
    int count = 0;
    for (size_t i = 0; s[i];) {
        if (maxch >= 0 && count == maxch)
            return 1;
        unsigned char c = (unsigned char)s[i];
        size_t k = seqlen(c);
        switch (c) {
        case '&': put(b, "&amp;", 5); break;
        case '<': put(b, "&lt;", 4); break;
        case '>': put(b, "&gt;", 4); break;
        case '"': put(b, "&quot;", 6); break;
        case '\'': put(b, "&#39;", 5); break;
        default:
            if (c < 0x20) { /* control characters are not allowed in XML 1.0 text */
                put(b, " ", 1);
            } else {
                size_t j = 1;
                while (j < k && (((unsigned char)s[i + j]) & 0xC0) == 0x80)
                    j++;
                if (j < k) /* broken sequence: replace by '?' */
                    put(b, "?", 1);
                else
                    put(b, s + i, k);
                i += j;
                count++;
                continue;
            }
        }
        i++;
        count++;
    }
    return 0;
}

void vxr_esc_trunc(vxr_buf *b, const char *s, int maxch)
{
    if (!s)
        return;
    if (maxch < 2)
        maxch = 2;
    if (vxr_strlen(s) <= maxch) {
        esc(b, s, -1);
        return;
    }
    esc(b, s, maxch - 1);
    put(b, "\xE2\x80\xA6", 3); /* U+2026 horizontal ellipsis */
}

/* Hundredths of a pixel, printed from an integer (no locale). */
static void pixel(vxr_buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    if (v > 1e9)
        v = 1e9;
    if (v < -1e9)
        v = -1e9;
    long long k = llround(v * 100.0);
    char tmp[48];
    int neg = k < 0;
    unsigned long long u = (unsigned long long)(neg ? -k : k);
    unsigned long long ip = u / 100, fp = u % 100;
    int n;
    if (fp == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu", neg ? "-" : "", ip);
    else if (fp % 10 == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu.%llu", neg ? "-" : "", ip, fp / 10);
    else
        n = snprintf(tmp, sizeof tmp, "%s%llu.%02llu", neg ? "-" : "", ip, fp);
    put(b, tmp, (size_t)n);
}

void vxr_out(vxr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[32];
    for (const char *f = fmt; *f; f++) {
        const char *pct = strchr(f, '%');
        if (!pct) {
            put(b, f, strlen(f));
            break;
        }
        put(b, f, (size_t)(pct - f));
        f = pct + 1;
        switch (*f) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s)
                put(b, s, strlen(s));
            break;
        }
        case 't': {
            const char *s = va_arg(ap, const char *);
            if (s)
                esc(b, s, -1);
            break;
        }
        case 'd': put(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%d", va_arg(ap, int))); break;
        case 'z': put(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "%zu", va_arg(ap, size_t))); break;
        case 'p': pixel(b, va_arg(ap, double)); break;
        case '%': put(b, "%", 1); break;
        default: f--; put(b, "%", 1); break; /* unknown directive: keep the '%' literally */
        }
        if (!*f)
            break;
    }
    va_end(ap);
}

char *vxr_fmt(char *out, size_t cap, const char *fmt, double v)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, fmt, v);
    /* Everything printf may produce for a double is digits, sign, 'e', "inf"/"nan" letters, or the decimal
     * separator: any other run of bytes is the separator (possibly multi-byte) and becomes one '.'. */
    size_t o = 0;
    for (size_t i = 0; tmp[i] && o + 1 < cap;) {
        char c = tmp[i];
        int std = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E' || c == 'i' || c == 'n' ||
                  c == 'f' || c == 'a' || c == 'I' || c == 'N' || c == 'F' || c == 'A' || c == '.';
        if (std) {
            out[o++] = c;
            i++;
        } else {
            out[o++] = '.';
            while (tmp[i] && !((tmp[i] >= '0' && tmp[i] <= '9') || tmp[i] == 'e' || tmp[i] == 'E'))
                i++;
        }
    }
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
    return out;
}

/* "1e+06" -> "1e6", "1.5e-05" -> "1.5e-5". */
static void tidy_exponent(char *s)
{
    char *e = strchr(s, 'e');
    if (!e)
        return;
    char *d = e + 1, *r = e + 1;
    if (*r == '+')
        r++;
    else if (*r == '-')
        *d++ = *r++;
    while (*r == '0' && r[1])
        r++;
    memmove(d, r, strlen(r) + 1);
}

char *vxr_fmt_tick(char *out, size_t cap, double v, int decimals)
{
    double a = fabs(v);
    if (a < 1e-300 || (decimals >= 0 && decimals <= 6 && a < 0.5 * pow(10.0, -decimals)))
        v = 0, a = 0; /* rounding noise of a zero tick */
    if (a >= 1e6 || (a > 0 && a < 1e-4) || decimals > 6) {
        vxr_fmt(out, cap, "%.3g", v);
        tidy_exponent(out);
    } else {
        char f[16];
        snprintf(f, sizeof f, "%%.%df", decimals < 0 ? 0 : decimals);
        vxr_fmt(out, cap, f, v);
    }
    if (strcmp(out, "-0") == 0 || (out[0] == '-' && strspn(out + 1, "0.") == strlen(out + 1)))
        memmove(out, out + 1, strlen(out));
    return out;
}

char *vxr_fmt_val(char *out, size_t cap, double v)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "NA");
        return out;
    }
    double a = fabs(v);
    if (a == 0) {
        snprintf(out, cap, "0");
    } else if (a >= 1e6 || a < 1e-4) {
        vxr_fmt(out, cap, "%.3g", v);
        tidy_exponent(out);
    } else {
        int mag = (int)floor(log10(a));
        int dec = 2 - mag;
        if (dec < 0)
            dec = 0;
        char f[16];
        snprintf(f, sizeof f, "%%.%df", dec);
        vxr_fmt(out, cap, f, v);
        if (strchr(out, '.')) { /* "0.0800" -> "0.08", "2.50" -> "2.5" */
            size_t n = strlen(out);
            while (n > 0 && out[n - 1] == '0')
                out[--n] = '\0';
            if (n > 0 && out[n - 1] == '.')
                out[--n] = '\0';
        }
    }
    return out;
}

char *vxr_fmt_p(char *out, size_t cap, double p)
{
    if (!isfinite(p))
        snprintf(out, cap, "NA");
    else if (p < 0.001)
        snprintf(out, cap, "<0.001");
    else if (p < 0.01)
        vxr_fmt(out, cap, "%.3f", p);
    else
        vxr_fmt(out, cap, "%.2f", p);
    return out;
}

int vxr_strlen(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        if ((((unsigned char)*s) & 0xC0) != 0x80)
            n++;
    return n;
}

/* Advance of one character in em: DejaVu Sans (the usual "sans-serif" on Linux) rounded up; Arial and Helvetica
 * are a little narrower, so estimates err on the roomy side. */
static double advance(unsigned char c)
{
    if (c && strchr("il.,:;|!'[] ", c))
        return 0.31;
    if (c && strchr("()-fjrt", c))
        return 0.40;
    if (c && strchr("mwMW@%", c))
        return 0.95;
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 0.70;
    return 0.60;
}

/* Width of the first maxch code points (maxch < 0: all). */
static double width_n(const char *s, double px, int maxch)
{
    double w = 0;
    int n = 0;
    for (; s && *s && (maxch < 0 || n < maxch); s++) {
        unsigned char c = (unsigned char)*s;
        if ((c & 0xC0) == 0x80)
            continue;
        w += advance(c);
        n++;
    }
    return w * px;
}

double vxr_text_width(const char *s, double px) { return width_n(s, px, -1); }

double vxr_label_width(const char *s, double px, int maxch)
{
    if (maxch < 2)
        maxch = 2;
    if (vxr_strlen(s) <= maxch)
        return width_n(s, px, -1);
    return width_n(s, px, maxch - 1) + px; /* and the ellipsis */
}

void vxr_label(vxr_buf *b, const char *s, int maxch)
{
    if (!s)
        return;
    vxr_esc_trunc(b, s, maxch);
    if (vxr_strlen(s) > (maxch < 2 ? 2 : maxch))
        vxr_out(b, "<title>%t</title>", s);
}
