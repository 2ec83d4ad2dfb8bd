# voxomics.pyradiomics: the parts of PyRadiomics' module `radiomics` that scripts use, on libvoxomics, so that a
# PyRadiomics script runs after one changed import:
#     from voxomics import pyradiomics as radiomics
#     from voxomics.pyradiomics import featureextractor
# radiomics.featureextractor.RadiomicsFeatureExtractor, setVerbosity, getFeatureClasses, getImageTypes,
# __version__, logger. docs/python.md, "PyRadiomics compatibility".
# SPDX-License-Identifier: GPL-3.0-or-later
import logging
import os

from .. import version as _version
from . import featureextractor
from .featureextractor import FEATURE_CLASSES, IMAGE_TYPES, RadiomicsFeatureExtractor

__all__ = ["featureextractor", "RadiomicsFeatureExtractor", "setVerbosity", "getFeatureClasses",
           "getImageTypes", "getTestCase", "logger", "__version__"]

# voxomics' version (the library's): the numbers come from voxomics, not from PyRadiomics
__version__ = _version()

logger = logging.getLogger("voxomics.pyradiomics")
logger.addHandler(logging.NullHandler())


def setVerbosity(level):
    """Set the level of messages the module logs (logging.DEBUG ... logging.CRITICAL, or the number), as
    PyRadiomics' setVerbosity; voxomics logs little beyond warnings (an unknown image type or class name)."""
    logger.setLevel(level)


class _FeatureClass:
    """Stands for a PyRadiomics feature class: voxomics computes the classes inside the library, through
    RadiomicsFeatureExtractor only; the class objects exist for scripts that list getFeatureClasses()."""

    name = None

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            f"voxomics.pyradiomics: the feature class '{self.name}' cannot be used on its own; compute it with "
            f"RadiomicsFeatureExtractor (enableFeatureClassByName('{self.name}'))")


def getFeatureClasses():
    """PyRadiomics' feature class names -> class objects (placeholders: see _FeatureClass)."""
    return {c: type(f"Radiomics{c[0].upper()}{c[1:]}", (_FeatureClass,), {"name": c}) for c in FEATURE_CLASSES}


def getImageTypes():
    """The image type names RadiomicsFeatureExtractor accepts (enableImageTypeByName)."""
    return list(IMAGE_TYPES)


def getTestCase(testCase, dataDirectory=None):
    """(image file, mask file) of one of PyRadiomics' test cases ('brain1' ...), found in dataDirectory, else in
    $VOXOMICS_DATA/pyradiomics (PyRadiomics' test data as the project keeps it); nothing is downloaded. As
    PyRadiomics, (None, None) with a logged error when the files are not there."""
    dirs = [dataDirectory] if dataDirectory else []
    if os.environ.get("VOXOMICS_DATA"):
        dirs.append(os.path.join(os.environ["VOXOMICS_DATA"], "pyradiomics"))
    for d in dirs:
        image = os.path.join(d, f"{testCase}_image.nrrd")
        mask = os.path.join(d, f"{testCase}_label.nrrd")
        if os.path.isfile(image) and os.path.isfile(mask):
            return image, mask
    logger.error("test case %s not found in %s (voxomics downloads nothing: set VOXOMICS_DATA or dataDirectory)",
                 testCase, dirs or "no data directory")
    return None, None
