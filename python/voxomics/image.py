# voxomics: Image, a float32 voxel grid with its geometry, shared with the C library without copying.
# SPDX-License-Identifier: GPL-3.0-or-later
import numpy as np

from ._core import check, ffi, fspath, lib, new_error

__all__ = ["Image", "read_image", "read_mask", "as_image"]

_ORDERS = ("xyz", "zyx")
# numpy dtype of an array built in memory -> the file voxel type the library is told (PyRadiomics' resampling
# casts back to an integer input type, and its image hash is over the input type: voxomics/image.h)
_PIXEL = {"int8": "INT8", "uint8": "UINT8", "int16": "INT16", "uint16": "UINT16", "int32": "INT32",
          "uint32": "UINT32", "int64": "INT64", "uint64": "UINT64", "float32": "FLOAT32", "float64": "FLOAT64"}


class _CBuffer:
    """Exports the voxels of a C image to numpy (__array_interface__) and keeps the image alive as long as any
    array viewing them exists: the array's base is this object, which holds the owning cdata."""

    def __init__(self, owner, nbytes_shape):
        self._owner = owner
        self.__array_interface__ = {
            "version": 3,
            "typestr": "<f4",
            "shape": nbytes_shape,
            "data": (int(ffi.cast("uintptr_t", owner.v)), False),
        }


def _triple(v, name, default):
    if v is None:
        return tuple(default)
    t = tuple(float(x) for x in np.asarray(v, dtype=float).ravel())
    if len(t) == 2:  # a 2D image: the third axis keeps the default
        t = t + (default[2],)
    if len(t) != 3:
        raise ValueError(f"voxomics: {name} needs 3 values (x, y, z), got {len(t)}")
    return t


class Image:
    """A 3D image as voxomics holds it: float32 voxels and their geometry (spacing and origin in mm, direction
    cosines; world coordinates LPS as in DICOM and ITK).

    Image(array, spacing=(1, 1, 1), origin=(0, 0, 0), direction=identity, order="xyz")

    array is indexed array[x, y, z] with order="xyz" (nibabel's get_fdata(), the default) or array[z, y, x]
    with order="zyx" (SimpleITK's GetArrayFromImage). spacing, origin and direction always follow the physical
    axes x, y, z, whatever the array order (as nibabel's zooms and SimpleITK's GetSpacing() give them).
    direction is a 3x3 matrix (or 9 numbers, row-major) whose column c is the world direction of axis c.
    A 2D array is one slice (z of size 1). A float32 array in the matching memory layout (Fortran order for
    "xyz", C order for "zyx") is used without copying: the Image then shares its memory; any other array is
    converted once. An integer array's type is kept as the image's pixel_type (PyRadiomics compatibility
    casts resampled values back to it).

    img.array is the voxels as a numpy array in the image's order, a view (never a copy) of the memory the C
    library computes on; img.view("zyx") gives the other order. np.asarray(img) is img.array.
    """

    def __init__(self, array, spacing=None, origin=None, direction=None, order="xyz"):
        if order not in _ORDERS:
            raise ValueError(f"voxomics: order must be 'xyz' or 'zyx', not {order!r}")
        a = np.asarray(array)
        if a.ndim == 2:
            a = a[:, :, None] if order == "xyz" else a[None, :, :]
        if a.ndim != 3:
            raise ValueError(f"voxomics: an image array needs 2 or 3 dimensions, got shape {a.shape}")
        pixel = _PIXEL.get(a.dtype.name, "REAL") if a.dtype != np.bool_ else "UINT8"
        data = np.asfortranarray(a, dtype=np.float32) if order == "xyz" else np.ascontiguousarray(a, dtype=np.float32)
        dims = data.shape if order == "xyz" else data.shape[::-1]
        c = ffi.new("vx_image *")
        for k in range(3):
            c.geom.dims[k] = dims[k]
        self._c, self._data, self.order = c, data, order
        self._set_geometry(spacing, origin, direction)
        c.v = ffi.cast("float *", data.ctypes.data) if data.size else ffi.NULL
        c.pixel_type = getattr(lib, "VX_PIXEL_" + pixel)

    @classmethod
    def _from_c(cls, ptr, order="xyz"):
        """Wrap a vx_image * the library allocated: freed (vx_image_free) once neither the Image nor any array
        viewing its voxels is referenced."""
        self = cls.__new__(cls)
        owner = ffi.gc(ptr, lib.vx_image_free)
        self._c, self.order = owner, order
        dims = tuple(int(owner.geom.dims[k]) for k in range(3))
        flat = np.asarray(_CBuffer(owner, (dims[0] * dims[1] * dims[2],)))
        self._data = flat.reshape(dims, order="F") if order == "xyz" else flat.reshape(dims[::-1])
        return self

    def _set_geometry(self, spacing, origin, direction):
        g = self._c.geom
        sp = _triple(spacing, "spacing", (1.0, 1.0, 1.0))
        org = _triple(origin, "origin", (0.0, 0.0, 0.0))
        d = np.eye(3) if direction is None else np.asarray(direction, dtype=float).reshape(3, 3)
        for k in range(3):
            g.spacing[k], g.origin[k] = sp[k], org[k]
        for k, x in enumerate(d.ravel()):
            g.direction[k] = float(x)
        err = new_error()
        check(lib.vx_geometry_validate(ffi.addressof(g), ffi.NULL, b"image", err), err)

    # ---- voxels ----
    @property
    def array(self):
        """The voxels (float32), a view in the image's order ('xyz': array[x, y, z]; 'zyx': array[z, y, x])."""
        return self._data

    def view(self, order):
        """The voxels as a view in the given order, 'xyz' or 'zyx' (the transpose of the other: no copy)."""
        if order not in _ORDERS:
            raise ValueError(f"voxomics: order must be 'xyz' or 'zyx', not {order!r}")
        return self._data if order == self.order else self._data.T

    def __array__(self, dtype=None, copy=None):
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self._data.copy() if copy else self._data
        return self._data.astype(dtype)

    def __getitem__(self, index):
        """img[i, j, k]: indexing of img.array (in the image's order)."""
        return self._data[index]

    def __setitem__(self, index, value):
        self._data[index] = value

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def shape(self):
        return self._data.shape

    @property
    def dims(self):
        """Voxels along x, y, z."""
        return tuple(int(self._c.geom.dims[k]) for k in range(3))

    # ---- geometry ----
    @property
    def spacing(self):
        """Voxel spacing in mm along x, y, z."""
        return tuple(float(self._c.geom.spacing[k]) for k in range(3))

    @property
    def origin(self):
        """World position (LPS, mm) of the centre of voxel (0, 0, 0)."""
        return tuple(float(self._c.geom.origin[k]) for k in range(3))

    @property
    def direction(self):
        """3x3 direction cosines (LPS): column c is the world direction of axis c (x, y, z)."""
        return np.array([float(self._c.geom.direction[k]) for k in range(9)]).reshape(3, 3)

    @property
    def pixel_type(self):
        """The voxel type of the file or array the image came from ('int16', 'float32', 'real', ...)."""
        return ffi.string(lib.vx_pixel_type_name(self._c.pixel_type)).decode()

    @property
    def affine(self):
        """The 4x4 voxel-to-world matrix in nibabel's RAS convention (for nibabel.Nifti1Image(img.array,
        img.affine))."""
        m = np.eye(4)
        m[:3, :3] = self.direction * np.asarray(self.spacing)
        m[:3, 3] = self.origin
        return np.diag([-1.0, -1.0, 1.0, 1.0]) @ m  # LPS -> RAS

    @classmethod
    def from_nibabel(cls, nii):
        """An Image from a nibabel image in memory (its scaled data and its affine, RAS -> LPS)."""
        data = np.asanyarray(nii.dataobj)
        affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ np.asarray(nii.affine, dtype=float)
        lin = affine[:3, :3]
        spacing = np.linalg.norm(lin, axis=0)
        return cls(data, spacing=spacing, origin=affine[:3, 3], direction=lin / spacing, order="xyz")

    def to_nibabel(self):
        """A nibabel Nifti1Image sharing the voxels (order xyz) with this image's affine."""
        import nibabel

        return nibabel.Nifti1Image(self.view("xyz"), self.affine)

    def write(self, path, version=1):
        """Write the image as NIfTI (float32; .nii.gz compresses)."""
        err = new_error()
        check(lib.vx_nifti_write(fspath(path), self._c, int(version), err), err)

    def __repr__(self):
        sp = ", ".join(f"{x:g}" for x in self.spacing)
        return (f"voxomics.Image(dims={self.dims} (x, y, z), spacing=({sp}) mm, origin={self.origin}, "
                f"order={self.order!r}, pixel_type={self.pixel_type!r})")


