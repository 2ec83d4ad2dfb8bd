/* voxomics train: fit a pipeline (impute, scale, select, model) on labelled data and save it as JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"

static int cmd_train(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return stats_usage(o, "-o MODEL.json is required", NULL);
    labelled d;
    vx_pipeline_params pp;
    vx_pipeline *pl = NULL;
    int rc = stats_load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = stats_pipeline_params(o, &pp, &err);
    if (rc == VX_OK && d.time)
        rc = vx_pipeline_fit_surv(d.X, d.t.nrow, d.p, d.time, d.event, d.fnames, d.batch, &pp, &pl, &err);
    else if (rc == VX_OK)
        rc = vx_pipeline_fit(d.X, d.t.nrow, d.p, d.y, d.fnames, d.batch, &pp, &pl, &err);
    if (rc == VX_OK && (d.time ? vx_pipeline_set_surv_columns(pl, o->time, o->event)
                               : vx_pipeline_set_classes(pl, o->label, d.classes, d.nclass)) != VX_OK)
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_pipeline_save(pl, o->out, &err);
    if (rc == VX_OK && stats_summary(o)) {
        const size_t *idx;
        size_t k = vx_pipeline_selected(pl, &idx);
        if (d.time)
            printf("%s on %zu samples (%s, %s), %zu of %zu features -> %s\n", vx_model_kind_name(pp.model.kind),
                   d.t.nrow, o->time, o->event, k, d.p, o->out);
        else if (d.nclass > 2)
            printf("%s one-vs-rest on %zu samples (%d classes), %zu of %zu features -> %s\n",
                   vx_model_kind_name(pp.model.kind), d.t.nrow, d.nclass, k, d.p, o->out);
        else
            printf("%s on %zu samples (%s = 1), %zu of %zu features -> %s\n", vx_model_kind_name(pp.model.kind),
                   d.t.nrow, d.names[1], k, d.p, o->out);
    }
    vx_pipeline_free(pl);
    stats_labelled_free(&d);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt train_table[] = {
    OPT_OUT("MODEL.json", "the fitted pipeline (features, medians, scaling, selection, model)"),
    OPT_CLASS_LABEL, OPT_POSITIVE, OPT_SURV_OUTCOME, OPT_MODEL, OPT_MODEL_PARAMS,
    OPT_SEED("0", "logreg-l1, rf, gbm: random seed"),
    OPT_SELECT, OPT_SELECT_PARAMS, OPT_HARMONIZE_BATCH,
    OPT_ID, OPT_JOIN, OPT_WHERE, OPT_MISSING, OPT_FEATURES, OPT_EXCLUDE,
    CLI_QUIET(sopts),
    CLI_END};

static int run_train(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_train(&o);
}

const cli_command cli_cmd_train = {
    "train",
    "fit a pipeline (impute, scale, select, model) on labelled data and save it as JSON",
    "DATA.csv --label COL [--model logreg|logreg-l1|svm|rf|gbm] [--C C] [--gamma G] [--trees N] [--depth D]\n"
    "         [--eta E] [--preset sklearn] [--seed S] [--select METHOD ...] [--harmonize-batch COL] [options]\n"
    "         -o MODEL.json\n"
    "DATA.csv --time COL --event COL --model cox|coxnet [--lambda L] [--l1-ratio A] [--select cox ...] [options]\n"
    "         -o MODEL.json",
    "DATA.csv  one row per sample: an ID column, the label column, numeric feature columns",
    train_table,
    "A label of more than two values gives a one-vs-rest model (one binary model per class; selection none, "
    "variance or correlation). A survival outcome (--time, --event) gives a Cox model of the risk (linear "
    "predictor) with the baseline cumulative hazard of the training rows, for survival probabilities (predict --at).",
    "voxomics train ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --model logreg --C 0.1 --select univariate --k 10 -o model.json",
    STATS_EXITS,
    run_train};
