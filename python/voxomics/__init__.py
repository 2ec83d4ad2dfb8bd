# voxomics: IBSI radiomics from Python. numpy in (voxomics.Image, read_image), pandas out (extract, cohort),
# voxel maps as Images (maps),
# the statistics of the CLI on DataFrames (voxomics.stats), and a PyRadiomics-compatible module
# (from voxomics import pyradiomics as radiomics). docs/python.md.
# SPDX-License-Identifier: GPL-3.0-or-later
import importlib.util as _ilu

from ._core import VoxomicsError, ffi as _ffi, lib as _lib
from .image import Image, read_image, read_mask
from ._extract import extract, settings_from
from ._cohort import cohort
from ._maps import Maps, maps

__all__ = ["VoxomicsError", "Image", "read_image", "read_mask", "extract", "cohort", "maps", "Maps", "settings_from",
           "version", "__version__"]


def version():
    """The version of the voxomics library the package runs on."""
    return _ffi.string(_lib.vx_version()).decode()


__version__ = version()

for _code in ("VX_OK", "VX_EINVAL", "VX_EIO", "VX_ENOMEM", "VX_EFORMAT", "VX_EUNSUPPORTED", "VX_EGEOMETRY",
              "VX_EEMPTY", "VX_ENAN"):
    globals()[_code] = getattr(_lib, _code)
    __all__.append(_code)

if _ilu.find_spec(f"{__name__}.stats") is not None:  # the statistics functions (voxomics/stats.py)
    from . import stats  # noqa: E402
    from .stats import *  # noqa: E402,F401,F403

    __all__ += list(getattr(stats, "__all__", []))
