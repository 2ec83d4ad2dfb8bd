# voxomics Python tests: shared fixtures (the reference data folder). SPDX-License-Identifier: GPL-3.0-or-later
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
