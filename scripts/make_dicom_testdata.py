#!/usr/bin/python3
"""Generate tests/data/dicom/ts: a tiny synthetic series in every supported DICOM transfer syntax.

Run with the system Python (needs python3-pydicom, python3-numpy and gdcmconv from libgdcm-tools):

    /usr/bin/python3 scripts/make_dicom_testdata.py [OUTDIR]     (default: tests/data/dicom/ts)

Output (deterministic: fixed UIDs derived from a fixed root, fixed dates, no clock; OUTDIR/README.md, written by
hand, is kept and everything else in OUTDIR is replaced):

  <syntax>/sNN.dcm          4 slices of 24 rows x 32 columns. File names and InstanceNumber are deliberately
                            NOT in slice-position order (a reader that sorts by either gets it wrong).
  <syntax>/expected.raw     the voxels after rescale as little-endian float32, x fastest, slices in position order
                            (lossless syntaxes: the generator's own array; lossy ones: as decoded by GDCM).
  <syntax>/expected.json    dims / spacing / origin / direction (LPS, as ITK), pixel format, rescale, lossy flag,
                            file names in position order.
  <syntax>/frames/          compressed syntaxes only: frameK.bin = the encapsulated frame of the K-th slice in
                            position order (fragments joined, extracted with pydicom), frameK.expected = its stored
                            values (before rescale) as little-endian integers of BitsAllocated/8 bytes, sign-extended
                            from BitsStored when PixelRepresentation is 1; pixfmt.txt = one line
                            "kind=K rows=R cols=C samples=S bits_allocated=A bits_stored=B high_bit=H pixel_rep=P
                            frames=N lossy=L" (kind as VX_TS_* in src/io/dicom.h).
  extra_frames/NAME.{bin,expected,txt}
                            single frames in the same format for codec corner cases: JPEG lossless predictors 1..7
                            and precisions 2..16 (own encoder below), 12-bit DCT JPEG with partial blocks (own
                            encoder), JP2-boxed JPEG 2000, and 8-bit JPEG-LS / RLE / JPEG lossless / JPEG 2000 from
                            gdcmconv.

Pixel content: a gradient (x fastest) plus a bright disc and a one-voxel marker whose column is the slice index, so
a transposed, flipped or re-ordered decode shows. Variants (stored -> rescaled):
  ct_s16  signed 16 bits stored, values -1024..1500, intercept 0
  ct_s12  signed 12 bits stored (sign-extended in the 16-bit cell), intercept 0
  ct_u12  unsigned 12 bits stored, stored = HU + 1024, RescaleIntercept -1024
  mr_u8   unsigned 8-bit MR-like, no rescale

Encoders: GDCM (gdcmconv) for RLE, JPEG baseline, JPEG lossless SV1, JPEG-LS, JPEG 2000, deflate and implicit VR.
Two encoders live in this script because gdcmconv cannot produce them: JPEG lossless process 14 with predictors
other than 1 (TS .4.57), and 12-bit extended DCT JPEG (gdcmconv --jpeg --lossy on 16-bit cells writes a
non-standard 16-bit DCT stream). Both follow ITU-T T.81 (Annex H for lossless, Annex F / K for DCT) and are
verified here by decoding with GDCM (gdcmconv --raw) - an implementation independent of this script.

Every written file is checked: pydicom reads the intended TransferSyntaxUID, and GDCM decodes it to the generator's
stored values (lossless) or within the expected error (lossy; that GDCM decode is then the expected result).

SPDX-License-Identifier: GPL-3.0-or-later
"""
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.uid import generate_uid

ROOT = "1.2.826.0.1.3680043.8.498."  # pydicom's root; the suffix is a hash of fixed strings (deterministic)
ROWS, COLS, NSLICE = 24, 32, 4
PIXEL_SPACING = (0.7, 0.8)  # (row spacing = y, column spacing = x), different on purpose
SLICE_STEP = 2.5
ORIGIN = (-100.0, -80.0, -30.0)
# slice k (in position order) -> file name and InstanceNumber; neither sorts into position order
FILE_NAMES = ["s03.dcm", "s01.dcm", "s04.dcm", "s02.dcm"]
INSTANCE_NUMBERS = [2, 4, 1, 3]

