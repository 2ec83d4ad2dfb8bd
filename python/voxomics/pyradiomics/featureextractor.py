# voxomics.pyradiomics.featureextractor: RadiomicsFeatureExtractor with PyRadiomics' interface, computed by
# libvoxomics in its PyRadiomics compatibility mode (docs/python.md, "PyRadiomics compatibility").
#
# The extractor keeps PyRadiomics' three dicts (settings, enabledImagetypes, enabledFeatures) and changes them
# as PyRadiomics documents; execute() writes them as one PyRadiomics parameter document, which the library
# reads (vx_settings_load_text: the same reader and checks as a parameter file given to the CLI), and runs the
# whole extraction in one C call (vx_pyradiomics_execute) that returns the ordered key/value list of the CLI's
# PyRadiomics output.
# SPDX-License-Identifier: GPL-3.0-or-later
import ast
import collections
import json
import logging
import numbers
import os
import pathlib

import numpy as np
import yaml

from .._core import check, ffi, fspath, lib, new_error

logger = logging.getLogger("voxomics.pyradiomics")

# PyRadiomics' feature classes (its module names, in the order it lists them) and image types
FEATURE_CLASSES = ("firstorder", "glcm", "gldm", "glrlm", "glszm", "ngtdm", "shape", "shape2D")
IMAGE_TYPES = ("Exponential", "Gradient", "LBP2D", "LBP3D", "LoG", "Logarithm", "Original", "Square",
               "SquareRoot", "Wavelet")
# settings of voxel-based extraction (voxelSetting): kept in settings, not passed to a segment-based run
VOXEL_SETTINGS = ("kernelRadius", "maskedKernel", "initValue", "voxelBatch")
# diagnostics whose text is a string in PyRadiomics (everything else is a Python literal: tuple, dict, number)
_TEXT_DIAGNOSTICS = ("diagnostics_Versions_", "_Hash", "_Dimensionality")


def default_settings():
    """PyRadiomics' default settings dict (its extractor's defaults, in its order)."""
    return {"minimumROIDimensions": 2, "minimumROISize": None, "normalize": False, "normalizeScale": 1,
            "removeOutliers": None, "resampledPixelSpacing": None, "interpolator": "sitkBSpline",
            "preCrop": False, "padDistance": 5, "distances": [1], "force2D": False, "force2Ddimension": 0,
            "resegmentRange": None, "label": 1, "additionalInfo": True}


