/* voxomics: the filter parameter descriptor (voxomics/filter.def): reading a parameter from its text,
 * writing it back, and the canonical text of a filter for the settings hash.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voxomics/filter.h"

static const vx_filter_param params[] = {
#define VX_FILTER_PARAM(KEY, TYPE, FIELD, DEF, LO, HI, KINDS, DOC)                                                \
    {KEY, TYPE, offsetof(vx_filter_spec, FIELD), sizeof(((vx_filter_spec *)0)->FIELD), DEF, LO, HI, KINDS, DOC},
#include "voxomics/filter.def"
#undef VX_FILTER_PARAM
};
#define N_PARAMS (sizeof params / sizeof params[0])

size_t vx_filter_param_count(void)
{
    return N_PARAMS;
}

const vx_filter_param *vx_filter_param_get(size_t i)
{
    return i < N_PARAMS ? &params[i] : NULL;
}

const vx_filter_param *vx_filter_param_find(const char *key)
{
    for (size_t i = 0; key && i < N_PARAMS; i++)
        if (!strcmp(params[i].key, key))
            return &params[i];
    return NULL;
}

static void *at(vx_filter_spec *f, const vx_filter_param *p)
{
    return (char *)f + p->offset;
}

static const void *cat(const vx_filter_spec *f, const vx_filter_param *p)
{
    return (const char *)f + p->offset;
}

/* a whole text as a finite number */
static int number(const char *t, double *v)
{
    char *end;
    *v = strtod(t, &end);
    while (*end == ' ')
        end++;
    return end != t && !*end && isfinite(*v);
}

/* an angle: a number, or [sign][number][*]pi[/number] ("pi/3", "5pi/4", "-5*pi/8", "2 pi") */
static int angle(const char *t, double *v)
{
    if (number(t, v))
        return 1;
    const char *pi = strstr(t, "pi");
    if (!pi)
        return 0;
    double a = 1.0, b = 1.0;
    char head[64];
    size_t hl = (size_t)(pi - t);
    if (hl >= sizeof head)
        return 0;
    memcpy(head, t, hl);
    head[hl] = '\0';
    while (hl && (head[hl - 1] == '*' || head[hl - 1] == ' '))
        head[--hl] = '\0';
    if (!strcmp(head, "-"))
        a = -1.0;
    else if (*head && strcmp(head, "+") && !number(head, &a))
        return 0;
    const char *tail = pi + 2;
    while (*tail == ' ')
        tail++;
    if (*tail == '/') {
        if (!number(tail + 1, &b) || b == 0.0)
            return 0;
    } else if (*tail)
        return 0;
    *v = a * 3.14159265358979323846 / b;
    return 1;
}

static int range_ok(const vx_filter_param *p, double v, const char *text, char *why, size_t n)
{
    if (v >= p->lo && v <= p->hi)
        return VX_OK;
    if (p->type == VX_FP_INT || p->type == VX_FP_ORDER || p->type == VX_FP_BOOL)
        snprintf(why, n, "got '%s': expected an integer in %d..%d", text, (int)p->lo, (int)p->hi);
    else
        snprintf(why, n, "got '%s': expected a number in [%g, %g]", text, p->lo, p->hi);
    return VX_EINVAL;
}

static int set_bool(vx_filter_spec *f, const vx_filter_param *p, const char *text, char *why, size_t n)
{
    if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcasecmp(text, "on") || !strcmp(text, "1"))
        *(int *)at(f, p) = 1;
    else if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcasecmp(text, "off") || !strcmp(text, "0"))
        *(int *)at(f, p) = 0;
    else {
        snprintf(why, n, "got '%s': expected true or false", text);
        return VX_EINVAL;
    }
    return VX_OK;
}

/* three integers in [lo, hi], "l1,l2,l3" */
static int set_order(vx_filter_spec *f, const vx_filter_param *p, const char *text, char *why, size_t n)
{
    int o[3], k = 0;
    double v;
    const char *s = text;
    while (k < 3) {
        char item[32];
        size_t l = strcspn(s, ",");
        if (!l || l >= sizeof item)
            break;
        memcpy(item, s, l);
        item[l] = '\0';
        if (!number(item, &v) || v != floor(v) || v < p->lo || v > p->hi)
            break;
        o[k++] = (int)v;
        s += l;
        if (*s != ',')
            break;
        s++;
    }
    if (k != 3 || *s) {
        snprintf(why, n, "got '%s': expected a list of three integers in %d..%d, e.g. [0, 2, 0]", text, (int)p->lo,
                 (int)p->hi);
        return VX_EINVAL;
    }
    memcpy(at(f, p), o, sizeof o);
    return VX_OK;
}

