"""Exceptions raised by the caerec binding.

Every failing libcaerec call becomes an instance of a subclass of
:class:`CaerecError`, chosen by the call's status code.  The exception carries
the status code (``status``), the library's static description of it
(``reason``, from caerec_strerror) and the message of caerec_last_error()
(``message``, e.g. ``"ratings.csv:17: rating 3.7 is not on the scale ..."``).
Where a built-in exception fits, the class also derives from it, so
``except ValueError`` or ``except LookupError`` work as expected.
"""


class CaerecError(Exception):
    """Base class of every error reported by libcaerec."""

    #: The caerec_status code of this class (None for the base class).
    code = None

    def __init__(self, message, status=None, reason=None):
        # Only the message goes to the base constructor: OSError would read
        # two positional arguments as (errno, strerror).
        super().__init__(message)
        self.message = message
        self.status = self.code if status is None else status
        self.reason = reason

    def __str__(self):
        return self.message


class LibraryNotFound(CaerecError, ImportError):
    """libcaerec could not be located or loaded, or has the wrong version."""


class FunctionUnavailable(CaerecError, NotImplementedError):
    """The loaded libcaerec does not export a function the binding needs."""


class InvalidArgument(CaerecError, ValueError):
    code = -1


class OutOfMemory(CaerecError, MemoryError):
    code = -2


class CaerecIOError(CaerecError, OSError):
    code = -3


class ParseError(CaerecError, ValueError):
    code = -4


class RangeError(CaerecError, ValueError):
    code = -5


class NotFound(CaerecError, LookupError):
    code = -6


class StateError(CaerecError, RuntimeError):
    code = -7


class EmptyError(CaerecError, ValueError):
    code = -8


class NumericError(CaerecError, ArithmeticError):
    code = -9


class FormatError(CaerecError, ValueError):
    code = -10


class VersionError(CaerecError, ValueError):
    code = -11


class CorruptModel(CaerecError, ValueError):
    code = -12


class TooBig(CaerecError, MemoryError):
    code = -13


class Unsupported(CaerecError, NotImplementedError):
    code = -14


#: status code -> exception class
ERRORS = {
    cls.code: cls
    for cls in (InvalidArgument, OutOfMemory, CaerecIOError, ParseError,
                RangeError, NotFound, StateError, EmptyError, NumericError,
                FormatError, VersionError, CorruptModel, TooBig, Unsupported)
}


def error_class(status):
    """The exception class for a status code (CaerecError if unknown)."""
    return ERRORS.get(status, CaerecError)
