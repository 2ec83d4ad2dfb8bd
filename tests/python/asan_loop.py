# voxomics Python package under AddressSanitizer (tests/python/asan.sh): successful and failing extractions,
# voxel maps and a cohort with a failing case, through every input path, so that the sanitizer sees every free
# of the library's memory by the package, errors included. SPDX-License-Identifier: GPL-3.0-or-later
import gc
import os

import numpy as np

import voxomics

D = os.environ["VOXOMICS_DATA"] + "/ibsi/ibsi1/digital_phantom/"
CFG = "configs/ibsi1/digital_phantom.yaml"
img = voxomics.read_image(D + "image.nii.gz")
mask = voxomics.read_image(D + "mask.nii.gz")
empty = np.zeros(img.shape, np.uint8)
small = np.ones((3, 3, 3), np.uint8)
n_ok = n_err = n_maps = 0
for i in range(int(os.environ.get("VX_LOOPS", "100"))):
    voxomics.extract(img, mask, CFG)
    voxomics.extract(D + "image.nii.gz", D + "mask.nii.gz", CFG, as_dict=True)
    n_ok += 2
    for a, b, c in ((img, empty, CFG), (img, small, CFG), ("/nonexistent.nii.gz", D + "mask.nii.gz", CFG),
                    (img, mask, {"features": {"famlies": "all"}}), (img, mask, "/nonexistent.yaml")):
        try:
            voxomics.extract(a, b, c)
        except voxomics.VoxomicsError:
            n_err += 1
    # voxel maps: from images and files, and their errors (a radius out of range, an empty mask, unmasked
    # kernels while the library refuses them, a missing file)
    voxomics.maps(img, mask, CFG, kernel_radius=1 + i % 2)
    voxomics.maps(D + "image.nii.gz", D + "mask.nii.gz", CFG, kernel="sphere")
    n_maps += 2
    for a, b, kw in ((img, mask, {"kernel_radius": 16}), (img, empty, {}), (img, mask, {"masked_kernel": False}),
                     ("/nonexistent.nii.gz", D + "mask.nii.gz", {}), (img, D + "nonexistent.nii.gz", {})):
        try:
            voxomics.maps(a, b, CFG, **kw)
        except voxomics.VoxomicsError:
            n_err += 1
voxomics.cohort({"Image": [D + "image.nii.gz", "/nonexistent.nii.gz"], "Mask": [D + "mask.nii.gz"] * 2}, CFG,
                jobs=2)
# PyRadiomics' voxel-based execute (diagnostics and maps), and its error on a bad kernel radius
from voxomics.pyradiomics import featureextractor  # noqa: E402

ex = featureextractor.RadiomicsFeatureExtractor({"setting": {"binWidth": 1, "minimumROIDimensions": 1}})
ex.execute(D + "image.nii.gz", D + "mask.nii.gz", voxelBased=True)
ex.settings["kernelRadius"] = 0
try:
    ex.execute(img, mask, voxelBased=True)
except voxomics.VoxomicsError:
    n_err += 1
del img, mask
gc.collect()
print(f"asan_loop: {n_ok} extractions, {n_maps} voxel map sets, {n_err} errors")