TS = {
    "implicit_le": "1.2.840.10008.1.2",
    "explicit_le": "1.2.840.10008.1.2.1",
    "explicit_be": "1.2.840.10008.1.2.2",
    "deflate": "1.2.840.10008.1.2.1.99",
    "rle": "1.2.840.10008.1.2.5",
    "jpeg_baseline": "1.2.840.10008.1.2.4.50",
    "jpeg_extended12": "1.2.840.10008.1.2.4.51",
    "jpeg_lossless14": "1.2.840.10008.1.2.4.57",
    "jpeg_lossless_sv1": "1.2.840.10008.1.2.4.70",
    "jpegls_lossless": "1.2.840.10008.1.2.4.80",
    "jpegls_near": "1.2.840.10008.1.2.4.81",
    "j2k_lossless": "1.2.840.10008.1.2.4.90",
    "j2k_lossy": "1.2.840.10008.1.2.4.91",
}
# VX_TS_* kinds of src/io/dicom.h
KIND = {"implicit_le": 0, "explicit_le": 0, "explicit_be": 0, "deflate": 1, "rle": 2, "jpeg_baseline": 3,
        "jpeg_extended12": 3, "jpeg_lossless14": 4, "jpeg_lossless_sv1": 4, "jpegls_lossless": 5,
        "jpegls_near": 5, "j2k_lossless": 6, "j2k_lossy": 6}

# syntax -> (variant, encoder, gdcmconv options or encoder parameters, lossy tolerance in stored units or None)
PLAN = {
    "implicit_le": ("ct_s16", "gdcm", ["-M"], None),
    "explicit_le": ("ct_u12", "none", [], None),
    "explicit_be": ("ct_s16", "big_endian", [], None),
    "deflate": ("ct_s12", "gdcm", ["--deflated"], None),
    "rle": ("ct_s16", "gdcm", ["--rle"], None),
    "jpeg_baseline": ("mr_u8", "gdcm", ["--jpeg", "--lossy", "-q", "90"], 32),
    "jpeg_extended12": ("ct_u12", "dct12", [], 40),
    "jpeg_lossless14": ("ct_s16", "ljpeg", [2, 5, 6, 7], None),  # predictor per slice
    "jpeg_lossless_sv1": ("ct_u12", "gdcm", ["--jpeg"], None),
    "jpegls_lossless": ("ct_s12", "gdcm", ["--jpegls"], None),
    "jpegls_near": ("ct_s16", "gdcm", ["--jpegls", "--lossy", "-e", "2"], 2),
    "j2k_lossless": ("ct_s12", "gdcm", ["--j2k"], None),
    "j2k_lossy": ("ct_s16", "gdcm", ["--j2k", "--lossy", "-q", "75"], 150),
}


def uid(*parts):
    return generate_uid(prefix=ROOT, entropy_srcs=["voxomics-dicom-ts"] + [str(p) for p in parts])


# ---------------------------------------------------------------------------------------------------------------
# pixel content


def hu_slice(k):
    """HU-like values of slice k (position order): rows x cols int array, -1024..1500."""
    y, x = np.mgrid[0:ROWS, 0:COLS]
    v = -1024 + 40 * x + 10 * y + 60 * k
    v[(x - 21) ** 2 + (y - 9) ** 2 <= 20] = 1500  # bright disc, right of centre, upper half
    v[ROWS - 2, 1 + k] = -1000  # marker: column = slice index
    return v.astype(np.int64)


def variant(name):
    """(stored values per slice as int64 arrays, pixel format dict, slope, intercept, modality)"""
    if name == "mr_u8":
        st = []
        for k in range(NSLICE):
            y, x = np.mgrid[0:ROWS, 0:COLS]
            v = 10 + 5 * x + 2 * y + 5 * k
            v[(x - 21) ** 2 + (y - 9) ** 2 <= 20] = 250
            v[ROWS - 2, 1 + k] = 0
            st.append(v.astype(np.int64))
        return st, dict(bits_allocated=8, bits_stored=8, high_bit=7, pixel_rep=0), 1.0, 0.0, "MR"
    hu = [hu_slice(k) for k in range(NSLICE)]
    if name == "ct_s16":
        return hu, dict(bits_allocated=16, bits_stored=16, high_bit=15, pixel_rep=1), 1.0, 0.0, "CT"
    if name == "ct_s12":
        return hu, dict(bits_allocated=16, bits_stored=12, high_bit=11, pixel_rep=1), 1.0, 0.0, "CT"
    if name == "ct_u12":
        return [h + 1024 for h in hu], dict(bits_allocated=16, bits_stored=12, high_bit=11, pixel_rep=0), 1.0, \
            -1024.0, "CT"
    raise ValueError(name)


