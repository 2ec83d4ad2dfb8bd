# voxomics Python package: voxel maps (voxomics.maps, and RadiomicsFeatureExtractor.execute(voxelBased=True)) on
# the IBSI 1 digital phantom. References: the `voxomics maps` command line's NIfTI files, and the definition of a
# map value (docs/maps.md) computed independently: an extraction with the kernel of a voxel as its own mask.
# SPDX-License-Identifier: GPL-3.0-or-later
import math
import os
import subprocess

import nibabel
import numpy as np
import pytest
import yaml

import voxomics
from voxomics.pyradiomics import featureextractor

CONFIG = "configs/ibsi1/digital_phantom.yaml"  # no discretisation: the phantom's values are its grey levels
# the families that have maps (docs/maps.md): the others (morphology, local intensity, IVH) have none
MAP_FAMILIES = ("stat_", "ih_", "cm_", "rlm_", "szm_", "dzm_", "ngt_", "ngl_")
# a PyRadiomics parameter dict for the phantom (bin width 1: its grey levels 1..6 are the bins)
PYRAD = {"setting": {"binWidth": 1, "label": 1, "minimumROIDimensions": 1}}


@pytest.fixture(scope="module")
def images(phantom):
    return voxomics.read_image(phantom[0]), voxomics.read_image(phantom[1])


@pytest.fixture(scope="module")
def cube1(images):
    return voxomics.maps(*images, CONFIG, kernel_radius=1)


def cli():
    path = os.environ.get("VOXOMICS_CLI") or os.path.join(
        os.path.dirname(os.path.abspath(voxomics.__file__)), "..", "..", "..", "voxomics")
    if not os.path.isfile(path):
        pytest.fail(f"the command line {path} is not built: set VOXOMICS_CLI (tests/python/run.sh sets it)")
    return path


def kernel_mask(roi, v, radius, shape):
    """The kernel of voxel v (x, y, z) as a 0/1 mask, written from docs/maps.md: the voxels u of the grid with
    max |u - v| <= radius (cube) or |u - v|^2 <= radius^2 (sphere), in voxel units, inside the ROI."""
    x, y, z = np.indices(roi.shape)
    d = np.stack([x - v[0], y - v[1], z - v[2]])
    near = np.abs(d).max(axis=0) <= radius if shape == "cube" else (d ** 2).sum(axis=0) <= radius ** 2
    return (near & roi).astype(np.uint8)


def same(a, b, rel):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= rel * max(abs(a), abs(b))


