# voxomics Python package: it builds, imports and reports the library version. SPDX-License-Identifier: GPL-3.0-or-later
import voxomics


def test_version():
    assert voxomics.version() == voxomics.__version__
    assert voxomics.__version__.count(".") >= 2


def test_error_type():
    assert issubclass(voxomics.VoxomicsError, RuntimeError)
