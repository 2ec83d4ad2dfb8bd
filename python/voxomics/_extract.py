# voxomics: settings from a file or a dict, and the extraction of one case into a pandas DataFrame.
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import io
import math
import os

import numpy as np

from ._core import VoxomicsError, check, ffi, fspath, lib, new_error, read_stream
from .image import Image, as_image, read_image, read_mask

__all__ = ["extract", "settings_from", "settings_yaml", "results_frame"]

LONG_COLUMNS = ["case", "roi", "image_type", "family", "feature", "ibsi_code", "aggregation_code", "tag", "value",
                "unit", "voxomics_version", "settings_sha256", "image_sha256", "mask_sha256"]
_NOT_VALUES = {"case", "roi", "image_type", "voxomics_version", "settings_sha256", "image_sha256", "mask_sha256"}


# ---- settings ---------------------------------------------------------------------------------------------
def _yaml_scalar(v):
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    if isinstance(v, str):
        # a plain word stays plain (PyRadiomics' sitkBSpline, voxomics' fixed_bin_size); anything else is a
        # YAML double-quoted string (JSON's escapes are YAML's)
        if v and all(ch.isalnum() or ch in "_-." for ch in v) and v.lower() not in (
                "true", "false", "yes", "no", "on", "off", "null", "none", "~") and not v[0].isdigit() \
                and v[0] not in "-.":
            return v
        import json

        return json.dumps(v)
    raise TypeError(f"voxomics: a settings value must be a number, text, true/false or None, not {type(v).__name__}")


def _yaml_lines(obj, indent, out):
    pad = " " * indent
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = _yaml_scalar(str(k))
            if isinstance(v, dict) and v:
                out.append(f"{pad}{key}:")
                _yaml_lines(v, indent + 2, out)
            elif isinstance(v, dict):
                out.append(f"{pad}{key}: {{}}")
            elif isinstance(v, (list, tuple, np.ndarray)) and any(isinstance(x, (dict, list, tuple)) for x in v):
                out.append(f"{pad}{key}:")
                _yaml_lines(list(v), indent + 2, out)
            elif isinstance(v, (list, tuple, np.ndarray)):
                out.append(f"{pad}{key}: [{', '.join(_yaml_scalar(x) for x in v)}]")
            else:
                out.append(f"{pad}{key}: {_yaml_scalar(v)}")
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, dict) and v:
                sub = []
                _yaml_lines(v, indent + 2, sub)
                sub[0] = f"{pad}- " + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(v, (list, tuple)):
                out.append(f"{pad}- [{', '.join(_yaml_scalar(x) for x in v)}]")
            else:
                out.append(f"{pad}- {_yaml_scalar(v)}")
    else:
        raise TypeError("voxomics: settings must be a dict")


def settings_yaml(config):
    """The YAML text of a settings dict (the keys of a voxomics YAML file, docs/config.md, or of a PyRadiomics
    parameter file): nested dicts are sections, lists are lists."""
    if not isinstance(config, dict):
        raise TypeError(f"voxomics: settings must be a dict, not {type(config).__name__}")
    out = []
    _yaml_lines(config, 0, out)
    return "\n".join(out) + "\n"


def settings_from(config=None, name="settings dict"):
    """A vx_settings (cffi, owned by Python) from config: None (the defaults), a path to a voxomics YAML file or
    a PyRadiomics parameter file (.yaml/.json), a dict of the same keys, or a vx_settings already made (used as
    it is). Errors name the file (or `name` for a dict), the line and the key, as the CLI's."""
    if isinstance(config, ffi.CData):
        return config
    s = ffi.new("vx_settings *")
    lib.vx_settings_default(s)
    if config is None:
        return s
    err = new_error()
    if isinstance(config, dict):
        text = settings_yaml(config).encode("utf-8")
        check(lib.vx_settings_load_text(text, len(text), name.encode("utf-8"), s, err), err)
    elif isinstance(config, (str, bytes, os.PathLike)):
        check(lib.vx_settings_load(fspath(config), s, err), err)
    else:
        raise TypeError(f"voxomics: config must be a path, a dict or None, not {type(config).__name__}")
    return s