def read_image(path, order="xyz"):
    """Read an image: NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr), a DICOM file or a folder holding one DICOM
    series (as the CLI's IMAGE argument). The voxels are not copied: img.array views the library's buffer."""
    if order not in _ORDERS:
        raise ValueError(f"voxomics: order must be 'xyz' or 'zyx', not {order!r}")
    out = ffi.new("vx_image **")
    err = new_error()
    check(lib.vx_input_image(fspath(path), ffi.NULL, out, ffi.NULL, err), err)
    return Image._from_c(out[0], order)


def read_mask(spec, image, resample=False, order="xyz"):
    """Read a mask on image's grid (an Image): a mask or label image file, LABEL_IMAGE:N (label N as 0/1),
    RTSTRUCT_FILE:ROI, SEG_FILE:SEGMENT, FILE.seg.nrrd:SEGMENT (docs/inputs.md). A mask on another grid is an
    error, or with resample=True is resampled onto the image grid (nearest neighbour)."""
    image = as_image(image)
    out = ffi.new("vx_image **")
    err = new_error()
    check(lib.vx_input_mask(fspath(spec), image._c, ffi.NULL, 1 if resample else 0, out, ffi.NULL, err), err)
    return Image._from_c(out[0], order)


def as_image(x, like=None, spacing=None, origin=None, direction=None, order="xyz"):
    """x as an Image: an Image as it is, a nibabel image (anything with .affine and .dataobj), or a numpy
    array with the given geometry, or, when none is given, the geometry of the Image `like` (a mask array for
    an image)."""
    if isinstance(x, Image):
        return x
    if hasattr(x, "affine") and hasattr(x, "dataobj"):
        return Image.from_nibabel(x)
    if like is not None and spacing is None and origin is None and direction is None:
        spacing, origin, direction = like.spacing, like.origin, like.direction
    return Image(x, spacing=spacing, origin=origin, direction=direction, order=order)
