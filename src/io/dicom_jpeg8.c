/* voxomics: DICOM JPEG frames through libjpeg-turbo: 8-bit DCT JPEG (baseline, extended, progressive).
 * The decoder is in dicom_jpeg_impl.h (one copy per libjpeg build; see there).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define VX_JPEG_BITS 8
#include "dicom_jpeg_impl.h"
