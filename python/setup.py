# voxomics: setuptools entry point. The cffi extension voxomics._vx is built by voxomics/_build.py against the
# public headers (include/) and the shared library of a voxomics build (VOXOMICS_BUILD_DIR, default ../build);
# libvoxomics.so.0 is copied into the package and found there at run time (rpath $ORIGIN).
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import shutil
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "voxomics"))
import _build  # noqa: E402  (the paths of the build tree, shared with the cffi builder)


class BuildPyWithLibrary(build_py):
    """Copy libvoxomics.so.0 of the build tree into the built package, beside the extension."""

    def run(self):
        super().run()
        lib = _build.shared_library()
        dest = os.path.join(self.build_lib, "voxomics", "libvoxomics.so.0")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(lib, dest)


setup(
    cffi_modules=["voxomics/_build.py:ffibuilder"],
    cmdclass={"build_py": BuildPyWithLibrary},
    zip_safe=False,
)