def cell_bytes(stored, pf, big_endian=False):
    """Native pixel cells (stored values, signed ones as two's complement of the whole cell)."""
    if pf["bits_allocated"] == 8:
        return stored.astype(np.uint8).tobytes()
    dt = (">" if big_endian else "<") + ("i2" if pf["pixel_rep"] else "u2")
    return stored.astype(dt).tobytes()


def stored_from_cells(raw, pf, n):
    """Stored values from native little-endian cells: mask to BitsStored (HighBit = BitsStored - 1), sign-extend."""
    if pf["bits_allocated"] == 8:
        u = np.frombuffer(raw, dtype=np.uint8, count=n).astype(np.int64)
    else:
        u = np.frombuffer(raw, dtype="<u2", count=n).astype(np.int64)
    bs = pf["bits_stored"]
    u &= (1 << bs) - 1
    if pf["pixel_rep"]:
        u = np.where(u >= (1 << (bs - 1)), u - (1 << bs), u)
    return u


# ---------------------------------------------------------------------------------------------------------------
# own encoders (ITU-T T.81)


class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, nbits):
        for i in range(nbits - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0x00)  # byte stuffing
                self.acc = 0
                self.n = 0

    def flush(self):
        while self.n:
            self.put(1, 1)  # pad with 1-bits
        return bytes(self.out)


def segment(marker, payload):
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def dht_fixed(tc, th, symbols, length):
    """A Huffman table whose codes all have the same length (canonical codes 0..n-1; never all ones)."""
    assert len(symbols) < (1 << length)
    bits = [0] * 16
    bits[length - 1] = len(symbols)
    codes = {s: (i, length) for i, s in enumerate(symbols)}
    return segment(0xC4, bytes([(tc << 4) | th] + bits + list(symbols))), codes


def magnitude(d):
    """(category SSSS, additional bits) of a difference or coefficient (T.81 F.1.2.1 / H.1.2.2)."""
    s = abs(d).bit_length()
    return s, (d if d >= 0 else d + (1 << s) - 1) & ((1 << s) - 1)


def ljpeg_encode(img, precision, predictor):
    """JPEG lossless, process 14 (SOF3), one component, point transform 0 (T.81 Annex H).
    img: rows x cols array of sample values 0 .. 2^precision - 1."""
    h, w = img.shape
    x = img.astype(np.int64)
    assert x.min() >= 0 and x.max() < (1 << precision)
    dht, codes = dht_fixed(0, 0, list(range(17)), 5)
    bw = BitWriter()
    for r in range(h):
        for c in range(w):
            if r == 0 and c == 0:
                p = 1 << (precision - 1)
            elif r == 0:
                p = x[r, c - 1]
            elif c == 0:
                p = x[r - 1, c]
            else:
                ra, rb, rc = int(x[r, c - 1]), int(x[r - 1, c]), int(x[r - 1, c - 1])
                p = {1: ra, 2: rb, 3: rc, 4: ra + rb - rc, 5: ra + ((rb - rc) >> 1), 6: rb + ((ra - rc) >> 1),
                     7: (ra + rb) >> 1}[predictor]
            d = (int(x[r, c]) - int(p)) & 0xFFFF  # modulo 2^16 (H.1.2.1)
            if d > 32768:
                d -= 65536
            if d == 32768:
                code, n = codes[16]
                bw.put(code, n)  # SSSS 16: no additional bits
                continue
            s, bits = magnitude(d)
            code, n = codes[s]
            bw.put(code, n)
            bw.put(bits, s)
    sof = segment(0xC3, bytes([precision]) + h.to_bytes(2, "big") + w.to_bytes(2, "big") + bytes([1, 1, 0x11, 0]))
    sos = segment(0xDA, bytes([1, 1, 0x00, predictor, 0, 0]))
    return b"\xff\xd8" + sof + dht + sos + bw.flush() + b"\xff\xd9"


ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
          14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
          53, 60, 61, 54, 47, 55, 62, 63]
