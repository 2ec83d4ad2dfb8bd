# voxomics: voxel maps (vx_maps_compute, include/voxomics/maps.h; docs/maps.md): for every ROI voxel the features
# of the kernel around it, one voxomics.Image per feature.
# SPDX-License-Identifier: GPL-3.0-or-later
import math

import numpy as np

from ._core import check, ffi, fspath, lib, new_error
from ._extract import _is_path, _options, images_of, settings_from, settings_yaml
from .image import Image

__all__ = ["maps", "Maps", "maps_settings", "maps_settings_text", "case_images", "compute_maps"]

_KERNELS = {"cube": "VX_KERNEL_CUBE", "sphere": "VX_KERNEL_SPHERE"}


class Maps(dict):
    """The result of voxomics.maps: {map name: voxomics.Image}, in the library's column order. Each image is
    float32 on the processed grid (the input image's grid unless the settings resample), init_value outside
    the ROI. The library's values in double precision are kept too:

    index   int64 array (n_vox,): the linear index of each ROI voxel in the grid (x fastest), increasing
    coords  int64 array (n_vox, 3): its (x, y, z) voxel coordinates
    roi_values  float64 array (n_maps, n_vox): roi_values[k, i] is map k (the k-th key) at ROI voxel i
    init_value  the value outside the ROI
    """

    def __init__(self, images, index, values, dims, init_value):
        super().__init__(images)
        self.index = index
        self.roi_values = values
        self.dims = tuple(dims)
        self.init_value = init_value

    @property
    def coords(self):
        """(x, y, z) of each ROI voxel, one row per voxel (the order of index and of values' columns)."""
        return np.stack(np.unravel_index(self.index, self.dims, order="F"), axis=1).astype(np.int64)


def _default_maps_settings():
    ms = ffi.new("vx_maps_settings *")
    lib.vx_maps_settings_default(ms)
    return ms


def maps_settings_text(text, name="settings text"):
    """A vx_maps_settings from the voxelSetting section of a PyRadiomics parameter document given as text (the
    defaults without one), read by the library (vx_maps_settings_load_text, the reader of `voxomics maps -c
    FILE`); errors name the document as name."""
    ms = _default_maps_settings()
    data = text.encode("utf-8")
    err = new_error()
    check(lib.vx_maps_settings_load_text(data, len(data), name.encode("utf-8"), ms, err), err)
    return ms


def maps_settings(config=None, kernel_radius=None, kernel=None, masked_kernel=None, init_value=None,
                  voxel_batch=None, threads=None):
    """A vx_maps_settings (cffi, owned by Python): the defaults (docs/maps.md), then the voxelSetting section of
    config (a PyRadiomics parameter file or dict: kernelRadius, maskedKernel, initValue, voxelBatch), then the
    arguments that are not None. The library checks the ranges when it computes (vx_maps_compute)."""
    ms = _default_maps_settings()
    if _is_path(config):
        err = new_error()
        check(lib.vx_maps_settings_load(fspath(config), ms, err), err)
    elif isinstance(config, dict) and config.get("voxelSetting"):
        ms = maps_settings_text(settings_yaml({"voxelSetting": config["voxelSetting"]}), "settings dict")
    if kernel_radius is not None:
        ms.radius = _int(kernel_radius, "kernel_radius")
    if kernel is not None:
        if kernel not in _KERNELS:
            raise ValueError(f"voxomics: kernel must be 'cube' or 'sphere', not {kernel!r}")
        ms.shape = getattr(lib, _KERNELS[kernel])
    if masked_kernel is not None:
        ms.masked = 1 if masked_kernel else 0
    if init_value is not None:
        ms.init_value = float(init_value)
    if voxel_batch is not None:
        ms.batch = _int(voxel_batch, "voxel_batch")
    if threads is not None:
        ms.threads = _int(threads, "threads")
    return ms


def _int(v, name):
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        if not (isinstance(v, (float, np.floating)) and math.isfinite(v) and float(v).is_integer()):
            raise TypeError(f"voxomics: {name} must be an integer, not {v!r}")
    x = int(v)
    if not -(1 << 31) <= x < (1 << 31):
        raise ValueError(f"voxomics: {name} out of range: {x}")
    return x


