#!/usr/bin/python3
"""Regenerate tests/data/nrrd/ (NRRD fixtures for tests/unit/test_nrrd.c).

Headers are written as text and voxel data with numpy (an encoder independent of voxomics); the gzip variants
and detached gzip file are written by teem's `unu save` where possible. Every fixture is then read back with
teem's `unu` (teem-unu) and compared with the array it should hold, so the files are checked by an
independent NRRD implementation. Voxel values follow simple formulas of (x, y, z) that the C tests re-derive.

Usage: scripts/make_nrrd_testdata.py [outdir]   (default: tests/data/nrrd next to this script)
SPDX-License-Identifier: GPL-3.0-or-later
"""
import gzip
import math
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "data", "nrrd")
UNU = shutil.which("teem-unu") or shutil.which("unu")

NX, NY, NZ = 4, 3, 2


def grid(nx=NX, ny=NY, nz=NZ):
    """x + 10 y + 100 z as a (z, y, x) array (numpy order; x fastest in the file)."""
    z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    return (x + 10 * y + 100 * z).astype(np.float64)


def path(name):
    return os.path.join(OUT, name)


def header(fields, kv=()):
    lines = ["NRRD0004"] + [f"{k}: {v}" for k, v in fields] + [f"{k}:={v}" for k, v in kv]
    return ("\n".join(lines) + "\n").encode()


def write(name, fields, data=b"", kv=(), attached=True, pre=b""):
    with open(path(name), "wb") as f:
        f.write(header(fields, kv))
        if attached:
            f.write(b"\n" + pre + data)


def unu_values(name):
    """The samples of a NRRD file as teem reads them (converted to double, written as ascii)."""
    p = subprocess.run(f"{UNU} convert -t double -i {path(name)} | {UNU} save -f nrrd -e ascii",
                       shell=True, check=True, capture_output=True)
    text = p.stdout.decode()
    body = text.split("\n\n", 1)[1]
    return np.array([float(t) for t in body.split()])


def unu_head(name):
    return subprocess.run([UNU, "head", path(name)], check=True, capture_output=True).stdout.decode()


def check(name, expect):
    if not UNU:
        return
    got = unu_values(name)
    exp = np.asarray(expect, dtype=np.float64).ravel()
    assert got.shape == exp.shape and np.array_equal(got, exp), (name, got, exp)


LPS_DIRS = "(0.5,0,0) (0,0.75,0) (0,0,2.5)"
LPS_ORIGIN = "(10,-20,30)"


def geo(space="left-posterior-superior", dirs=LPS_DIRS, origin=LPS_ORIGIN):
    return [("space", space), ("space directions", dirs), ("space origin", origin)]