# T.81 Table K.1 (luminance), natural order
QLUM = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
        29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
        121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]


def dct_encode(img, precision, qscale):
    """Sequential DCT JPEG with Huffman coding (SOF1 'extended'), one component (T.81 Annex F).
    img: rows x cols, values 0 .. 2^precision - 1; edge blocks padded by replicating the last row/column."""
    h, w = img.shape
    q = np.array([max(2, min(255, int(round(v * qscale)))) for v in QLUM], dtype=np.float64).reshape(8, 8)
    hp, wp = (h + 7) // 8 * 8, (w + 7) // 8 * 8
    x = np.pad(img.astype(np.float64), ((0, hp - h), (0, wp - w)), mode="edge") - (1 << (precision - 1))
    cu = np.array([[(math.sqrt(0.5) if u == 0 else 1.0) * 0.5 * math.cos((2 * i + 1) * u * math.pi / 16)
                    for i in range(8)] for u in range(8)])
    dc_dht, dc_codes = dht_fixed(0, 0, list(range(16)), 5)
    ac_syms = [0x00, 0xF0] + [(r << 4) | s for r in range(16) for s in range(1, 15)]
    ac_dht, ac_codes = dht_fixed(1, 0, ac_syms, 8)
    bw = BitWriter()
    pred = 0
    for by in range(0, hp, 8):
        for bx in range(0, wp, 8):
            f = cu @ x[by:by + 8, bx:bx + 8] @ cu.T
            zz = np.round(f / q).astype(np.int64).reshape(64)[ZIGZAG]
            s, bits = magnitude(int(zz[0]) - pred)
            pred = int(zz[0])
            bw.put(*dc_codes[s])
            bw.put(bits, s)
            run = 0
            for k in range(1, 64):
                v = int(zz[k])
                if v == 0:
                    run += 1
                    continue
                while run > 15:
                    bw.put(*ac_codes[0xF0])
                    run -= 16
                s, bits = magnitude(v)
                assert s <= 14
                bw.put(*ac_codes[(run << 4) | s])
                bw.put(bits, s)
                run = 0
            if run:
                bw.put(*ac_codes[0x00])
    dqt = segment(0xDB, bytes([0x00] + [int(q.reshape(64)[i]) for i in ZIGZAG]))
    sof = segment(0xC1, bytes([precision]) + h.to_bytes(2, "big") + w.to_bytes(2, "big") + bytes([1, 1, 0x11, 0]))
    sos = segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
    return b"\xff\xd8" + dqt + sof + dc_dht + ac_dht + sos + bw.flush() + b"\xff\xd9"


def jp2_wrap(codestream, rows, cols, prec, signed):
    """Wrap a J2K codestream into the JP2 file format (ISO/IEC 15444-1 Annex I): signature, ftyp, jp2h, jp2c."""
    def box(t, payload):
        return (len(payload) + 8).to_bytes(4, "big") + t + payload
    ihdr = box(b"ihdr", rows.to_bytes(4, "big") + cols.to_bytes(4, "big") + (1).to_bytes(2, "big") +
               bytes([(prec - 1) | (0x80 if signed else 0), 7, 0, 0]))
    colr = box(b"colr", bytes([1, 0, 0]) + (17).to_bytes(4, "big"))  # enumerated colour space 17: greyscale
    return (box(b"jP  ", b"\r\n\x87\n") + box(b"ftyp", b"jp2 " + bytes(4) + b"jp2 ") + box(b"jp2h", ihdr + colr) +
            box(b"jp2c", codestream))


# ---------------------------------------------------------------------------------------------------------------
# DICOM files


