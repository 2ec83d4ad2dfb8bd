# voxomics Python tests: shared fixtures (the reference data folder, the IBSI digital phantom).
# SPDX-License-Identifier: GPL-3.0-or-later
import os

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def data_dir():
    return os.environ.get("VOXOMICS_DATA") or os.path.join(os.path.dirname(REPO), "shared")


@pytest.fixture(scope="session")
def data():
    d = data_dir()
    if not os.path.isdir(d):
        pytest.fail(f"reference data not found at {d}: set VOXOMICS_DATA")
    return d


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def phantom(data):
    """(image, mask) files of the IBSI 1 digital phantom."""
    d = os.path.join(data, "ibsi", "ibsi1", "digital_phantom")
    return os.path.join(d, "image.nii.gz"), os.path.join(d, "mask.nii.gz")
