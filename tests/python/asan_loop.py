# voxomics Python package under AddressSanitizer (tests/python/asan.sh): successful and failing extractions
# and a cohort with a failing case, through every input path, so that the sanitizer sees every free of the
# library's memory by the package, errors included. SPDX-License-Identifier: GPL-3.0-or-later
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
n_ok = n_err = 0
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
voxomics.cohort({"Image": [D + "image.nii.gz", "/nonexistent.nii.gz"], "Mask": [D + "mask.nii.gz"] * 2}, CFG,
                jobs=2)
del img, mask
gc.collect()
print(f"asan_loop: {n_ok} extractions, {n_err} errors")
