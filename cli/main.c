/* voxomics command-line tool: parses arguments, calls libvoxomics, prints.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: voxomics <command> [options]\n"
               "\n"
               "commands:\n"
               "  extract   compute IBSI features of one image + mask:\n"
               "            voxomics extract --config FILE.yaml [--format long|wide] [--case ID]\n"
               "                             [--threads N] -o OUT.csv IMAGE MASK\n"
               "            voxomics extract --config PARAMS --cohort CASES.csv [-j N] [--store RUN.db] -o OUT.csv\n"
               "  harmonize ComBat: voxomics harmonize DATA.csv --batch COL [--covariate COL]... [--nonparametric]\n"
               "            [--mean-only] [--no-eb] [--ref-batch V] -o OUT.csv [--save FIT.json];\n"
               "            voxomics harmonize --apply FIT.json NEW.csv --batch COL -o OUT.csv\n"
               "  icc       voxomics icc DATA.csv --subject COL --rater COL -o OUT.csv\n"
               "  select    voxomics select DATA.csv --label COL --method variance|correlation|univariate|mrmr|lasso\n"
               "            [--threshold T] [--k K] [--alpha A] [--welch] [--miq] [--lambda-1se] -o OUT.csv\n"
               "  train     voxomics train DATA.csv --label COL --model logreg|logreg-l1|svm|rf|gbm [--C C] [--gamma G]\n"
               "            [--trees N] [--depth D] [--eta E] [--seed S] [--select METHOD ...] -o MODEL.json\n"
               "  predict   voxomics predict MODEL.json DATA.csv -o PRED.csv\n"
               "  cv        voxomics cv DATA.csv --label COL --model M [--folds K --repeats R --seed S |\n"
               "            --folds-from FILE:COL[,COL]...] [--select ...] [--tune PARAM=v1,v2] --json OUT.json\n"
               "  evaluate  voxomics evaluate PRED.csv --label COL --score COL [--compare COL] [--prob COL]\n"
               "            [--threshold T] [--bootstrap B --seed S] --json OUT.json\n"
               "            (statistics commands: --id COL, --join FILE, --missing error|drop|impute-median,\n"
               "             --features a,b / --exclude a,b; docs/statistics.md)\n"
               "  features  print the feature dictionary: voxomics features [--format csv|markdown]\n"
               "  synth     write a synthetic CT-like volume and lesion mask:\n"
               "            voxomics synth [--size N] [--spacing MM] [--radius MM] [--seed S] -o DIR\n"
               "  version   print the version\n"
               "\n"
               "Settings schema: docs/config.md. Feature list: docs/features.md.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "extract"))
        return cli_extract(argc - 1, argv + 1);
    static const char *stats[] = {"harmonize", "icc", "select", "train", "predict", "cv", "evaluate"};
    for (size_t i = 0; i < sizeof stats / sizeof *stats; i++)
        if (!strcmp(cmd, stats[i]))
            return cli_stats(argc - 1, argv + 1);
    if (!strcmp(cmd, "synth"))
        return cli_synth(argc - 1, argv + 1);
    if (!strcmp(cmd, "features"))
        return cli_features(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("voxomics %s\n", vx_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "voxomics: unknown command '%s' (try 'voxomics help')\n", cmd);
    return 2;
}
