#!/usr/bin/python3
"""Small seed files for the SEG and RTSTRUCT fuzz targets (pydicom, nibabel, numpy).

libFuzzer's speed falls with the size of its inputs (every mutation copies, hashes and re-reads them) and the
readers' work with their pixel count, so the seeds are small valid files rather than full-size scans:

  make_seeds.py seg OUTDIR       a 16 x 12 pixel, 6-slice CT series on the lattice of the fuzz grid of
                                 fuzz/fuzz_util.h (3.2 x 3.2 x 3 mm at the IBSI CT phantom's origin), a blob mask
                                 on it, and from them OUTDIR/binary.dcm and OUTDIR/fractional.dcm written by
                                 scripts/make_seg.py (two segments, frames shuffled), and OUTDIR/offgrid_binary.dcm
                                 from the same series moved off that lattice by a fraction of a voxel
  make_seeds.py rtstruct RS.dcm OUTDIR
                                 the structure set RS.dcm (the IBSI phantom's) with every element kept but its
                                 contours thinned: OUTDIR/few.dcm holds 3 contours of at most 24 points per ROI,
                                 OUTDIR/all.dcm every contour with at most 12 points

SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import subprocess
import sys
import tempfile

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

ROOT = "1.2.826.0.1.3680043.10.1404.77."  # fixed UID root: reproducible seeds
ORIGIN = np.array([-174.3945, -79.6255, -100.4])  # fuzz_phantom_grid() in fuzz/fuzz_util.h
SPACING = np.array([3.2, 3.2, 3.0])
COLS, ROWS, SLICES = 16, 12, 6
OFFSET = np.array([20, 24, 28])  # voxel index of the series' first pixel on the fuzz grid


def write_series(folder, offset):
    for k in range(SLICES):
        ds = Dataset()
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = ROOT + "1." + str(k + 1)
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta = meta
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "CT"
        ds.PatientID = "FUZZ"
        ds.StudyInstanceUID = ROOT + "2"
        ds.SeriesInstanceUID = ROOT + "3"
        ds.FrameOfReferenceUID = ROOT + "4"
        ds.InstanceNumber = k + 1
        pos = ORIGIN + (offset + [0, 0, k]) * SPACING
        ds.ImagePositionPatient = [f"{v:.4f}" for v in pos]
        ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
        ds.PixelSpacing = [f"{SPACING[1]:g}", f"{SPACING[0]:g}"]
        ds.SliceThickness = f"{SPACING[2]:g}"
        ds.Rows, ds.Columns = ROWS, COLS
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
        ds.PixelData = (np.arange(ROWS * COLS, dtype=np.int16) * (k + 1)).tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(folder, f"ct{k}.dcm"), write_like_original=False)


def write_mask(path, offset):
    """A blob (ellipsoid) on the series' voxels, as NIfTI (RAS affine: x and y of LPS negated)."""
    i, j, k = np.meshgrid(np.arange(COLS), np.arange(ROWS), np.arange(SLICES), indexing="ij")
    m = (((i - 7.5) / 5) ** 2 + ((j - 5.5) / 4) ** 2 + ((k - 2.5) / 2.2) ** 2 <= 1).astype(np.uint8)
    o = ORIGIN + offset * SPACING
    aff = np.array([[-SPACING[0], 0, 0, -o[0]], [0, -SPACING[1], 0, -o[1]], [0, 0, SPACING[2], o[2]], [0, 0, 0, 1]])
    nib.save(nib.Nifti1Image(m, aff), path)


def seg(out):
    here = os.path.dirname(os.path.abspath(__file__))
    make_seg = os.path.join(here, "..", "scripts", "make_seg.py")
    # on the fuzz grid's lattice (frames copied into its slices), and off it by a fraction of a voxel (the
    # segment is assembled on its own grid and resampled)
    for tag, offset, kinds in (("", OFFSET, ("binary", "fractional")), ("offgrid_", OFFSET + [0.5, 0.25, 0.4],
                                                                      ("binary",))):
        with tempfile.TemporaryDirectory() as tmp:
            series = os.path.join(tmp, "series")
            os.mkdir(series)
            write_series(series, offset)
            mask = os.path.join(tmp, "mask.nii.gz")
            write_mask(mask, offset)
            for kind in kinds:
                extra = ["--fractional"] if kind == "fractional" else []
                subprocess.run([sys.executable, make_seg, series, mask, os.path.join(out, tag + kind + ".dcm")] +
                               extra, check=True)


def thin(ds, max_contours, max_points):
    for rc in ds.ROIContourSequence:
        seq = rc.ContourSequence
        keep = np.unique(np.linspace(0, len(seq) - 1, min(max_contours, len(seq))).round().astype(int))
        rc.ContourSequence = pydicom.sequence.Sequence([seq[i] for i in keep])
        for c in rc.ContourSequence:
            pts = np.array(c.ContourData, float).reshape(-1, 3)
            pick = np.unique(np.linspace(0, len(pts) - 1, min(max_points, len(pts))).round().astype(int))
            c.ContourData = [f"{v:.4f}" for v in pts[pick].reshape(-1)]
            c.NumberOfContourPoints = len(pick)


def rtstruct(src, out):
    for name, nc, npts in (("few.dcm", 3, 24), ("all.dcm", 10**6, 12)):
        ds = pydicom.dcmread(src)
        thin(ds, nc, npts)
        ds.save_as(os.path.join(out, name))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "seg":
        seg(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "rtstruct":
        rtstruct(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
