# voxomics: the cffi builder of voxomics._vx (API mode).
#
# The cdef is every python/voxomics/_cdef/*.h file, concatenated in sorted file-name order (plain C declarations
# of the public API, as cffi's cdef reads them; each helper of the package owns one file). The extension
# includes the public headers of include/voxomics and links the shared library of a voxomics build:
#   VOXOMICS_BUILD_DIR   the CMake build folder holding libvoxomics.so (default: ../build from python/)
#   VOXOMICS_INCLUDE_DIR the folder holding voxomics/*.h (default: ../include from python/)
# The extension finds libvoxomics.so.0 beside itself at run time (rpath $ORIGIN; setup.py copies it there).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import glob
import os

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
SOURCE_DIR = os.path.dirname(PYTHON_DIR)


def build_dir():
    return os.path.abspath(os.environ.get("VOXOMICS_BUILD_DIR") or os.path.join(SOURCE_DIR, "build"))


def include_dir():
    return os.path.abspath(os.environ.get("VOXOMICS_INCLUDE_DIR") or os.path.join(SOURCE_DIR, "include"))


def shared_library():
    """The path of libvoxomics.so.0 in the build folder; a clear error when the library is not built."""
    lib = os.path.join(build_dir(), "libvoxomics.so.0")
    if not os.path.exists(lib):
        raise RuntimeError(
            f"voxomics: {lib} not found: build the library first (make, in the repository root), "
            "or set VOXOMICS_BUILD_DIR to the CMake build folder holding libvoxomics.so")
    return lib


def cdef_text():
    """The cdef: python/voxomics/_cdef/*.h in sorted file-name order."""
    parts = []
    for path in sorted(glob.glob(os.path.join(HERE, "_cdef", "*.h"))):
        with open(path, encoding="utf-8") as f:
            parts.append(f"/* ---- {os.path.basename(path)} ---- */\n" + f.read())
    return "\n".join(parts)


def headers():
    """#include lines for every public header (sorted), and what the cdef names from libc."""
    inc = include_dir()
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(inc, "voxomics", "*.h")))
    if not names:
        raise RuntimeError(f"voxomics: no public headers in {inc}/voxomics: set VOXOMICS_INCLUDE_DIR")
    lines = ["#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>"]
    lines += [f"#include <voxomics/{n}>" for n in names]
    return "\n".join(lines) + "\n"


ffibuilder = FFI()
ffibuilder.cdef(cdef_text())
ffibuilder.set_source(
    "voxomics._vx",
    headers(),
    include_dirs=[include_dir()],
    library_dirs=[build_dir()],
    libraries=["voxomics"],
    extra_compile_args=["-std=gnu17", "-O2"],
    extra_link_args=["-Wl,-rpath,$ORIGIN"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
