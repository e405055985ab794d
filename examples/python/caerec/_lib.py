"""Locating libcaerec and declaring its C prototypes (ctypes).

The library is found, in order, through:
  1. the environment variable CAEREC_LIBRARY (full path to the .so);
  2. CAEREC_LIBRARY_DIR (a folder holding libcaerec.so*);
  3. a build directory of the checkout this package lives in
     (<checkout>/build*/lib/libcaerec.so*, the most recently built first);
  4. the installed library (ctypes.util.find_library('caerec'), then
     'libcaerec.so.0' through the dynamic loader's search path).

Loading is lazy (on the first call that needs the library) and happens once.
Every function is declared exactly as in include/caerec.h.  A function the
loaded library does not export yet raises FunctionUnavailable when called,
so the rest of the binding keeps working.
"""

import ctypes
import ctypes.util
import glob
import os
import threading

from .errors import FunctionUnavailable, LibraryNotFound, error_class

#: major version of the C API this binding is written against
API_MAJOR = 0

c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_double_p = ctypes.POINTER(ctypes.c_double)
c_float_p = ctypes.POINTER(ctypes.c_float)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)
c_uint32_p = ctypes.POINTER(ctypes.c_uint32)
c_void_pp = ctypes.POINTER(ctypes.c_void_p)


# --------------------------------------------------------------------------
# Opaque handles (typed pointers so that a dataset cannot be passed where a
# model is expected).
# --------------------------------------------------------------------------
class _Opaque(ctypes.Structure):
    _fields_ = []


class dataset_t(_Opaque):
    pass


class config_t(_Opaque):
    pass


class model_t(_Opaque):
    pass


class scorer_t(_Opaque):
    pass


dataset_p = ctypes.POINTER(dataset_t)
config_p = ctypes.POINTER(config_t)
model_p = ctypes.POINTER(model_t)
scorer_p = ctypes.POINTER(scorer_t)


# --------------------------------------------------------------------------
# Structs crossing the API.  Each starts with struct_size; new_*() fills it in
# as the C *_INIT macros do.
# --------------------------------------------------------------------------
class SyntheticOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("n_users", ctypes.c_size_t),
        ("n_items", ctypes.c_size_t),
        ("n_groups", ctypes.c_size_t),
        ("mean_per_user", ctypes.c_double),
        ("affinity", ctypes.c_double),
        ("n_levels", ctypes.c_size_t),
        ("seed", ctypes.c_uint64),
    ]

    @classmethod
    def new(cls):
        """CAEREC_SYNTHETIC_OPTIONS_INIT"""
        return cls(ctypes.sizeof(cls), 1000, 500, 5, 40.0, 8.0, 5, 42)


class Losses(ctypes.Structure):
    _fields_ = [
        ("sample", ctypes.c_double),
        ("rating", ctypes.c_double),
        ("error", ctypes.c_double),
        ("l2", ctypes.c_double),
        ("total", ctypes.c_double),
    ]

    def to_dict(self):
        return {name: getattr(self, name) for name, _ in self._fields_}


class EpochReport(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("epoch", ctypes.c_uint),
        ("train", Losses),
        ("valid_loss", ctypes.c_double),
        ("valid_rmse", ctypes.c_double),
        ("valid_ndcg", ctypes.c_double),
        ("seconds", ctypes.c_double),
        ("improved", ctypes.c_int),
    ]

    @classmethod
    def new(cls):
        """CAEREC_EPOCH_REPORT_INIT"""
        return cls(struct_size=ctypes.sizeof(cls))

    def to_dict(self):
        return {
            "epoch": self.epoch,
            "train": self.train.to_dict(),
            "loss": self.train.total,
            "valid_loss": self.valid_loss,
            "valid_rmse": self.valid_rmse,
            "valid_ndcg": self.valid_ndcg,
            "seconds": self.seconds,
            "improved": bool(self.improved),
        }


class RecOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("score", ctypes.c_int),
        ("include_seen", ctypes.c_int),
        ("allow", c_int64_p),
        ("n_allow", ctypes.c_size_t),
        ("deny", c_int64_p),
        ("n_deny", ctypes.c_size_t),
    ]

    @classmethod
    def new(cls):
        """CAEREC_REC_OPTIONS_INIT"""
        return cls(struct_size=ctypes.sizeof(cls), score=0, include_seen=0)


