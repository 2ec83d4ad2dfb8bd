#!/usr/bin/python3
"""Write a DICOM Segmentation (PS3.3 A.51) from a NIfTI mask and the DICOM series it was drawn on.

Used by the tests as an independent writer (pydicom, not voxomics): the SEG must read back as the NIfTI mask.

usage: make_seg.py IMAGE_DICOM_DIR MASK.nii[.gz] OUT.dcm [--fractional]

Segment 1 "GTV-1" is the mask (mask > 0). Segment 2 "GTV-1 box" is the mask's bounding box in every frame of
segment 1 (a second segment with other frames, to test selection). Only frames that hold a segment are
written, in a shuffled order (fixed seed), each placed by its ImagePositionPatient. BINARY: 1 bit per pixel,
frames packed without padding; --fractional: 8 bits, MaximumFractionalValue 200, value 200 inside.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import glob
import os
import random
import sys

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"
ROOT = "1.2.826.0.1.3680043.10.1404."  # fixed UID root: reproducible files


def load_series(folder):
    slices = []
    for f in sorted(glob.glob(os.path.join(folder, "*"))):
        try:
            ds = pydicom.dcmread(f)
        except Exception:
            continue
        if "PixelData" in ds:
            slices.append(ds)
    iop = np.array(slices[0].ImageOrientationPatient, float)
    normal = np.cross(iop[:3], iop[3:])
    slices.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, float))))
    return slices


def mask_in_dicom_order(mask_path, slices):
    """The NIfTI mask as [slice][row][col] in the series' position order (checked through the affines)."""
    img = nib.load(mask_path)
    m = np.asarray(img.dataobj)
    aff = img.affine
    ras2lps = np.diag([-1.0, -1.0, 1.0, 1.0])
    out = np.zeros((len(slices), slices[0].Rows, slices[0].Columns), np.uint8)
    inv = np.linalg.inv(ras2lps @ aff)
    iop = np.array(slices[0].ImageOrientationPatient, float)
    ps = [float(x) for x in slices[0].PixelSpacing]
    for k, ds in enumerate(slices):
        pos = np.array(ds.ImagePositionPatient, float)
        for r in range(ds.Rows):
            cols = np.arange(ds.Columns)
            world = pos[None, :] + cols[:, None] * ps[1] * iop[None, :3] + r * ps[0] * iop[None, 3:]
            ijk = (inv @ np.c_[world, np.ones(len(cols))].T)[:3].T
            idx = np.rint(ijk).astype(int)
            ok = np.all((idx >= 0) & (idx < np.array(m.shape)[None, :3]), axis=1)
            vals = np.zeros(len(cols), np.uint8)
            vals[ok] = m[idx[ok, 0], idx[ok, 1], idx[ok, 2]] > 0
            out[k, r] = vals
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    folder, mask_path, out_path = sys.argv[1:4]
    fractional = "--fractional" in sys.argv[4:]
    slices = load_series(folder)
    m = mask_in_dicom_order(mask_path, slices)
    ref = slices[0]

    frames = []  # (segment number, slice index, 2D array)
    for k in range(len(slices)):
        if m[k].any():
            frames.append((1, k, m[k]))
            rows, cols = np.nonzero(m[k])
            box = np.zeros_like(m[k])
            box[rows.min():rows.max() + 1, cols.min():cols.max() + 1] = 1
            frames.append((2, k, box))
    random.Random(1404).shuffle(frames)

    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SEG_SOP_CLASS
    meta.MediaStorageSOPInstanceUID = ROOT + ("2" if fractional else "1")
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.SOPClassUID = SEG_SOP_CLASS
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "SEG"
    ds.StudyInstanceUID = ref.StudyInstanceUID
    ds.SeriesInstanceUID = ROOT + ("12" if fractional else "11")
    ds.FrameOfReferenceUID = ref.FrameOfReferenceUID
    ds.PatientID = getattr(ref, "PatientID", "")
    ds.SeriesNumber = 99
    ds.InstanceNumber = 1
    ds.ImageType = ["DERIVED", "PRIMARY"]
    ds.ContentLabel = "IBSI"
    ds.SegmentationType = "FRACTIONAL" if fractional else "BINARY"
    if fractional:
        ds.SegmentationFractionalType = "PROBABILITY"
        ds.MaximumFractionalValue = 200
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ref.Rows
    ds.Columns = ref.Columns
    ds.NumberOfFrames = len(frames)
    ds.BitsAllocated = 8 if fractional else 1
    ds.BitsStored = ds.BitsAllocated
    ds.HighBit = ds.BitsAllocated - 1
    ds.PixelRepresentation = 0
    ds.LossyImageCompression = "00"

    segs = []
    for number, label in ((1, "GTV-1"), (2, "GTV-1 box")):
        s = Dataset()
        s.SegmentNumber = number
        s.SegmentLabel = label
        s.SegmentAlgorithmType = "MANUAL"
        segs.append(s)
    ds.SegmentSequence = Sequence(segs)

    shared = Dataset()
    po = Dataset()
    po.ImageOrientationPatient = ref.ImageOrientationPatient
    pm = Dataset()
    pm.PixelSpacing = ref.PixelSpacing
    pm.SliceThickness = ref.SliceThickness
    shared.PlaneOrientationSequence = Sequence([po])
    shared.PixelMeasuresSequence = Sequence([pm])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])

    per = []
    for number, k, _ in frames:
        fg = Dataset()
        pp = Dataset()
        pp.ImagePositionPatient = slices[k].ImagePositionPatient
        fg.PlanePositionSequence = Sequence([pp])
        si = Dataset()
        si.ReferencedSegmentNumber = number
        fg.SegmentIdentificationSequence = Sequence([si])
        per.append(fg)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per)

    stack = np.stack([f[2] for f in frames]).astype(np.uint8)
    if fractional:
        ds.PixelData = (stack * 200).astype(np.uint8).tobytes()
    else:
        ds.PixelData = np.packbits(stack.reshape(-1), bitorder="little").tobytes()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(out_path, write_like_original=False)


if __name__ == "__main__":
    main()
