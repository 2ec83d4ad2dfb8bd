# voxomics: the extension module, the exception type and the helpers every module of the package shares.
# SPDX-License-Identifier: GPL-3.0-or-later
import os

try:
    from ._vx import ffi, lib
except ImportError as e:  # pragma: no cover - a package used from its source tree without building it
    raise ImportError(
        "voxomics: the extension voxomics._vx is not built: install the package "
        "(make python, or /usr/bin/python3 -m pip install ./python --no-build-isolation): " + str(e)) from e

__all__ = ["ffi", "lib", "VoxomicsError", "check", "new_error", "fspath", "read_stream"]


class VoxomicsError(RuntimeError):
    """An error of the voxomics library: str(e) is the library's message (what failed, where, why);
    e.code is its status (a negative VX_E* code, e.g. voxomics.VX_EIO) and e.kind the code's short name."""

    def __init__(self, message, code=-1):
        super().__init__(message)
        self.code = int(code)
        self.kind = ffi.string(lib.vx_strerror(self.code)).decode("utf-8", "replace")


VoxomicsError.__module__ = "voxomics"  # shown as voxomics.VoxomicsError, where users import it from

def new_error():
    """A zeroed vx_error owned by Python."""
    return ffi.new("vx_error *")


def error_text(err):
    msg = ffi.string(err.msg).decode("utf-8", "replace")
    return msg or ffi.string(lib.vx_strerror(err.code)).decode("utf-8", "replace")


def check(rc, err, what=None):
    """Raise VoxomicsError for a status != VX_OK, with the library's message (prefixed by what, when given)."""
    if rc != lib.VX_OK:
        msg = error_text(err) if err is not None else ffi.string(lib.vx_strerror(rc)).decode()
        raise VoxomicsError(f"{what}: {msg}" if what else msg, rc if rc < 0 else err.code)
    return rc


def fspath(path):
    """A path (str, bytes or os.PathLike) as the bytes the C library takes."""
    p = os.fspath(path)
    return p if isinstance(p, bytes) else p.encode("utf-8")


def read_stream(write):
    """Run write(FILE *) on a memory stream (open_memstream) and return what it wrote as text. write returns a
    status; a status != VX_OK raises after the stream is closed and freed."""
    buf = ffi.new("char **")
    size = ffi.new("size_t *")
    f = lib.open_memstream(buf, size)
    if f == ffi.NULL:
        raise MemoryError("voxomics: cannot open a memory stream")
    try:
        rc = write(f)
    finally:
        lib.fclose(f)
        text = ffi.string(buf[0], size[0]).decode("utf-8", "replace") if buf[0] != ffi.NULL else ""
        lib.free(buf[0])
    if rc != lib.VX_OK:
        raise VoxomicsError("voxomics: cannot write the result table: " +
                            ffi.string(lib.vx_strerror(rc)).decode(), rc)
    return text