class RatingMetrics(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("rmse", ctypes.c_double),
        ("mae", ctypes.c_double),
        ("n_ratings", ctypes.c_size_t),
        ("skipped", ctypes.c_size_t),
    ]

    @classmethod
    def new(cls):
        """CAEREC_RATING_METRICS_INIT"""
        return cls(struct_size=ctypes.sizeof(cls))


class TopkMetrics(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_size_t),
        ("k", ctypes.c_size_t),
        ("recall", ctypes.c_double),
        ("ndcg", ctypes.c_double),
        ("precision", ctypes.c_double),
        ("hit_rate", ctypes.c_double),
        ("users", ctypes.c_size_t),
    ]

    @classmethod
    def new(cls):
        """CAEREC_TOPK_METRICS_INIT"""
        return cls(struct_size=ctypes.sizeof(cls))


EPOCH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(EpochReport),
                                  ctypes.c_void_p)

# --------------------------------------------------------------------------
# Prototypes: name -> (restype, argtypes), exactly per include/caerec.h.
# --------------------------------------------------------------------------
_I, _SZ, _D, _U = ctypes.c_int, ctypes.c_size_t, ctypes.c_double, ctypes.c_uint
_I64, _U32, _U64 = ctypes.c_int64, ctypes.c_uint32, ctypes.c_uint64
_STR, _VP = ctypes.c_char_p, ctypes.c_void_p
_ENUM = ctypes.c_int