def _set(s, key, value):
    row = lib.vx_setting_find(key.encode())
    if row == ffi.NULL:  # pragma: no cover - the descriptor names every key used here
        raise VoxomicsError(f"settings: unknown key {key}", lib.VX_EINVAL)
    lib.vx_setting_set(s, row, float(value))


def _options(s, threads, compat, resample_mask, largest_component):
    """A private copy of the settings with the call's overrides, and the case options."""
    if threads is not None or compat is not None:
        s2 = ffi.new("vx_settings *")
        ffi.memmove(s2, s, ffi.sizeof("vx_settings"))
        s = s2
        if threads is not None:
            _set(s, "threads", int(threads))
        if compat is not None:
            c = lib.vx_compat_find(str(compat).encode())
            if c < 0:
                raise ValueError(f"voxomics: compat must be 'ibsi' or 'pyradiomics', not {compat!r}")
            s.compat = c
    o = ffi.new("vx_case_options *")
    lib.vx_case_options_default(o)
    o.resample_mask = 1 if resample_mask else 0
    o.largest_component = 1 if largest_component else 0
    return s, o


# ---- results ----------------------------------------------------------------------------------------------
def _provenance(s, r):
    prov = ffi.new("vx_provenance *")
    version = lib.vx_version()
    prov.version = version
    lib.vx_settings_hash(s, prov.settings_hash)
    ffi.memmove(prov.image_sha256, r.image_sha256, 65)
    ffi.memmove(prov.mask_sha256, r.mask_sha256, 65)
    return prov


def _number(v):
    try:
        return float(v)
    except ValueError:
        return v


def results_frame(r, s, case_id):
    """The long table of a vx_case_result (every region), as the CLI's long CSV: a pandas DataFrame."""
    import pandas as pd

    prov = _provenance(s, r)
    cid = case_id.encode("utf-8")

    def write(f):
        rc = lib.VX_OK
        for g in range(r.n_regions):
            reg = r.regions[g]
            rc = lib.vx_results_write_long(f, cid, reg.roi, ffi.addressof(reg.res), prov, 1 if g == 0 else 0)
            if rc != lib.VX_OK:
                break
        return rc

    text = read_stream(write)
    if not text:
        return pd.DataFrame({c: [] for c in LONG_COLUMNS})
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    num = floats(df["value"])
    # text values (PyRadiomics' diagnostics) keep their text, the numbers are floats
    df["value"] = num if num is not None else [_number(v) for v in df["value"]]
    return df


def floats(cells):
    """Text cells as a float64 array, exactly as written (Python's float(): the library writes the shortest text
    that reads back to the same double), empty cells NaN; None when a non-empty cell is not a number."""
    try:
        return np.array([float(v) if v != "" else math.nan for v in cells], dtype=np.float64)
    except ValueError:
        return None


def results_dicts(r, s, names):
    """{column: value} per region of a vx_case_result, named as the CLI's wide table (PyRadiomics' names with
    names=VX_NAMES_PYRADIOMICS): [(roi, dict), ...]."""
    prov = _provenance(s, r)
    out = []
    for g in range(r.n_regions):
        reg = r.regions[g]

        def write(f, reg=reg):
            return lib.vx_results_write_wide_named(f, b"case", reg.roi, ffi.addressof(reg.res), prov, 1, names)

        header, row = list(csv.reader(io.StringIO(read_stream(write))))[:2]
        values = {k: _number(v) for k, v in zip(header, row) if k not in _NOT_VALUES}
        out.append((ffi.string(reg.roi).decode("utf-8", "replace"), values))
    return out


def _case_id(path):
    base = os.path.basename(os.fspath(path).rstrip("/")) if not isinstance(path, bytes) else "case"
    for ext in (".nii.gz", ".nii", ".nrrd", ".nhdr", ".dcm", ".gz"):
        if base.endswith(ext) and len(base) > len(ext):
            return base[: -len(ext)]
    return base


def _is_path(x):
    return isinstance(x, (str, bytes, os.PathLike))


