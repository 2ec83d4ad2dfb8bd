# voxomics Python package: cohorts from a DataFrame or a CSV file, in parallel, with progress.
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import threading

import numpy as np
import pandas as pd
import pytest

import voxomics
from ibsi_ref import mismatches, reference

PHANTOM_CONFIG = "configs/ibsi1/digital_phantom.yaml"


def test_cohort_dataframe_progress(phantom, data):
    cases = pd.DataFrame({"ID": ["p1", "p2", "broken", "p3"],
                          "Image": [phantom[0], phantom[0], "/nonexistent/image.nii.gz", phantom[0]],
                          "Mask": [phantom[1]] * 4,
                          "site": ["A", "B", "A", "B"]})
    calls = []
    threads = set()

    def progress(done, total, failed, elapsed):
        calls.append((done, total, failed))
        threads.add(threading.get_ident())

    df = voxomics.cohort(cases, PHANTOM_CONFIG, jobs=2, progress=progress)
    assert list(df["case"]) == ["p1", "p2", "broken", "p3"]
    assert list(df["site"]) == ["A", "B", "A", "B"]
    assert "read image" in df.loc[2, "error"] and df.loc[0, "error"] == ""
    done = [c[0] for c in calls]  # a first call may announce the run (0 done)
    assert done == sorted(done) and set(done) >= {1, 2, 3, 4} and calls[-1] == (4, 4, 1)
    refs = reference(data, "digital_phantom")
    for i in (0, 1, 3):
        row = df.iloc[i]
        assert mismatches({k: row[k] for k in refs if k in df.columns}, refs) == []
    # the same values as one extraction
    one = voxomics.extract(*phantom, PHANTOM_CONFIG, as_dict=True)
    for k, v in one.items():
        assert df.loc[0, k] == v or (np.isnan(v) and np.isnan(df.loc[0, k]))
    with pytest.raises(voxomics.VoxomicsError) as e:
        voxomics.cohort(cases, PHANTOM_CONFIG, errors="raise")
    assert "1 case(s) failed" in str(e.value) and "/nonexistent/image.nii.gz" in str(e.value)


def test_cohort_csv_text_progress(phantom, tmp_path, capsys):
    csv = tmp_path / "cases.csv"
    csv.write_text(f"ID,Image,Mask\na,{phantom[0]},{phantom[1]}\nb,{phantom[0]},{phantom[1]}\n")
    df = voxomics.cohort(csv, PHANTOM_CONFIG, jobs=2, progress=True)
    assert list(df["case"]) == ["a", "b"]
    assert "voxomics cohort: 2/2 cases, 0 failed" in capsys.readouterr().err


def test_cohort_progress_exception_is_raised(phantom):
    def progress(done, total, failed, elapsed):
        raise ValueError("stop here")

    cases = {"Image": [phantom[0]], "Mask": [phantom[1]]}
    with pytest.raises(ValueError, match="stop here"):
        voxomics.cohort(cases, PHANTOM_CONFIG, progress=progress)


def test_cohort_relative_paths_and_label(phantom, monkeypatch):
    monkeypatch.chdir(os.path.dirname(phantom[0]))
    cases = pd.DataFrame({"ID": ["rel"], "Image": ["image.nii.gz"], "Mask": ["mask.nii.gz"], "Label": ["all"]})
    df = voxomics.cohort(cases, os.path.join(os.path.dirname(__file__), "..", "..", PHANTOM_CONFIG))
    assert list(df["case"]) == ["rel"] and list(df["roi"]) == ["1"] and df.loc[0, "error"] == ""
