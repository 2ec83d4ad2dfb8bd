/* voxomics: Python's text of values, for PyRadiomics' settings and diagnostics texts (vx_python_float_repr,
 * vx_pyrad_settings_set; include/voxomics/settings.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/settings.h"

void vx_python_float_repr(double v, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (isnan(v)) {
        snprintf(buf, len, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, len, v > 0 ? "inf" : "-inf");
        return;
    }
    if (v == 0.0) {
        snprintf(buf, len, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    char e[40];
    for (int prec = 0; prec <= 16; prec++) { /* shortest %.Ne that reads back exactly (N = 16 always does) */
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v)
            break;
    }
    /* e: [-]d[.ddd]e[+-]xx -> digits and decimal exponent */
    const char *q = e;
    int neg = *q == '-';
    q += neg;
    char dig[24];
    size_t nd = 0;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9' && nd + 1 < sizeof dig)
            dig[nd++] = *q;
    int ex = atoi(q + 1);
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = '\0';
    char out[64];
    size_t k = 0;
    if (neg)
        out[k++] = '-';
    if (ex >= -4 && ex < 16) {
        if (ex >= 0) {
            for (int i = 0; i <= ex; i++)
                out[k++] = (size_t)i < nd ? dig[i] : '0';
            out[k++] = '.';
            if ((size_t)ex + 1 < nd)
                for (size_t i = (size_t)ex + 1; i < nd; i++)
                    out[k++] = dig[i];
            else
                out[k++] = '0';
        } else {
            out[k++] = '0';
            out[k++] = '.';
            for (int i = 0; i < -ex - 1; i++)
                out[k++] = '0';
            for (size_t i = 0; i < nd; i++)
                out[k++] = dig[i];
        }
        out[k] = '\0';
    } else {
        out[k++] = dig[0];
        if (nd > 1) {
            out[k++] = '.';
            for (size_t i = 1; i < nd; i++)
                out[k++] = dig[i];
        }
        snprintf(out + k, sizeof out - k, "e%c%02d", ex < 0 ? '-' : '+', ex < 0 ? -ex : ex);
    }
    snprintf(buf, len, "%s", out);
}

void vx_pyrad_settings_set(char *dict, size_t cap, const char *key, const char *value)
{
    char out[sizeof((vx_settings *)0)->pyrad_settings];
    size_t k = 0, kl = strlen(key);
    int done = 0;
    out[0] = '\0';
    if (!dict || !key || !value)
        return;
    for (const char *line = dict; *line;) {
        const char *e = strchr(line, '\n');
        size_t len = e ? (size_t)(e - line) : strlen(line);
        int same = len > kl && !strncmp(line, key, kl) && line[kl] == '=';
        int w = same ? snprintf(out + k, sizeof out - k, "%s=%s\n", key, value)
                     : snprintf(out + k, sizeof out - k, "%.*s\n", (int)len, line);
        if (w < 0 || (size_t)w >= sizeof out - k)
            return; /* would not fit: left as it was */
        k += (size_t)w;
        done |= same;
        line += len + (e ? 1 : 0);
    }
    if (!done) {
        int w = snprintf(out + k, sizeof out - k, "%s=%s\n", key, value);
        if (w < 0 || (size_t)w >= sizeof out - k)
            return;
        k += (size_t)w;
    }
    if (k < cap)
        memcpy(dict, out, k + 1);
}
