"""Shared helpers of the Python binding's tests.

The package is imported from PYTHONPATH (meson sets it to examples/python);
running the files directly from a checkout also works: the checkout's
examples/python is added to sys.path here.  The library comes from
CAEREC_LIBRARY (meson sets it to the built libcaerec.so) or the package's
own search.
"""

import functools
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PACKAGE_DIR = os.path.join(ROOT, "examples", "python")
if PACKAGE_DIR not in sys.path:
    sys.path.insert(0, PACKAGE_DIR)

import caerec  # noqa: E402

try:
    import numpy  # noqa: F401
    HAVE_NUMPY = True
except ImportError:
    HAVE_NUMPY = False

# Tiny, fast model settings shared by the tests.
TINY = dict(hidden=16, epochs=3, batch=16, seed=7, threads=1)


def _skip_if_unavailable(fn):
    """A test that needs a C function the library does not export yet is
    skipped (with the function's name) instead of failing."""
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except caerec.FunctionUnavailable as exc:
            self.skipTest("library part missing: %s" % exc)
    return wrapper


class TestCase(unittest.TestCase):
    """unittest.TestCase that skips tests hitting not-yet-built library
    functions (see _skip_if_unavailable)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if callable(value) and (name.startswith("test")
                                    or name == "setUp"):
                setattr(cls, name, _skip_if_unavailable(value))
        setup = vars(cls).get("setUpClass")
        if setup is not None:
            func = setup.__func__

            @classmethod
            @functools.wraps(func)
            def setUpClass(klass):
                try:
                    func(klass)
                except caerec.FunctionUnavailable as exc:
                    raise unittest.SkipTest("library part missing: %s" % exc)
            cls.setUpClass = setUpClass


def small_ratings(n_users=40, n_items=30, per_user=8, seed=3):
    """Deterministic (users, items, ratings) lists on the scale 1..5, every
    user with `per_user` distinct items."""
    users, items, ratings = [], [], []
    state = seed
    for u in range(1, n_users + 1):
        chosen = set()
        while len(chosen) < per_user:
            state = (state * 6364136223846793005 + 1442695040888963407) \
                % (1 << 64)
            chosen.add(1 + (state >> 33) % n_items)
        for i in sorted(chosen):
            users.append(u * 10)          # ids need not be dense
            items.append(1000 + i)
            ratings.append(float(1 + (u + i) % 5))
    return users, items, ratings


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path
