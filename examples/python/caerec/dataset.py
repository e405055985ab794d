"""Datasets of (user, item) interactions (caerec_dataset)."""

import ctypes
import os

from . import _lib
from ._arrays import as_c_array, is_ndarray, output
from .errors import InvalidArgument

#: caerec_file_format values
FORMATS = {"auto": 0, "tsv": 1, "csv": 2, "dat": 3}

#: default name of the interaction type of rows without rating or type
DEFAULT_TYPE = "interaction"


def _format(fmt):
    if isinstance(fmt, int):
        return fmt
    try:
        return FORMATS[fmt.lower()]
    except (KeyError, AttributeError):
        raise InvalidArgument("unknown file format %r (one of %s)"
                              % (fmt, ", ".join(FORMATS))) from None


def _names_array(names):
    encoded = [n.encode() if isinstance(n, str) else bytes(n) for n in names]
    arr = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
    return (arr if encoded else None), len(encoded)


def _values(seq):
    """A list of the values of a sequence or numpy array."""
    return seq.tolist() if is_ndarray(seq) else list(seq)


class Dataset:
    """A set of observed (user, item) cells with ratings on a fixed scale and
    named interaction types.

    Built from parallel sequences (lists, tuples, array.array or numpy
    arrays; contiguous int64/float64 numpy arrays are read without a copy)::

        Dataset(users, items, ratings)                  # explicit ratings
        Dataset(users, items, types=['view', 'click'])  # typed interactions
        Dataset(users, items)                           # implicit only

    levels: the rating scale; inferred from the distinct ratings when None
    (pass it explicitly when a small sample may miss a level).
    type_names: the interaction types; inferred from `types` when those are
    names, and ('interaction',) for rows with neither rating nor type.
    Rows carrying both a rating and a type add both.

    Also: Dataset.from_file(path), Dataset.synthetic(n_users=...),
    Dataset.empty(levels, type_names).
    """

    def __init__(self, users=(), items=(), ratings=None, *, types=None,
                 levels=None, type_names=None):
        if levels is None:
            levels = sorted(set(_values(ratings))) if ratings is not None \
                else ()
        if types is not None and type_names is None:
            type_list = _values(types)
            if type_list and isinstance(type_list[0], str):
                type_names = list(dict.fromkeys(type_list))
            else:
                n = int(max(type_list)) + 1 if type_list else 1
                type_names = ["type%d" % t for t in range(n)]
        elif types is None and ratings is None:
            if type_names is None:
                type_names = (DEFAULT_TYPE,)
            types = [0] * len(users)
        if type_names is None:
            type_names = ()
        self._create(levels, type_names)
        try:
            if ratings is not None:
                self.add_ratings(users, items, ratings)
            if types is not None:
                self.add_interactions(users, items, types)
        except BaseException:
            self.close()
            raise

    # -- construction -----------------------------------------------------
    def _create(self, levels, type_names):
        lib = _lib.lib()
        lv = as_c_array(levels, ctypes.c_double, "levels")
        names, n_names = _names_array(type_names)
        out = _lib.dataset_p()
        lib.check(lib.caerec_dataset_create(ctypes.byref(out), lv.ptr, lv.n,
                                            names, n_names))
        self._adopt(out, lib)

    def _adopt(self, handle, lib):
        self._handle = handle
        self._lib = lib
        self._free = lib.caerec_dataset_free

    @classmethod
    def _wrap(cls, handle, lib):
        self = cls.__new__(cls)
        self._adopt(handle, lib)
        return self

    @classmethod
    def empty(cls, levels=(), type_names=()):
        """An empty dataset with this scale and these types."""
        self = cls.__new__(cls)
        self._create(levels, type_names)
        return self

    @classmethod
    def from_file(cls, path, format="auto", scale=None, type_names=None):
        """Reads an interaction file (MovieLens u.data/.csv/ratings.dat...).

        With scale=None the levels and types are inferred from the file
        (caerec_dataset_read_file); otherwise scale is the list of rating
        levels (and type_names the interaction types) and the file is loaded
        into a dataset with that scale (caerec_dataset_load_file)."""
        lib = _lib.lib()
        path_b = os.fsencode(path)
        if scale is None and type_names is None:
            out = _lib.dataset_p()
            lib.check(lib.caerec_dataset_read_file(ctypes.byref(out), path_b,
                                                   _format(format)))
            return cls._wrap(out, lib)
        self = cls.empty(scale or (), type_names or ())
        try:
            self.load_file(path, format)
        except BaseException:
            self.close()
            raise
        return self

    @classmethod
    def synthetic(cls, **options):
        """A dataset with planted structure (caerec_dataset_synthetic).
        Options: n_users, n_items, n_groups, mean_per_user, affinity,
        n_levels, seed."""
        lib = _lib.lib()
        opts = _lib.SyntheticOptions.new()
        fields = {name for name, _ in opts._fields_} - {"struct_size"}
        for key, value in options.items():
            if key not in fields:
                raise TypeError("unknown synthetic option %r (one of %s)"
                                % (key, ", ".join(sorted(fields))))
            if value is None or (not isinstance(value, float) and value < 0):
                raise InvalidArgument("synthetic option %s must be >= 0, got"
                                      " %r" % (key, value))
            setattr(opts, key, value)
        out = _lib.dataset_p()
        lib.check(lib.caerec_dataset_synthetic(ctypes.byref(out),
                                               ctypes.byref(opts)))
        return cls._wrap(out, lib)

    # -- adding data --------------------------------------------------------
    def add_rating(self, user, item, value):
        self._lib.check(self._lib.caerec_dataset_add_rating(
            self.handle, user, item, value))
        return self

    def add_interaction(self, user, item, type=0):
        self._lib.check(self._lib.caerec_dataset_add_interaction(
            self.handle, user, item, self.type_index(type)))
        return self

    def add_ratings(self, users, items, values):
        """Adds parallel arrays of ratings (all or nothing)."""
        u = as_c_array(users, ctypes.c_int64, "users")
        i = as_c_array(items, ctypes.c_int64, "items")
        v = as_c_array(values, ctypes.c_double, "ratings")
        if not u.n == i.n == v.n:
            raise InvalidArgument("users, items and ratings differ in length"
                                  " (%d, %d, %d)" % (u.n, i.n, v.n))
        self._lib.check(self._lib.caerec_dataset_add_ratings(
            self.handle, u.ptr, i.ptr, v.ptr, u.n))
        return self

    def add_interactions(self, users, items, types=None):
        """Adds parallel arrays of typed interactions (types: indices or
        names; None = type 0), all or nothing."""
        u = as_c_array(users, ctypes.c_int64, "users")
        i = as_c_array(items, ctypes.c_int64, "items")
        if types is None:
            types = [0] * u.n
        elif not is_ndarray(types) or types.dtype.kind in "OSU":
            types = [self.type_index(t) for t in _values(types)]
        t = as_c_array(types, ctypes.c_uint32, "types")
        if not u.n == i.n == t.n:
            raise InvalidArgument("users, items and types differ in length"
                                  " (%d, %d, %d)" % (u.n, i.n, t.n))
        self._lib.check(self._lib.caerec_dataset_add_interactions(
            self.handle, u.ptr, i.ptr, t.ptr, u.n))
        return self

    def load_file(self, path, format="auto"):
        """Appends a file's interactions (all or nothing)."""
        self._lib.check(self._lib.caerec_dataset_load_file(
            self.handle, os.fsencode(path), _format(format)))
        return self

    # -- facts ---------------------------------------------------------------
    @property
    def handle(self):
        if not self._handle:
            raise InvalidArgument("the dataset is closed")
        return self._handle

    @property
    def n_users(self):
        return self._lib.caerec_dataset_n_users(self.handle)

    @property
    def n_items(self):
        return self._lib.caerec_dataset_n_items(self.handle)

    @property
    def n_ratings(self):
        return self._lib.caerec_dataset_n_ratings(self.handle)

    @property
    def n_cells(self):
        return self._lib.caerec_dataset_n_cells(self.handle)

    def n_typed(self, type=0):
        """Cells carrying interaction type `type` (index or name)."""
        return self._lib.caerec_dataset_n_typed(self.handle,
                                                self.type_index(type))

    @property
    def levels(self):
        """The rating scale, a tuple of floats."""
        n = self._lib.caerec_dataset_n_levels(self.handle)
        out = (ctypes.c_double * max(n, 1))()
        got = self._lib.caerec_dataset_levels(self.handle, out, n)
        return tuple(out[:min(n, got)])

    @property
    def types(self):
        """The interaction type names, a tuple of str."""
        n = self._lib.caerec_dataset_n_types(self.handle)
        return tuple(self._lib.caerec_dataset_type_name(self.handle, t)
                     .decode() for t in range(n))

    type_names = types

    def type_index(self, type):
        if isinstance(type, str):
            try:
                return self.types.index(type)
            except ValueError:
                from .errors import NotFound
                raise NotFound("unknown interaction type %r (types: %s)"
                               % (type, ", ".join(self.types) or "none"),
                               -6) from None
        return int(type)

    def user_index(self, user):
        out = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_dataset_user_index(
            self.handle, user, ctypes.byref(out)))
        return out.value

    def item_index(self, item):
        out = ctypes.c_size_t()
        self._lib.check(self._lib.caerec_dataset_item_index(
            self.handle, item, ctypes.byref(out)))
        return out.value

    def user_id(self, index):
        out = ctypes.c_int64()
        self._lib.check(self._lib.caerec_dataset_user_id(
            self.handle, index, ctypes.byref(out)))
        return out.value

    def item_id(self, index):
        out = ctypes.c_int64()
        self._lib.check(self._lib.caerec_dataset_item_id(
            self.handle, index, ctypes.byref(out)))
        return out.value

    def user_ids(self, as_numpy=False):
        """Every user id, in dense index order."""
        return output([self.user_id(i) for i in range(self.n_users)],
                      as_numpy, "int64")

    def item_ids(self, as_numpy=False):
        """Every item id, in dense index order."""
        return output([self.item_id(i) for i in range(self.n_items)],
                      as_numpy, "int64")

    # -- derived datasets ------------------------------------------------
    def split(self, fraction=0.2, seed=0):
        """(train, test): `fraction` of each user's cells held out."""
        train, test = _lib.dataset_p(), _lib.dataset_p()
        self._lib.check(self._lib.caerec_dataset_split(
            ctypes.byref(train), ctypes.byref(test), self.handle,
            float(fraction), seed))
        return Dataset._wrap(train, self._lib), Dataset._wrap(test, self._lib)

    def copy(self):
        out = _lib.dataset_p()
        self._lib.check(self._lib.caerec_dataset_clone(ctypes.byref(out),
                                                       self.handle))
        return Dataset._wrap(out, self._lib)

    clone = copy

    # -- lifetime ----------------------------------------------------------
    def close(self):
        """Frees the C dataset now (also done by the garbage collector)."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._free(handle)

    @property
    def closed(self):
        return not self._handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __len__(self):
        return self.n_cells

    def __repr__(self):
        if not getattr(self, "_handle", None):
            return "<caerec.Dataset (closed)>"
        return ("<caerec.Dataset users=%d items=%d cells=%d ratings=%d "
                "levels=%s types=%s>" % (self.n_users, self.n_items,
                                         self.n_cells, self.n_ratings,
                                         list(self.levels), list(self.types)))
