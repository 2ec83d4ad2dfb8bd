#!/usr/bin/python3
"""Write a tiny PET series with pydicom (an independent writer for the tests).

usage: make_pet.py OUT_DIR [--no-weight]

3 slices of 8 x 6 (columns x rows), 4 mm apart along z, PixelSpacing 2\\3 mm, uint16 stored value
v = 100 * slice + 10 * row + col, RescaleSlope 0.5 / 0.25 / 2 per slice, RescaleIntercept 0, Units BQML,
DecayCorrection START, PatientWeight 70 kg, RadionuclideTotalDose 3.7e8 Bq, RadionuclideHalfLife 6586.2 s,
injection (RadiopharmaceuticalStartTime) 10:00:00, SeriesTime 11:00:00. Files are named in reverse position
order. --no-weight leaves out PatientWeight (no SUV possible).

SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

ROOT = "1.2.826.0.1.3680043.10.1404.7."
PET_SOP = "1.2.840.10008.5.1.4.1.1.128"


def main():
    out = sys.argv[1]
    no_weight = "--no-weight" in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    slopes = [0.5, 0.25, 2.0]
    for k in range(3):
        ds = Dataset()
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = PET_SOP
        meta.MediaStorageSOPInstanceUID = ROOT + "1." + str(k + 1)
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta = meta
        ds.SOPClassUID = PET_SOP
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = "PT"
        ds.StudyInstanceUID = ROOT + "2"
        ds.SeriesInstanceUID = ROOT + "3"
        ds.FrameOfReferenceUID = ROOT + "4"
        ds.SeriesTime = "110000"
        ds.Units = "BQML"
        ds.DecayCorrection = "START"
        if not no_weight:
            ds.PatientWeight = "70"
        rp = Dataset()
        rp.RadiopharmaceuticalStartTime = "100000.00"
        rp.RadionuclideTotalDose = "370000000"
        rp.RadionuclideHalfLife = "6586.2"
        ds.RadiopharmaceuticalInformationSequence = Sequence([rp])
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [-7.0, -7.5, 4.0 * k]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [3, 2]
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows = 6
        ds.Columns = 8
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 0
        ds.RescaleSlope = str(slopes[k])
        ds.RescaleIntercept = "0"
        r, c = np.mgrid[0:6, 0:8]
        ds.PixelData = (100 * k + 10 * r + c).astype("<u2").tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        ds.save_as(os.path.join(out, "pet_%d.dcm" % (9 - k)), write_like_original=False)


if __name__ == "__main__":
    main()
