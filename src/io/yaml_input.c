/* voxomics: a settings document read by libyaml from a file or from text (io/yaml_input.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "io/yaml_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Load the document of the initialised parser (its input set) and hand it to fn. */
static int load(yaml_parser_t *parser, const char *name, vxio_yaml_fn fn, void *ctx, vx_error *err)
{
    yaml_document_t doc;
    if (!yaml_parser_load(parser, &doc))
        return vx_error_set(err, VX_EFORMAT, "%s:%lu: YAML syntax error: %s", name,
                            (unsigned long)parser->problem_mark.line + 1, parser->problem ? parser->problem : "?");
    int rc = fn(&doc, name, ctx, err);
    yaml_document_delete(&doc);
    return rc;
}

int vxio_yaml_file(const char *path, vxio_yaml_fn fn, void *ctx, vx_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open settings file: %s", path, strerror(errno));
    yaml_parser_t parser;
    int rc;
    if (!yaml_parser_initialize(&parser)) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: cannot initialise the YAML parser", path);
    } else {
        yaml_parser_set_input_file(&parser, f);
        rc = load(&parser, path, fn, ctx, err);
        yaml_parser_delete(&parser);
    }
    fclose(f);
    return rc;
}

int vxio_yaml_text(const char *text, size_t len, const char *name, vxio_yaml_fn fn, void *ctx, vx_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return vx_error_set(err, VX_ENOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = load(&parser, name, fn, ctx, err);
    yaml_parser_delete(&parser);
    return rc;
}
