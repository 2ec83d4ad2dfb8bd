/* voxomics: the named cross-key checks of the settings, shared by vx_settings_validate and the YAML reader
 * (which adds the file and line). Each returns 1 when it holds, else 0 with the reason in why.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_SETTINGS_CHECKS_H
#define VX_SETTINGS_CHECKS_H

#include <stddef.h>

#include "voxomics/settings.h"

/* resegmentation_order: re-segmentation min <= max (either may be NaN, an open end). */
int vx_settings_check_reseg_order(const vx_settings *s, char *why, size_t n);
/* discretisation_min: a fixed-bin-size lower bound d->min_value not above the re-segmentation range (else
 * intensities in between would fall below bin 1). Checked by the reader for a min the file gives. */
int vx_settings_check_disc_min(const vx_settings *s, const vx_discretisation *d, char *why, size_t n);

#endif
