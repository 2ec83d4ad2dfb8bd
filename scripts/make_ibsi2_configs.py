#!/usr/bin/env python3
"""Write configs/ibsi2/phase1/<test id>.yaml (one per IBSI 2 phase 1 test) and configs/ibsi2/phase2/<id>.yaml
(one per phase 2 filter configuration) from the parameters of the IBSI 2 manual (transcribed in
$VOXOMICS_DATA/ibsi/ibsi2/phase1_tests.csv and tests.md). A developer tool: run it from the repository root when
the settings schema changes; the configs are committed, the tests never run it.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import csv
import os
import sys

DATA = os.environ.get("VOXOMICS_DATA", "../shared")
PAD = {"zero": "constant", "nearest": "nearest", "periodic": "periodic", "mirror": "mirror"}


def angle(text):
    return text.replace("pi", "pi") if text else text


def wavelet_name(text):
    t = text.lower()
    if t.startswith("haar"):
        return "haar"
    return t[t.index("(") + 1:t.index(")")]


def phase1_filter(r):
    f = {"dim": r["dimensionality"], "padding": PAD[r["boundary_condition"]]}
    kind = r["filter"]
    if kind == "mean":
        f = {"filter": "mean", **f, "support": int(r["support_M_voxels"])}
    elif kind == "LoG":
        f = {"filter": "log", **f, "sigma_mm": float(r["sigma_mm"]), "truncate": float(r["filter_size_cutoff_sigma"])}
    elif kind == "Laws":
        f = {"filter": "laws", **f, "kernel": r["laws_kernel"]}
        if r["rotation_invariance"] not in ("", "no"):
            f.update(rotation_invariant="true", pooling=r["pooling"])
        if r["energy_map_delta_voxels"]:
            f["energy_delta"] = int(r["energy_map_delta_voxels"])
    elif kind == "Gabor":
        f = {"filter": "gabor", **f, "sigma_mm": float(r["sigma_mm"]), "lambda_mm": float(r["gabor_lambda_mm"]),
             "gamma": eval(r["gabor_gamma"])}
        if r["rotation_invariance"] not in ("", "no"):
            f.update(rotation_invariant="true", delta_theta=r["gabor_delta_theta_rad"], pooling=r["pooling"])
        else:
            f["theta"] = r["gabor_theta_rad"]
        if r["gabor_orthogonal_planes"].startswith("yes"):
            f["orthogonal_planes"] = "true"
    elif kind == "separable wavelet":
        f = {"filter": "wavelet", **f, "wavelet": wavelet_name(r["wavelet"]), "subband": r["wavelet_map"].split()[0],
             "level": int(r["decomposition_level"])}
        if r["rotation_invariance"] not in ("", "no"):
            f.update(rotation_invariant="true", pooling=r["pooling"])
    elif kind == "non-separable wavelet":
        f = {"filter": "simoncelli", **f, "level": int(r["decomposition_level"])}
    elif kind == "Riesz-transformed LoG":
        f = {"filter": "log", **f, "sigma_mm": float(r["sigma_mm"]), "truncate": float(r["filter_size_cutoff_sigma"]),
             "riesz_order": "[" + r["riesz_order_l"].strip("()").replace(",", ", ") + "]"}
    elif kind == "Riesz-transformed Simoncelli":
        f = {"filter": "simoncelli", **f, "level": int(r["decomposition_level"]),
             "riesz_order": "[" + r["riesz_order_l"].strip("()").replace(",", ", ") + "]"}
    else:
        sys.exit("unknown filter " + kind)
    if r["structure_tensor_sigma_mm"]:
        f["tensor_sigma_mm"] = float(r["structure_tensor_sigma_mm"])
    return f


def yaml_filter(f, indent="    "):
    lines = []
    first = True
    for k, v in f.items():
        if isinstance(v, float):
            v = repr(v)
        lines.append(f"{indent[:-2]}- {k}: {v}" if first else f"{indent}{k}: {v}")
        first = False
    return "\n".join(lines)


def phase1():
    with open(os.path.join(DATA, "ibsi/ibsi2/phase1_tests.csv"), newline="") as fh:
        for r in csv.DictReader(fh):
            tid = r["test_id"]
            ref = r["reference_map_file"] or "none (no consensus reference map)"
            body = (f"# IBSI 2 phase 1 test {tid}: {r['filter']} on the {r['phantom']} phantom.\n"
                    f"# Reference response map: {ref}.\n"
                    f"# voxomics filter --config configs/ibsi2/phase1/{tid}.yaml -o map.nii.gz "
                    f"../shared/ibsi/ibsi2/phase1_phantoms/{r['phantom']}/image.nii.gz\n"
                    "version: 1\n"
                    f"description: IBSI 2 phase 1 test {tid}\n"
                    "image_types:\n"
                    "  original: false\n"
                    "  filters:\n" + yaml_filter(phase1_filter(r)) + "\n")
            with open(f"configs/ibsi2/phase1/{tid}.yaml", "w") as out:
                out.write(body)


# phase 2: the CT phantom, configurations A (2D, no interpolation) and B (3D, 1 mm, tricubic spline)
PROC = {
    "A": "processing:\n  resegmentation:\n    range: [-1000, 400]\n",
    "B": ("processing:\n  round_intensities: true\n  resampling:\n    spacing: [1, 1, 1]\n    method: cubic\n"
          "    mask_method: linear\n    mask_partial_volume: 0.5\n  resegmentation:\n    range: [-1000, 400]\n"),
}


def phase2_filter(fid, cfg):
    d = "2D" if cfg == "A" else "3D"
    base = {"dim": d, "padding": "mirror"}
    if fid == 1:
        return None
    if fid == 2:
        return {"filter": "mean", **base, "support": 5}
    if fid == 3:
        return {"filter": "log", **base, "sigma_mm": 1.5, "truncate": 4.0}
    if fid == 4:
        k = "L5E5" if cfg == "A" else "L5E5E5"
        return {"filter": "laws", **base, "kernel": k, "rotation_invariant": "true", "pooling": "max",
                "energy_delta": 7}
    if fid == 5:
        f = {"filter": "gabor", "dim": "2D", "padding": "mirror", "sigma_mm": 5.0, "lambda_mm": 2.0, "gamma": 1.5,
             "rotation_invariant": "true", "delta_theta": "pi/8", "pooling": "average"}
        if cfg == "B":
            f["orthogonal_planes"] = "true"
        return f
    if fid in (6, 7):
        band = {(6, "A"): "LH", (6, "B"): "LLH", (7, "A"): "HH", (7, "B"): "HHH"}[(fid, cfg)]
        return {"filter": "wavelet", **base, "wavelet": "db3", "subband": band, "level": 1 if fid == 6 else 2,
                "rotation_invariant": "true", "pooling": "average"}
    # Simoncelli is defined on the image's DFT grid: the plain (periodic) DFT, as the IBSI 2 teams computed it
    # (the manual lets phase 2 choose the padding; mirror padding moves the near-zero median and quartile
    # coefficient of dispersion of these band-pass maps by more than their tolerance)
    sim = {"dim": d, "padding": "periodic"}
    if fid in (8, 9):
        return {"filter": "simoncelli", **sim, "level": fid - 7}
    if fid in (10, 11):
        f = {"filter": "simoncelli", **sim, "level": 1, "riesz_order": "[0, 2, 0]"}
        if fid == 11:
            f["tensor_sigma_mm"] = 1.0
        return f
    sys.exit("unknown phase 2 filter %d" % fid)


def phase2():
    for fid in range(1, 12):
        for cfg in "AB":
            f = phase2_filter(fid, cfg)
            name = f"{fid}.{cfg}"
            what = "the original image" if f is None else f"filter {f['filter']}"
            body = (f"# IBSI 2 phase 2 configuration {name}: the 18 IBSI 1 intensity statistics of {what} in the CT\n"
                    f"# phantom's GTV (image processing configuration {cfg}: "
                    f"{'2D, no interpolation' if cfg == 'A' else '3D, 1 mm tricubic spline, rounding, ROI trilinear 0.5'}"
                    ", re-segmentation [-1000, 400] HU).\n"
                    f"# voxomics extract --config configs/ibsi2/phase2/{name}.yaml --format long -o out.csv "
                    "../shared/ibsi/ibsi1/ct_phantom/image.nii.gz ../shared/ibsi/ibsi1/ct_phantom/mask.nii.gz\n"
                    "version: 1\n"
                    f"description: IBSI 2 phase 2 configuration {name}\n" + PROC[cfg])
            if f is not None:
                body += "image_types:\n  original: false\n  filters:\n" + yaml_filter(f) + "\n"
            body += "features:\n  families: [statistics]\n"
            with open(f"configs/ibsi2/phase2/{name}.yaml", "w") as out:
                out.write(body)


if __name__ == "__main__":
    phase1()
    phase2()
