/* voxomics: DICOM JPEG frames through GDCM's libgdcmjpeg12: 12-bit DCT JPEG (extended, process 2/4).
 * The decoder is in dicom_jpeg_impl.h (one copy per libjpeg build; see there).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define VX_JPEG_BITS 12
#include "dicom_jpeg_impl.h"