def images_of(image, mask, resample_mask, spacing=None, origin=None, direction=None, order=None):
    """(image, mask) as Images: a path read (the mask onto the image's grid, every form of the CLI's MASK), an
    Image as it is, a nibabel image or a numpy array (the image with the given geometry, a mask array with the
    image's; None: not read). order: the axis order of arrays; default the order of an Image given as image,
    else "xyz"."""
    if order is None:
        order = image.order if isinstance(image, Image) else "xyz"
    img = image if isinstance(image, Image) else (
        read_image(image, order) if _is_path(image) else
        as_image(image, spacing=spacing, origin=origin, direction=direction, order=order))
    if mask is None:
        return img, None
    msk = read_mask(mask, img, resample=resample_mask, order=order) if _is_path(mask) else as_image(
        mask, like=img, order=order)
    return img, msk


def run_case(image, mask, s, o, label, spacing=None, origin=None, direction=None, order=None):
    """Run one case in one C call (the GIL released): files through vx_case_run (hashed), images in memory
    through vx_case_run_images. Returns the vx_case_result, owned by Python (freed by the garbage collector);
    a failed case raises VoxomicsError with the library's message."""
    r = ffi.gc(ffi.new("vx_case_result *"), lib.vx_case_result_free)
    lab = ffi.NULL if label is None else ffi.new("char[]", str(label).encode())
    keep = []
    if _is_path(image) and _is_path(mask):
        spec = ffi.new("vx_case_spec *")
        keep += [ffi.new("char[]", fspath(image)), ffi.new("char[]", fspath(mask)), ffi.new("char[]", b"case")]
        spec.image, spec.mask, spec.id = keep[0], keep[1], keep[2]
        spec.label = lab
        rc = lib.vx_case_run(spec, s, o, r)
    else:
        img, msk = images_of(image, mask, bool(o.resample_mask), spacing, origin, direction, order)
        keep += [img, msk]
        rc = lib.vx_case_run_images(img._c, msk._c, lab, s, o, r)
    if rc != lib.VX_OK:
        msg = ffi.string(r.error).decode("utf-8", "replace") if r.error != ffi.NULL else "extraction failed"
        raise VoxomicsError(msg, rc)
    return r


def extract(image, mask, config=None, label=None, *, case=None, as_dict=False, names=None, threads=None,
            compat=None, resample_mask=False, largest_component=False, spacing=None, origin=None, direction=None,
            order=None):
    """Extract the features of one case.

    image, mask: file paths (as the CLI's IMAGE and MASK: NIfTI, NRRD, DICOM folders; for the mask also
        LABEL_IMAGE:N, RTSTRUCT_FILE:ROI, SEG_FILE:SEGMENT), voxomics.Image objects, nibabel images, or numpy
        arrays (with spacing/origin/direction/order for the image; a mask array takes the image's geometry).
        order: the axis order of the arrays, "xyz" (nibabel) or "zyx" (SimpleITK); default: the order of an
        Image given as image, else "xyz".
    config: None (the defaults), a voxomics YAML file or PyRadiomics parameter file, or a dict of their keys.
    label: None (the settings decide: every voxel >= mask threshold, or the settings' label; PyRadiomics
        parameter files default to label 1), a positive label number, or "all" (one region per label).
    Returns the long table as a pandas DataFrame, the columns of the CLI's long CSV (case, roi, image_type,
    family, feature, ibsi_code, aggregation_code, tag, value, unit, voxomics_version, settings_sha256,
    image_sha256, mask_sha256); with as_dict=True a dict {column: value} named as the CLI's wide table (IBSI
    tags; PyRadiomics' names in compat pyradiomics, or with names="pyradiomics"), or {roi: dict} for
    label="all". Errors raise voxomics.VoxomicsError with the library's message.
    """
    s, o = _options(settings_from(config), threads, compat, resample_mask, largest_component)
    r = run_case(image, mask, s, o, label, spacing, origin, direction, order)
    if case is None:
        case = _case_id(image) if _is_path(image) else "case"
    if not as_dict:
        return results_frame(r, s, str(case))
    if names is None:
        nm = lib.VX_NAMES_PYRADIOMICS if s.compat == lib.VX_COMPAT_PYRADIOMICS else lib.VX_NAMES_IBSI
    else:
        nm = {"ibsi": lib.VX_NAMES_IBSI, "pyradiomics": lib.VX_NAMES_PYRADIOMICS}[names]
    regions = results_dicts(r, s, nm)
    if label == "all":
        return {roi: d for roi, d in regions}
    return regions[0][1] if regions else {}
