/* voxomics: IBSI-exact radiomics. Include this one header for the whole public API.
 *
 * Building against an installed voxomics: cc prog.c $(pkg-config --cflags --libs voxomics). For the static
 * library, pkg-config --static --libs voxomics adds every dependency libvoxomics.a needs (the linker takes
 * the archive where no libvoxomics.so lies beside it). libvoxomics.so exports exactly the functions declared
 * in these headers (VX_API, voxomics/export.h).
 *
 * Errors (every header): a call that can fail returns VX_OK (0) or a negative VX_E* code (voxomics/error.h)
 * and, when given a vx_error, writes one line into it saying what failed, where and why. Each function's
 * comment lists the codes it returns beyond these two that every such call may return: VX_EINVAL for a NULL
 * pointer where an object is required, VX_ENOMEM when an allocation fails. The library never prints and
 * never exits.
 *
 * Ownership (one rule for the whole API): the caller owns everything a call hands back, and every call that
 * allocates names, in its comment, the one function that frees what it allocated:
 *   - an object returned through a pointer-to-pointer (vx_image **out, vx_model **m, ...) is freed with its
 *     type's free function: vx_image_free, vx_mask_free, vx_combat_free, vx_model_free, vx_pipeline_free;
 *   - a caller's struct that a call fills in place (vx_results, vx_case_result, vx_cohort, vx_cohort_results,
 *     vx_table, vx_lasso_path, vx_cv_result) holds allocated members: release them with the struct's
 *     vx_<struct>_free (the struct itself stays the caller's). Zero the struct (or vx_results_init it) before
 *     the call; its free function is then safe whether the call succeeded or not;
 *   - a plain array returned through a pointer (vx_mask_labels, vx_rtstruct_list, vx_seg_list,
 *     vx_nrrd_segments, vx_table_numeric_cols, vx_table_matrix) is freed with free();
 *   - a vx_outfile handle is released by vx_outfile_commit or vx_outfile_abort, never both.
 * On failure no object is handed over through a pointer output: it is NULL (or left as the caller set it:
 * initialise it to NULL and the cleanup is the same on both paths); every vx_*_free of a pointer accepts NULL.
 * Returned const pointers (names, dictionary entries, vx_version, vx_strerror, strings of a fitted model)
 * point to static data or into the object they came from: never free them; they stay valid while that
 * object lives. Inputs are only read (const) unless a comment says the call changes them in place.
 *
 * Threads: calls on distinct objects may run concurrently (cohort runs do); objects are not locked, so one
 * object must not be changed by two threads at once. Exceptions are stated where they apply (model.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VOXOMICS_H
#define VOXOMICS_H
#include "voxomics/export.h"
#include "voxomics/error.h"
#include "voxomics/image.h"
#include "voxomics/io.h"
#include "voxomics/feature.h"
#include "voxomics/settings.h"
#include "voxomics/extract.h"
#include "voxomics/maps.h"
#include "voxomics/dicom.h"
#include "voxomics/input.h"
#include "voxomics/mask.h"
#include "voxomics/nrrd.h"
#include "voxomics/cohort.h"
#include "voxomics/table.h"
#include "voxomics/combat.h"
#include "voxomics/icc.h"
#include "voxomics/survival.h"
#include "voxomics/select.h"
#include "voxomics/model.h"
#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "voxomics/omics.h"
#include "voxomics/genesets.h"
#include "voxomics/plot.h"
#include "voxomics/study.h"

/* Library version, e.g. "0.1.0" (static string, never NULL; the Version of voxomics.pc). */
VX_API const char *vx_version(void);

/* Tune the C allocator of the calling process (glibc) for voxomics' allocation pattern: blocks of up to 32 MiB
 * (glibc's largest mmap threshold) come from the heap instead of fresh mappings, and up to 256 MiB of freed heap
 * is kept for reuse instead of being returned to the kernel at once. By default glibc unmaps freed blocks above
 * its mmap threshold (128 KiB at start), so that a cross-validation allocating a fold's copies 50 times, or a
 * cohort extracting case after case, faults every page in again each time: on a VM, page faults were 3.5x the
 * rest of an L1 logistic cross-validation on 300 x 1,000 (bench/README.md). The peak memory is unchanged.
 * A process-wide setting: the library never calls it itself; programs opt in (the voxomics CLI does, first
 * thing in main). Returns 0, or -1 where the C library does not support it (nothing changed). */
VX_API int vx_tune_allocator(void);
#endif