PROTOTYPES = {
    # 1. version
    "caerec_version_number": (_U, []),
    "caerec_version_string": (_STR, []),
    # 2. errors
    "caerec_strerror": (_STR, [_I]),
    "caerec_last_error": (_STR, []),
    # 3. memory
    "caerec_free": (None, [_VP]),
    # 4. datasets
    "caerec_dataset_create": (_I, [ctypes.POINTER(dataset_p), c_double_p, _SZ,
                                   ctypes.POINTER(_STR), _SZ]),
    "caerec_dataset_free": (None, [dataset_p]),
    "caerec_dataset_clone": (_I, [ctypes.POINTER(dataset_p), dataset_p]),
    "caerec_dataset_add_rating": (_I, [dataset_p, _I64, _I64, _D]),
    "caerec_dataset_add_interaction": (_I, [dataset_p, _I64, _I64, _U32]),
    "caerec_dataset_add_ratings": (_I, [dataset_p, c_int64_p, c_int64_p,
                                        c_double_p, _SZ]),
    "caerec_dataset_add_interactions": (_I, [dataset_p, c_int64_p, c_int64_p,
                                             c_uint32_p, _SZ]),
    "caerec_dataset_load_file": (_I, [dataset_p, _STR, _ENUM]),
    "caerec_dataset_read_file": (_I, [ctypes.POINTER(dataset_p), _STR, _ENUM]),
    "caerec_dataset_n_users": (_SZ, [dataset_p]),
    "caerec_dataset_n_items": (_SZ, [dataset_p]),
    "caerec_dataset_n_ratings": (_SZ, [dataset_p]),
    "caerec_dataset_n_typed": (_SZ, [dataset_p, _U32]),
    "caerec_dataset_n_cells": (_SZ, [dataset_p]),
    "caerec_dataset_n_levels": (_SZ, [dataset_p]),
    "caerec_dataset_levels": (_SZ, [dataset_p, c_double_p, _SZ]),
    "caerec_dataset_n_types": (_SZ, [dataset_p]),
    "caerec_dataset_type_name": (_STR, [dataset_p, _U32]),
    "caerec_dataset_user_index": (_I, [dataset_p, _I64, c_size_t_p]),
    "caerec_dataset_item_index": (_I, [dataset_p, _I64, c_size_t_p]),
    "caerec_dataset_user_id": (_I, [dataset_p, _SZ, c_int64_p]),
    "caerec_dataset_item_id": (_I, [dataset_p, _SZ, c_int64_p]),
    "caerec_dataset_split": (_I, [ctypes.POINTER(dataset_p),
                                  ctypes.POINTER(dataset_p), dataset_p, _D,
                                  _U64]),
    "caerec_dataset_synthetic": (_I, [ctypes.POINTER(dataset_p),
                                      ctypes.POINTER(SyntheticOptions)]),
    # 5. configuration
    "caerec_config_create": (_I, [ctypes.POINTER(config_p)]),
    "caerec_config_free": (None, [config_p]),
    "caerec_config_clone": (_I, [ctypes.POINTER(config_p), config_p]),
    "caerec_config_set_int": (_I, [config_p, _ENUM, _I64]),
    "caerec_config_set_double": (_I, [config_p, _ENUM, _D]),
    "caerec_config_set": (_I, [config_p, _STR, _STR]),
    "caerec_config_get_int": (_I, [config_p, _ENUM, c_int64_p]),
    "caerec_config_get_double": (_I, [config_p, _ENUM, c_double_p]),
    "caerec_option_name": (_STR, [_ENUM]),
    # 6. model creation and training
    "caerec_estimate_memory": (_I, [config_p, dataset_p, c_size_t_p,
                                    c_size_t_p]),
    "caerec_model_create": (_I, [ctypes.POINTER(model_p), config_p,
                                 dataset_p]),
    "caerec_model_free": (None, [model_p]),
    "caerec_model_train_step": (_I, [model_p, ctypes.POINTER(Losses)]),
    "caerec_model_train_epoch": (_I, [model_p, ctypes.POINTER(Losses)]),
    "caerec_model_fit": (_I, [model_p, dataset_p, EPOCH_CALLBACK, _VP,
                              ctypes.POINTER(EpochReport)]),
    "caerec_model_epoch": (_U, [model_p]),
    "caerec_model_n_users": (_SZ, [model_p]),
    "caerec_model_n_items": (_SZ, [model_p]),
    "caerec_model_n_levels": (_SZ, [model_p]),
    "caerec_model_levels": (_SZ, [model_p, c_double_p, _SZ]),
    "caerec_model_n_types": (_SZ, [model_p]),
    "caerec_model_type_name": (_STR, [model_p, _U32]),
    "caerec_model_n_params": (_SZ, [model_p]),
    "caerec_model_user_id": (_I, [model_p, _SZ, c_int64_p]),
    "caerec_model_item_id": (_I, [model_p, _SZ, c_int64_p]),
    "caerec_model_item_index": (_I, [model_p, _I64, c_size_t_p]),
    "caerec_model_config": (_I, [ctypes.POINTER(config_p), model_p]),
    "caerec_model_file_version": (_I, [model_p, ctypes.POINTER(ctypes.c_uint),
                                       ctypes.POINTER(ctypes.c_uint)]),
    # 7. prediction and recommendation
    "caerec_score_name": (_STR, [_ENUM]),
    "caerec_score_from_name": (_I, [_STR, ctypes.POINTER(_ENUM)]),
    "caerec_scorer_create": (_I, [ctypes.POINTER(scorer_p), model_p]),
    "caerec_scorer_free": (None, [scorer_p]),
    "caerec_scorer_set_user": (_I, [scorer_p, _I64]),
    "caerec_scorer_set_history": (_I, [scorer_p, dataset_p, _I64,
                                       c_size_t_p]),
    "caerec_scorer_get": (_I, [scorer_p, _I64, _ENUM, c_double_p]),
    "caerec_scorer_levels": (_I, [scorer_p, _I64, c_double_p, _SZ,
                                  c_size_t_p]),
    "caerec_scorer_seen": (_I, [scorer_p, _I64, ctypes.POINTER(_I)]),
    "caerec_scorer_all": (_I, [scorer_p, _ENUM, c_float_p, _SZ]),
    "caerec_scorer_recommend": (_I, [scorer_p, _SZ,
                                     ctypes.POINTER(RecOptions), c_int64_p,
                                     c_double_p, c_size_t_p]),
    "caerec_predict": (_I, [model_p, _I64, _I64, _ENUM, c_double_p]),
    "caerec_recommend_batch": (_I, [model_p, c_int64_p, _SZ, _SZ,
                                    ctypes.POINTER(RecOptions), c_int64_p,
                                    c_double_p, c_size_t_p]),
    # 8. evaluation
    "caerec_evaluate_ratings": (_I, [model_p, dataset_p,
                                     ctypes.POINTER(RatingMetrics)]),
    "caerec_evaluate_topk": (_I, [model_p, dataset_p, c_size_t_p, _SZ,
                                  ctypes.POINTER(TopkMetrics)]),
    # 9. persistence
    "caerec_model_save": (_I, [model_p, _STR]),
    "caerec_model_load": (_I, [ctypes.POINTER(model_p), _STR]),
    "caerec_model_save_buffer": (_I, [model_p, c_void_pp, c_size_t_p]),
    "caerec_model_load_buffer": (_I, [ctypes.POINTER(model_p), _VP, _SZ]),
    "caerec_checkpoint_save": (_I, [model_p, _STR]),
    "caerec_checkpoint_load": (_I, [ctypes.POINTER(model_p), _STR]),
}