def main():
    os.makedirs(OUT, exist_ok=True)
    g = grid()

    # attached raw, little endian uint16: 1000 + x + 10y + 100z
    v = (1000 + g).astype("<u2")
    write("le_u16.nrrd", [("type", "unsigned short"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                          ("encoding", "raw")] + geo() + [("kinds", "domain domain domain")], v.tobytes())
    check("le_u16.nrrd", v)

    # attached raw, big endian int32: -70000 - (x + 10y + 100z); NRRD0005 magic, comments, key/values
    v = (-70000 - g).astype(">i4")
    with open(path("be_i32.nrrd"), "wb") as f:
        f.write(b"NRRD0005\n# a comment\ntype: int\ndimension: 3\nsizes: 4 3 2\nendian: big\nencoding: raw\n"
                b"space: LPS\nspace directions: " + LPS_DIRS.encode() + b"\nspace origin: " + LPS_ORIGIN.encode() +
                b"\ncontent: big endian test\nmy key:=my value\n\n" + v.tobytes())
    check("be_i32.nrrd", v)

    # float32, gzip by unu from a raw file: (x + 10y + 100z) / 4 - 3.5
    v = (g / 4 - 3.5).astype("<f4")
    write("tmp_f32.nrrd", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                           ("encoding", "raw")] + geo(), v.tobytes())
    if UNU:
        subprocess.run([UNU, "save", "-f", "nrrd", "-e", "gzip", "-i", path("tmp_f32.nrrd"), "-o",
                        path("gzip_f32.nrrd")], check=True)
    else:
        write("gzip_f32.nrrd", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                                ("encoding", "gzip")] + geo(), gzip.compress(v.tobytes(), mtime=0))
    os.remove(path("tmp_f32.nrrd"))
    check("gzip_f32.nrrd", v)

    # detached raw: big-endian int16 (type alias "short") 100 - (x + 10y + 100z), data in detached_raw.raw
    v = (100 - g).astype(">i2")
    write("detached_raw.nhdr", [("type", "short"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "big"),
                                ("encoding", "raw"), ("data file", "detached_raw.raw")] + geo(), attached=False)
    with open(path("detached_raw.raw"), "wb") as f:
        f.write(v.tobytes())
    check("detached_raw.nhdr", v)

    # detached gzip, written by unu from le_u16.nrrd (detached_gz.nhdr + detached_gz.raw.gz)
    v = (1000 + g).astype("<u2")
    if UNU:
        subprocess.run([UNU, "save", "-f", "nrrd", "-e", "gzip", "-i", path("le_u16.nrrd"), "-o",
                        path("detached_gz.nhdr")], check=True)
        assert "data file: detached_gz.raw.gz" in unu_head("detached_gz.nhdr")
    check("detached_gz.nhdr", v)

    # byte skip 13 in a detached raw float file: 2 x + y - z / 2
    z, y, x = np.meshgrid(np.arange(NZ), np.arange(NY), np.arange(NX), indexing="ij")
    v = (2 * x + y - z / 2).astype("<f4")
    write("byteskip.nhdr", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                            ("encoding", "raw"), ("data file", "./byteskip.dat"), ("byte skip", 13)],
          attached=False)
    with open(path("byteskip.dat"), "wb") as f:
        f.write(b"0123456789abc" + v.tobytes())
    check("byteskip.nhdr", v)

    # byte skip -1: attached, 5 junk bytes between the header and the data (uint8 x + 10y + 100z)
    v = g.astype("u1")
    write("byteskip_m1.nrrd", [("type", "uchar"), ("dimension", 3), ("sizes", "4 3 2"), ("encoding", "raw"),
                               ("byte skip", -1)], v.tobytes(), pre=b"JUNK!")
    check("byteskip_m1.nrrd", v)

    # line skip 2 then byte skip 3 in a detached file (uint16 big endian 7 x + y + 3 z)
    v = (7 * x + y + 3 * z).astype(">u2")
    write("lineskip.nhdr", [("type", "uint16"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "big"),
                            ("encoding", "raw"), ("data file", "lineskip.dat"), ("line skip", 2),
                            ("byte skip", 3)], attached=False)
    with open(path("lineskip.dat"), "wb") as f:
        f.write(b"first text line\nsecond\nxyz" + v.tobytes())
    check("lineskip.nhdr", v)

    # gzip with byte skip 4 (skipped after decompression), attached; int16 little x - y * z
    v = (x - y * z).astype("<i2")
    write("gz_byteskip.nrrd", [("type", "int16"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                               ("encoding", "gz"), ("byte skip", 4)],
          gzip.compress(b"SKIP" + v.tobytes(), mtime=0))
    check("gz_byteskip.nrrd", v)

    # 2D: uchar 5 x 4, x + 10 y
    v2 = grid(5, 4, 1).astype("u1")
    write("two_d.nrrd", [("type", "unsigned char"), ("dimension", 2), ("sizes", "5 4"), ("encoding", "raw"),
                         ("space", "left-posterior-superior"), ("space directions", "(0.8,0,0) (0,0.9,0)"),
                         ("space origin", "(1,2,3)")], v2.tobytes())
    check("two_d.nrrd", v2)

    # RAS space: directions (1,0,0) (0,2,0) (0,0,3), origin (1,2,3); float32 x + 10y + 100z
    v = g.astype("<f4")
    write("ras.nrrd", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                       ("encoding", "raw"), ("space", "right-anterior-superior"),
                       ("space directions", "(1,0,0) (0,2,0) (0,0,3)"), ("space origin", "(1,2,3)")], v.tobytes())
    check("ras.nrrd", v)

    # oblique: LPS, columns = R[:, c] * s[c] with R = Rz(30 deg) Rx(20 deg), s = (0.7, 0.8, 1.5)
    a, b = math.radians(30), math.radians(20)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), -math.sin(b)], [0, math.sin(b), math.cos(b)]])
    r = rz @ rx
    s = [0.7, 0.8, 1.5]
    dirs = " ".join("(" + ",".join(repr(float(r[i, c] * s[c])) for i in range(3)) + ")" for c in range(3))
    write("oblique.nrrd", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                           ("encoding", "raw"), ("space", "LPS"), ("space directions", dirs),
                           ("space origin", "(-5.5,7.25,100)")], v.tobytes())
    check("oblique.nrrd", v)

    # spacings only (no space): 0.5 0.6 0.7
    write("spacings.nrrd", [("type", "float"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                            ("encoding", "raw"), ("spacings", "0.5 0.6 0.7")], v.tobytes())
    check("spacings.nrrd", v)

    # every scalar type (one NRRD name each), little endian, 2 x 2 x 2:
    # values base[t] + k * step[t] for sample k = 0..7
    types = [("int8", "signed char", "i1", -100, 25), ("uint8", "uchar", "u1", 3, 31),
             ("int16", "short int", "<i2", -30000, 8000), ("uint16", "ushort", "<u2", 60000, 700),
             ("int32", "signed int", "<i4", -2000000000, 500000000), ("uint32", "uint", "<u4", 4000000000, 1000),
             ("int64", "long long", "<i8", -(2 ** 40), 2 ** 38), ("uint64", "unsigned long long int", "<u8",
                                                                    2 ** 60, 2 ** 56),
             ("float", "float", "<f4", -1.5, 0.25), ("double", "double", "<f8", 1e-3, 1e3)]
    for short, alias, dt, base, step in types:
        vals = np.array([base + k * step for k in range(8)], dtype=object)
        arr = np.array([vals[k] for k in range(8)]).astype(dt)
        name = f"type_{short}.nrrd"
        f = [("type", alias), ("dimension", 3), ("sizes", "2 2 2")]
        if np.dtype(dt).itemsize > 1:
            f.append(("endian", "little"))
        write(name, f + [("encoding", "raw")], arr.tobytes())
        check(name, arr.astype(np.float64))

    # 4D with a list axis of size 1 first (reads as 3D)
    v = (1000 + g).astype("<u2")
    write("list4d1.nrrd", [("type", "ushort"), ("dimension", 4), ("sizes", "1 4 3 2"), ("endian", "little"),
                           ("encoding", "raw"), ("space", "LPS"), ("space directions", "none " + LPS_DIRS),
                           ("kinds", "list domain domain domain"), ("space origin", LPS_ORIGIN)], v.tobytes())
    check("list4d1.nrrd", v)

    # multi-file detached headers: LIST (one file per z slice) and a printf-style format
    v = (1000 + g).astype("<u2")
    for k in range(NZ):
        with open(path(f"slice{k}.raw"), "wb") as f:
            f.write(v[k].tobytes())
        with open(path(f"fmt_slice{k + 1:02d}.raw"), "wb") as f:
            f.write(v[k].tobytes())
    with open(path("list.nhdr"), "wb") as f:
        f.write(header([("type", "ushort"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                        ("encoding", "raw")] + geo() + [("data file", "LIST")]) + b"slice0.raw\nslice1.raw\n")
    check("list.nhdr", v)
    write("fmt.nhdr", [("type", "ushort"), ("dimension", 3), ("sizes", "4 3 2"), ("endian", "little"),
                       ("encoding", "raw")] + geo() + [("data file", "fmt_slice%02d.raw 1 2 1 2")], attached=False)
    check("fmt.nhdr", v)

    # 3D Slicer segmentation, single layer labelmap (6 x 5 x 4, gzip): label 1 ("Liver") where x < 3,
    # label 2 ("Tumor") where x >= 3 and y >= 2, else 0
    z, y, x = np.meshgrid(np.arange(4), np.arange(5), np.arange(6), indexing="ij")
    lab = np.where(x < 3, 1, np.where(y >= 2, 2, 0)).astype("u1")
    slicer_kv = [("Segment0_Color", "0.5 0.6 0.7"), ("Segment0_ColorAutoGenerated", "1"),
                 ("Segment0_Extent", "0 2 0 4 0 3"), ("Segment0_ID", "Segment_1"), ("Segment0_LabelValue", "1"),
                 ("Segment0_Layer", "0"), ("Segment0_Name", "Liver"), ("Segment0_NameAutoGenerated", "0"),
                 ("Segment0_Tags", "Segmentation.Status:inprogress|TerminologyEntry:Segmentation category and "
                                   "type - 3D Slicer General Anatomy list~SCT^123037004^Anatomical Structure|"),
                 ("Segment1_Color", "0.9 0.1 0.1"), ("Segment1_Extent", "3 5 2 4 0 3"),
                 ("Segment1_ID", "Segment_2"), ("Segment1_LabelValue", "2"), ("Segment1_Layer", "0"),
                 ("Segment1_Name", "Tumor"),
                 ("Segmentation_ContainedRepresentationNames", "Binary labelmap|Closed surface|"),
                 ("Segmentation_ConversionParameters",
                  "Collapse labelmaps|1|Merge the labelmaps into as few shared labelmaps as possible&"
                  "Smoothing factor|0.5|Smoothing factor used"),
                 ("Segmentation_MasterRepresentation", "Binary labelmap"),
                 ("Segmentation_ReferenceImageExtentOffset", "0 0 0")]
    seg_geo = [("space", "left-posterior-superior"), ("sizes", "6 5 4"),
               ("space directions", "(0.9,0,0) (0,0.9,0) (0,0,3)"), ("kinds", "domain domain domain")]
    write("seg3d.seg.nrrd", [("type", "unsigned char"), ("dimension", 3)] + seg_geo +
          [("encoding", "gzip"), ("space origin", "(-20,-30,40)")], gzip.compress(lab.tobytes(), mtime=0),
          kv=slicer_kv)
    check("seg3d.seg.nrrd", lab)

    # the same as a 2-layer 4D segmentation (first axis = layers): layer 0 label 1 "Liver" (x < 3) and label 3
    # "Vessel" (x == 5, z == 0); layer 1 label 1 "Tumor" (y >= 2, x >= 2, overlapping the liver)
    l0 = np.where(x < 3, 1, np.where((x == 5) & (z == 0), 3, 0))
    l1 = np.where((y >= 2) & (x >= 2), 1, 0)
    both = np.stack([l0, l1], axis=-1).astype("u1")  # layer fastest
    kv4 = [("Segment0_ID", "Segment_1"), ("Segment0_LabelValue", "1"), ("Segment0_Layer", "0"),
           ("Segment0_Name", "Liver"), ("Segment1_ID", "Segment_2"), ("Segment1_LabelValue", "1"),
           ("Segment1_Layer", "1"), ("Segment1_Name", "Tumor"), ("Segment2_ID", "vessel_id"),
           ("Segment2_LabelValue", "3"), ("Segment2_Layer", "0"), ("Segment2_Name", "Vessel")]
    write("seg4d.seg.nrrd", [("type", "unsigned char"), ("dimension", 4), ("space", "left-posterior-superior"),
                             ("sizes", "2 6 5 4"),
                             ("space directions", "none (0.9,0,0) (0,0.9,0) (0,0,3)"),
                             ("kinds", "list domain domain domain"), ("encoding", "gzip"),
                             ("space origin", "(-20,-30,40)")], gzip.compress(both.tobytes(), mtime=0), kv=kv4)
    check("seg4d.seg.nrrd", both)
    print("wrote", OUT, "(checked with unu)" if UNU else "(unu not found: not cross-checked)")


if __name__ == "__main__":
    main()
