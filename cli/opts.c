/* voxomics CLI: option tables -> parsing, help text and did-you-mean suggestions.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

size_t cli_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return (size_t)-1;
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

int cli_usage_error(const cli_command *c, const char *msg, const char *arg)
{
    if (arg)
        fprintf(stderr, "voxomics %s: %s: '%s'\n", c->name, msg, arg);
    else
        fprintf(stderr, "voxomics %s: %s\n", c->name, msg);
    fprintf(stderr, "try 'voxomics %s --help'\n", c->name);
    return 2;
}

static const cli_opt *find_opt(const cli_command *c, const char *name, size_t len)
{
    for (const cli_opt *o = c->opts; o->name; o++)
        if ((strlen(o->name) == len && !strncmp(o->name, name, len)) ||
            (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len)))
            return o;
    return NULL;
}

/* Unknown option: the nearest option of this command, or the commands it belongs to. */
static int unknown_option(const cli_command *c, const char *arg, size_t len)
{
    char given[128];
    snprintf(given, sizeof given, "%.*s", (int)(len < 127 ? len : 127), arg);
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (const cli_opt *o = c->opts; o->name; o++) {
        const char *names[2] = {o->name, o->alias};
        for (int k = 0; k < 2; k++) {
            if (!names[k] || strlen(names[k]) < 3) /* short aliases: suggest only the long forms */
                continue;
            size_t d = cli_distance(given, names[k]);
            if (d < bd)
                bd = d, best = o->name;
        }
    }
    size_t limit = strlen(given) <= 5 ? 1 : strlen(given) <= 9 ? 2 : 3;
    if (best && bd <= limit) {
        fprintf(stderr, "voxomics %s: unknown option '%s' (did you mean %s?)\n", c->name, given, best);
    } else {
        /* an option of other commands? */
        char owners[256] = "";
        size_t ncmd;
        const cli_command *const *all = cli_commands(&ncmd);
        for (size_t i = 0; i < ncmd; i++)
            if (all[i] != c && find_opt(all[i], given, strlen(given))) {
                size_t l = strlen(owners);
                snprintf(owners + l, sizeof owners - l, "%s%s", l ? ", " : "", all[i]->name);
            }
        if (owners[0])
            fprintf(stderr, "voxomics %s: option '%s' does not apply to %s (it is an option of: %s)\n", c->name,
                    given, c->name, owners);
        else
            fprintf(stderr, "voxomics %s: unknown option '%s'\n", c->name, given);
    }
    fprintf(stderr, "try 'voxomics %s --help'\n", c->name);
    return 2;
}

static int bad_value(const cli_command *c, const cli_opt *o, const char *v)
{
    char msg[256];
    if (o->kind == CLI_INT && o->lo < o->hi)
        snprintf(msg, sizeof msg, "option %s needs a whole number from %.0f to %.0f, not '%s'", o->name, o->lo, o->hi,
                 v);
    else if (o->kind == CLI_INT)
        snprintf(msg, sizeof msg, "option %s needs a whole number, not '%s'", o->name, v);
    else if (o->lo < o->hi)
        snprintf(msg, sizeof msg, "option %s needs a number from %g to %g, not '%s'", o->name, o->lo, o->hi, v);
    else
        snprintf(msg, sizeof msg, "option %s needs a number, not '%s'", o->name, v);
    return cli_usage_error(c, msg, NULL);
}

static int store(const cli_command *c, const cli_opt *o, const char *v, void *dst)
{
    char *p = (char *)dst + o->off;
    char *end;
    switch (o->kind) {
    case CLI_STR:
        *(const char **)p = v;
        return 0;
    case CLI_LIST: {
        cli_list *l = (cli_list *)p;
        if (l->n == CLI_LIST_MAX) {
            char msg[128];
            snprintf(msg, sizeof msg, "option %s given more than %d times", o->name, CLI_LIST_MAX);
            return cli_usage_error(c, msg, NULL);
        }
        l->v[l->n++] = v;
        return 0;
    }
    case CLI_INT: {
        errno = 0;
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || (o->lo < o->hi && (x < o->lo || x > o->hi)))
            return bad_value(c, o, v);
        *(long *)p = x;
        return 0;
    }
    case CLI_NUM: {
        double x = strtod(v, &end);
        if (end == v || *end || !isfinite(x) || (o->lo < o->hi && !(x >= o->lo && x <= o->hi)))
            return bad_value(c, o, v);
        *(double *)p = x;
        return 0;
    }
    case CLI_FLAG:
        *(int *)p = o->flag;
        return 0;
    }
    return 0;
}

int cli_parse(const cli_command *c, int argc, char **argv, void *dst, const char **pos, int maxpos, int *npos)
{
    *npos = 0;
    /* --help / --version anywhere before "--" win over every other problem of the line */
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_help(c, stdout);
            return CLI_DONE;
        }
        if (!strcmp(argv[i], "--version")) {
            printf("voxomics %s\n", vx_version());
            return CLI_DONE;
        }
    }
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && !strcmp(a, "--")) {
            only_pos = 1;
            continue;
        }
        if (only_pos || a[0] != '-' || !a[1]) {
            if (*npos >= maxpos)
                return cli_usage_error(c, maxpos ? "too many arguments" : "takes no arguments", a);
            pos[(*npos)++] = a;
            continue;
        }
        const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const cli_opt *o = find_opt(c, a, len);
        if (!o)
            return unknown_option(c, a, len);
        if (o->kind == CLI_FLAG) {
            if (eq) {
                char msg[128];
                snprintf(msg, sizeof msg, "option %s takes no value", o->name);
                return cli_usage_error(c, msg, a);
            }
            store(c, o, NULL, dst);
            continue;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v) {
            if (i + 1 >= argc) {
                char msg[160];
                snprintf(msg, sizeof msg, "option %s needs a value: %s %s", o->name, o->name,
                         o->metavar ? o->metavar : "VALUE");
                return cli_usage_error(c, msg, NULL);
            }
            v = argv[++i];
        }
        if (store(c, o, v, dst))
            return 2;
    }
    return CLI_OK;
}

