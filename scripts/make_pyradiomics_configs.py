#!/usr/bin/env python3
"""Write configs/pyradiomics/<configuration>.yaml: PyRadiomics parameter files for the brain1 test configurations
whose committed baselines are in $VOXOMICS_DATA/pyradiomics/baseline_<class>.csv. Each file holds exactly the
settings of its column's diagnostics_Configuration_Settings row (a Python dict; null values and additionalInfo
left out), image type Original, every feature class (the shape2D configuration: shape2D only).
Run once by a developer; tests/conformance/test_conformance_pyradiomics.c uses the files.
SPDX-License-Identifier: GPL-3.0-or-later"""
import ast
import csv
import glob
import os
import sys

data = os.environ.get("VOXOMICS_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "configs", "pyradiomics")
settings = {}
for path in sorted(glob.glob(os.path.join(data, "pyradiomics", "baseline_*.csv"))):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, by_name = rows[0], {r[0]: r[1:] for r in rows[1:]}
    for i, column in enumerate(header[1:]):
        s = ast.literal_eval(by_name["diagnostics_Configuration_Settings"][i])
        if settings.setdefault(column, s) != s:
            sys.exit(f"{column}: different settings in {path}")


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    return repr(v)


os.makedirs(out, exist_ok=True)
for column, s in sorted(settings.items()):
    lines = [f"# PyRadiomics test configuration {column} (its baseline's diagnostics_Configuration_Settings;",
             "# written by scripts/make_pyradiomics_configs.py)", "setting:"]
    lines += [f"  {k}: {scalar(v)}" for k, v in s.items() if v is not None and k != "additionalInfo"]
    lines += ["imageType:", "  Original: {}", "featureClass:"]
    classes = ["shape2D"] if column.endswith("shape2D") else \
        ["shape", "firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"]
    lines += [f"  {c}:" for c in classes]
    with open(os.path.join(out, column + ".yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(os.path.join("configs", "pyradiomics", column + ".yaml"))
