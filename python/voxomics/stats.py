# SPDX-License-Identifier: GPL-3.0-or-later
"""The statistics commands of voxomics as functions on pandas DataFrames.

Every function converts its DataFrame arguments into contiguous float64 / int32 numpy buffers, hands them to the
C library (libvoxomics) in one call where the C API allows (cffi releases the GIL around each call, so other
Python threads run meanwhile), and turns the results back into DataFrames. Nothing is computed here that the
library computes: the numbers are those of the `voxomics` command line (harmonize, icc, select, cv, cox, km,
associate, gsea) and of the references its tests hold (R sva::ComBat, psych::ICC, survival, cor.test, fgsea;
scikit-learn fold AUCs).

Conventions shared by the functions:

* Columns are named as the command line's options name them (``batch``, ``label``, ``time``, ``event``,
  ``strata``, ``features``, ``exclude``, ``missing``); a column that does not exist raises
  :class:`voxomics.VoxomicsError` naming it.
* Feature columns default to every numeric column but the ones other arguments name. As the library reads a
  CSV table, a text column whose cells are mostly numbers (e.g. a spreadsheet's ``#NAME?`` among numbers) is
  numeric and its text cells are missing values.
* Missing values (NaN, None, non-numeric text in a numeric column) follow the library's policy
  (``missing=``): ``"error"`` (default) refuses with a count, ``"drop"`` drops the rows, ``"impute-median"``
  fills column medians (inside :func:`cv`: learnt on each training set only). Outcome, batch, covariate and
  group columns are never imputed.
* Errors of the library raise :class:`voxomics.VoxomicsError` with the library's message; C memory is freed in
  ``finally`` blocks (or by the garbage collector for the objects that wrap a fitted model).
* The functions keep no state: calling them from several threads at once is safe.
"""

import numbers
import warnings

import numpy as np
import pandas as pd

from ._core import VoxomicsError
from ._vx import ffi, lib

__all__ = ["harmonize", "harmonize_apply", "ComBatModel", "icc", "select", "cv", "CVResult", "cox", "km",
           "KMResult", "associate", "gsea"]

_MISSING = ("error", "drop", "impute-median")
_Z975 = 1.959963984540054  # qnorm(0.975), as the library's confidence intervals


# ---- errors and buffers -------------------------------------------------------------------------------------
def _fail(message, code=-1):
    """Raise VoxomicsError(message, code); code: the library's VX_E* status (-1: VX_EINVAL)."""
    raise VoxomicsError(message, code)


def _check(rc, err, context=None):
    """Raise the library's error when the status rc is not VX_OK."""
    if rc != 0:
        msg = ffi.string(err.msg).decode("utf-8", "replace")
        _fail(f"{context}: {msg}" if context else msg, rc)


