"""caerec: Python binding (ctypes, pure Python) of libcaerec, a 1x1
convolutional autoencoder recommender for ratings and implicit feedback.

    import caerec
    data = caerec.Dataset.from_file('ratings.dat')
    train, test = data.split(0.2, seed=1)
    with caerec.Model(hidden=64, epochs=10) as model:
        model.fit(train, verbose=True)
        print(model.recommend(user=1, k=10))
        print(model.evaluate(test))

The shared library is found through CAEREC_LIBRARY (path of the .so),
CAEREC_LIBRARY_DIR, a build directory of the source checkout, or the
installed libcaerec.so.0 (see caerec._lib).
"""

from . import _lib
from .config import Config, OPTIONS, option_names
from .dataset import Dataset, FORMATS
from .errors import (CaerecError, CaerecIOError, CorruptModel, EmptyError,
                     FormatError, FunctionUnavailable, InvalidArgument,
                     LibraryNotFound, NotFound, NumericError, OutOfMemory,
                     ParseError, RangeError, StateError, TooBig, Unsupported,
                     VersionError)
from .model import Model, SCORES, SCORE_KEYS, score_from_name, score_name

__version__ = "0.1.0"

__all__ = [
    "Config", "Dataset", "Model", "OPTIONS", "FORMATS", "SCORES",
    "SCORE_KEYS", "option_names", "score_name", "score_from_name",
    "load_library", "library_path", "library_version", "last_error",
    "strerror", "CaerecError", "CaerecIOError", "CorruptModel", "EmptyError",
    "FormatError", "FunctionUnavailable", "InvalidArgument",
    "LibraryNotFound", "NotFound", "NumericError", "OutOfMemory",
    "ParseError", "RangeError", "StateError", "TooBig", "Unsupported",
    "VersionError",
]


def load_library(path=None):
    """Loads libcaerec now (from `path`, or by searching) and returns its
    path; later calls return the already loaded library's path."""
    return _lib.load(path).path


def library_path():
    return _lib.lib().path


def library_version():
    """The loaded library's version string, e.g. '0.1.0'."""
    return _lib.lib().version


def last_error():
    """caerec_last_error() of the calling thread."""
    return _lib.lib().caerec_last_error().decode("utf-8", "replace")


def strerror(status):
    """caerec_strerror(status)."""
    return _lib.lib().caerec_strerror(status).decode()