def make_dataset(syntax, k, stored, pf, slope, intercept, modality, ts_uid, study, series, frame_of_ref):
    meta = FileMetaDataset()
    sop_class = "1.2.840.10008.5.1.4.1.1.2" if modality == "CT" else "1.2.840.10008.5.1.4.1.1.4"
    sop = uid(syntax, "sop", k)
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ts_uid
    meta.ImplementationClassUID = ROOT + "1"
    meta.ImplementationVersionName = "VOXOMICS_TEST"
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.Modality = modality
    ds.PatientName = "Synthetic^Voxomics"
    ds.PatientID = "VX-TS"
    ds.SliceThickness = f"{SLICE_STEP}"
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.SeriesNumber = 1
    ds.InstanceNumber = INSTANCE_NUMBERS[k]
    ds.ImagePositionPatient = [f"{ORIGIN[0]:g}", f"{ORIGIN[1]:g}", f"{ORIGIN[2] + SLICE_STEP * k:g}"]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.FrameOfReferenceUID = frame_of_ref
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ROWS
    ds.Columns = COLS
    ds.PixelSpacing = [f"{PIXEL_SPACING[0]:g}", f"{PIXEL_SPACING[1]:g}"]
    ds.BitsAllocated = pf["bits_allocated"]
    ds.BitsStored = pf["bits_stored"]
    ds.HighBit = pf["high_bit"]
    ds.PixelRepresentation = pf["pixel_rep"]
    if modality == "CT":
        ds.RescaleIntercept = f"{intercept:g}"
        ds.RescaleSlope = f"{slope:g}"
        ds.RescaleType = "HU"
    return ds


def save(ds, path, ts_uid, pixel_bytes=None, frame=None):
    big = ts_uid == "1.2.840.10008.1.2.2"
    ds.is_little_endian = not big
    ds.is_implicit_VR = ts_uid == "1.2.840.10008.1.2"
    if frame is not None:
        ds.PixelData = encapsulate([frame])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
    else:
        ds.PixelData = pixel_bytes
        ds["PixelData"].VR = "OB" if ds.BitsAllocated == 8 else "OW"
    ds.save_as(path, write_like_original=False)


