# voxomics: a whole cohort (cases in a CSV file or a DataFrame) into one wide DataFrame, with progress.
# SPDX-License-Identifier: GPL-3.0-or-later
import io
import os
import sys
import tempfile
import threading

from ._core import VoxomicsError, check, ffi, fspath, lib, new_error, read_stream
from ._extract import _options, floats, settings_from

__all__ = ["cohort"]


@ffi.def_extern()
def _vx_cohort_progress(ud, p):
    """The library's progress callback (serialised, from any worker thread; cffi holds the GIL here)."""
    try:
        state = ffi.from_handle(ud)
        if state.error is None:  # after a failing call, the user's function is not called again
            state(p.done, p.total, p.failed, p.elapsed)
    except Exception as e:  # an exception cannot cross C: the first one is raised after the run
        state = ffi.from_handle(ud)
        if getattr(state, "error", None) is None:
            state.error = e


class _Progress:
    """Calls the user's callable as progress(done, total, failed, elapsed_seconds); progress=True prints one
    text line (rewritten in place) to standard error."""

    def __init__(self, fn):
        self.fn, self.error, self.lock = fn, None, threading.Lock()

    def __call__(self, done, total, failed, elapsed):
        with self.lock:
            if self.fn is True:
                end = "\n" if done == total else ""
                sys.stderr.write(f"\rvoxomics cohort: {done}/{total} cases, {failed} failed, {elapsed:.1f} s{end}")
                sys.stderr.flush()
            else:
                self.fn(int(done), int(total), int(failed), float(elapsed))


def _cases_csv(cases, tmpdir):
    """A cases table: a CSV path as it is; a DataFrame (columns Image, Mask, optional Label, ID and any other)
    written to a CSV in tmpdir with relative paths made absolute (relative to the current folder)."""
    if isinstance(cases, (str, bytes, os.PathLike)):
        return fspath(cases)
    import pandas as pd

    if not isinstance(cases, pd.DataFrame):
        cases = pd.DataFrame(cases)
    df = cases.copy()
    for col in df.columns:
        if str(col).lower() in ("image", "mask"):
            df[col] = [v if os.path.isabs(str(v)) else os.path.abspath(str(v)) for v in df[col]]
    path = os.path.join(tmpdir, "cases.csv")
    df.to_csv(path, index=False)
    return fspath(path)


def cohort(cases, config=None, *, jobs=1, progress=None, store=None, retry_failed=False, names=None, threads=None,
           compat=None, resample_mask=False, largest_component=False, errors="keep"):
    """Extract the features of every case of a cohort, in parallel (jobs cases at once), as one wide DataFrame
    (the CLI's cohort table: one row per case and region, with its error column; failed cases keep their row
    with the error, unless errors="raise").

    cases: a cohort CSV file (columns Image, Mask, optional Label and ID: docs/inputs.md) or a DataFrame (or a
        dict of columns) with the same columns; relative paths of a DataFrame are taken from the current folder.
    config: as for extract. progress: a callable progress(done, total, failed, elapsed_seconds), called after
        every case (from the worker threads, one call at a time), or True for a text line on standard error.
    store: a SQLite file for a resumable run (as the CLI's --store).
    """
    import pandas as pd

    s, o = _options(settings_from(config), threads, compat, resample_mask, largest_component)
    opts = ffi.new("vx_cohort_options *")
    lib.vx_cohort_options_default(opts)
    opts.case_opts = o[0]
    opts.jobs = max(1, int(jobs))
    opts.retry_failed = 1 if retry_failed else 0
    store_b = ffi.new("char[]", fspath(store)) if store is not None else None
    if store_b is not None:
        opts.store = store_b
    state = _Progress(progress) if progress else None
    handle = ffi.new_handle(state) if state else None
    if state:
        opts.progress = lib._vx_cohort_progress
        opts.progress_ud = handle
    c = ffi.new("vx_cohort *")
    out = ffi.new("vx_cohort_results *")
    err = new_error()
    with tempfile.TemporaryDirectory(prefix="voxomics-cohort-") as tmp:
        path = _cases_csv(cases, tmp)
        try:
            check(lib.vx_cohort_read(path, c, err), err)
            check(lib.vx_cohort_run(c, s, opts, out, err), err)
            if state is not None and state.error is not None:
                raise state.error
            if names is None:
                nm = lib.VX_NAMES_PYRADIOMICS if s.compat == lib.VX_COMPAT_PYRADIOMICS else lib.VX_NAMES_IBSI
            else:
                nm = {"ibsi": lib.VX_NAMES_IBSI, "pyradiomics": lib.VX_NAMES_PYRADIOMICS}[names]
            text = read_stream(lambda f: lib.vx_cohort_write_csv(f, c, out, s, nm, err))
            failed = ffi.new("size_t *")
            lib.vx_cohort_count(out, ffi.NULL, failed)
            first_error = next((ffi.string(out.cases[i].error).decode("utf-8", "replace") for i in range(out.n)
                                if out.cases[i].error != ffi.NULL), None)
        finally:
            lib.vx_cohort_results_free(out)
            lib.vx_cohort_free(c)
    if errors == "raise" and failed[0]:
        raise VoxomicsError(f"{failed[0]} case(s) failed; the first: {first_error}", lib.VX_EINVAL)
    return wide_frame(text)


_TEXT_COLUMNS = {"case", "roi", "error", "image_type", "voxomics_version", "settings_sha256", "image_sha256",
                 "mask_sha256"}


def wide_frame(text):
    """A wide CSV table as a DataFrame: every column whose non-empty cells are all numbers is float (empty
    cells, e.g. of a failed case, are NaN); the others (case, roi, error, text values) keep their text."""
    import pandas as pd

    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for col in df.columns:
        if col in _TEXT_COLUMNS or str(col).startswith("diagnostics_"):
            continue
        num = floats(df[col])
        if num is not None:
            df[col] = num
    return df
