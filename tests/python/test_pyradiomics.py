# voxomics.pyradiomics against PyRadiomics' own output: a PyRadiomics script (pyrad_script.py, its import changed)
# run on PyRadiomics' test case brain1 with each of PyRadiomics' test configurations (configs/pyradiomics/*.yaml,
# the settings of each committed baseline column) reproduces every baseline value within the tolerance of the
# C conformance test (tests/conformance/test_conformance_pyradiomics.c: 1e-6 relative, resampling 1e-4, filters
# 1e-5 and LoG 1e-4) and the baseline's keys; the extractor's methods change the output as PyRadiomics
# documents. Data: $VOXOMICS_DATA/pyradiomics (default ../shared from the repository).
# SPDX-License-Identifier: GPL-3.0-or-later
import collections
import csv
import io
import os
import subprocess
import sys

import numpy as np
import pytest
import yaml

import voxomics
from voxomics import pyradiomics as radiomics
from voxomics.pyradiomics import featureextractor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import pyrad_script  # noqa: E402

DATA = os.path.join(os.environ.get("VOXOMICS_DATA") or os.path.join(ROOT, "..", "shared"), "pyradiomics")
IMAGE = os.path.join(DATA, "brain1_image.nrrd")
MASK = os.path.join(DATA, "brain1_label.nrrd")
CLASSES = ("firstorder", "glcm", "gldm", "glrlm", "glszm", "ngtdm", "shape", "shape2D")
# configuration -> (relative tolerance, number of baseline values), as the C conformance test
CONFIGS = {"brain1": (1e-6, 107), "brain1_2d": (1e-6, 75), "brain1_FBN": (1e-6, 75),
           "brain1_combined": (1e-6, 40), "brain1_flatRegion": (1e-6, 75), "brain1_normalization": (1e-6, 93),
           "brain1_resampling": (1e-4, 107), "brain1_resegmentation": (1e-6, 93), "brain1_shape2D": (1e-6, 9)}
# brain1's committed mesh values come from an older PyRadiomics: its current code's values (the data's README)
CURRENT_MESH = {"original_shape_MeshVolume": 16147.5118, "original_shape_SurfaceArea": 6438.8216,
                "original_shape_Sphericity": 0.479823454, "original_shape_SurfaceVolumeRatio": 0.398750079}
# diagnostics voxomics writes as PyRadiomics' baselines print them (docs/pyradiomics_output.md)
SAME_TEXT = ("Image-original_Hash", "Image-original_Spacing", "Image-original_Size", "Mask-original_Hash",
             "Mask-original_Spacing", "Mask-original_Size", "Mask-original_BoundingBox", "Mask-original_VoxelNum",
             "Mask-original_VolumeNum", "Mask-original_CenterOfMassIndex", "Mask-original_CenterOfMass")
# baseline diagnostics voxomics does not write, by design: the test-case name and PyRadiomics' own versions
NOT_WRITTEN = ("diagnostics_Configuration_TestCase", "diagnostics_Versions_")


def _require_data():
    if not os.path.exists(IMAGE):
        pytest.fail(f"PyRadiomics' test data not found in {DATA}: set VOXOMICS_DATA to the shared data folder")


def baseline(column):
    """{key: text} of one configuration column of PyRadiomics' baseline tables (empty cells left out)."""
    out = {}
    for c in CLASSES:
        with open(os.path.join(DATA, f"baseline_{c}.csv"), newline="") as f:
            rows = list(csv.reader(f))
        if column not in rows[0]:
            continue
        j = rows[0].index(column)
        for r in rows[1:]:
            if len(r) > j and r[j] != "":
                out[r[0]] = r[j]
    return out


def close(x, ref, tol):
    return abs(x - ref) <= tol * abs(ref) or abs(x - ref) <= 1e-12


def shape2d_mask():
    """PyRadiomics' 2D shape case: brain1's label at slice z = 16 as a one-slice image placed where that slice
    lies (its baseline's mask, corrected onto the image grid by correctMask), in memory."""
    lab = voxomics.read_image(MASK)
    origin = np.asarray(lab.origin) + np.asarray(lab.direction)[:, 2] * 16 * lab.spacing[2]
    sl = np.array(lab.array[:, :, 16:17])
    assert int((sl == 1).sum()) == 984
    return voxomics.Image(sl, spacing=lab.spacing, origin=origin, direction=lab.direction)