# ---- against the command line ------------------------------------------------------------------------------
def test_maps_equal_the_command_line(phantom, images, cube1, tmp_path):
    out = tmp_path / "maps"
    p = subprocess.run([cli(), "maps", "-q", "--config", CONFIG, "-r", "1", "-o", str(out), *phantom],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    files = sorted(f[: -len(".nii.gz")] for f in os.listdir(out))
    assert files == sorted(cube1) and len(cube1) == 177
    for name, img in cube1.items():
        ref = np.asarray(nibabel.load(str(out / f"{name}.nii.gz")).dataobj)
        assert ref.dtype == np.float32 and np.array_equal(img.array, ref, equal_nan=True), name
    # from the files, and a sphere with threads, as the command line's options
    m = voxomics.maps(*phantom, CONFIG, kernel_radius=2, kernel="sphere", init_value=-1, threads=2)
    p = subprocess.run([cli(), "maps", "-q", "-c", CONFIG, "-r", "2", "--kernel", "sphere", "--init-value", "-1",
                        "-j", "2", "-o", str(tmp_path / "sphere"), *phantom], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    for name in ("stat_mean", "cm_contrast_3D_avg", "szm_z_perc_3D", "ngl_dc_energy_3D"):
        ref = np.asarray(nibabel.load(str(tmp_path / "sphere" / f"{name}.nii.gz")).dataobj)
        assert np.array_equal(m[name].array, ref, equal_nan=True), name


# ---- the definition: each value is an extraction on the voxel's kernel -------------------------------------
@pytest.mark.parametrize("radius,shape", [(1, "cube"), (2, "sphere")])
def test_map_value_is_the_kernels_extraction(images, cube1, radius, shape):
    img, mask = images
    m = cube1 if (radius, shape) == (1, "cube") else voxomics.maps(img, mask, CONFIG, kernel_radius=radius,
                                                                   kernel=shape)
    roi = mask.array >= 0.5  # the configuration's mask threshold
    assert len(m.index) == int(roi.sum()) == 74
    names = list(m)
    checked = 0
    for i in (0, 11, 37, 52, len(m.index) - 1):
        v = tuple(int(c) for c in m.coords[i])
        assert roi[v]
        ref = voxomics.extract(img, kernel_mask(roi, v, radius, shape), CONFIG, as_dict=True)
        for k, name in enumerate(names):
            assert same(m.roi_values[k, i], ref[name], 1e-12), (v, name, m.roi_values[k, i], ref[name])
            assert same(float(m[name].array[v]), float(np.float32(ref[name])), 0), (v, name)
            checked += 1
    assert checked == 5 * 177


def test_names_geometry_and_outside(images, cube1):
    img, mask = images
    ext = voxomics.extract(img, mask, CONFIG, as_dict=True)
    # the maps are the extraction's features of the families that have maps, under their 3D aggregations, with
    # the same names
    assert set(cube1) == {k for k in ext if k.startswith(MAP_FAMILIES) and "_2D" not in k and "_2_5D" not in k}
    roi = mask.array >= 0.5
    assert isinstance(cube1, dict) and all(isinstance(m, voxomics.Image) for m in cube1.values())
    for name, m in cube1.items():
        assert isinstance(m, voxomics.Image) and m.dtype == np.float32 and m.shape == img.shape
        assert m.dims == img.dims and m.spacing == img.spacing and m.origin == img.origin
        assert np.array_equal(m.direction, img.direction)
        assert (m.array[~roi] == 0).all()  # init_value 0, PyRadiomics' default
    # the double values sit where index says; coords are its (x, y, z)
    k = list(cube1).index("stat_mean")
    flat = cube1["stat_mean"].array.ravel(order="F")
    assert np.array_equal(flat[cube1.index], cube1.roi_values[k].astype(np.float32))
    assert np.array_equal(np.ravel_multi_index(cube1.coords.T, img.dims, order="F"), cube1.index)
    # init_value, nan included, and the order of the image's arrays (zyx)
    m = voxomics.maps(img.view("zyx"), mask.view("zyx"), CONFIG, init_value=float("nan"), order="zyx",
                      spacing=img.spacing)
    mean = m["stat_mean"]
    assert m.init_value != m.init_value and mean.order == "zyx" and mean.shape == img.shape[::-1]
    assert np.isnan(mean.view("xyz")[~roi]).all() and np.isfinite(mean.view("xyz")[roi]).all()
    assert np.array_equal(mean.view("xyz")[roi], cube1["stat_mean"].array[roi])
    m = voxomics.maps(img, mask, CONFIG, init_value=-5.5)
    assert (m["ngt_coarseness_3D"].array[~roi] == -5.5).all()


def test_threads_labels_and_settings(images, cube1):
    img, mask = images
    m = voxomics.maps(img, mask, CONFIG, threads=2)
    assert list(m) == list(cube1) and np.array_equal(m.roi_values, cube1.roi_values, equal_nan=True)
    # a label image: label 2 is the phantom's ROI
    labels = voxomics.Image(np.where(mask.array >= 0.5, 2, 1).astype(np.uint8), spacing=img.spacing)
    m = voxomics.maps(img, labels, CONFIG, label=2)
    assert np.array_equal(m.roi_values, cube1.roi_values, equal_nan=True)
    # settings as a dict (a family list) or a settings object made once
    cfg = yaml.safe_load(open(CONFIG))
    cfg["features"]["families"] = ["statistics", "glcm"]
    m = voxomics.maps(img, mask, cfg)
    assert list(m) == [k for k in cube1 if k.startswith(("stat_", "cm_"))]
    m = voxomics.maps(img, mask, voxomics.settings_from(CONFIG), label=1)
    assert np.array_equal(m.roi_values, cube1.roi_values, equal_nan=True)


def test_errors(images, phantom):
    img, mask = images
    for r in (0, 16):
        with pytest.raises(voxomics.VoxomicsError, match=f"kernel radius {r} is out of range; give 1 to 15") as e:
            voxomics.maps(img, mask, CONFIG, kernel_radius=r)
        assert e.value.code == voxomics.VX_EINVAL
    with pytest.raises(ValueError, match="cube"):
        voxomics.maps(img, mask, CONFIG, kernel="ball")
    with pytest.raises(ValueError, match="one region"):
        voxomics.maps(img, mask, CONFIG, label="all")
    with pytest.raises(TypeError, match="kernel_radius"):
        voxomics.maps(img, mask, CONFIG, kernel_radius=1.5)
    cfg = yaml.safe_load(open(CONFIG))
    cfg["features"]["families"] = ["morphology"]
    with pytest.raises(voxomics.VoxomicsError) as e:
        voxomics.maps(img, mask, cfg)
    assert e.value.code == voxomics.VX_EINVAL
    with pytest.raises(voxomics.VoxomicsError, match="no_such"):
        voxomics.maps("/nonexistent/no_such.nii.gz", phantom[1], CONFIG)
    with pytest.raises(voxomics.VoxomicsError) as e:
        voxomics.maps(img, np.zeros(img.shape, np.uint8), CONFIG)
    assert e.value.code < 0
    bad = {**PYRAD, "voxelSetting": {"kernelRadius": "two"}}
    with pytest.raises(voxomics.VoxomicsError, match=r"settings dict:\d+: voxelSetting.kernelRadius: not an int"):
        voxomics.maps(img, mask, bad)


@pytest.mark.parametrize("radius,shape", [(1, "cube"), (2, "sphere")])
def test_unmasked_kernel(images, radius, shape):
    # maskedKernel false: the kernel is every grid voxel within the radius, ROI or not (docs/maps.md); with no
    # discretisation (the phantom's values are its grey levels) that is an extraction on the whole kernel
    img, mask = images
    m = voxomics.maps(img, mask, CONFIG, kernel_radius=radius, kernel=shape, masked_kernel=False)
    masked = voxomics.maps(img, mask, CONFIG, kernel_radius=radius, kernel=shape)
    roi = mask.array >= 0.5
    grid = np.ones(roi.shape, dtype=bool)
    assert list(m) == list(masked) and len(m.index) == 74
    differ = 0
    for i in (0, 11, 37, 52, len(m.index) - 1):
        v = tuple(int(c) for c in m.coords[i])
        ref = voxomics.extract(img, kernel_mask(grid, v, radius, shape), CONFIG, as_dict=True)
        for k, name in enumerate(m):
            assert same(m.roi_values[k, i], ref[name], 1e-12), (v, name, m.roi_values[k, i], ref[name])
            differ += not same(m.roi_values[k, i], masked.roi_values[k, i], 1e-12)
    assert differ > 0  # the phantom's ROI has holes: its kernels reach voxels outside it



# ---- PyRadiomics' voxel-based execute ----------------------------------------------------------------------
def test_pyradiomics_voxel_based(images, phantom):
    img, mask = images
    ex = featureextractor.RadiomicsFeatureExtractor(PYRAD)
    seg = ex.execute(*phantom)
    vox = ex.execute(*phantom, voxelBased=True)
    diag = [k for k in seg if k.startswith("diagnostics_")]
    feats = [k for k in seg if not k.startswith("diagnostics_") and "_shape_" not in k]
    # the segment-based diagnostics, then a map per feature but shape, PyRadiomics' names, the same order
    assert list(vox) == diag + feats and len(feats) == 93 and "original_glcm_Contrast" in vox
    for k in diag:
        if k != "diagnostics_Configuration_Settings":
            assert vox[k] == seg[k], k
    assert vox["diagnostics_Configuration_Settings"] == seg["diagnostics_Configuration_Settings"]
    roi = mask.array > 0
    for k in feats:
        m = vox[k]
        assert isinstance(m, voxomics.Image) and m.dtype == np.float32 and m.dims == img.dims
        assert (m.array[~roi] == 0).all()
    # each value is the segment-based execute on the voxel's kernel (PyRadiomics' bins: multiples of binWidth,
    # the same for a kernel as for the ROI), to the float32 of the map
    for v in ((0, 0, 0), (2, 1, 1), (4, 3, 3), (1, 2, 3)):
        ker = voxomics.Image(kernel_mask(roi, v, 1, "cube"), spacing=img.spacing)
        ref = ex.execute(img, ker)
        for k in feats:
            a, b = float(vox[k].array[v]), float(np.float32(float(ref[k])))
            assert same(a, b, 0), (v, k, a, b)
    # the same maps as voxomics.maps with the parameter dict (requested features only)
    m = voxomics.maps(img, mask, PYRAD)
    assert set(feats) <= set(m)
    for k in feats:
        assert np.array_equal(vox[k].array, m[k].array, equal_nan=True), k


def test_pyradiomics_voxel_settings(images, phantom, tmp_path):
    img, mask = images
    ref = voxomics.maps(img, mask, PYRAD, kernel_radius=2, init_value=-1)["original_glcm_Contrast"].array
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({**PYRAD, "featureClass": {"glcm": ["Contrast"]},
                                      "voxelSetting": {"kernelRadius": 2, "initValue": -1, "voxelBatch": 100,
                                                       "maskedKernel": True}}))
    # the parameter file's voxelSetting, keyword settings, the settings dict: each gives the same maps
    for ex in (featureextractor.RadiomicsFeatureExtractor(str(params)),
               featureextractor.RadiomicsFeatureExtractor(PYRAD, kernelRadius=2, initValue=-1),
               featureextractor.RadiomicsFeatureExtractor(PYRAD)):
        if "kernelRadius" not in ex.settings:
            ex.settings.update(kernelRadius=2, initValue=-1)
        ex.disableAllFeatures()
        ex.enableFeaturesByName(glcm=["Contrast"])
        out = ex.execute(*phantom, voxelBased=True)
        assert [k for k in out if not k.startswith("diagnostics_")] == ["original_glcm_Contrast"]
        assert np.array_equal(out["original_glcm_Contrast"].array, ref)
        conf = out["diagnostics_Configuration_Settings"]
        assert conf["kernelRadius"] == 2 and conf["initValue"] == -1
    # no diagnostics without additionalInfo; a label given to execute
    ex = featureextractor.RadiomicsFeatureExtractor(PYRAD, additionalInfo=False)
    out = ex.execute(img, mask, label=1, voxelBased=True)
    assert not any(k.startswith("diagnostics_") for k in out) and len(out) == 93
    # errors: the library's messages, naming the setting
    ex = featureextractor.RadiomicsFeatureExtractor(PYRAD, kernelRadius=0)
    with pytest.raises(voxomics.VoxomicsError, match="voxelSetting.kernelRadius: out of range; give 1 to 15"):
        ex.execute(*phantom, voxelBased=True)
    ex = featureextractor.RadiomicsFeatureExtractor(PYRAD, maskedKernel="sometimes")
    with pytest.raises(voxomics.VoxomicsError, match="voxelSetting.maskedKernel: not a boolean"):
        ex.execute(*phantom, voxelBased=True)


def test_pyradiomics_unmasked_kernel(images, phantom):
    # maskedKernel false in a PyRadiomics run: the same maps as voxomics.maps with it, and values that do not
    # depend on where the bins start computed here from the kernel (every grid voxel of the 3 x 3 x 3 cube)
    img, mask = images
    out = featureextractor.RadiomicsFeatureExtractor(PYRAD, maskedKernel=False).execute(*phantom, voxelBased=True)
    m = voxomics.maps(img, mask, PYRAD, masked_kernel=False)
    roi, x = mask.array > 0, img.array.astype(np.float64)
    grid = np.ones(roi.shape, dtype=bool)
    for k in ("original_firstorder_Mean", "original_firstorder_Range", "original_glcm_Contrast"):
        assert np.array_equal(out[k].array, m[k].array, equal_nan=True), k
    for v in ((0, 0, 0), (2, 1, 1), (4, 3, 3), (1, 2, 3)):
        assert roi[v]
        ker = kernel_mask(grid, v, 1, "cube").astype(bool)
        vals = x[ker]
        assert same(float(out["original_firstorder_Mean"].array[v]), float(np.float32(vals.mean())), 1e-7)
        assert same(float(out["original_firstorder_Range"].array[v]), float(np.float32(np.ptp(vals))), 0)
        ref = featureextractor.RadiomicsFeatureExtractor(PYRAD).execute(img, voxomics.Image(ker.astype(np.uint8),
                                                                                          spacing=img.spacing))
        a, b = float(out["original_glcm_Contrast"].array[v]), float(np.float32(float(ref["original_glcm_Contrast"])))
        assert same(a, b, 0), (v, a, b)


def test_feature_class_list_keeps_the_requested_maps(images):
    # a PyRadiomics featureClass list: only the features it names, as in an extraction's table (the library
    # computes whole families and keeps what was asked)
    img, mask = images
    params = {**PYRAD, "featureClass": {"glcm": ["Contrast", "JointEntropy"], "firstorder": ["Mean"]}}
    m = voxomics.maps(img, mask, params)
    assert sorted(m) == ["original_firstorder_Mean", "original_glcm_Contrast", "original_glcm_JointEntropy"]
    full = voxomics.maps(img, mask, PYRAD)
    for k in m:
        assert np.array_equal(m[k].array, full[k].array, equal_nan=True), k
        assert np.array_equal(m.roi_values[list(m).index(k)], full.roi_values[list(full).index(k)]), k
