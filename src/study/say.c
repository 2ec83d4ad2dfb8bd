/* voxomics: a sentence of a report section with its numbers tied to their JSON (vxs_html_say, runner.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "study/runner.h"

void vxs_html_say(vxs_html *h, const char *file, const cJSON *res, const char *tmpl)
{
    char buf[512];
    while (*tmpl) {
        const char *open = strchr(tmpl, '{'), *close = open ? strchr(open, '}') : NULL;
        size_t lit = open && close ? (size_t)(open - tmpl) : strlen(tmpl);
        for (size_t at = 0; at < lit; at += sizeof buf - 1) { /* the literal HTML before the next number */
            size_t m = lit - at < sizeof buf - 1 ? lit - at : sizeof buf - 1;
            memcpy(buf, tmpl + at, m);
            buf[m] = '\0';
            vxs_html_raw(h, buf);
        }
        if (!open || !close)
            return;
        char path[256], fmt[32] = "%.0f";
        size_t len = (size_t)(close - open - 1) < sizeof path - 1 ? (size_t)(close - open - 1) : sizeof path - 1;
        memcpy(path, open + 1, len);
        path[len] = '\0';
        char *bar = strchr(path, '|');
        if (bar) {
            snprintf(fmt, sizeof fmt, "%s", bar + 1);
            *bar = '\0';
        }
        vxs_html_num(h, file, path, vxs_json_num(res, path), fmt);
        tmpl = close + 1;
    }
}
