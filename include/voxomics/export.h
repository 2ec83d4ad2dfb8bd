/* voxomics: VX_API marks the functions of the public API.
 *
 * The library is compiled with -fvisibility=hidden, so libvoxomics.so exports exactly the functions
 * declared with VX_API in the public headers (include/voxomics); functions shared between library files
 * (declared in src/) stay internal. Every public header includes this one; tests/install/exports.sh checks
 * that the exported symbols and the VX_API declarations are the same set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_EXPORT_H
#define VOXOMICS_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define VX_API __attribute__((visibility("default")))
#else
#define VX_API
#endif

#endif