def case_images(image, mask, s, resample_mask, spacing=None, origin=None, direction=None, order=None):
    """(image, mask) as Images for the settings s: a mask file is read as a case of `voxomics extract` reads it
    (vx_case_run: the settings' mask channel, PyRadiomics' label_channel; in compat pyradiomics on its own grid,
    which the processing checks with geometryTolerance and correctMask, unless resample_mask); the rest as
    voxomics.extract takes them."""
    if not _is_path(mask):
        return images_of(image, mask, resample_mask, spacing, origin, direction, order)
    img, _ = images_of(image, None, resample_mask, spacing, origin, direction, order)
    pyrad = s.compat == lib.VX_COMPAT_PYRADIOMICS
    channel = s.mask_channel if s.mask_channel >= 0 else (0 if pyrad else -1)
    grid = lib.VX_INPUT_MASK_OWN_GRID if pyrad and not resample_mask else (1 if resample_mask else 0)
    out = ffi.new("vx_image **")
    err = new_error()
    check(lib.vx_input_mask_channel(fspath(mask), img._c, ffi.NULL, grid, channel, out, ffi.NULL, err), err)
    return img, Image._from_c(out[0], img.order)


def _column_array(ptr, n, ctype, dtype):
    return np.frombuffer(ffi.buffer(ptr, n * ffi.sizeof(ctype)), dtype=dtype) if n else np.zeros(0, dtype)


def compute_maps(img, msk, s, ms, order):
    """The maps of Images img and msk with settings s and maps settings ms: one C call (the GIL released) for
    the maps, then one per map image; the library's memory is freed on every path (the library keeps only the
    features a PyRadiomics featureClass list requests)."""
    m = ffi.new("vx_maps *")
    err = new_error()
    try:
        check(lib.vx_maps_compute(img._c, msk._c, s, ms, m, err), err)
        n_vox, n_maps = int(m.n_vox), int(m.n_features)
        index = _column_array(m.index, n_vox, "size_t", np.uintp).astype(np.int64)
        values = _column_array(m.values, n_vox * n_maps, "double", np.float64).reshape(n_maps, n_vox).copy()
        images = {}
        out = ffi.new("vx_image **")
        for k in range(n_maps):
            check(lib.vx_maps_image(m, k, out, err), err)
            images[ffi.string(m.name[k]).decode("utf-8")] = Image._from_c(out[0], order)
        dims = tuple(int(m.geom.dims[k]) for k in range(3))
        return Maps(images, index, values, dims, float(m.init_value))
    finally:
        lib.vx_maps_free(m)


def maps(image, mask, settings=None, kernel_radius=None, kernel="cube", masked_kernel=None, init_value=None,
         voxel_batch=None, threads=1, label=None, *, compat=None, resample_mask=False, spacing=None, origin=None,
         direction=None, order=None):
    """Voxel maps of one case (`voxomics maps`, docs/maps.md): for every ROI voxel, the features of the kernel
    of its neighbours within kernel_radius (in the ROI), computed as an extraction with the same settings on
    the kernel as its own ROI.

    image, mask, label, compat, resample_mask, spacing, origin, direction, order: as voxomics.extract (label:
        None, the settings decide, or a positive label number).
    settings: None (the defaults), a voxomics YAML file or PyRadiomics parameter file, or a dict of their keys
        (as extract's config); a PyRadiomics file's or dict's voxelSetting gives the defaults of the next four.
    kernel_radius: voxels, 1..15 (default 1); kernel: "cube" (Chebyshev, PyRadiomics') or "sphere" (Euclidean,
        in voxels); masked_kernel: True (default; False is PyRadiomics' unmasked kernel); init_value: the maps'
        value outside the ROI (default 0; nan allowed); voxel_batch: PyRadiomics' voxelBatch, accepted and
        unused; threads: threads over z slabs (the maps do not depend on it).
    Returns a voxomics.Maps: a dict {map name: voxomics.Image (float32, the processed grid)} in the library's
    column order (IBSI tags with their aggregation, "cm_contrast_3D_avg"; PyRadiomics' names,
    "original_glcm_Contrast", in compat pyradiomics), with the double-precision values in .roi_values. Errors
    raise voxomics.VoxomicsError with the library's message.
    """
    if label == "all" or (label is not None and _int(label, "label") < 1):
        raise ValueError(f"voxomics: maps take one region: label must be None or a positive label, not {label!r}")
    s, o = _options(settings_from(settings), None, compat, resample_mask, False)
    if label is not None:  # on a copy: a vx_settings given by the caller is not changed
        s2 = ffi.new("vx_settings *")
        ffi.memmove(s2, s, ffi.sizeof("vx_settings"))
        s, s2.mask_label = s2, int(label)
    ms = maps_settings(settings, kernel_radius, kernel, masked_kernel, init_value, voxel_batch, threads)
    img, msk = case_images(image, mask, s, bool(o.resample_mask), spacing, origin, direction, order)
    return compute_maps(img, msk, s, ms, img.order)
