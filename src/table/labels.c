/* voxomics: class labels of more than two values (vx_table_class_labels, voxomics/table.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "table/table_impl.h"
#include "voxomics/table.h"

int vx_table_class_labels(const vx_table *t, size_t col, int *y, const char **names, int max_classes, int *K,
                          vx_error *err)
{
    int k = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        const char *s = t->cell[i * t->ncol + col];
        if (vxt_is_missing_text(s))
            return vx_error_set(err, VX_EINVAL, "%s: row '%s' has no label in column '%s'", t->path, VX_TABLE_ID(t, i),
                                t->colnames[col]);
        int c = 0;
        while (c < k && strcmp(names[c], s))
            c++;
        if (c == k) {
            if (k == max_classes)
                return vx_error_set(err, VX_EINVAL, "%s: label column '%s' has more than %d values", t->path,
                                    t->colnames[col], max_classes);
            names[k++] = s;
        }
    }
    if (k < 2)
        return vx_error_set(err, VX_EINVAL, "%s: label column '%s' has one value only ('%s')", t->path,
                            t->colnames[col], k ? names[0] : "");
    /* order: numeric when every value is a number, else by strcmp (insertion sort: few classes) */
    int numeric = 1;
    for (int c = 0; c < k; c++)
        numeric &= !isnan(vxt_parse_number(names[c]));
    for (int a = 1; a < k; a++) {
        const char *v = names[a];
        int b = a;
        while (b > 0 && (numeric ? vxt_parse_number(names[b - 1]) > vxt_parse_number(v) : strcmp(names[b - 1], v) > 0)) {
            names[b] = names[b - 1];
            b--;
        }
        names[b] = v;
    }
    for (size_t i = 0; i < t->nrow; i++) {
        int c = 0;
        while (strcmp(names[c], t->cell[i * t->ncol + col]))
            c++;
        y[i] = c;
    }
    *K = k;
    return VX_OK;
}
