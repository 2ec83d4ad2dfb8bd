/* voxomics report: the palette and freeing a plot.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "voxomics/plot.h"

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency. */
static const char *const PALETTE[8] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                       "#E69F00", "#56B4E9", "#F0E442", "#000000"};

const char *vx_plot_color(int index) { return PALETTE[((index % 8) + 8) % 8]; }

void vx_plot_free(char *svg) { free(svg); }
