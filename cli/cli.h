/* voxomics CLI: one function per command.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_CLI_H
#define VX_CLI_H
#include "voxomics/voxomics.h"
int cli_extract(int argc, char **argv);
int cli_features(int argc, char **argv);
int cli_synth(int argc, char **argv);
#endif