/* Print text wrapped at width, continuation lines indented by indent; the first line starts at column col. */
static void wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
    const char *s = text;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t w = strcspn(s, " \n");
        if (col > indent && col + 1 + w > width) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)w, s);
        col += w;
        s += w;
        if (*s == '\n') {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            s++;
        }
    }
}

static void print_lines(FILE *f, const char *text, const char *prefix)
{
    while (text && *text) {
        size_t w = strcspn(text, "\n");
        fprintf(f, "%s%.*s\n", prefix, (int)w, text);
        text += w;
        if (*text)
            text++;
    }
}

static void print_opt(FILE *f, const char *shortname, const char *longname, const char *metavar, const char *help,
                      const char *def)
{
    char left[128];
    snprintf(left, sizeof left, "  %s%s%s%s%s", shortname ? shortname : "   ", shortname ? ", " : " ", longname,
             metavar ? " " : "", metavar ? metavar : "");
    fputs(left, f);
    size_t col = strlen(left);
    const size_t indent = 32, width = 110;
    if (col + 2 > indent) {
        fprintf(f, "\n%*s", (int)indent, "");
    } else {
        fprintf(f, "%*s", (int)(indent - col), "");
    }
    char text[1024];
    if (def && !strcmp(def, "required"))
        snprintf(text, sizeof text, "%s (required)", help);
    else if (def)
        snprintf(text, sizeof text, "%s (default: %s)", help, def);
    else
        snprintf(text, sizeof text, "%s", help);
    wrap(f, text, indent, indent, width);
    fputc('\n', f);
}

void cli_help(const cli_command *c, FILE *f)
{
    fprintf(f, "voxomics %s: %s\n\n", c->name, c->summary);
    const char *u = c->usage;
    int first = 1;
    while (u && *u) {
        size_t w = strcspn(u, "\n");
        if (u[0] == ' ') /* a continuation of the line before */
            fprintf(f, "      %.*s\n", (int)w, u);
        else
            fprintf(f, "%s voxomics %s%s%.*s\n", first ? "usage:" : "      ", c->name, w ? " " : "", (int)w, u);
        first = 0;
        u += w;
        if (*u)
            u++;
    }
    if (first)
        fprintf(f, "usage: voxomics %s\n", c->name);
    if (c->args) {
        fputs("\narguments:\n", f);
        print_lines(f, c->args, "  ");
    }
    fputs("\noptions:\n", f);
    for (const cli_opt *o = c->opts; o->name; o++) {
        const char *sh = o->alias && o->alias[1] != '-' ? o->alias : NULL;
        char longname[96];
        if (o->alias && o->alias[1] == '-')
            snprintf(longname, sizeof longname, "%s, %s", o->name, o->alias);
        else
            snprintf(longname, sizeof longname, "%s", o->name);
        const char *def = o->def ? o->def : o->kind == CLI_FLAG ? "off" : "none";
        char help[768];
        snprintf(help, sizeof help, "%s%s", o->help, o->kind == CLI_LIST ? "; repeatable" : "");
        print_opt(f, sh, longname, o->metavar, help, def);
    }
    print_opt(f, "-h", "--help", NULL, "print this help and exit", NULL);
    print_opt(f, NULL, "--version", NULL, "print the version and exit", NULL);
    if (c->notes) {
        fputc('\n', f);
        wrap(f, c->notes, 0, 0, 110);
        fputc('\n', f);
    }
    if (c->examples) {
        fputs("\nexamples:\n", f);
        print_lines(f, c->examples, "  ");
    }
    if (c->exits) {
        fputs("\nexit status:\n", f);
        print_lines(f, c->exits, "  ");
    }
}

int cli_run_reference(const cli_command *c, int argc, char **argv, cli_reference_writer write)
{
    cli_reference_opts o = {"csv", "-", 0};
    const char *pos[1];
    int npos, pr = cli_parse(c, argc, argv, &o, pos, 0, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    int markdown = !strcmp(o.format, "markdown") || !strcmp(o.format, "md");
    if (!markdown && strcmp(o.format, "csv"))
        return cli_usage_error(c, "--format must be csv or markdown", o.format);
    vx_error err;
    vx_error_clear(&err);
    vx_outfile *of;
    FILE *f = vx_outfile_open(o.out, &of, &err);
    int rc = f ? write(f, markdown, &err) : VX_EIO;
    if (f && rc != VX_OK)
        vx_outfile_abort(of);
    else if (f)
        rc = vx_outfile_commit(of, &err);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics %s: %s\n", c->name, err.msg);
        return 1;
    }
    return 0;
}