class _Missing:
    """Stands in for a function the loaded library does not export."""

    def __init__(self, name, path):
        self.__name__ = name
        self._path = path

    def __call__(self, *args):
        raise FunctionUnavailable(
            "%s is not exported by %s (library part not built yet?)"
            % (self.__name__, self._path))


class Library:
    """The loaded libcaerec: one attribute per C function (name without the
    'caerec_' prefix is not used: attributes keep the C names)."""

    def __init__(self, path):
        try:
            self._cdll = ctypes.CDLL(path)
        except OSError as exc:
            raise LibraryNotFound("cannot load libcaerec from %s: %s"
                                  % (path, exc)) from None
        self.path = path
        for name, (restype, argtypes) in PROTOTYPES.items():
            try:
                fn = getattr(self._cdll, name)
            except AttributeError:
                setattr(self, name, _Missing(name, path))
                continue
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)
        try:
            number = self.caerec_version_number()
        except FunctionUnavailable:
            raise LibraryNotFound("%s is not libcaerec (no "
                                  "caerec_version_number)" % path) from None
        if number // 10000 != API_MAJOR:
            raise LibraryNotFound(
                "%s is libcaerec %d.%d.%d; this binding needs major version %d"
                % (path, number // 10000, number // 100 % 100, number % 100,
                   API_MAJOR))
        self.version_number = number
        self.version = self.caerec_version_string().decode()

    def has(self, name):
        """Whether the library exports `name`."""
        return not isinstance(getattr(self, name, None), _Missing)

    def check(self, status):
        """Raises the CaerecError subclass for a negative status; returns
        non-negative statuses unchanged."""
        if status < 0:
            message = self.caerec_last_error().decode("utf-8", "replace")
            reason = self.caerec_strerror(status).decode("utf-8", "replace")
            raise error_class(status)(message or reason, status, reason)
        return status


def _checkout_root():
    """The source checkout this package sits in, or None when installed."""
    here = os.path.dirname(os.path.abspath(__file__))
    for _ in range(6):
        if os.path.isfile(os.path.join(here, "include", "caerec.h")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return None


def _by_mtime(paths):
    """The regular files (or symlinks to them) among paths, newest first."""
    files = []
    for p in paths:
        try:
            if os.path.isfile(p):
                files.append((os.path.getmtime(p), p))
        except OSError:  # removed meanwhile (another build running)
            pass
    return [p for _, p in sorted(files, reverse=True)]


def candidates():
    """The places searched, in order, as (origin, path) pairs (lazily)."""
    env = os.environ.get("CAEREC_LIBRARY")
    if env:
        yield "CAEREC_LIBRARY", env
    env_dir = os.environ.get("CAEREC_LIBRARY_DIR")
    if env_dir:
        libs = _by_mtime(glob.glob(os.path.join(env_dir, "libcaerec.so*")))
        yield "CAEREC_LIBRARY_DIR", (libs[0] if libs else
                                     os.path.join(env_dir, "libcaerec.so"))
    root = _checkout_root()
    if root:
        pattern = os.path.join(root, "build*", "lib", "libcaerec.so*")
        for lib in _by_mtime(glob.glob(pattern)):
            yield "build directory", lib
    installed = ctypes.util.find_library("caerec")
    if installed:
        yield "installed", installed
    yield "dynamic loader", "libcaerec.so.0"


_lock = threading.Lock()
_library = None


def load(path=None):
    """Loads libcaerec (once) and returns the Library.  With `path`, loads
    that file instead of searching (only before the first load)."""
    global _library
    with _lock:
        if _library is not None:
            if path is not None and os.path.realpath(path) != \
                    os.path.realpath(_library.path):
                raise LibraryNotFound("libcaerec is already loaded from %s"
                                      % _library.path)
            return _library
        if path is not None:
            _library = Library(path)
            return _library
        errors = []
        for origin, lib in candidates():
            explicit = origin in ("CAEREC_LIBRARY", "CAEREC_LIBRARY_DIR")
            try:
                _library = Library(lib)
                return _library
            except LibraryNotFound as exc:
                if explicit:
                    raise  # an explicit choice that fails is an error
                errors.append("%s (%s): %s" % (lib, origin, exc))
        raise LibraryNotFound("libcaerec not found; set CAEREC_LIBRARY to the "
                              "path of libcaerec.so. Tried:\n  "
                              + "\n  ".join(errors))


def lib():
    """The loaded Library (loading it on first use)."""
    return _library if _library is not None else load()