def _plain(v):
    """v with numpy scalars and arrays, tuples and paths as the plain Python values YAML writes."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_plain(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    return v


def params_document(settings, image_types, features, voxel_based=False):
    """The PyRadiomics parameter document (YAML text) of the three dicts, as execute() passes it to the
    library: setting (in the dict's order), imageType, featureClass (a class with no feature list: null); with
    voxel_based, the settings' kernelRadius, maskedKernel, initValue and voxelBatch as a voxelSetting section,
    as a parameter file gives them (they never go into setting)."""
    setting = {k: v for k, v in settings.items() if k not in VOXEL_SETTINGS}
    classes = {str(k): (None if not v else _plain(list(v))) for k, v in features.items()}
    if "shape2D" in classes and not settings.get("force2D", False):
        # PyRadiomics warns and computes no 2D shape without force2D (enableAllFeatures enables the class)
        logger.warning("parameter force2D must be set to True to enable shape2D extraction")
        del classes["shape2D"]
    if not image_types:
        # PyRadiomics then computes the shape classes only (they need no image type)
        image_types = {"Original": {}}
        classes = {k: v for k, v in classes.items() if k.startswith("shape")}
    doc = {"setting": _plain(setting), "imageType": _plain(image_types), "featureClass": classes}
    voxel = {k: settings[k] for k in VOXEL_SETTINGS if k in settings}
    if voxel_based and voxel:
        doc["voxelSetting"] = _plain(voxel)
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=1 << 16)


def _load_settings(text, name):
    """A vx_settings read from a PyRadiomics parameter document (VoxomicsError naming name and the line)."""
    s = ffi.new("vx_settings *")
    lib.vx_settings_default(s)
    err = new_error()
    data = text.encode("utf-8")
    check(lib.vx_settings_load_text(data, len(data), name.encode("utf-8"), s, err), err)
    return s


def _diagnostic_value(key, text):
    """A diagnostics text as the Python value PyRadiomics returns: a tuple, dict, int or float (numpy.float64)
    where it is a Python literal, else the string (versions, hashes, '3D')."""
    if any(t in key for t in _TEXT_DIAGNOSTICS):
        return text
    try:
        v = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return np.float64(v) if isinstance(v, float) else v


def _image_of(x, what):
    """(path bytes, None) for a file name, (None, Image) for a voxomics.Image or a nibabel image."""
    from ..image import Image, as_image  # the core package (voxomics.image)

    if isinstance(x, (str, bytes, os.PathLike)):
        return fspath(x), None
    if isinstance(x, Image) or (hasattr(x, "affine") and hasattr(x, "dataobj")):
        return None, as_image(x)
    kind = type(x).__module__ + "." + type(x).__name__
    hint = (" (SimpleITK images are not accepted: write the image to a file, or build a voxomics.Image from "
            "sitk.GetArrayFromImage(img) with order='zyx' and the image's spacing, origin and direction)"
            if "SimpleITK" in kind else "")
    raise TypeError(f"{what}: expected a file name, a voxomics.Image or a nibabel image, got {kind}{hint}")


def _inputs(imageFilepath, maskFilepath):
    """(image path, mask path, image, mask) as vx_pyradiomics_execute takes them: both paths (bytes), or both
    Images (a file given with an image in memory is read)."""
    image_path, image = _image_of(imageFilepath, "image")
    mask_path, mask = _image_of(maskFilepath, "mask")
    if (image_path is None) != (mask_path is None):  # a file and an image in memory: read the file
        from ..image import read_image

        if image_path is not None:
            image_path, image = None, read_image(imageFilepath)
        else:
            mask_path, mask = None, read_image(maskFilepath)
    return image_path, mask_path, image, mask


class RadiomicsFeatureExtractor:
    """PyRadiomics' feature extractor on libvoxomics. Construct it as PyRadiomics' (a parameter file name, a
    parameter dict, or nothing for the defaults; keyword arguments override settings), change it with the same
    methods, and execute(image, mask) returns an OrderedDict with PyRadiomics' keys: the diagnostics_* values
    (where voxomics reproduces them: docs/pyradiomics_output.md), then the features, each a 0-d numpy array
    (float(v) gives the number), named <image type>_<class>_<Feature>.

    Unlike PyRadiomics, an unknown setting or a value voxomics does not implement raises VoxomicsError (at
    construction for a file or dict, else at execute) instead of being logged and ignored."""

    def __init__(self, *args, **kwargs):
        self.settings = {}
        self.enabledImagetypes = {}
        self.enabledFeatures = {}
        self.featureClassNames = list(FEATURE_CLASSES)
        if len(args) == 1 and isinstance(args[0], dict):
            self._applyParams(paramsDict=args[0])
        elif len(args) == 1 and isinstance(args[0], (str, pathlib.PurePath)):
            if not os.path.isfile(args[0]):
                raise IOError(f"Parameter file {args[0]} does not exist.")
            self._applyParams(paramsFile=args[0])
        else:
            self.settings = default_settings()
            self.enabledImagetypes = {"Original": {}}
            self.enabledFeatures = {c: [] for c in FEATURE_CLASSES if c != "shape2D"}
        if kwargs:
            self.settings.update(kwargs)

    # ---- parameters ----
    def loadParams(self, paramsFile):
        """Replace settings, image types and feature classes by those of a PyRadiomics parameter file (YAML or
        JSON); the library checks the file (VoxomicsError naming the file, the line and the key)."""
        self._applyParams(paramsFile=paramsFile)

    def loadJSONParams(self, JSON_configuration):
        """As loadParams, from a JSON text."""
        self._applyParams(paramsDict=json.loads(JSON_configuration))

    def _applyParams(self, paramsFile=None, paramsDict=None):
        if paramsFile is not None:
            with open(paramsFile, "r", encoding="utf-8") as f:
                text = f.read()
            _load_settings(text, os.fspath(paramsFile))  # the library's checks, with the file's lines
            params = yaml.safe_load(text) or {}
        else:
            params = dict(paramsDict or {})
        if not isinstance(params, dict):
            raise ValueError("a PyRadiomics parameter document is a mapping (setting, imageType, featureClass)")
        image_types = params.get("imageType") or {}
        features = params.get("featureClass") or {}
        self.enabledImagetypes = dict(image_types) if image_types else {"Original": {}}
        self.enabledFeatures = dict(features) if features else {c: [] for c in FEATURE_CLASSES}
        self.settings = default_settings()
        self.settings.update(params.get("setting") or {})
        self.settings.update(params.get("voxelSetting") or {})
        if paramsFile is None:  # a dict: checked now, as PyRadiomics validates it at construction
            _load_settings(self._document(), "parameter dict")

    def _document(self, settings=None, voxel_based=False):
        return params_document(self.settings if settings is None else settings, self.enabledImagetypes,
                               self.enabledFeatures, voxel_based)

    def addProvenance(self, provenance_on=True):
        """Turn the diagnostics_* values on or off (setting additionalInfo)."""
        self.settings["additionalInfo"] = provenance_on

    # ---- image types ----
    def enableAllImageTypes(self):
        """Enable every image type without custom settings."""
        for t in IMAGE_TYPES:
            self.enabledImagetypes[t] = {}

    def disableAllImageTypes(self):
        """Disable every image type (only the shape classes are then computed)."""
        self.enabledImagetypes = {}

    def enableImageTypeByName(self, imageType, enabled=True, customArgs=None):
        """Enable (with optional custom settings, e.g. {'sigma': [1.0, 3.0]} for LoG) or disable one image
        type. An unknown name is logged and ignored, as in PyRadiomics."""
        if imageType not in IMAGE_TYPES:
            logger.warning("Image type %s is not recognized", imageType)
            return
        if enabled:
            self.enabledImagetypes[imageType] = {} if customArgs is None else customArgs
        else:
            self.enabledImagetypes.pop(imageType, None)

    def enableImageTypes(self, **enabledImagetypes):
        """Enable image types given as name=customSettings (a dict); others stay as they are."""
        self.enabledImagetypes.update(enabledImagetypes)

    # ---- feature classes ----
    def enableAllFeatures(self):
        """Enable every feature class, each with all its (non-deprecated) features."""
        for c in FEATURE_CLASSES:
            self.enabledFeatures[c] = []

    def disableAllFeatures(self):
        """Disable every feature class."""
        self.enabledFeatures = {}

    def enableFeatureClassByName(self, featureClass, enabled=True):
        """Enable (all its features) or disable one feature class. An unknown name is logged and ignored."""
        if featureClass not in FEATURE_CLASSES:
            logger.warning("Feature class %s is not recognized", featureClass)
            return
        if enabled:
            self.enabledFeatures[featureClass] = []
        else:
            self.enabledFeatures.pop(featureClass, None)

    def enableFeaturesByName(self, **enabledFeatures):
        """Enable features given as className=[feature names] (an empty list or None: all of the class)."""
        self.enabledFeatures.update(enabledFeatures)

    # ---- extraction ----
    def execute(self, imageFilepath, maskFilepath, label=None, label_channel=None, voxelBased=False):
        """Extract the features of one image and mask: file names (any format voxomics reads, docs/inputs.md)
        or voxomics.Image objects (not SimpleITK images). label and label_channel override the settings for
        this call. Returns a collections.OrderedDict: diagnostics_* values first, then the features as 0-d
        numpy float64 arrays; with voxelBased=True the features are voxel maps instead (_execute_voxels).
        Errors of the library raise voxomics.VoxomicsError with its message."""
        settings = dict(self.settings)
        if label is not None:
            settings["label"] = label
        if label_channel is not None:
            settings["label_channel"] = label_channel
        if voxelBased:
            return self._execute_voxels(settings, imageFilepath, maskFilepath)
        s = _load_settings(self._document(settings), "RadiomicsFeatureExtractor settings")
        return self._run(s, *_inputs(imageFilepath, maskFilepath))

    def _execute_voxels(self, settings, imageFilepath, maskFilepath):
        """PyRadiomics' voxel-based execute: the diagnostics_* values of the segment-based execute (unless
        additionalInfo is false), then one map per requested feature, a voxomics.Image (float32, the processed
        grid, initValue outside the ROI) under PyRadiomics' name ("original_glcm_Contrast"), in the order of
        the segment-based features; no shape features (they have no maps, as in PyRadiomics). The settings'
        kernelRadius, maskedKernel, initValue and voxelBatch (a parameter file's voxelSetting, keywords or
        settings) are read by the library (vx_maps_settings_load); the maps are vx_maps_compute's (docs/maps.md,
        voxomics.maps)."""
        from .._maps import case_images, compute_maps, maps_settings_text

        text = self._document(settings, voxel_based=True)
        s = _load_settings(text, "RadiomicsFeatureExtractor settings")  # voxelSetting checked with the rest
        ms = maps_settings_text(text, "RadiomicsFeatureExtractor settings")
        image_path, mask_path, image, mask = _inputs(imageFilepath, maskFilepath)
        out = collections.OrderedDict()
        if settings.get("additionalInfo", True):
            # the diagnostics as the segment-based execute gives them (they do not depend on the feature
            # classes): one extraction of a single first-order feature on the same inputs
            cheap = params_document(settings, self.enabledImagetypes, {"firstorder": ["Mean"]})
            diag = self._run(_load_settings(cheap, "RadiomicsFeatureExtractor settings"), image_path, mask_path,
                             image, mask)
            out.update((k, v) for k, v in diag.items() if k.startswith("diagnostics_"))
            conf = out.get("diagnostics_Configuration_Settings")
            if isinstance(conf, dict):  # PyRadiomics' settings dict holds the voxel settings too
                conf.update((k, _plain(settings[k])) for k in VOXEL_SETTINGS if k in settings)
        img, msk = case_images(image if image is not None else os.fsdecode(image_path),
                               mask if mask is not None else os.fsdecode(mask_path), s, False)
        out.update(compute_maps(img, msk, s, ms, img.order))
        return out

    @staticmethod
    def _run(s, image_path, mask_path, image, mask):
        items = ffi.new("vx_pyrad_items *")
        err = new_error()
        null = ffi.NULL
        try:
            rc = lib.vx_pyradiomics_execute(s, image_path if image_path is not None else null,
                                            mask_path if mask_path is not None else null,
                                            image._c if image is not None else null,
                                            mask._c if mask is not None else null, items, err)
            check(rc, err)
            out = collections.OrderedDict()
            for i in range(items.n):
                it = items.items[i]
                key = ffi.string(it.key).decode("utf-8")
                if it.text != ffi.NULL:
                    out[key] = _diagnostic_value(key, ffi.string(it.text).decode("utf-8", "replace"))
                else:
                    out[key] = np.array(it.value, dtype=np.float64)
            return out
        finally:
            lib.vx_pyrad_items_free(items)

    # ---- PyRadiomics' class lookups ----
    @staticmethod
    def getFeatureClassNames():
        """The feature class names."""
        return list(FEATURE_CLASSES)