int vx_filter_param_set(vx_filter_spec *f, const vx_filter_param *p, const char *text, char *why, size_t n)
{
    char dummy[8];
    if (!why) {
        why = dummy;
        n = sizeof dummy;
    }
    if (!f || !p || !text) {
        snprintf(why, n, "no value");
        return VX_EINVAL;
    }
    double v;
    switch (p->type) {
    case VX_FP_BOOL:
        return set_bool(f, p, text, why, n);
    case VX_FP_INT:
        if (!number(text, &v) || v != floor(v)) {
            snprintf(why, n, "got '%s': expected an integer in %d..%d", text, (int)p->lo, (int)p->hi);
            return VX_EINVAL;
        }
        if (range_ok(p, v, text, why, n) != VX_OK)
            return VX_EINVAL;
        *(int *)at(f, p) = (int)v;
        return VX_OK;
    case VX_FP_REAL:
    case VX_FP_ANGLE:
        if (!(p->type == VX_FP_ANGLE ? angle(text, &v) : number(text, &v))) {
            snprintf(why, n, "got '%s': expected %s", text,
                     p->type == VX_FP_ANGLE ? "an angle in rad (a number, or pi/4, 5pi/4 ...)" : "a finite number");
            return VX_EINVAL;
        }
        if (range_ok(p, v, text, why, n) != VX_OK)
            return VX_EINVAL;
        *(double *)at(f, p) = v;
        return VX_OK;
    case VX_FP_NAME: {
        size_t l = strlen(text);
        if (!l || l >= p->size || strcspn(text, " ,;=\t") != l) {
            snprintf(why, n, "got '%s': expected one word of at most %zu characters", text, p->size - 1);
            return VX_EINVAL;
        }
        memcpy(at(f, p), text, l + 1);
        return VX_OK;
    }
    case VX_FP_DIM:
        if (!strcasecmp(text, "2D") || !strcmp(text, "2"))
            *(int *)at(f, p) = 2;
        else if (!strcasecmp(text, "3D") || !strcmp(text, "3"))
            *(int *)at(f, p) = 3;
        else {
            snprintf(why, n, "got '%s': expected 2D or 3D", text);
            return VX_EINVAL;
        }
        return VX_OK;
    case VX_FP_PAD: {
        int m = vx_pad_find(text);
        if (m < 0) {
            snprintf(why, n, "got '%s': expected constant (zero), nearest, periodic or mirror", text);
            return VX_EINVAL;
        }
        *(vx_pad_mode *)at(f, p) = (vx_pad_mode)m;
        return VX_OK;
    }
    case VX_FP_POOL:
        if (!strcasecmp(text, "max"))
            *(vx_pool *)at(f, p) = VX_POOL_MAX;
        else if (!strcasecmp(text, "average") || !strcasecmp(text, "avg") || !strcasecmp(text, "mean"))
            *(vx_pool *)at(f, p) = VX_POOL_AVERAGE;
        else if (!strcasecmp(text, "min"))
            *(vx_pool *)at(f, p) = VX_POOL_MIN;
        else {
            snprintf(why, n, "got '%s': expected max, average or min", text);
            return VX_EINVAL;
        }
        return VX_OK;
    case VX_FP_ORDER:
        return set_order(f, p, text, why, n);
    }
    snprintf(why, n, "unknown parameter type");
    return VX_EINVAL;
}

void vx_filter_param_text(const vx_filter_spec *f, const vx_filter_param *p, char *buf, size_t n)
{
    const void *v = cat(f, p);
    switch (p->type) {
    case VX_FP_BOOL:
        snprintf(buf, n, "%s", *(const int *)v ? "true" : "false");
        break;
    case VX_FP_INT:
        snprintf(buf, n, "%d", *(const int *)v);
        break;
    case VX_FP_REAL:
    case VX_FP_ANGLE:
        snprintf(buf, n, "%.17g", *(const double *)v);
        break;
    case VX_FP_NAME:
        snprintf(buf, n, "%s", (const char *)v);
        break;
    case VX_FP_DIM:
        snprintf(buf, n, "%dD", *(const int *)v);
        break;
    case VX_FP_PAD:
        snprintf(buf, n, "%s", vx_pad_name(*(const vx_pad_mode *)v));
        break;
    case VX_FP_POOL: {
        const vx_pool q = *(const vx_pool *)v;
        snprintf(buf, n, "%s", q == VX_POOL_AVERAGE ? "average" : q == VX_POOL_MIN ? "min" : "max");
        break;
    }
    case VX_FP_ORDER: {
        const int *o = v;
        snprintf(buf, n, "[%d, %d, %d]", o[0], o[1], o[2]);
        break;
    }
    default:
        snprintf(buf, n, "?");
    }
}

int vx_filter_canonical(const vx_filter_spec *f, char *buf, size_t n)
{
    if (!f || !buf || !n)
        return -1;
    size_t used = 0;
    int w = snprintf(buf, n, "%s", vx_filter_kind_name(f->kind));
    if (w < 0 || (size_t)w >= n)
        return -1;
    used = (size_t)w;
    for (size_t i = 0; i < N_PARAMS; i++) {
        const vx_filter_param *p = &params[i];
        if (!((p->kinds >> f->kind) & 1u))
            continue;
        char v[96];
        vx_filter_param_text(f, p, v, sizeof v);
        w = snprintf(buf + used, n - used, ";%s=%s", p->key, v);
        if (w < 0 || (used += (size_t)w) >= n)
            return -1;
    }
    return 0;
}
