"""Model configuration (caerec_config)."""

import ctypes
import math

from . import _lib
from .errors import InvalidArgument

#: caerec_option enum values, in header order (names as caerec_config_set
#: accepts them).
OPTIONS = ("orientation", "hidden", "c1", "c2", "act-in", "act-hidden",
           "act-out", "dropout", "alpha", "beta", "gamma", "l2", "lr",
           "lr-decay", "batch", "epochs", "patience", "seed", "threads",
           "like-threshold", "early-stop", "max-memory", "lr-decay-steps",
           "min-improvement", "decoder-l2", "decoder-l2-weight",
           "encoder-norm", "encoder-norm-ref", "decoder-l2-ridge")
_INDEX = {name: i for i, name in enumerate(OPTIONS)}

#: enum-valued options: their value names in enum order
ENUMS = {
    "orientation": ("user", "item"),
    "act-in": ("identity", "relu", "sigmoid", "tanh", "selu", "elu"),
    "act-hidden": ("identity", "relu", "sigmoid", "tanh", "selu", "elu"),
    "act-out": ("identity", "relu", "sigmoid", "tanh", "selu", "elu"),
    "early-stop": ("loss", "rmse", "ndcg"),
    "decoder-l2": ("zero", "column-mean", "regressed"),
}
#: options holding real numbers (the rest are integers or enums)
REAL_OPTIONS = frozenset(("dropout", "alpha", "beta", "gamma", "l2", "lr",
                          "lr-decay", "like-threshold", "min-improvement",
                          "decoder-l2-weight", "encoder-norm",
                          "encoder-norm-ref", "decoder-l2-ridge"))


def option_name(name):
    """The caerec_config_set name of a Python keyword: l2 -> 'l2',
    act_out -> 'act-out'."""
    return name.replace("_", "-")


def _option_text(value):
    """The text caerec_config_set parses for a Python value."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return _option_text(value.item())
    raise TypeError("option value must be a number or a string, got %r"
                    % (value,))


class Config:
    """The model's hyper-parameters.

    ``Config(hidden=64, act_out='sigmoid', l2=0.01)``; options can also be set
    with ``cfg.set('lr-decay', 0.9)`` or ``cfg['hidden'] = 32`` and read back
    with ``cfg['hidden']`` (enum options read back as their names).
    """

    def __init__(self, **options):
        lib = _lib.lib()
        out = _lib.config_p()
        lib.check(lib.caerec_config_create(ctypes.byref(out)))
        self._adopt(out, lib)
        self.update(**options)

    @classmethod
    def _wrap(cls, handle, lib):
        self = cls.__new__(cls)
        self._adopt(handle, lib)
        return self

    def _adopt(self, handle, lib):
        self._handle = handle
        self._lib = lib
        self._free = lib.caerec_config_free

    @property
    def handle(self):
        if not self._handle:
            raise InvalidArgument("the configuration is closed")
        return self._handle

    def set(self, name, value):
        """Sets one option by its caerec_config_set name ('act-out') or
        keyword spelling ('act_out')."""
        name = option_name(name)
        self._lib.check(self._lib.caerec_config_set(
            self.handle, name.encode(), _option_text(value).encode()))
        return self

    def update(self, **options):
        for key, value in options.items():
            self.set(key, value)
        return self

    def get(self, name):
        """The value of an option: int, float, or the enum value's name."""
        name = option_name(name)
        if name not in _INDEX:
            raise InvalidArgument("unknown option %r" % name)
        opt = _INDEX[name]
        if name in REAL_OPTIONS:
            out = ctypes.c_double()
            self._lib.check(self._lib.caerec_config_get_double(
                self.handle, opt, ctypes.byref(out)))
            return out.value
        out = ctypes.c_int64()
        self._lib.check(self._lib.caerec_config_get_int(
            self.handle, opt, ctypes.byref(out)))
        if name in ENUMS and 0 <= out.value < len(ENUMS[name]):
            return ENUMS[name][out.value]
        return out.value

    def set_int(self, name, value):
        """caerec_config_set_int by option name."""
        self._lib.check(self._lib.caerec_config_set_int(
            self.handle, _INDEX[option_name(name)], int(value)))
        return self

    def set_double(self, name, value):
        """caerec_config_set_double by option name."""
        self._lib.check(self._lib.caerec_config_set_double(
            self.handle, _INDEX[option_name(name)], float(value)))
        return self

    def __getitem__(self, name):
        return self.get(name)

    def __setitem__(self, name, value):
        self.set(name, value)

    def to_dict(self):
        return {name: self.get(name) for name in OPTIONS}

    def copy(self):
        out = _lib.config_p()
        self._lib.check(self._lib.caerec_config_clone(ctypes.byref(out),
                                                      self.handle))
        return Config._wrap(out, self._lib)

    def estimate_memory(self, train):
        """(training bytes, serving bytes) caerec_model_create would need."""
        training, serving = ctypes.c_size_t(), ctypes.c_size_t()
        self._lib.check(self._lib.caerec_estimate_memory(
            self.handle, train.handle, ctypes.byref(training),
            ctypes.byref(serving)))
        return training.value, serving.value

    def close(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass

    def __repr__(self):
        if not self._handle:
            return "<caerec.Config (closed)>"
        try:
            body = ", ".join("%s=%r" % (k.replace("-", "_"), v)
                             for k, v in self.to_dict().items())
        except Exception:
            body = "..."
        return "Config(%s)" % body


def option_names():
    """The names of all options, as the library reports them
    (caerec_option_name)."""
    lib = _lib.lib()
    names = []
    for i in range(len(OPTIONS) + 1):
        name = lib.caerec_option_name(i)
        if name is None:
            break
        names.append(name.decode())
    return names