def gdcm(args, src, dst):
    r = subprocess.run(["gdcmconv", "--quiet"] + args + [src, dst], capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(dst):
        sys.exit(f"gdcmconv {' '.join(args)} {src} failed: {r.stdout} {r.stderr}")


def gdcm_decode(path, pf, tmp):
    """Stored values of a DICOM file as decoded by GDCM (gdcmconv --raw to explicit VR LE, then the cells)."""
    out = os.path.join(tmp, "raw_" + os.path.basename(path))
    gdcm(["--raw", "-X"], path, out)
    d = pydicom.dcmread(out)
    assert d.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1", d.file_meta.TransferSyntaxUID
    return stored_from_cells(d.PixelData, pf, ROWS * COLS).reshape(ROWS, COLS)


def frame_of(path):
    d = pydicom.dcmread(path)
    return next(generate_pixel_data_frame(d.PixelData, 1))


def expected_bytes(stored, pf):
    """frameK.expected: stored values as little-endian cells (signed ones sign-extended over the whole cell)."""
    return cell_bytes(stored, pf)


def write_pixfmt(path, kind, pf, frames, lossy, rows=ROWS, cols=COLS):
    with open(path, "w") as f:
        f.write(f"kind={kind} rows={rows} cols={cols} samples=1 bits_allocated={pf['bits_allocated']} "
                f"bits_stored={pf['bits_stored']} high_bit={pf['high_bit']} pixel_rep={pf['pixel_rep']} "
                f"frames={frames} lossy={int(lossy)}\n")


def make_series(out, syntax, tmp):
    ts_uid = TS[syntax]
    var, enc, opts, tol = PLAN[syntax]
    stored, pf, slope, intercept, modality = variant(var)
    study, series, frame_of_ref = uid("study"), uid(syntax, "series"), uid(syntax, "for")
    d = os.path.join(out, syntax)
    os.makedirs(d)
    decoded = []
    for k in range(NSLICE):
        ds = make_dataset(syntax, k, stored[k], pf, slope, intercept, modality, ts_uid, study, series,
                          frame_of_ref)
        dst = os.path.join(d, FILE_NAMES[k])
        if enc in ("none", "big_endian", "gdcm"):
            base_ts = "1.2.840.10008.1.2.2" if enc == "big_endian" else "1.2.840.10008.1.2.1"
            ds.file_meta.TransferSyntaxUID = base_ts
            target = dst if enc != "gdcm" else os.path.join(tmp, f"{syntax}_{k}.dcm")
            save(ds, target, base_ts, pixel_bytes=cell_bytes(stored[k], pf, enc == "big_endian"))
            if enc == "gdcm":
                gdcm(opts, target, dst)
                fixed = pydicom.dcmread(dst)
                if fixed.SOPInstanceUID != ds.SOPInstanceUID:  # GDCM gives lossy results a new (random) UID
                    fixed.SOPInstanceUID = ds.SOPInstanceUID
                    fixed.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
                    fixed.save_as(dst, write_like_original=False)
        elif enc == "ljpeg":
            pattern = stored[k] & ((1 << pf["bits_allocated"]) - 1)  # two's complement bit pattern
            save(ds, dst, ts_uid, frame=ljpeg_encode(pattern, pf["bits_allocated"], opts[k]))
        elif enc == "dct12":
            ds.LossyImageCompression = "01"
            ds.LossyImageCompressionMethod = "ISO_10918_1"
            save(ds, dst, ts_uid, frame=dct_encode(stored[k], 12, 0.5))
        else:
            raise ValueError(enc)
        got = pydicom.dcmread(dst)
        if got.file_meta.TransferSyntaxUID != ts_uid:
            sys.exit(f"{dst}: transfer syntax {got.file_meta.TransferSyntaxUID}, wanted {ts_uid}")
        dec = gdcm_decode(dst, pf, tmp)
        if KIND[syntax] <= 2:  # a second, independent decoder: pydicom's own (native, deflate, RLE)
            pyd = got.pixel_array.astype(np.int64) & ((1 << pf["bits_stored"]) - 1)
            if pf["pixel_rep"]:
                pyd = np.where(pyd >= 1 << (pf["bits_stored"] - 1), pyd - (1 << pf["bits_stored"]), pyd)
            if not (pyd == stored[k]).all():
                sys.exit(f"{dst}: pydicom decodes other values than were written")
        err = int(np.abs(dec - stored[k]).max())
        if tol is None and err != 0:
            sys.exit(f"{dst}: GDCM decodes a lossless file with error {err}")
        if tol is not None and not 0 < err <= tol:
            sys.exit(f"{dst}: lossy error {err} outside (0, {tol}]")
        decoded.append(dec if tol is not None else stored[k])
        if KIND[syntax] >= 2:
            fd = os.path.join(d, "frames")
            os.makedirs(fd, exist_ok=True)
            with open(os.path.join(fd, f"frame{k}.bin"), "wb") as f:
                f.write(frame_of(dst))
            with open(os.path.join(fd, f"frame{k}.expected"), "wb") as f:
                f.write(expected_bytes(decoded[k], pf))
    if KIND[syntax] >= 2:
        write_pixfmt(os.path.join(d, "frames", "pixfmt.txt"), KIND[syntax], pf, NSLICE, tol is not None)
    vol = np.stack(decoded).astype(np.float64) * slope + intercept
    with open(os.path.join(d, "expected.raw"), "wb") as f:
        f.write(vol.astype("<f4").tobytes())
    meta = {
        "transfer_syntax": ts_uid,
        "kind": KIND[syntax],
        "lossy": tol is not None,
        "variant": var,
        "dims": [COLS, ROWS, NSLICE],
        "spacing": [PIXEL_SPACING[1], PIXEL_SPACING[0], SLICE_STEP],
        "origin": list(ORIGIN),
        "direction": [1, 0, 0, 0, 1, 0, 0, 0, 1],
        "rows": ROWS, "cols": COLS, "samples": 1,
        "bits_allocated": pf["bits_allocated"], "bits_stored": pf["bits_stored"],
        "high_bit": pf["high_bit"], "pixel_rep": pf["pixel_rep"],
        "rescale_slope": slope, "rescale_intercept": intercept, "modality": modality,
        "series_uid": series, "frame_of_reference_uid": frame_of_ref,
        "files_in_position_order": FILE_NAMES,
        "instance_numbers_in_position_order": INSTANCE_NUMBERS,
        "expected_raw": "float32 little-endian, x fastest, then y, then slices in position order, after rescale",
        "max_abs_error_vs_original": int(max(np.abs(decoded[k] - stored[k]).max() for k in range(NSLICE))),
    }
    with open(os.path.join(d, "expected.json"), "w") as f:
        f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in meta.items()) + "\n}\n")