def run_script(config):
    params = os.path.join(ROOT, "configs", "pyradiomics", f"{config}.yaml")
    mask = shape2d_mask() if config == "brain1_shape2D" else MASK
    out = io.StringIO()
    result = pyrad_script.main(params, IMAGE, mask, out=out)
    assert isinstance(result, collections.OrderedDict)
    assert "original_" in out.getvalue()
    return result


def class_of(key):
    return key.split("_")[1]


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_script_reproduces_baseline(config):
    _require_data()
    tol, count = CONFIGS[config]
    ref = baseline(config)
    ours = run_script(config)
    features = {k: v for k, v in ref.items() if not k.startswith("diagnostics_")}
    assert len(features) == count
    bad = []
    for k, text in features.items():
        r = CURRENT_MESH.get(k, float(text)) if config == "brain1" else float(text)
        if k not in ours:
            bad.append(f"{k}: missing")
        elif not close(float(ours[k]), r, tol):
            bad.append(f"{k}: {float(ours[k])!r}, PyRadiomics {r!r}")
    assert not bad, f"{config}: {len(bad)} of {count} values differ: " + "; ".join(bad[:10])
    # every value is a 0-d float64 array, as PyRadiomics returns its features
    ours_features = {k: v for k, v in ours.items() if not k.startswith("diagnostics_")}
    assert all(isinstance(v, np.ndarray) and v.shape == () and v.dtype == np.float64
               for v in ours_features.values())
    # keys: per class present in the baseline column, the same feature keys (brain1 has every class)
    for c in {class_of(k) for k in features}:
        assert {k for k in ours_features if class_of(k) == c} == {k for k in features if class_of(k) == c}, c
    if config == "brain1":
        assert set(ours_features) == set(features)
    # diagnostics: every baseline key but the documented ones, diagnostics first in the dict
    diag = [k for k in ref if k.startswith("diagnostics_") and not k.startswith(NOT_WRITTEN)]
    missing = [k for k in diag if k not in ours]
    assert not missing, f"{config}: diagnostics missing: {missing}"
    keys = list(ours)
    n_diag = sum(k.startswith("diagnostics_") for k in keys)
    assert all(k.startswith("diagnostics_") for k in keys[:n_diag])
    if config == "brain1_shape2D":
        # the one-slice mask lies off the image grid: checkMask's correction (correctMask) as PyRadiomics reports it
        corrected = [k for k in ref if k.startswith("diagnostics_Mask-corrected_")]
        assert len(corrected) == 10
        for k in corrected:
            assert str(ours[k]) == ref[k], k


def test_diagnostics_values():
    """brain1's diagnostics as PyRadiomics' baseline prints them (str of the value), the image statistics as
    numbers; the values have PyRadiomics' Python types."""
    _require_data()
    ref = baseline("brain1_2d")  # a column holding the image statistics too
    ours = featureextractor.RadiomicsFeatureExtractor(
        os.path.join(ROOT, "configs", "pyradiomics", "brain1.yaml")).execute(IMAGE, MASK)
    for k in SAME_TEXT:
        assert str(ours["diagnostics_" + k]) == ref["diagnostics_" + k], k
    for k in ("Image-original_Mean", "Image-original_Minimum", "Image-original_Maximum"):
        assert float(ours["diagnostics_" + k]) == float(ref["diagnostics_" + k]), k
    assert isinstance(ours["diagnostics_Mask-original_BoundingBox"], tuple)
    assert isinstance(ours["diagnostics_Mask-original_VoxelNum"], int)
    assert isinstance(ours["diagnostics_Configuration_Settings"], dict)
    assert ours["diagnostics_Configuration_Settings"]["binWidth"] == 25
    assert ours["diagnostics_Configuration_EnabledImageTypes"] == {"Original": {}}
    assert ours["diagnostics_Versions_voxomics"] == radiomics.__version__


def test_filters_reference():
    """PyRadiomics' filters/params.yaml (15 image types) against its 1,502 values."""
    _require_data()
    with open(os.path.join(DATA, "filters", "reference_brain1.csv"), newline="") as f:
        ref = {r[0]: float(r[1]) for r in list(csv.reader(f))[1:]}
    assert len(ref) == 1502
    ours = pyrad_script.main(os.path.join(DATA, "filters", "params.yaml"), IMAGE, MASK, out=io.StringIO())
    bad = [k for k, r in ref.items()
           if k not in ours or not close(float(ours[k]), r, 1e-4 if k.startswith("log-") else 1e-5)]
    assert not bad, f"{len(bad)} of 1502 differ: {bad[:10]}"
    assert not any(k.startswith("diagnostics_") for k in ours)  # additionalInfo: false
    assert set(ours) == set(ref)


