"""Turning Python sequences and numpy arrays into C arrays.

numpy is optional and never imported by this module: an ndarray can only
exist if the caller already imported numpy, so sys.modules tells whether an
argument may be one.  Contiguous arrays of the right dtype are passed to C
without a copy (a pointer into the array's own buffer); anything else is
converted once into an array.array of the C type.
"""

import array
import ctypes
import numbers
import sys

# array.array typecodes of the C types (checked against ctypes sizes below)
_CODES = {ctypes.c_int64: "q", ctypes.c_double: "d", ctypes.c_uint32: "I"}
_NP_DTYPES = {ctypes.c_int64: "int64", ctypes.c_double: "float64",
              ctypes.c_uint32: "uint32"}
for _ctype, _code in list(_CODES.items()):
    if array.array(_code).itemsize != ctypes.sizeof(_ctype):
        _CODES[_ctype] = "l" if ctypes.sizeof(_ctype) == 8 else "L"


def numpy_module():
    """numpy if the program already imported it, else None."""
    return sys.modules.get("numpy")


def is_ndarray(x):
    np = numpy_module()
    return np is not None and isinstance(x, np.ndarray)


class CArray:
    """A C view of a sequence: .ptr (typed pointer, NULL when empty), .n,
    .keep (the object owning the memory, kept alive with this view) and
    .zero_copy (True when .ptr points into the caller's own numpy array)."""

    __slots__ = ("ptr", "n", "keep", "zero_copy")

    def __init__(self, ptr, n, keep, zero_copy):
        self.ptr, self.n, self.keep, self.zero_copy = ptr, n, keep, zero_copy


def _check_integral(values, what):
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            if isinstance(v, numbers.Real) and float(v).is_integer():
                continue
            raise TypeError("%s must be integers, got %r" % (what, v))


def as_c_array(values, ctype, what="values"):
    """A CArray of `ctype` (c_int64, c_double or c_uint32) holding `values`
    (a sequence, an iterable, or a numpy array)."""
    ptr_type = ctypes.POINTER(ctype)
    if is_ndarray(values):
        np = numpy_module()
        if values.ndim != 1:
            raise ValueError("%s must be one-dimensional, got shape %s"
                             % (what, values.shape))
        dtype = np.dtype(_NP_DTYPES[ctype])
        if ctype is not ctypes.c_double and values.dtype.kind not in "iub":
            if values.dtype.kind == "f" and values.size and \
                    not np.all(np.mod(values, 1) == 0):
                raise TypeError("%s must be integers, got dtype %s"
                                % (what, values.dtype))
        zero_copy = values.dtype == dtype and values.flags.c_contiguous
        arr = values if zero_copy else np.ascontiguousarray(values,
                                                            dtype=dtype)
        n = int(arr.shape[0])
        ptr = arr.ctypes.data_as(ptr_type) if n else ptr_type()
        return CArray(ptr, n, arr, zero_copy)
    if isinstance(values, array.array) and values.typecode == _CODES[ctype]:
        arr = values  # already C memory of the right type: borrow it
    else:
        if not isinstance(values, (list, tuple)):
            values = list(values)
        if ctype is not ctypes.c_double:
            _check_integral(values, what)
            values = [int(v) for v in values]
        try:
            arr = array.array(_CODES[ctype], values)
        except OverflowError as exc:
            raise OverflowError("%s: %s" % (what, exc)) from None
    n = len(arr)
    if n == 0:
        return CArray(ptr_type(), 0, arr, False)
    # A ctypes array over the array.array's own buffer; the pointer cast
    # from it keeps both alive (through ctypes' _objects), so .ptr stays
    # valid even when the CArray itself is dropped.
    view = (ctype * n).from_buffer(arr)
    return CArray(ctypes.cast(view, ptr_type), n, arr, False)


def output(values, like_numpy, dtype="float64"):
    """`values` (a list) as a numpy array when the inputs were numpy arrays,
    else unchanged."""
    if like_numpy:
        return numpy_module().asarray(values, dtype=dtype)
    return values