def single_frame_file(path, img, pf, ts_uid, tmp, name, frame=None):
    """A one-slice DICOM file (for GDCM encoding or decoding of extra frames)."""
    ds = make_dataset("extra_" + name, 0, img, pf, 1.0, 0.0, "MR", ts_uid, uid("study"), uid("extra", name),
                      uid("extra", "for"))
    ds.Rows, ds.Columns = img.shape
    if frame is None:
        save(ds, path, ts_uid, pixel_bytes=cell_bytes(img, pf))
    else:
        save(ds, path, ts_uid, frame=frame)


def gdcm_decode_any(path, pf, shape, tmp):
    out = os.path.join(tmp, "rawx_" + os.path.basename(path))
    gdcm(["--raw", "-X"], path, out)
    d = pydicom.dcmread(out)
    return stored_from_cells(d.PixelData, pf, shape[0] * shape[1]).reshape(shape)


def write_extra(d, name, frame, expected, pf, kind, lossy):
    with open(os.path.join(d, name + ".bin"), "wb") as f:
        f.write(frame)
    with open(os.path.join(d, name + ".expected"), "wb") as f:
        f.write(cell_bytes(expected, pf))
    write_pixfmt(os.path.join(d, name + ".txt"), kind, pf, 1, lossy, rows=expected.shape[0], cols=expected.shape[1])