def test_script_as_a_program():
    _require_data()
    params = os.path.join(ROOT, "configs", "pyradiomics", "brain1.yaml")
    p = subprocess.run([sys.executable, os.path.join(HERE, "pyrad_script.py"), params, IMAGE, MASK],
                       capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert p.returncode == 0, p.stderr
    assert "original_glcm_Contrast : 47.4921251144" in p.stdout
    assert "diagnostics_Mask-original_BoundingBox : (162, 84, 11, 47, 70, 7)" in p.stdout


def brain1_extractor():
    return featureextractor.RadiomicsFeatureExtractor(os.path.join(ROOT, "configs", "pyradiomics", "brain1.yaml"))


def test_feature_class_and_image_type_methods():
    _require_data()
    ex = brain1_extractor()
    ex.enableFeatureClassByName("glcm", False)
    assert "glcm" not in ex.enabledFeatures
    out = ex.execute(IMAGE, MASK)
    assert not any("_glcm_" in k for k in out)
    assert any("_glrlm_" in k for k in out)
    ex.enableImageTypeByName("LoG", customArgs={"sigma": [1.0]})
    assert ex.enabledImagetypes == {"Original": {}, "LoG": {"sigma": [1.0]}}
    out = ex.execute(IMAGE, MASK)
    log = [k for k in out if k.startswith("log-sigma-1-0-mm-3D_")]
    assert len(log) == 93 - 24  # every class but shape and glcm
    assert out["diagnostics_Configuration_EnabledImageTypes"] == {"Original": {}, "LoG": {"sigma": [1.0]}}
    with open(os.path.join(DATA, "filters", "reference_brain1.csv"), newline="") as f:
        ref = {r[0]: float(r[1]) for r in list(csv.reader(f))[1:]}
    for k in ("log-sigma-1-0-mm-3D_glrlm_RunEntropy", "log-sigma-1-0-mm-3D_firstorder_Mean"):
        assert close(float(out[k]), ref[k], 1e-4), k
    ex.enableImageTypeByName("LoG", enabled=False)
    ex.disableAllFeatures()
    ex.enableFeaturesByName(firstorder=["Mean", "Median"])
    out = ex.execute(IMAGE, MASK)
    assert [k for k in out if not k.startswith("diagnostics_")] == ["original_firstorder_Mean",
                                                                   "original_firstorder_Median"]
    ex.enableAllFeatures()
    assert set(ex.enabledFeatures) == set(CLASSES)
    ex.addProvenance(False)
    out = ex.execute(IMAGE, MASK)
    assert not any(k.startswith("diagnostics_") for k in out)
    ex.disableAllImageTypes()  # PyRadiomics then computes the shape class only
    out = ex.execute(IMAGE, MASK)
    assert {class_of(k) for k in out} == {"shape"} and len(out) == 14
    ex.enableImageTypeByName("NoSuchFilter")  # logged and ignored, as in PyRadiomics
    assert "NoSuchFilter" not in ex.enabledImagetypes


def test_dict_params_kwargs_and_defaults():
    _require_data()
    with open(os.path.join(ROOT, "configs", "pyradiomics", "brain1.yaml")) as f:
        params = yaml.safe_load(f)
    params["featureClass"] = {"firstorder": None}
    ex = featureextractor.RadiomicsFeatureExtractor(params)
    out = ex.execute(IMAGE, MASK)
    ref = baseline("brain1")
    first = {k: v for k, v in out.items() if not k.startswith("diagnostics_")}
    assert len(first) == 18 and all(k.startswith("original_firstorder_") for k in first)
    for k, v in first.items():
        assert close(float(v), float(ref[k]), 1e-6), k
    # keyword settings override the parameters; the defaults are PyRadiomics'
    ex = featureextractor.RadiomicsFeatureExtractor(binWidth=50)
    assert ex.settings["binWidth"] == 50 and ex.settings["label"] == 1
    assert ex.enabledImagetypes == {"Original": {}}
    assert "shape2D" not in ex.enabledFeatures and "glcm" in ex.enabledFeatures
    out = ex.execute(IMAGE, MASK)
    assert out["diagnostics_Configuration_Settings"]["binWidth"] == 50
    ex.loadJSONParams('{"setting": {"binWidth": 25, "voxelArrayShift": 2000, "gldm_a": 0, '
                      '"minimumROIDimensions": 1}, "featureClass": {"glcm": []}}')
    out = ex.execute(IMAGE, MASK)
    assert close(float(out["original_glcm_Contrast"]), float(ref["original_glcm_Contrast"]), 1e-6)


def test_json_parameter_file(tmp_path):
    _require_data()
    with open(os.path.join(ROOT, "configs", "pyradiomics", "brain1_FBN.yaml")) as f:
        params = yaml.safe_load(f)
    path = tmp_path / "params.json"
    path.write_text(__import__("json").dumps(params))
    out = featureextractor.RadiomicsFeatureExtractor(path).execute(IMAGE, MASK)
    ref = baseline("brain1_FBN")
    assert close(float(out["original_glcm_Contrast"]), float(ref["original_glcm_Contrast"]), 1e-6)
    assert out["diagnostics_Configuration_Settings"]["binCount"] == 64


def test_in_memory_images_and_label():
    _require_data()
    ex = brain1_extractor()
    files = ex.execute(IMAGE, MASK)
    image, mask = voxomics.read_image(IMAGE), voxomics.read_image(MASK)
    mem = ex.execute(image, mask, label=1)
    assert list(mem) == list(files)
    for k, v in files.items():
        if not k.startswith("diagnostics_"):
            assert float(mem[k]) == float(v), k
    assert mem["diagnostics_Image-original_Hash"] == files["diagnostics_Image-original_Hash"]
    mixed = ex.execute(IMAGE, mask)
    assert float(mixed["original_glcm_Contrast"]) == float(files["original_glcm_Contrast"])
    with pytest.raises(voxomics.VoxomicsError, match="label"):
        ex.execute(IMAGE, MASK, label=7)  # brain1 has no label 7
    # label and label_channel hold for the call only (PyRadiomics copies its settings), and show in the
    # diagnostics' settings dict
    out = ex.execute(IMAGE, MASK, label=np.int64(1), label_channel=0)
    assert out["diagnostics_Configuration_Settings"]["label_channel"] == 0
    assert "label_channel" not in ex.settings and ex.settings["label"] == 1
    assert float(out["original_glcm_Contrast"]) == float(files["original_glcm_Contrast"])
    with pytest.raises(TypeError, match="SimpleITK|file name"):
        ex.execute(object(), MASK)


def test_errors():
    _require_data()
    with pytest.raises(IOError):
        featureextractor.RadiomicsFeatureExtractor("/nonexistent/params.yaml")
    with pytest.raises(voxomics.VoxomicsError, match="binWidht"):
        featureextractor.RadiomicsFeatureExtractor({"setting": {"binWidht": 25}})
    ex = featureextractor.RadiomicsFeatureExtractor(binWidth=-3)
    with pytest.raises(voxomics.VoxomicsError, match="binWidth") as e:
        ex.execute(IMAGE, MASK)
    assert e.value.code < 0
    ex = featureextractor.RadiomicsFeatureExtractor()
    with pytest.raises(voxomics.VoxomicsError, match="no_such_image"):
        ex.execute("/nonexistent/no_such_image.nrrd", MASK)
    with pytest.raises(voxomics.VoxomicsError, match="no_such_image"):  # voxel-based: the same input errors
        ex.execute("/nonexistent/no_such_image.nrrd", MASK, voxelBased=True)


def test_module_level_api():
    assert set(radiomics.getFeatureClasses()) == set(CLASSES)
    assert "LoG" in radiomics.getImageTypes() and "Wavelet" in radiomics.getImageTypes()
    assert radiomics.__version__ == voxomics.version()
    radiomics.setVerbosity(40)
    assert radiomics.getTestCase("brain1", DATA) == (IMAGE, MASK)
    assert radiomics.getTestCase("no_such_case", DATA) == (None, None)
    assert radiomics.featureextractor.RadiomicsFeatureExtractor is featureextractor.RadiomicsFeatureExtractor
    with pytest.raises(NotImplementedError):
        radiomics.getFeatureClasses()["glcm"]()
