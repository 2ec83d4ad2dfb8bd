# voxomics Python tests: the IBSI 1 reference values and their matching rule ($VOXOMICS_DATA/ibsi/README.md:
# |x - ref| truncated at the reference's third significant digit is within the tolerance; as
# tests/unit/vx_test.c vx_test_ibsi_match). SPDX-License-Identifier: GPL-3.0-or-later
import csv
import math
import os


def reference(data, dataset):
    """{tag: (reference, tolerance)} of the rows of `dataset` that have a reference value."""
    out = {}
    with open(os.path.join(data, "ibsi", "ibsi1", "reference_values.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["dataset_id"] == dataset and row["reference_value"] != "":
                out[row["tag"]] = (float(row["reference_value"]), float(row["tolerance"]))
    return out


def matches(x, ref, tol):
    if not math.isfinite(x):
        return False
    diff = abs(ref - x)
    e = 2 if ref == 0.0 else math.floor(math.log10(abs(ref)))
    unit = 10.0 ** (e - 2)
    trunc = math.floor(diff / unit * (1.0 + 1e-12)) * unit
    return trunc <= tol * (1.0 + 1e-12)


def mismatches(values, refs):
    """The reference tags missing from values ({tag: value}) or not matching: [(tag, value, ref, tol)]."""
    bad = []
    for tag, (ref, tol) in refs.items():
        x = values.get(tag)
        if x is None or not matches(float(x), ref, tol):
            bad.append((tag, x, ref, tol))
    return bad
