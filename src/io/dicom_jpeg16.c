/* voxomics: DICOM JPEG frames through GDCM's libgdcmjpeg16: JPEG lossless (process 14, SOF3, any predictor,
 * 2..16 bits).
 * The decoder is in dicom_jpeg_impl.h (one copy per libjpeg build; see there).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define VX_JPEG_BITS 16
#include "dicom_jpeg_impl.h"