def make_extras(out, tmp):
    d = os.path.join(out, "extra_frames")
    os.makedirs(d)
    rng = np.random.default_rng(20240101)
    h, w = 11, 13  # odd sizes: partial DCT blocks, no accidental row/column symmetry
    # JPEG lossless, signed 16-bit patterns with the extremes (a difference of 32768 needs SSSS 16), predictors 1..7
    s16 = dict(bits_allocated=16, bits_stored=16, high_bit=15, pixel_rep=1)
    img = (rng.integers(-3000, 3000, size=(h, w)) + np.add.outer(np.arange(h) * 50, np.arange(w) * 20))
    img[0, 0], img[0, 1], img[5, 6], img[5, 7] = -32768, 32767, 32767, -32768
    for p in range(1, 8):
        frame = ljpeg_encode(img & 0xFFFF, 16, p)
        ts = "1.2.840.10008.1.2.4.70" if p == 1 else "1.2.840.10008.1.2.4.57"
        path = os.path.join(tmp, f"ljpeg_p{p}.dcm")
        single_frame_file(path, img, s16, ts, tmp, f"ljpeg_p{p}", frame=frame)
        dec = gdcm_decode_any(path, s16, img.shape, tmp)
        assert (dec == img).all(), f"GDCM disagrees with the lossless JPEG encoder, predictor {p}"
        write_extra(d, f"ljpeg_p{p}_s16", frame, img, s16, 4, False)
    # precisions 2, 8, 12 (unsigned), predictors 1 and 7 (2 bits in a 16-bit cell: GDCM, the verifier, asserts on
    # precisions below 8 in an 8-bit cell)
    for bits, alloc in ((2, 16), (8, 8), (12, 16)):
        pf = dict(bits_allocated=alloc, bits_stored=bits, high_bit=bits - 1, pixel_rep=0)
        im = rng.integers(0, 1 << bits, size=(h, w))
        im[0, 0], im[h - 1, w - 1] = 0, (1 << bits) - 1
        for p in (1, 7):
            frame = ljpeg_encode(im, bits, p)
            path = os.path.join(tmp, f"ljpeg_b{bits}_p{p}.dcm")
            single_frame_file(path, im, pf, "1.2.840.10008.1.2.4.57", tmp, f"ljpeg_b{bits}_p{p}", frame=frame)
            dec = gdcm_decode_any(path, pf, im.shape, tmp)
            assert (dec == im).all(), f"GDCM disagrees with the lossless JPEG encoder, {bits} bits, predictor {p}"
            write_extra(d, f"ljpeg_p{p}_u{bits}", frame, im, pf, 4, False)
    # 12-bit DCT with partial blocks: expected = GDCM's decode
    u12 = dict(bits_allocated=16, bits_stored=12, high_bit=11, pixel_rep=0)
    im = np.clip(2048 + 60 * np.add.outer(np.arange(h), np.arange(w)) - 700, 0, 4095).astype(np.int64)
    im[2:5, 3:6] = 4000
    frame = dct_encode(im, 12, 0.5)
    path = os.path.join(tmp, "dct12.dcm")
    single_frame_file(path, im, u12, "1.2.840.10008.1.2.4.51", tmp, "dct12", frame=frame)
    dec = gdcm_decode_any(path, u12, im.shape, tmp)
    assert np.abs(dec - im).max() <= 60, np.abs(dec - im).max()
    write_extra(d, "jpeg12_odd", frame, dec, u12, 3, True)
    # 8-bit codecs through gdcmconv on one odd-sized 8-bit frame
    u8 = dict(bits_allocated=8, bits_stored=8, high_bit=7, pixel_rep=0)
    # (an even width: gdcmconv --rle asserts on odd widths)
    im8 = (rng.integers(0, 40, size=(h, w + 1)) + np.add.outer(np.arange(h) * 9, np.arange(w + 1) * 7)).clip(0, 255)
    im8[0, 0], im8[1, 1] = 0, 255
    src = os.path.join(tmp, "u8.dcm")
    single_frame_file(src, im8, u8, "1.2.840.10008.1.2.1", tmp, "u8")
    for name, opts, kind, ts, lossy in (("rle_u8", ["--rle"], 2, "1.2.840.10008.1.2.5", False),
                                        ("ljpeg_sv1_u8", ["--jpeg"], 4, "1.2.840.10008.1.2.4.70", False),
                                        ("jpeg_baseline_odd", ["--jpeg", "--lossy", "-q", "85"], 3,
                                         "1.2.840.10008.1.2.4.50", True),
                                        ("jpegls_u8", ["--jpegls"], 5, "1.2.840.10008.1.2.4.80", False),
                                        ("j2k_u8", ["--j2k"], 6, "1.2.840.10008.1.2.4.90", False)):
        dst = os.path.join(tmp, name + ".dcm")
        gdcm(opts, src, dst)
        assert pydicom.dcmread(dst).file_meta.TransferSyntaxUID == ts, name
        dec = gdcm_decode_any(dst, u8, im8.shape, tmp)
        assert lossy or (dec == im8).all(), name
        write_extra(d, name, frame_of(dst), dec, u8, kind, lossy)
    # JP2 box format around a lossless J2K codestream of a signed 16-bit slice
    s16img = hu_slice(1)
    src = os.path.join(tmp, "s16.dcm")
    single_frame_file(src, s16img, s16, "1.2.840.10008.1.2.1", tmp, "s16")
    dst = os.path.join(tmp, "s16_j2k.dcm")
    gdcm(["--j2k"], src, dst)
    cs = frame_of(dst)
    assert cs[:4] == b"\xff\x4f\xff\x51"
    jp2 = jp2_wrap(cs.rstrip(b"\x00") if cs.endswith(b"\xff\xd9\x00") else cs, ROWS, COLS, 16, True)
    path = os.path.join(tmp, "s16_jp2.dcm")
    single_frame_file(path, s16img, s16, "1.2.840.10008.1.2.4.90", tmp, "jp2", frame=jp2)
    dec = gdcm_decode_any(path, s16, s16img.shape, tmp)
    assert (dec == s16img).all(), "GDCM does not decode the JP2 wrapper to the original"
    write_extra(d, "j2k_jp2box_s16", jp2, s16img, s16, 6, False)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "data", "dicom", "ts")
    out = os.path.abspath(out)
    if shutil.which("gdcmconv") is None:
        sys.exit("gdcmconv not found (Debian: libgdcm-tools)")
    os.makedirs(out, exist_ok=True)
    for entry in os.listdir(out):  # regenerate everything but the hand-written README.md
        p = os.path.join(out, entry)
        if entry != "README.md":
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    with tempfile.TemporaryDirectory() as tmp:
        for syntax in TS:
            make_series(out, syntax, tmp)
        make_extras(out, tmp)
    total = 0
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(out):
        dirs.sort()
        for f in sorted(files):
            if root == out and f == "README.md":
                continue
            p = os.path.join(root, f)
            total += os.path.getsize(p)
            with open(p, "rb") as fh:
                digest.update(os.path.relpath(p, out).encode() + b"\0" + fh.read())
    print(f"{out}: {total} bytes, sha256 {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
