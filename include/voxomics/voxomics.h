/* voxomics: IBSI-exact radiomics. Include this one header for the whole public API.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VOXOMICS_H
#define VOXOMICS_H
#include "voxomics/export.h"
#include "voxomics/error.h"
#include "voxomics/image.h"
#include "voxomics/io.h"
#include "voxomics/feature.h"
#include "voxomics/extract.h"
#include "voxomics/dicom.h"
#include "voxomics/input.h"
#include "voxomics/mask.h"
#include "voxomics/nrrd.h"
#include "voxomics/cohort.h"
#include "voxomics/table.h"
#include "voxomics/combat.h"
#include "voxomics/icc.h"
#include "voxomics/select.h"
#include "voxomics/model.h"
#include "voxomics/pipeline.h"
#include "voxomics/roc.h"

/* Library version, e.g. "0.1.0". */
VX_API const char *vx_version(void);
#endif