def _f64(a):
    """A C-contiguous float64 copy-or-view of a and its cffi `double *` (never NULL, also for empty arrays)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.size == 0:
        a = np.zeros(1)
    return a, ffi.from_buffer("double[]", a)


def _i32(a):
    a = np.ascontiguousarray(a, dtype=np.int32)
    if a.size == 0:
        a = np.zeros(1, dtype=np.int32)
    return a, ffi.from_buffer("int[]", a)


def _out(shape, dtype=np.float64, ctype="double[]"):
    """A zeroed output array and its writable cffi pointer."""
    a = np.zeros(max(int(np.prod(shape)), 1), dtype=dtype)
    return a, ffi.from_buffer(ctype, a, require_writable=True)


class _CStrings:
    """An array of NUL-terminated UTF-8 strings for `const char *const *` parameters, built without a Python
    loop over C objects: one bytes buffer and a numpy array of the pointers into it (kept alive here)."""

    def __init__(self, strings):
        enc = [str(s).encode("utf-8") + b"\0" for s in strings]
        self.n = len(enc)
        self._buf = b"".join(enc) or b"\0"
        self._cbuf = ffi.from_buffer("char[]", self._buf)
        lens = np.fromiter(map(len, enc), dtype=np.uintp, count=len(enc))
        base = int(ffi.cast("uintptr_t", self._cbuf))
        offs = np.concatenate(([0], np.cumsum(lens)[:-1])).astype(np.uintp) if len(enc) else np.zeros(1, np.uintp)
        self._addr = (offs + np.uintp(base)).astype(np.uintp)
        self.ptr = ffi.from_buffer("char *[]", self._addr)


def _text(p):
    return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""


# ---- columns, levels and missing values ---------------------------------------------------------------------
def _as_list(v):
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    return list(v)


def _need(df, name, what):
    """The column `name` (the role `what` for the message); VoxomicsError naming it when absent."""
    if name is None:
        _fail(f"{what}: a column name is required")
    if name not in df.columns:
        cols = ", ".join(map(str, list(df.columns)[:12])) + (", ..." if len(df.columns) > 12 else "")
        _fail(f"no column '{name}' ({what}); the columns are: {cols}")
    return df[name]


def _numeric(s):
    """Column s as float64 with NaN for missing cells, or None when it is not numeric. A text column is numeric
    when numbers are the majority of its non-missing cells (the library's rule); its other text is missing."""
    if pd.api.types.is_bool_dtype(s):
        return None
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(np.float64)
    present = s.notna()
    text = s[present].astype(str).str.strip()
    na_like = text.str.lower().isin(["", "na", "nan", "n/a", "null", "none", "?"])
    num = pd.to_numeric(text[~na_like], errors="coerce")
    if num.notna().sum() == 0 or num.notna().sum() * 2 <= len(num):
        return None
    out = pd.Series(np.nan, index=s.index, dtype=np.float64)
    out[num.index] = num.to_numpy(dtype=np.float64)
    return out


def _feature_columns(df, features, exclude, skip):
    """The feature columns: `features` (all must exist and be numeric), else every numeric column, minus
    `exclude` and the columns named by other arguments (`skip`)."""
    skip = set(x for x in skip if x is not None) | set(_as_list(exclude))
    for name in _as_list(exclude):
        _need(df, name, "exclude")
    if features is not None:
        names = [f for f in _as_list(features) if f not in skip]
        for f in names:
            if _numeric(_need(df, f, "feature")) is None:
                _fail(f"feature column '{f}' is not numeric")
    else:
        names = [c for c in df.columns if c not in skip and _numeric(df[c]) is not None]
    if not names:
        _fail("no numeric feature column left")
    return names


def _matrix(df, cols):
    """The rows x cols float64 matrix (NaN where missing or not a number)."""
    if not cols:
        return np.zeros((len(df), 0))
    return np.column_stack([_numeric(df[c]).to_numpy() for c in cols]) if len(df) else np.zeros((0, len(cols)))


def _row_name(df, i):
    return str(df.index[i])


def _missing_rows(df, X, cols, required, missing):
    """Apply the missing-value policy: the rows kept (boolean mask). Required columns (outcome, batch,
    covariates) are never imputed: a missing cell there is an error unless missing='drop'."""
    if missing not in _MISSING:
        _fail(f"missing='{missing}': give 'error', 'drop' or 'impute-median'")
    keep = np.ones(len(df), dtype=bool)
    for c in required:
        bad = df[c].isna().to_numpy()
        if bad.any():
            if missing != "drop":
                first = _row_name(df, int(np.argmax(bad)))
                _fail(f"{int(bad.sum())} rows (first: '{first}') have no value in the required column '{c}': drop "
                      "them (missing='drop') or fill them in")
            keep &= ~bad
    nanX = np.isnan(X)
    if nanX.any() and missing == "error":
        per = nanX.sum(axis=0)
        worst = int(np.argmax(per))
        i = int(np.argmax(nanX[:, worst]))
        _fail(f"{int(per.sum())} missing or non-numeric cells in {int((per > 0).sum())} feature columns (most in "
              f"'{cols[worst]}': {int(per[worst])}; first: row '{_row_name(df, i)}'); give missing='drop' or "
              "'impute-median'")
    if missing == "drop":
        keep &= ~nanX.any(axis=1)
    return keep


def _impute(X):
    """Median imputation of X in place (vx_impute_fit / vx_impute_apply over all its rows)."""
    n, p = X.shape
    if n == 0 or p == 0 or not np.isnan(X).any():
        return X
    X, px = _f64(X)
    med, pm = _out(p)
    err = ffi.new("vx_error *")
    _check(lib.vx_impute_fit(px, n, p, pm, err), err)
    lib.vx_impute_apply(px, n, p, pm)
    return X.reshape(n, p)


def _level_name(v):
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _sorted_levels(s):
    """Levels of s sorted as R's factor (numbers numerically, text by bytes) and the code of each row."""
    num = _numeric(s)
    if num is not None and num.notna().sum() == s.notna().sum():
        lev = np.unique(num.dropna().to_numpy())
        codes = np.searchsorted(lev, num.to_numpy())
        return [_level_name(v) for v in lev], codes.astype(np.int32)
    text = s.astype(str)
    lev = sorted(pd.unique(text), key=lambda t: t.encode("utf-8"))
    codes = pd.Categorical(text, categories=lev).codes
    return lev, np.asarray(codes, dtype=np.int32)


def _design(df, covariates, categorical):
    """The covariate design matrix: numeric columns as they are, categorical ones (named in `categorical`, or
    holding text) as indicators of every level but the first (R's treatment contrasts), named column + level."""
    cols, names = [], []
    for c in covariates:
        num = _numeric(df[c])
        if c in categorical or num is None:
            lev, code = _sorted_levels(df[c])
            if len(lev) < 2:
                _fail(f"the categorical covariate {c} has one level ('{lev[0] if lev else ''}'): it is constant; "
                      "leave it out")
            for k in range(1, len(lev)):
                cols.append((code == k).astype(np.float64))
                names.append(f"{c}{lev[k]}")
        else:
            cols.append(num.to_numpy())
            names.append(str(c))
    X = np.column_stack(cols) if cols else np.zeros((len(df), 0))
    return X, names


def _class_labels(s, positive, what="label", multiclass=False):
    """Class codes of a label column: two values -> 0/1 (1 = `positive`, else the larger value: numbers
    numerically, text by bytes, as the library); more (multiclass) -> 0..K-1 in sorted order."""
    if s.isna().any():
        _fail(f"{what} '{s.name}': {int(s.isna().sum())} rows have no label: drop them (missing='drop')")
    lev, code = _sorted_levels(s)
    if len(lev) < 2 or (len(lev) > 2 and not multiclass):
        _fail(f"{what} '{s.name}' has {len(lev)} distinct values ({', '.join(lev[:5])}): a binary label needs two")
    if positive is not None:
        if len(lev) > 2:
            _fail(f"positive={positive!r}: label '{s.name}' has {len(lev)} classes (one-vs-rest)")
        p = _level_name(positive)
        if p not in lev:
            _fail(f"positive={positive!r} is not a value of '{s.name}' ({', '.join(lev)})")
        if lev.index(p) == 0:
            lev, code = lev[::-1], 1 - code
    return lev, code.astype(np.int32)


# ---- harmonize ------------------------------------------------------------------------------------------------
class ComBatModel:
    """A fitted ComBat model (the library's vx_combat_fit): apply it to new samples with
    :func:`harmonize_apply` (or :meth:`apply`), save it as JSON with :meth:`save`, read it with :meth:`load`."""

    def __init__(self, ptr):
        self._ptr = ffi.gc(ptr, lib.vx_combat_free)
        f = self._ptr
        self.features = [_text(lib.vx_combat_fit_feature_name(f, j)) for j in range(lib.vx_combat_fit_n_features(f))]
        self.batches = [_text(lib.vx_combat_fit_batch_name(f, b)) for b in range(lib.vx_combat_fit_n_batches(f))]
        self.n_covariates = int(lib.vx_combat_fit_n_covariates(f))
        o = lib.vx_combat_fit_options(f)
        self.options = {"parametric": bool(o.parametric), "eb": bool(o.eb), "mean_only": bool(o.mean_only),
                        "ref_batch": self.batches[o.ref_batch] if o.ref_batch >= 0 else None}
        self.skipped = [self.features[lib.vx_combat_fit_skipped(f, k)] for k in range(lib.vx_combat_fit_n_skipped(f))]
        self.note = _text(lib.vx_combat_fit_note(f))

    def _estimates(self, getter):
        nb, p = len(self.batches), len(self.features)
        v = np.array([[getter(self._ptr, b, j) for j in range(p)] for b in range(nb)]).reshape(nb, p)
        return pd.DataFrame(v, index=pd.Index(self.batches, name="batch"), columns=self.features)

    @property
    def gamma(self):
        """gamma* (batch x feature): the empirical-Bayes location estimates."""
        return self._estimates(lib.vx_combat_fit_gamma)

    @property
    def delta(self):
        """delta* (batch x feature): the empirical-Bayes scale estimates."""
        return self._estimates(lib.vx_combat_fit_delta)

    def save(self, path):
        """Write the model as JSON (the file `voxomics harmonize --save` writes and `--apply` reads)."""
        err = ffi.new("vx_error *")
        _check(lib.vx_combat_save(self._ptr, str(path).encode(), err), err)

    @classmethod
    def load(cls, path):
        """Read a model saved by :meth:`save` or by `voxomics harmonize --save`."""
        err = ffi.new("vx_error *")
        pp = ffi.new("vx_combat_fit **")
        rc = lib.vx_combat_load(str(path).encode(), pp, err)
        if rc != 0:
            lib.vx_combat_free(pp[0])
            _check(rc, err)
        return cls(pp[0])

    def apply(self, df, batch, covariates=None, categorical=None, missing="error"):
        return harmonize_apply(self, df, batch, covariates, categorical, missing)

    def __repr__(self):
        return (f"ComBatModel({len(self.features)} features, batches {self.batches}, {self.n_covariates} "
                f"covariate columns, {len(self.skipped)} skipped)")


def _batch_strings(df, batch):
    s = _need(df, batch, "batch")
    return s.map(_level_name).astype(str).to_numpy()


def harmonize(df, batch, covariates=None, features=None, exclude=None, parametric=True, eb=True, mean_only=False,
              ref_batch=None, categorical=None, missing="error", skip_constant=True, return_model=False):
    """ComBat harmonisation of the feature columns of `df` across the batches of column `batch`.

    Exactly R's ``sva::ComBat`` / neuroCombat (``voxomics harmonize``; include/voxomics/combat.h states the
    method): ``parametric`` priors (False: non-parametric), ``eb`` empirical Bayes (False: per-feature
    estimates), ``mean_only`` location only, ``ref_batch`` a batch value left unchanged. ``covariates``: columns
    whose effect is kept (numeric as they are; text columns, or those named in ``categorical``, as indicators of
    every level but the first, as R's ``model.matrix``). Features constant within a batch are left unchanged
    and listed in a warning (sva's behaviour), or refused with ``skip_constant=False``.

    Returns a copy of `df` (the same index and columns, non-feature columns kept; rows with missing values
    dropped with ``missing="drop"``) with the harmonised features, or ``(frame, model)`` with
    ``return_model=True``: a :class:`ComBatModel` that :func:`harmonize_apply` applies to new samples.
    """
    covariates, categorical = _as_list(covariates), _as_list(categorical)
    _need(df, batch, "batch")
    for c in covariates:
        _need(df, c, "covariate")
    feats = _feature_columns(df, features, exclude, [batch] + covariates)
    X = _matrix(df, feats)
    keep = _missing_rows(df, X, feats, [batch] + covariates, missing)
    sub = df[keep]
    X = X[keep]
    if missing == "impute-median":
        X = _impute(X)
    C, _ = _design(sub, covariates, categorical)
    bstr = _batch_strings(sub, batch)
    codes, levels = pd.factorize(bstr, sort=False)
    opts = ffi.new("vx_combat_options *")
    lib.vx_combat_options_default(opts)
    opts.parametric, opts.eb, opts.mean_only = int(bool(parametric)), int(bool(eb)), int(bool(mean_only))
    opts.skip_constant = int(bool(skip_constant))
    if ref_batch is not None:
        r = _level_name(ref_batch)
        if r not in list(levels):
            _fail(f"ref_batch '{r}' is not a value of '{batch}' ({', '.join(levels)})")
        opts.ref_batch = list(levels).index(r)
    n, p = X.shape
    X, px = _f64(X)
    code, pcode = _i32(codes)
    bn, fn = _CStrings(levels), _CStrings(feats)
    C, pc = _f64(C)
    out, pout = _out((n, p))
    fitp = ffi.new("vx_combat_fit **")
    err = ffi.new("vx_error *")
    rc = lib.vx_combat_fit_apply(px, n, p, pcode, bn.ptr, len(levels), pc if covariates else ffi.NULL,
                                 C.size // max(n, 1) if covariates else 0, fn.ptr, opts, pout, fitp, err)
    if rc != 0:
        lib.vx_combat_free(fitp[0])
        _check(rc, err, "harmonize")
    model = ComBatModel(fitp[0])
    if model.note:
        warnings.warn(model.note, stacklevel=2)
    res = sub.copy()
    res[feats] = out[: n * p].reshape(n, p)
    return (res, model) if return_model else res


def harmonize_apply(model, df, batch, covariates=None, categorical=None, missing="error"):
    """Apply a fitted :class:`ComBatModel` to the samples of `df` (its features found by name, its batches by
    the values of column `batch`, which must be batches of the fit; the covariates as given to the fit).
    Returns a copy of `df` with the model's features harmonised. Applied to the training data it reproduces
    :func:`harmonize`'s output exactly."""
    covariates, categorical = _as_list(covariates), _as_list(categorical)
    _need(df, batch, "batch")
    for f in model.features:
        _need(df, f, "feature of the ComBat model")
    for c in covariates:
        _need(df, c, "covariate")
    X = _matrix(df, model.features)
    keep = _missing_rows(df, X, model.features, [batch] + covariates, missing)
    sub, X = df[keep], X[keep]
    if missing == "impute-median":
        X = _impute(X)
    C, names = _design(sub, covariates, categorical)
    if C.shape[1] != model.n_covariates:
        _fail(f"harmonize_apply: the model was fitted with {model.n_covariates} covariate columns, got "
              f"{C.shape[1]} ({', '.join(names)})")
    n, p = X.shape
    X, px = _f64(X)
    C, pc = _f64(C)
    bs = _CStrings(_batch_strings(sub, batch))
    out, pout = _out((n, p))
    err = ffi.new("vx_error *")
    _check(lib.vx_combat_apply(model._ptr, px, n, bs.ptr, pc if model.n_covariates else ffi.NULL, pout, err), err,
           "harmonize_apply")
    res = sub.copy()
    res[model.features] = out[: n * p].reshape(n, p)
    return res


# ---- icc ------------------------------------------------------------------------------------------------------
_ICC_FORMS = {"ICC1": 0, "ICC2": 1, "ICC3": 2, "ICC1k": 3, "ICC2k": 4, "ICC3k": 5,
              "ICC(1,1)": 0, "ICC(2,1)": 1, "ICC(3,1)": 2, "ICC(1,k)": 3, "ICC(2,k)": 4, "ICC(3,k)": 5}


def _ratings(df, subject, rater, feats):
    """The (features x subjects x raters) ratings array from the long table; subjects and raters in order of
    appearance. Every subject needs one number from every rater."""
    scodes, subjects = pd.factorize(df[subject].map(_level_name), sort=False)
    rcodes, raters = pd.factorize(df[rater].map(_level_name), sort=False)
    n, k = len(subjects), len(raters)
    cell = scodes.astype(np.int64) * k + rcodes
    counts = np.bincount(cell, minlength=n * k)
    if (counts > 1).any():
        c = int(np.argmax(counts > 1))
        _fail(f"icc: subject '{subjects[c // k]}' rated twice by '{raters[c % k]}'")
    V = _matrix(df, feats)
    bad = np.isnan(V)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        _fail(f"icc: row '{_row_name(df, i)}' (subject '{subjects[scodes[i]]}', rater '{raters[rcodes[i]]}'), "
              f"column {feats[j]}: missing or not a number: the ICC needs a number from every rater for every subject")
    if (counts == 0).any():
        c = int(np.argmax(counts == 0))
        _fail(f"icc: subject '{subjects[c // k]}' has no value from rater '{raters[c % k]}' (ICC needs every "
              "subject rated by every rater)")
    Y = np.empty((len(feats), n * k))
    Y[:, cell] = V.T
    return Y, n, k


def icc(df, subject, rater, features=None, exclude=None, type="ICC(3,1)"):
    """Intraclass correlation of each feature of a long table (one row per subject and rater / repeat).

    The six forms of Shrout & Fleiss (1979) with the F tests and 95% confidence intervals of McGraw & Wong
    (1996), as R's ``psych::ICC(lmer = FALSE)`` (``voxomics icc``). ``type``: one form, "ICC1", "ICC2", "ICC3",
    "ICC1k", "ICC2k", "ICC3k" or Shrout-Fleiss "ICC(3,1)", "ICC(2,k)", ..., or "all".

    Returns a DataFrame indexed by feature with columns icc, ci_low, ci_high, F, df1, df2, p, note (for "all":
    indexed by feature and type). Undefined values (a constant feature) are NaN and `note` says why.
    """
    _need(df, subject, "subject")
    _need(df, rater, "rater")
    if type != "all" and type not in _ICC_FORMS:
        _fail(f"icc: type '{type}': give one of {', '.join(_ICC_FORMS)} or 'all'")
    feats = _feature_columns(df, features, exclude, [subject, rater])
    Y, n, k = _ratings(df, subject, rater, feats)
    res = ffi.new("vx_icc[]", len(feats))
    err = ffi.new("vx_error *")
    for j, f in enumerate(feats):  # one C call per feature: the library's unit
        y, py = _f64(Y[j])
        _check(lib.vx_icc_compute(py, n, k, ffi.addressof(res, j), err), err, f"icc: feature '{f}'")
    forms = range(6) if type == "all" else [_ICC_FORMS[type]]
    rows, index = [], []
    for j, f in enumerate(feats):
        r = res[j]
        for m in forms:
            index.append((f, _text(lib.vx_icc_name(m))))
            rows.append((r.icc[m], r.lo[m], r.hi[m], r.F[m], r.df1[m], r.df2[m], r.p[m], _text(r.note)))
    out = pd.DataFrame(rows, columns=["icc", "ci_low", "ci_high", "F", "df1", "df2", "p", "note"],
                       index=pd.MultiIndex.from_tuples(index, names=["feature", "type"]))
    if type != "all":
        out.index = out.index.droplevel("type")
    out.attrs.update(subjects=n, raters=k, type=type)
    return out


# ---- select ---------------------------------------------------------------------------------------------------
_SELECT_COLUMNS = {"variance": ["variance"], "correlation": [], "univariate": ["statistic", "p", "p_bh"],
                   "mrmr": ["score"], "lasso": ["coefficient"]}


def _selection_frame(names, idx, cols, values, all_features):
    """selected / rank (1-based selection order, 0 when left out) and the method's columns per feature."""
    p = len(names)
    rank = np.zeros(p, dtype=np.int64)
    rank[np.asarray(idx, dtype=np.int64)] = np.arange(1, len(idx) + 1)
    out = pd.DataFrame({"selected": rank > 0, "rank": rank}, index=pd.Index(names, name="feature"))
    for c, v in zip(cols, values):
        out[c] = v
    if all_features:
        return out
    return out.iloc[np.asarray(idx, dtype=np.int64)]


def _drop_constant(X, names):
    keep = np.ptp(X, axis=0) > 0 if len(X) else np.zeros(X.shape[1], bool)
    if not keep.all():
        warnings.warn(f"select: {int((~keep).sum())} constant features left out", stacklevel=3)
    return np.ascontiguousarray(X[:, keep]), [n for n, k in zip(names, keep) if k]


def _select_binary(X, y, names, method, k, threshold, alpha, welch, miq, lasso_1se, folds, seed, nlambda,
                   lambda_min_ratio):
    n, p = X.shape
    X, px = _f64(X)
    y, py = _i32(y)
    idx, pidx = _out(p, np.uintp, "size_t[]")
    nk = ffi.new("size_t *")
    stat, ps = _out(p)
    pv, ppv = _out(p)
    padj, ppadj = _out(p)
    err = ffi.new("vx_error *")
    if method == "variance":
        _check(lib.vx_select_variance(px, n, p, 0.0 if threshold is None else threshold, pidx, nk, ps, err), err)
        vals = [stat[:p]]
    elif method == "correlation":
        _check(lib.vx_select_correlation(px, n, p, 0.9 if threshold is None else threshold, ffi.NULL, pidx, nk, err),
               err)
        vals = []
    elif method == "univariate":
        kind = lib.VX_TEST_WELCH if welch else lib.VX_TEST_MANN_WHITNEY
        _check(lib.vx_univariate(px, n, p, py, kind, ps, ppv, ppadj, err), err)
        _check(lib.vx_select_pvalue(ppadj, p, 0.05 if alpha is None else alpha, 0 if k is None else int(k), pidx, nk,
                                    err), err)
        vals = [stat[:p], pv[:p], padj[:p]]
    elif method == "mrmr":
        kk = min(p, 10) if k is None else int(k)
        _check(lib.vx_mrmr(px, n, p, py, kk, int(bool(miq)), 0, pidx, ps, err), err)
        nk[0] = min(kk, p)
        sv = np.full(p, np.nan)
        sv[idx[: nk[0]].astype(np.int64)] = stat[: nk[0]]
        vals = [sv]
    else:  # lasso: cross-validated logistic LASSO path, features nonzero at lambda.min (or lambda.1se)
        fold, pfold = _out(n, np.int32, "int[]")
        _check(lib.vx_cv_stratified_folds(py, n, int(folds), int(seed), pfold, err), err)
        path = ffi.new("vx_lasso_path *")
        try:
            _check(lib.vx_lasso_logistic_cv(px, n, p, py, pfold, int(folds), int(nlambda or 0),
                                            float(lambda_min_ratio or 0.0), 0.0, path, err), err)
            lam = path.i1se if lasso_1se else path.imin
            _check(lib.vx_lasso_selected(path, lam, pidx, nk, err), err)
            vals = [np.frombuffer(ffi.buffer(path.beta + lam * p, 8 * p), dtype=np.float64).copy()]
        finally:
            lib.vx_lasso_path_free(path)
    return idx[: nk[0]].astype(np.int64), vals


def _cox_keep(pv, k, alpha):
    """BH over the features with a p-value; kept: p_bh < alpha, or the k smallest p, by increasing p."""
    q = np.full(len(pv), np.nan)
    has = ~np.isnan(pv)
    if has.any():
        a, pa = _f64(pv[has])
        adj, padj = _out(int(has.sum()))
        if lib.vx_bh_adjust(pa, int(has.sum()), padj) != 0:
            _fail("select: BH adjustment failed")
        q[has] = adj[: int(has.sum())]
    cand = np.flatnonzero(has if k is not None else has & (q < (0.05 if alpha is None else alpha)))
    cand = cand[np.argsort(pv[cand], kind="stable")]
    return (cand[: int(k)] if k is not None else cand), q


def _select_cox(df, time, event, strata, feats, k, alpha, ties, missing, all_features):
    _need(df, time, "time")
    _need(df, event, "event")
    if strata is not None:
        _need(df, strata, "strata")
    X = _matrix(df, feats)
    keep = _surv_keep(df, time, event, [strata] if strata is not None else [], missing)
    sub, X = df[keep], X[keep]
    if np.isnan(X).any() and missing == "error":
        _missing_rows(sub, X, feats, [], "error")
    if missing == "impute-median":
        X = _impute(X)
    t, pt, e, pe, st, pst = _surv_c(sub, time, event, strata)
    n, p = X.shape
    X, px = _f64(X)
    coef, pco = _out(p)
    se, pse = _out(p)
    pv, ppv = _out(p)
    sep, psep = _out(p, np.uint8, "unsigned char[]")
    err = ffi.new("vx_error *")
    _check(lib.vx_cox_univariate(px, n, p, pt, pe, pst, _ties(ties), pco, pse, ppv, psep, err), err, "select")
    coef, se, pv = coef[:p], se[:p], pv[:p]
    if sep[:p].any():
        warnings.warn(f"select: {int(sep[:p].sum())} features with a monotone likelihood (separation): their "
                      "coefficients may be infinite", stacklevel=3)
    idx, q = _cox_keep(pv, k, alpha)
    with np.errstate(over="ignore"):  # a separated feature's hazard ratio is infinite, as the command line's
        hr = np.exp(coef)
    return _selection_frame(feats, idx, ["coefficient", "p", "p_bh", "se", "hr"], [coef, pv, q, se, hr], all_features)


def select(df, label=None, method="mrmr", k=None, features=None, exclude=None, threshold=None, alpha=None,
           welch=False, miq=False, lasso_1se=False, folds=5, seed=0, nlambda=None, lambda_min_ratio=None,
           positive=None, missing="error", time=None, event=None, strata=None, ties="efron", all_features=False):
    """Rank and select features (``voxomics select``).

    ``method``: "variance" (variance > ``threshold``, default 0), "correlation" (greedy, drop one of each pair
    with |r| > ``threshold``, default 0.9), "univariate" (Mann-Whitney, or Welch's t with ``welch=True``, and
    Benjamini-Hochberg: p_bh < ``alpha`` (0.05) or the ``k`` smallest), "mrmr" (``k`` features, default 10;
    MIQ with ``miq=True``), "lasso" (L1 logistic regression, lambda.min of a stratified ``folds``-fold CV from
    ``seed``, or lambda.1se; ``nlambda``, ``lambda_min_ratio`` as glmnet's), or "cox" (univariate Cox models
    of every feature against ``time`` / ``event`` (``strata``, ``ties``), BH; p_bh < ``alpha`` or the ``k``
    smallest p; no label). ``label``: the binary outcome column (``positive`` its value taken as 1).
    Missing feature values are imputed with column medians for the selection (cox with ``missing="drop"``:
    each feature's model uses its complete rows); constant features are left out with a warning.

    Returns a DataFrame of the selected features in selection order, indexed by feature, with columns
    selected, rank and the method's statistics (variance; score; statistic, p, p_bh; coefficient; for cox
    coefficient, p, p_bh, se, hr); ``all_features=True`` lists every feature (rank 0: not selected).
    """
    if method not in ("variance", "correlation", "univariate", "mrmr", "lasso", "cox"):
        _fail(f"select: unknown method '{method}' (variance, correlation, univariate, mrmr, lasso, cox)")
    if method == "cox":
        feats = _feature_columns(df, features, exclude, [time, event, strata])
        return _select_cox(df, time, event, strata, feats, k, alpha, ties, missing, all_features)
    y_col = _need(df, label, "label")
    feats = _feature_columns(df, features, exclude, [label])
    X = _matrix(df, feats)
    keep = _missing_rows(df, X, feats, [label], missing)
    X = _impute(X[keep])
    _, y = _class_labels(y_col[keep], positive)
    X, names = _drop_constant(X, feats)
    idx, vals = _select_binary(X, y, names, method, k, threshold, alpha, welch, miq, lasso_1se, folds, seed, nlambda,
                               lambda_min_ratio)
    return _selection_frame(names, idx, _SELECT_COLUMNS[method], vals, all_features)


# ---- survival data --------------------------------------------------------------------------------------------
def _ties(ties):
    if ties not in ("efron", "breslow"):
        _fail(f"ties='{ties}': give 'efron' or 'breslow'")
    return lib.VX_TIES_BRESLOW if ties == "breslow" else lib.VX_TIES_EFRON


def _surv_keep(df, time, event, others, missing):
    """Rows with a time, an event and a value in each of the columns `others` (covariates, strata, group);
    others are dropped with missing='drop', else an error names the first."""
    if missing not in _MISSING:
        _fail(f"missing='{missing}': give 'error', 'drop' or 'impute-median'")
    cols = [time, event] + [c for c in others if c is not None]
    bad = np.zeros(len(df), dtype=bool)
    for c in cols:
        num = _numeric(df[c]) if c in (time, event) else None
        miss = (num.isna() if num is not None else df[c].isna()).to_numpy()
        if miss.any() and missing != "drop":
            i = int(np.argmax(miss))
            _fail(f"row '{_row_name(df, i)}', column {c}: '{df[c].iloc[i]}' is missing or not a number; give "
                  "missing='drop' to leave such rows out")
        bad |= miss
    return ~bad


def _surv_c(sub, time, event, strata):
    """The outcome of the rows of sub (_surv_outcome) and the strata codes (None: no strata) as arrays for the
    library with their C pointers: t, pt, e, pe, st, pst (the arrays keep the pointers' memory alive)."""
    t, e = _surv_outcome(sub, time, event)
    t, pt = _f64(t)
    e, pe = _i32(e)
    st, pst = _i32(_sorted_levels(sub[strata])[1]) if strata is not None else (None, ffi.NULL)
    return t, pt, e, pe, st, pst


def _surv_outcome(df, time, event):
    """time (float64, >= 0) and event (int32, 0/1) of the rows of df, checked as the library's commands do."""
    t = _numeric(df[time])
    e = _numeric(df[event])
    if t is None or e is None:
        _fail(f"the time column '{time}' and the event column '{event}' must be numeric")
    t, e = t.to_numpy(), e.to_numpy()
    bad = ~np.isin(e, (0.0, 1.0))
    if bad.any():
        i = int(np.argmax(bad))
        _fail(f"row '{_row_name(df, i)}': event {e[i]:g}; the event must be 1 (event) or 0 (censored)")
    bad = ~(np.isfinite(t) & (t >= 0))
    if bad.any():
        i = int(np.argmax(bad))
        _fail(f"row '{_row_name(df, i)}': time {t[i]:g}; the time must be a number >= 0")
    return t, e.astype(np.int32)


# ---- cv -------------------------------------------------------------------------------------------------------
class CVResult:
    """The result of :func:`cv`.

    Attributes: ``metric`` ("auc", "macro_auc" one-vs-rest for more than two classes, or "c_index" for a
    survival outcome); ``folds`` (DataFrame: repeat, fold, the metric, fit_seconds and each tuned parameter's
    chosen value); ``mean`` / ``sd`` (over all folds, sd with n - 1); ``pooled`` (the metric of all out-of-fold
    predictions of each repeat); ``oof`` (DataFrame of the out-of-fold decision values indexed as the rows
    used, one column per repeat, or per (repeat, class); None for survival); ``classes`` (class names, class 1
    = the positive one for a binary label); ``settings`` (dict).
    """

    def __init__(self, metric, folds, mean, sd, pooled, oof, classes, settings):
        self.metric, self.folds, self.mean, self.sd = metric, folds, mean, sd
        self.pooled, self.oof, self.classes, self.settings = pooled, oof, classes, settings

    @property
    def fold_scores(self):
        """The metric of every fold, repeat-major (numpy array)."""
        return self.folds[self.metric].to_numpy()

    def as_dict(self):
        return {"metric": self.metric, "fold_scores": self.fold_scores.tolist(), "mean": self.mean, "sd": self.sd,
                "pooled": list(self.pooled), "classes": self.classes, "settings": dict(self.settings)}

    def __getitem__(self, key):
        return self.as_dict()[key] if key != "oof" else self.oof

    def __repr__(self):
        return (f"CVResult({self.metric} {self.mean:.4f} +/- {self.sd:.4f} over {len(self.folds)} folds, pooled "
                f"{', '.join(f'{v:.4f}' for v in self.pooled)})")


_MODEL_KEYS = {"C", "gamma", "trees", "depth", "eta", "reg_lambda", "min_child_weight", "subsample",
               "colsample_bytree", "colsample_bynode", "k", "threshold", "alpha", "nlambda", "lambda_min_ratio",
               "lambda", "l1_ratio"}


def _pipeline_params(model, select, survival, harmonize_batch, seed, preset, criterion, base_score,
                     bootstrap_rows, welch, miq, lasso_1se, params):
    """The vx_pipeline_params of cv's arguments (as the command line's stats_pipeline_params)."""
    kind = lib.vx_model_kind_find(str(model).encode())
    if kind < 0:
        _fail(f"cv: unknown model '{model}' (logreg, logreg-l1, svm, rf, gbm, cox, coxnet)")
    if survival != (kind in (lib.VX_MODEL_COX, lib.VX_MODEL_COXNET)):
        _fail(f"cv: model {model}: " + ("a survival outcome (time, event) needs model 'cox' or 'coxnet'" if survival
                                        else "a Cox model needs a survival outcome: give time and event"))
    err = ffi.new("vx_error *")
    pp = ffi.new("vx_pipeline_params *")
    lib.vx_pipeline_params_default(pp, kind)
    pp.model.seed = int(seed)
    if preset is not None:
        _check(lib.vx_model_params_preset(ffi.addressof(pp, "model"), str(preset).encode(), err), err, "cv")
    if bootstrap_rows:
        pp.model.bootstrap = 1
    if criterion is not None:
        if criterion not in ("xgboost", "friedman_mse"):
            _fail(f"cv: criterion '{criterion}': give xgboost or friedman_mse")
        pp.model.criterion = 0 if criterion == "xgboost" else 1
    if base_score is not None:
        b = -1.0 if base_score == "prior" else float(base_score)
        if base_score != "prior" and not 0 < b < 1:
            _fail(f"cv: base_score {base_score!r}: give a probability in (0, 1) or 'prior'")
        pp.model.base_score = b
    if select is not None:
        m = lib.vx_select_method_find(str(select).encode())
        if m < 0:
            _fail(f"cv: unknown selection method '{select}' (none, variance, correlation, univariate, mrmr, lasso, "
                  "cox)")
        pp.select.method = m
    pp.select.welch, pp.select.miq, pp.select.lasso_1se = int(bool(welch)), int(bool(miq)), int(bool(lasso_1se))
    pp.harmonize = int(harmonize_batch is not None)
    for name, v in params.items():
        name = "lambda" if name == "lambda_" else name
        if name not in _MODEL_KEYS:
            _fail(f"cv: unknown parameter '{name}' ({', '.join(sorted(_MODEL_KEYS))})")
        if v is not None:
            _check(lib.vx_pipeline_params_set(pp, name.encode(), float(v), err), err, "cv")
    return pp


def _given_folds(df, folds, n, what):
    """Given fold numbers: column name(s) of df or an array (n, or n x repeats); each column shifted so that its
    smallest value is 0 (the command line's --folds-from). Returns (n x R int32 array, R)."""
    if isinstance(folds, str) or (isinstance(folds, (list, tuple)) and folds and isinstance(folds[0], str)):
        a = np.column_stack([_numeric(_need(df, c, what)).to_numpy() for c in _as_list(folds)])
    else:
        a = np.asarray(folds, dtype=np.float64)
        a = a.reshape(len(a), -1) if a.ndim else a
    if a.ndim != 2 or a.shape[0] != n:
        _fail(f"cv: {what}: {a.shape[0] if a.ndim else 0} rows of fold numbers for {n} rows")
    return a


def _fold_codes(a, missing_ok, what):
    bad = np.isnan(a) if missing_ok else np.isnan(a) | (a != np.floor(a))
    if not missing_ok and bad.any():
        _fail(f"cv: {what}: row {int(np.argwhere(bad)[0][0])} has no integer fold")
    lo = np.nanmin(a, axis=0)
    out = np.where(np.isnan(a), -1, a - lo).astype(np.int32)
    return np.ascontiguousarray(out)


def _cv_outcome(sub, label, time, event, positive):
    if time is not None or event is not None:
        if label is not None:
            _fail("cv: give a label or a survival outcome (time, event), not both")
        t, e = _surv_outcome(sub, time, event)
        return None, t, e, ["censored", "event"]
    classes, y = _class_labels(sub[label], positive, multiclass=True)
    return y, None, None, classes


def _cv_options(df, keep, folds, repeats, seed, inner_folds, tune):
    """The vx_cv_options of cv's folds (a number or given folds), inner folds and tuning, the Python objects its
    pointers point into (kept alive by the caller during the call) and the tuned parameter names."""
    opts = ffi.new("vx_cv_options *")
    opts.folds, opts.repeats, opts.seed = 5, int(repeats), int(seed)
    keepalive = [opts]
    if isinstance(folds, numbers.Integral) and not isinstance(folds, bool):
        opts.folds = int(folds)
    else:
        g = _fold_codes(_given_folds(df, folds, len(df), "folds")[keep], False, "folds")
        opts.repeats = g.shape[1]
        keepalive.append(g)
        opts.given = ffi.from_buffer("int[]", g)
    if inner_folds is not None:
        a = _given_folds(df, inner_folds, len(df), "inner_folds")
        inner = _fold_codes(np.where(a < 0, np.nan, a)[keep], True, "inner_folds")
        keepalive.append(inner)
        opts.inner_given = ffi.from_buffer("int[]", inner)
    tn = list((tune or {}).items())
    if tn:
        ct = ffi.new("vx_cv_tune[]", len(tn))
        for i, (name, values) in enumerate(tn):
            nm = ffi.new("char[]", ("lambda" if name == "lambda_" else name).encode())
            v, pv = _f64(np.asarray(values, dtype=np.float64))
            keepalive += [nm, v, pv]
            ct[i].param, ct[i].values, ct[i].n = nm, pv, len(values)
        keepalive.append(ct)
        opts.tune, opts.n_tune = ct, len(tn)
    return opts, keepalive, [name for name, _ in tn]


def cv(df, label=None, model="logreg", folds=5, repeats=1, seed=0, select=None, features=None, exclude=None,
       positive=None, missing="error", time=None, event=None, tune=None, inner_folds=None, harmonize_batch=None,
       preset=None, criterion=None, base_score=None, bootstrap_rows=False, welch=False, miq=False, lasso_1se=False,
       **params):
    """Leak-free repeated stratified cross-validation of a pipeline (``voxomics cv``).

    In every fold the whole pipeline (median imputation, ComBat by ``harmonize_batch``, standardisation,
    selection ``select`` = "variance", "correlation", "univariate", "mrmr", "lasso" or "cox" with its ``k``,
    ``threshold``, ``alpha``..., the model, and tuning ``tune={"C": [0.01, 0.1, 1]}`` by an inner CV, or the
    given ``inner_folds``) is fitted on the training rows only. ``model``: "logreg", "logreg-l1", "svm", "rf",
    "gbm" with their parameters as keywords (``C``, ``gamma``, ``trees``, ``depth``, ``eta``, ``reg_lambda``,
    ``min_child_weight``, ``subsample``, ``colsample_bytree``, ``colsample_bynode``; ``preset="sklearn"``,
    ``criterion``, ``base_score``, ``bootstrap_rows``); with ``time`` and ``event`` instead of ``label``:
    "cox" or "coxnet" (``lambda_``, ``l1_ratio``), scored by Harrell's C. A label of more than two values is
    cross-validated one-vs-rest (macro AUC).

    ``folds``: the number of stratified folds drawn from ``seed`` per repeat, or the given folds: a column
    name, a list of column names (one per repeat) or an array (n, or n x repeats) of fold numbers, as
    scikit-learn's ``PredefinedSplit`` / the command line's ``--folds-from``. ``inner_folds``: an n x
    (repeats x folds) array (NaN or -1 where the row is held out) of inner folds for tuning.

    Returns a :class:`CVResult` (fold scores, mean, sd, pooled, out-of-fold predictions as a DataFrame).
    """
    survival = time is not None or event is not None
    outcome_cols = [time, event] if survival else [label]
    for c, what in zip(outcome_cols, ["time", "event"] if survival else ["label"]):
        _need(df, c, what)
    feats = _feature_columns(df, features, exclude, outcome_cols + [harmonize_batch] +
                             ([folds] if isinstance(folds, str) else []))
    if harmonize_batch is not None:
        _need(df, harmonize_batch, "harmonize_batch")
    X = _matrix(df, feats)
    required = outcome_cols + ([harmonize_batch] if harmonize_batch is not None else [])
    keep = _missing_rows(df, X, feats, required, missing)
    sub, X = df[keep], X[keep]
    y, t, e, classes = _cv_outcome(sub, label, time, event, positive)
    pp = _pipeline_params(model, select, survival, harmonize_batch, seed, preset, criterion, base_score,
                          bootstrap_rows, welch, miq, lasso_1se, params)
    n, p = X.shape
    opts, keepalive, tuned = _cv_options(df, keep, folds, repeats, seed, inner_folds, tune)
    X, px = _f64(X)
    names = _CStrings(feats)
    batch = _CStrings(_batch_strings(sub, harmonize_batch)) if harmonize_batch is not None else None
    res = ffi.new("vx_cv_result *")
    err = ffi.new("vx_error *")
    try:
        if survival:
            t, pt = _f64(t)
            e, pe = _i32(e)
            truth = ffi.new("vx_outcome *", lib.vx_outcome_time_to_event(pt, pe, n))
            rc = lib.vx_cv_run_outcome(px, n, p, truth, names.ptr, batch.ptr if batch else ffi.NULL, pp, opts,
                                       ffi.NULL, res, err)
        else:
            y, py = _i32(y)
            rc = lib.vx_cv_run(px, n, p, py, names.ptr, batch.ptr if batch else ffi.NULL, pp, opts, res, err)
        _check(rc, err, "cv")
        return _cv_result(res, sub.index, classes, survival, tuned,
                          {"model": model, "select": select or "none", "samples": n, "features": p,
                           "seed": seed, "missing": missing, "features_used": feats})
    finally:
        lib.vx_cv_result_free(res)


def _carray(ptr, count):
    """A numpy copy of `count` doubles at the C pointer ptr."""
    if count == 0 or ptr == ffi.NULL:
        return np.zeros(0)
    return np.frombuffer(ffi.buffer(ptr, 8 * count), dtype=np.float64).copy()


def _cv_result(r, index, classes, survival, tuned, settings):
    K, R = r.folds, r.repeats
    nf = K * R
    metric = "c_index" if survival else ("macro_auc" if len(classes) > 2 else "auc")
    folds = pd.DataFrame({"repeat": np.repeat(np.arange(R), K), "fold": np.tile(np.arange(K), R),
                          metric: _carray(r.auc, nf), "fit_seconds": _carray(r.fit_time, nf)})
    if tuned:
        chosen = _carray(r.chosen, nf * len(tuned)).reshape(nf, len(tuned))
        for j, name in enumerate(tuned):
            folds[name] = chosen[:, j]
    oof = None
    if not survival and r.oof != ffi.NULL:
        n, w = len(index), (len(classes) if len(classes) > 2 else 1)
        v = _carray(r.oof, R * n * w).reshape(R, n, w)
        if w == 1:
            oof = pd.DataFrame(v[:, :, 0].T, index=index, columns=pd.Index(range(R), name="repeat"))
        else:
            cols = pd.MultiIndex.from_product([range(R), classes], names=["repeat", "class"])
            oof = pd.DataFrame(v.transpose(1, 0, 2).reshape(n, R * w), index=index, columns=cols)
    settings.update(folds=K, repeats=R, classes=list(classes))
    return CVResult(metric, folds, float(r.auc_mean), float(r.auc_sd), _carray(r.pooled, R), oof, list(classes),
                    settings)


# ---- cox ------------------------------------------------------------------------------------------------------
def cox(df, time, event, covariates, ties="efron", strata=None, categorical=None, missing="error"):
    """Cox proportional hazards model (``voxomics cox``; R's ``coxph``, Efron or Breslow ties).

    ``covariates``: column names (numeric as they are; text columns, or those in ``categorical``, as
    indicators of every level but the first, named column + level); ``strata``: a column whose levels get
    their own baseline hazard. Rows with a missing time, event, covariate or stratum: an error, or left out
    with ``missing="drop"``.

    Returns a DataFrame indexed by covariate with columns coef, se, hr, hr_lower, hr_upper (95%), z, p; its
    ``attrs`` hold n, events, loglik, loglik_null, concordance, iterations, tests ({"lr" | "wald" | "score":
    {"stat", "df", "p"}}) and warnings (the monotone-likelihood warning, if any, is also issued).
    """
    covariates, categorical = _as_list(covariates), _as_list(categorical)
    if not covariates:
        _fail("cox: give at least one covariate")
    _need(df, time, "time")
    _need(df, event, "event")
    for c in covariates:
        _need(df, c, "covariate")
    for c in categorical:
        if c not in covariates:
            _fail(f"cox: categorical {c}: not one of the covariates")
    if strata is not None:
        _need(df, strata, "strata")
    keep = _surv_keep(df, time, event, covariates + [strata], missing)
    sub = df[keep]
    t, pt, e, pe, st, pst = _surv_c(sub, time, event, strata)
    X, names = _design(sub, covariates, categorical)
    n, p = X.shape
    X, px = _f64(X)
    cn = _CStrings(names)
    res = ffi.new("vx_cox_result *")
    err = ffi.new("vx_error *")
    try:
        _check(lib.vx_cox_fit(px, pt, pe, pst, n, p, cn.ptr, _ties(ties), res, err), err, "cox")
        coef, se = _carray(res.coef, p), _carray(res.se, p)
        out = pd.DataFrame({"coef": coef, "se": se, "hr": np.exp(coef), "hr_lower": np.exp(coef - _Z975 * se),
                            "hr_upper": np.exp(coef + _Z975 * se), "z": _carray(res.z, p),
                            "p": _carray(res.pvalue, p)}, index=pd.Index(names, name="covariate"))
        warning = _text(res.warning)
        out.attrs.update(n=int(res.n), events=int(res.events), loglik=res.loglik, loglik_null=res.loglik0,
                         concordance=res.concordance, iterations=int(res.iterations), ties=ties,
                         tests={"lr": {"stat": res.lr, "df": p, "p": res.lr_p},
                                "wald": {"stat": res.wald, "df": p, "p": res.wald_p},
                                "score": {"stat": res.score, "df": p, "p": res.score_p}},
                         var=_carray(res.var, p * p).reshape(p, p), warnings=[warning] if warning else [])
    finally:
        lib.vx_cox_free(res)
    if warning:
        warnings.warn(f"cox: {warning}", stacklevel=2)
    return out


# ---- km -------------------------------------------------------------------------------------------------------
class KMResult:
    """The result of :func:`km`: ``curves`` (dict group -> DataFrame with time, n_risk, n_event, n_censor,
    surv, se, lower, upper: one row per distinct time), ``summary`` (DataFrame per group: n, events, median,
    median_lower, median_upper; NaN where not reached), ``at`` (DataFrame group, time, surv, lower, upper,
    n_risk at the requested times, or None), ``logrank`` (dict chisq, df, p, rho, or None for one group) and
    ``cutoff`` (the split value of ``split_at``, or None)."""

    def __init__(self, curves, summary, at, logrank, cutoff):
        self.curves, self.summary, self.at, self.logrank, self.cutoff = curves, summary, at, logrank, cutoff

    def __repr__(self):
        lr = f", log-rank chisq {self.logrank['chisq']:.4g} (p {self.logrank['p']:.4g})" if self.logrank else ""
        return f"KMResult(groups {list(self.curves)}{lr})"


def _km_curve(km):
    m = int(km.m)
    sz = np.dtype(np.uintp).itemsize

    def counts(ptr):
        return np.frombuffer(ffi.buffer(ptr, sz * m), dtype=np.uintp).astype(np.int64) if m else np.zeros(0, int)

    return pd.DataFrame({"time": _carray(km.time, m), "n_risk": counts(km.n_risk), "n_event": counts(km.n_event),
                         "n_censor": counts(km.n_censor), "surv": _carray(km.surv, m), "se": _carray(km.se, m),
                         "lower": _carray(km.lower, m), "upper": _carray(km.upper, m)})


def _km_groups(sub, group, split_at, by):
    """Group codes and names: the sorted levels of `group`, or `by` split at `split_at` ("median" or a
    number) into low (<= cutoff) and high."""
    if group is not None:
        lev, code = _sorted_levels(sub[group])
        return lev, code, None
    if by is None:
        return ["all"], np.zeros(len(sub), dtype=np.int32), None
    v = _numeric(sub[by])
    if v is None:
        _fail(f"km: the column '{by}' is not numeric")
    v = v.to_numpy()
    cut = float(np.median(v)) if split_at == "median" else float(split_at)
    return ["low", "high"], (v > cut).astype(np.int32), cut


def km(df, time, event, group=None, strata=None, at=None, conf_type="log", rho=0.0, split_at=None, by=None,
       missing="error"):
    """Kaplan-Meier curves and the log-rank test (``voxomics km``; R's ``survfit``, ``summary(times = at)``,
    ``quantile`` and ``survdiff``).

    ``group``: a column whose levels (sorted) get one curve each; or ``by`` with ``split_at`` ("median" or a
    number): low (<= cutoff) and high. ``strata``: a column stratifying the log-rank test. ``at``: times at
    which the curves are read. ``conf_type``: "log" (R's default) or "log-log" 95% intervals. ``rho``: the
    Fleming-Harrington weight (0: log-rank).

    Returns a :class:`KMResult`.
    """
    _need(df, time, "time")
    _need(df, event, "event")
    if group is not None and by is not None:
        _fail("km: give group or split_at with by, not both")
    if (split_at is None) != (by is None):
        _fail("km: split_at and by go together")
    for c, what in ((group, "group"), (by, "by"), (strata, "strata")):
        if c is not None:
            _need(df, c, what)
    if conf_type not in ("log", "log-log"):
        _fail(f"km: conf_type '{conf_type}': give 'log' or 'log-log'")
    keep = _surv_keep(df, time, event, [group, by, strata], missing)
    sub = df[keep]
    names, code, cut = _km_groups(sub, group, split_at, by)
    t, pt, e, pe, st, pst = _surv_c(sub, time, event, strata)
    n = len(sub)
    code, pg = _i32(code)
    ci = lib.VX_KM_CI_LOGLOG if conf_type == "log-log" else lib.VX_KM_CI_LOG
    err = ffi.new("vx_error *")
    times = [float(x) for x in np.atleast_1d(at)] if at is not None else []
    curves, summary, rows = {}, [], []
    s, lo, hi, nr = ffi.new("double *"), ffi.new("double *"), ffi.new("double *"), ffi.new("size_t *")
    for g, name in enumerate(names):
        use = np.ascontiguousarray(code[:n] == g, dtype=np.uint8)
        kmr = ffi.new("vx_km *")
        try:
            _check(lib.vx_km_fit(pt, pe, ffi.from_buffer("unsigned char[]", use), n, ci, kmr, err), err,
                   f"km: group '{name}'")
            curves[name] = _km_curve(kmr)
            summary.append((name, int(kmr.n), int(kmr.events), kmr.median, kmr.median_lower, kmr.median_upper))
            for x in times:
                lib.vx_km_at(kmr, x, s, lo, hi, nr)
                rows.append((name, x, s[0], lo[0], hi[0], int(nr[0])))
        finally:
            lib.vx_km_free(kmr)
    summ = pd.DataFrame(summary, columns=["group", "n", "events", "median", "median_lower", "median_upper"])
    at_df = pd.DataFrame(rows, columns=["group", "time", "surv", "lower", "upper", "n_risk"]) if times else None
    logrank = None
    if len(names) >= 2:
        chisq, df_, pv = ffi.new("double *"), ffi.new("int *"), ffi.new("double *")
        _check(lib.vx_logrank(pt, pe, pg, len(names), pst, n, float(rho), chisq, df_, pv, ffi.NULL, ffi.NULL, err),
               err, "km")
        logrank = {"chisq": chisq[0], "df": int(df_[0]), "p": pv[0], "rho": float(rho)}
    return KMResult(curves, summ.set_index("group"), at_df, logrank, cut)


# ---- associate ------------------------------------------------------------------------------------------------
def _pair_dtype():
    """The numpy view of vx_assoc_pair, with the compiler's offsets and size."""
    names = ["feature", "target", "n", "rho", "p", "q"]
    return np.dtype({"names": names, "formats": [np.uintp] * 3 + [np.float64] * 3,
                     "offsets": [ffi.offsetof("vx_assoc_pair", m) for m in names],
                     "itemsize": ffi.sizeof("vx_assoc_pair")})


def _pairs_frame(pairs, np_, fnames, tnames):
    if np_ == 0:
        return pd.DataFrame(columns=["feature", "target", "n", "rho", "p", "q"])
    raw = np.frombuffer(ffi.buffer(pairs, ffi.sizeof("vx_assoc_pair") * np_), dtype=_pair_dtype())
    return pd.DataFrame({"feature": np.asarray(fnames, dtype=object)[raw["feature"].astype(np.int64)],
                         "target": np.asarray(tnames, dtype=object)[raw["target"].astype(np.int64)],
                         "n": raw["n"].astype(np.int64), "rho": raw["rho"].copy(), "p": raw["p"].copy(),
                         "q": raw["q"].copy()})


def _group_targets(om, cats, na):
    """Categorical targets: level codes (column-major, -1 missing; levels sorted by bytes) and level counts."""
    codes, ks = [], []
    for c in cats:
        s = om[c].map(lambda v: None if pd.isna(v) else _level_name(v))
        s = s.where(~s.isin(na), None)
        lev = sorted(pd.unique(s.dropna()), key=lambda t: t.encode("utf-8"))
        codes.append(np.asarray(pd.Categorical(s, categories=lev).codes, dtype=np.int32))
        ks.append(len(lev))
    return np.concatenate(codes) if codes else np.zeros(0, np.int32), np.asarray(ks, dtype=np.int32)


def associate(features, omics, method="spearman", min_pairs=3, categorical=None, na=None, targets=None):
    """Correlate every feature with every omics target (``voxomics associate``), pairwise-complete.

    ``features`` and ``omics``: DataFrames with one row per sample, matched by their index (the samples of
    both, in the order of ``features``; for a genes x samples table pass ``omics.T``). Numeric targets:
    ``method`` "spearman", "pearson" or "kendall" (R's ``cor.test(exact = FALSE)``); text targets, or those
    named in ``categorical``: Mann-Whitney for two levels (rho: the rank-biserial correlation) or
    Kruskal-Wallis (rho NaN); ``na``: levels read as missing. Pairs with fewer than ``min_pairs`` complete
    samples are not tested. q: Benjamini-Hochberg over all tested pairs.

    Returns a DataFrame feature, target, n, rho, p, q sorted by p.
    """
    methods = {"spearman": lib.VX_COR_SPEARMAN, "pearson": lib.VX_COR_PEARSON, "kendall": lib.VX_COR_KENDALL}
    if method not in methods:
        _fail(f"associate: method '{method}': give spearman, pearson or kendall")
    categorical, na = _as_list(categorical), [str(v) for v in _as_list(na)]
    for c in categorical:
        _need(omics, c, "categorical")
    common = features.index[features.index.isin(omics.index)]
    if len(common) < 3:
        _fail(f"associate: {len(common)} samples in both tables (matched by index): at least 3 are needed")
    if omics.index.has_duplicates or features.index.has_duplicates:
        _fail("associate: repeated sample IDs in the index")
    fnames = _feature_columns(features, None, None, [])
    tcols = _as_list(targets) if targets is not None else list(omics.columns)
    for c in tcols:
        _need(omics, c, "target")
    om = omics.loc[common, tcols]
    cats = [c for c in tcols if c in categorical or _numeric(om[c]) is None]
    nums = [c for c in tcols if c not in cats]
    n = len(common)
    x, px = _f64(_matrix(features.loc[common], fnames).T)
    y, py = _f64(_matrix(om, nums).T)
    g, k = _group_targets(om, cats, na)
    g, pgp = _i32(g)
    k, pk = _i32(k)
    a, b = ffi.new("vx_assoc_pair **"), ffi.new("vx_assoc_pair **")
    na_, nb_ = ffi.new("size_t *"), ffi.new("size_t *")
    err = ffi.new("vx_error *")
    try:
        if nums:
            _check(lib.vx_associate(methods[method], px, n, len(fnames), py, len(nums), int(min_pairs), a, na_, err),
                   err, "associate")
        if cats:
            _check(lib.vx_associate_groups(px, n, len(fnames), pgp, pk, len(cats), int(min_pairs), b, nb_, err),
                   err, "associate")
        out = _pairs_frame(a[0], na_[0], fnames, nums)
        if cats:
            out = pd.concat([out, _pairs_frame(b[0], nb_[0], fnames, cats)], ignore_index=True)
    finally:
        lib.free(a[0])
        lib.free(b[0])
    if nums and cats and len(out):  # BH over both kinds together and the library's order (vx_assoc_adjust)
        out = _readjust(out, fnames, nums + cats)
    return out


def _readjust(out, fnames, tnames):
    fi = {f: i for i, f in enumerate(fnames)}
    ti = {t: i for i, t in enumerate(tnames)}
    m = len(out)
    arr = ffi.new("vx_assoc_pair[]", m)
    raw = np.frombuffer(ffi.buffer(arr), dtype=_pair_dtype())
    raw["feature"] = out["feature"].map(fi).to_numpy()
    raw["target"] = out["target"].map(ti).to_numpy()
    raw["n"], raw["rho"], raw["p"] = out["n"].to_numpy(), out["rho"].to_numpy(), out["p"].to_numpy()
    err = ffi.new("vx_error *")
    _check(lib.vx_assoc_adjust(arr, m, err), err, "associate")
    return _pairs_frame(arr, m, fnames, tnames)


# ---- gsea -----------------------------------------------------------------------------------------------------
def _gene_sets(gene_sets):
    """(set names, flat genes, offsets, keepalive) from a dict name -> genes or a GMT path (read by the
    library)."""
    if isinstance(gene_sets, dict):
        names = [str(k) for k in gene_sets]
        lists = [[str(g) for g in v] for v in gene_sets.values()]
        off = np.concatenate(([0], np.cumsum([len(v) for v in lists]))).astype(np.uintp)
        genes = _CStrings([g for v in lists for g in v])
        return names, genes.ptr, off, genes
    gs = ffi.new("vx_genesets *")
    err = ffi.new("vx_error *")
    rc = lib.vx_genesets_read_gmt(str(gene_sets).encode(), gs, err)
    if rc != 0:
        lib.vx_genesets_free(gs)
        _check(rc, err, "gsea")
    names = [_text(gs.name[s]) for s in range(gs.n)]
    off = np.frombuffer(ffi.buffer(gs.off, ffi.sizeof("size_t") * (gs.n + 1)), dtype=np.uintp).copy()
    return names, gs.gene, off, gs


def _ranks(ranks):
    """Gene names and statistics from a Series (gene -> score) or a RNK path (read by the library)."""
    if isinstance(ranks, pd.Series):
        if ranks.index.has_duplicates:
            _fail(f"gsea: gene '{ranks.index[ranks.index.duplicated()][0]}' is ranked twice")
        v = pd.to_numeric(ranks, errors="coerce").to_numpy(dtype=np.float64)
        if not np.isfinite(v).all():
            _fail(f"gsea: gene '{ranks.index[~np.isfinite(v)][0]}' has no finite statistic")
        return [str(g) for g in ranks.index], v
    gl = ffi.new("vx_genelist *")
    err = ffi.new("vx_error *")
    try:
        _check(lib.vx_genelist_read_rnk(str(ranks).encode(), gl, err), err, "gsea")
        return [_text(gl.gene[i]) for i in range(gl.n)], _carray(gl.stat, gl.n)
    finally:
        lib.vx_genelist_free(gl)


def gsea(ranks, gene_sets, min_size=15, max_size=500, permutations=1000, seed=1):
    """Pre-ranked gene-set enrichment analysis (``voxomics gsea``; fgsea's enrichment score and its simple
    gene-set permutation method).

    ``ranks``: a Series gene -> statistic (any order; e.g. the rho of one feature from :func:`associate`), or
    the path of a RNK file. ``gene_sets``: a dict set name -> list of genes, or the path of a GMT file. Sets
    whose size in the ranking is outside [``min_size``, ``max_size``] are not tested. ``permutations``
    random sets per set size from ``seed`` give NES, p and the BH q (0: ES only).

    Returns a DataFrame per tested set: set, size, es, nes, p, q, leading_edge (the list of leading-edge
    genes, from the extreme of the ranking inwards).
    """
    if max_size < min_size:
        _fail("gsea: max_size must be at least min_size")
    genes, stat = _ranks(ranks)
    names, set_genes, off, keep_sets = _gene_sets(gene_sets)
    gn = _CStrings(genes)
    stat, ps = _f64(stat)
    off, poff = np.ascontiguousarray(off, dtype=np.uintp), None
    poff = ffi.from_buffer("size_t[]", off)
    run = ffi.new("vx_gsea_run *")
    err = ffi.new("vx_error *")
    try:
        _check(lib.vx_gsea_sets(gn.ptr, ps, len(genes), set_genes, poff, len(names), int(min_size), int(max_size),
                                int(permutations), int(seed), run, err), err, "gsea")
        return _gsea_frame(run, genes, names)
    finally:
        lib.vx_gsea_run_free(run)
        if isinstance(keep_sets, ffi.CData):
            lib.vx_genesets_free(keep_sets)


def _gsea_frame(run, genes, names):
    nt, N = int(run.ntested), int(run.N)
    sz = ffi.sizeof("size_t")
    order = np.frombuffer(ffi.buffer(run.order, sz * N), dtype=np.uintp).astype(np.int64) if N else np.zeros(0, int)
    off = np.frombuffer(ffi.buffer(run.off, sz * (nt + 1)), dtype=np.uintp).astype(np.int64)
    hit = (np.frombuffer(ffi.buffer(run.hit, sz * off[-1]), dtype=np.uintp).astype(np.int64) if off[-1]
           else np.zeros(0, int))
    gname = np.asarray(genes, dtype=object)
    rows = []
    for t in range(nt):
        g = run.res[t]
        le = gname[order[hit[off[t] + g.le_first: off[t] + g.le_first + g.le_count]]]
        if g.es < 0:
            le = le[::-1]  # from the bottom of the ranking
        rows.append((names[run.set[t]], int(g.size), g.es, g.nes, g.p, g.q, list(le)))
    return pd.DataFrame(rows, columns=["set", "size", "es", "nes", "p", "q", "leading_edge"])
