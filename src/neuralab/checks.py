"""Argument checks: one function per kind of argument, used by every module of neuralab.

Each check takes the value first, then its name as the user knows it, and returns the value in
the form the code wants (a Python ``int`` or ``float``, a NumPy dtype, a checked array) or
raises an error whose message names the argument, what it must be and what it got:

    >>> integer(0, "batch_size", minimum=1)
    Traceback (most recent call last):
        ...
    ValueError: batch_size must be an integer >= 1, got 0

The rules, in the spirit of scikit-learn's ``check_scalar`` and parameter constraints:

- A value of the wrong type (a float where an integer is needed, a string, ``True`` for a
  number) raises :class:`ArgumentTypeError`, which is both a ``TypeError`` and a
  ``ValueError`` (as scikit-learn's ``InvalidParameterError`` is), so code that catches either
  keeps working. A value of the right type outside its range raises ``ValueError``.
- ``bool`` is never a number here, although Python makes it an ``int``: ``epochs=True`` is
  a mistake, not one epoch.
- Real numbers must be finite; NumPy scalars (``np.int64``, ``np.float32``) are accepted and
  returned as Python numbers.

Array checks (``features``, ``class_labels``, ``sample_weight``) run once per call of ``fit``,
``predict`` or ``evaluate``, not per batch, and do not copy an array that is already right.
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real

import numpy as np

__all__ = [
    "ArgumentTypeError", "integer", "real", "one_of", "float_dtype", "all_finite",
    "sample_weight", "features", "class_labels",
]  # fmt: skip


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type; both a TypeError and a ValueError."""


# --- scalars --------------------------------------------------------------------------------


def integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python int, checked to lie in [minimum, maximum] (None: no bound).

    Accepts ``int`` and NumPy integers, not ``bool``, floats (even ``3.0``) or strings.

        >>> integer(np.int64(3), "epochs", minimum=0)
        3
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = int(value)
        if (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            return value
        raise ValueError(f"{name} must be {_integer_range(minimum, maximum)}, got {value!r}")
    raise ArgumentTypeError(f"{name} must be {_integer_range(minimum, maximum)}, got {value!r}")


def _integer_range(minimum, maximum) -> str:
    """'an integer', 'an integer >= 1', 'an integer <= 9' or 'an integer in [1, 9]'."""
    if minimum is not None and maximum is not None:
        return f"an integer in [{minimum}, {maximum}]"
    if minimum is not None:
        return f"an integer >= {minimum}"
    if maximum is not None:
        return f"an integer <= {maximum}"
    return "an integer"


def real(value, name: str, *, minimum: float | None = None, maximum: float | None = None,
         include_minimum: bool = True, include_maximum: bool = True) -> float:
    """``value`` as a finite Python float, checked against its bounds (None: no bound).

    ``include_minimum=False`` makes the lower bound strict (``value > minimum``), likewise
    ``include_maximum``. Accepts ``int``, ``float`` and NumPy numbers, not ``bool``.

        >>> real(0.9, "momentum", minimum=0, maximum=1, include_maximum=False)
        0.9
        >>> real(1.0, "beta", minimum=0, include_minimum=False)
        1.0
    """
    interval = _real_range(minimum, maximum, include_minimum, include_maximum)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ArgumentTypeError(f"{name} must be {interval}, got {value!r}")
    value = float(value)
    too_low = minimum is not None and (value < minimum if include_minimum else value <= minimum)
    too_high = maximum is not None and (value > maximum if include_maximum else value >= maximum)
    if not math.isfinite(value) or too_low or too_high:
        raise ValueError(f"{name} must be {interval}, got {value!r}")
    return value


def _real_range(minimum, maximum, include_minimum: bool, include_maximum: bool) -> str:
    """'a finite number', 'a finite number >= 0', '… > 0', '… in (0, 1]', …"""
    if minimum is not None and maximum is not None:
        left, right = "[" if include_minimum else "(", "]" if include_maximum else ")"
        return f"a finite number in {left}{minimum:g}, {maximum:g}{right}"
    if minimum is not None:
        return f"a finite number {'>=' if include_minimum else '>'} {minimum:g}"
    if maximum is not None:
        return f"a finite number {'<=' if include_maximum else '<'} {maximum:g}"
    return "a finite number"


def one_of(value, name: str, options):
    """``value`` itself if it is one of ``options``, else ValueError listing them.

        >>> one_of("min", "mode", ("min", "max"))
        'min'
    """
    if any(_equal(value, option) for option in options):
        return value
    listed = ", ".join(repr(option) for option in options)
    raise ValueError(f"{name} must be one of {listed}, got {value!r}")


def _equal(value, option) -> bool:
    """value == option, with True never equal to 1 and an array never equal to anything."""
    if isinstance(value, bool) != isinstance(option, bool):
        return False
    try:
        return bool(value == option)
    except (TypeError, ValueError):
        return False


def float_dtype(dtype) -> np.dtype:
    """The NumPy dtype of ``"float32"`` or ``"float64"`` (or ``np.float32`` …); else ValueError.

    These are the two dtypes neuralab computes in: float32 by default, float64 for gradient
    checks.
    """
    try:
        resolved = np.dtype(dtype) if dtype is not None else None
    except (TypeError, ValueError):
        resolved = None
    if resolved not in (np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return resolved


# --- arrays ---------------------------------------------------------------------------------


def all_finite(x) -> bool:
    """True if ``x`` holds no NaN or inf.

    The fast path sums ``x`` in float64: a NaN or inf anywhere makes the sum non-finite, and a
    sum needs no temporary array of x's size. Only when the sum is not finite (a NaN, an inf, or
    finite values whose sum overflows) is ``x`` scanned block by block.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(x, dtype=np.float64)):
            return True
    return all(np.isfinite(x[i:i + 4096]).all() for i in range(0, len(x), 4096))


def sample_weight(sample_weight, n: int) -> np.ndarray | None:
    """None, or the weights as a float64 array of shape (n,): finite, ≥ 0, not all zero.

    Sample i then counts wᵢ / Σw in a weighted average (all-ones weights change nothing).
    """
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"sample_weight must have shape ({n},), one weight per sample (row of "
                         f"x); got shape {w.shape}")
    if not all_finite(w):
        raise ValueError("sample_weight values contain NaN or inf; remove or impute those "
                         "samples first")
    with np.errstate(over="ignore"):  # a sum that overflows is reported just below
        total = w.sum()
    if (w < 0).any() or not total > 0:
        raise ValueError("sample_weight must be non-negative and not all zero")
    if not np.isfinite(total):
        raise ValueError(f"sample_weight sums to infinity (its largest value is {w.max():.3g}); "
                         "scale the weights down, e.g. divide them by their maximum")
    return w


def features(x, n_features: int, dtype, name: str = "x", layer: int = 1) -> np.ndarray:
    """``x`` as a C-contiguous array of ``dtype`` and shape (n, n_features), all finite.

    ``layer`` is the 1-based number of the layer that reads ``x``, for the error message
    ("layer 1 expects 4 input features, got 3 in x"). A value too large for ``dtype`` (1e300
    for float32) is reported as such, not as the inf the cast would make of it.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {x.shape}; "
                         "reshape a single sample with x.reshape(1, -1)")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 samples")
    if x.shape[1] != n_features:
        raise ValueError(f"layer {layer} expects {n_features} input features, got "
                         f"{x.shape[1]} in {name}")
    original = x
    with np.errstate(over="ignore"):  # a float64 too large for float32 becomes inf: caught below
        x = np.ascontiguousarray(x, dtype=dtype)
    if not all_finite(x):
        row = int(np.flatnonzero(~np.isfinite(x).all(axis=1))[0])
        if np.isfinite(original[row]).all():
            limit = np.finfo(dtype)
            raise ValueError(f"{name} contains values beyond {limit.dtype}'s range (max "
                             f"{limit.max:.2g}), first in row {row}; scale your data")
        raise ValueError(f"{name} contains NaN or infinite values (first in row {row}); "
                         "remove or impute them")
    return x


def class_labels(y, k: int, name: str = "y") -> np.ndarray:
    """``y`` (shape (n,)) as integer class labels (intp) in 0..k−1.

    Floats are accepted when they are whole numbers (``2.0``), as labels read from a CSV are.
    """
    y = np.asarray(y)
    if y.dtype.kind == "f" and not (all_finite(y) and np.all(y == np.round(y))):
        raise ValueError(f"{name} holds class labels, which must be whole numbers 0..{k - 1}; "
                         "for real-valued targets give shape (n, n_outputs)")
    lo, hi = y.min(), y.max()
    if lo < 0 or hi >= k:
        raise ValueError(f"{name} has class labels from {lo:g} to {hi:g}, but the network has "
                         f"{k} outputs, so labels must lie in 0..{k - 1}")
    return y.astype(np.intp)


# --- resources ------------------------------------------------------------------------------


def available_memory() -> int | None:
    """Bytes of memory the system says are available now (Linux's MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def fits_in_memory(nbytes: int, what: str) -> None:
    """MemoryError naming ``what`` and its size if ``nbytes`` exceed the available memory.

    Called before allocating, so a network too big for the machine fails at once with its
    size in the message instead of swapping or being killed.
    """
    available = available_memory()
    if available is not None and nbytes > available:
        raise MemoryError(f"{what} needs {_size(nbytes)}, more than the {_size(available)} of "
                          "memory this machine has available; make it smaller")


def _size(nbytes: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if nbytes < 1000 or unit == "TB":
            return f"{nbytes:.3g} {unit}" if unit != "bytes" else f"{int(nbytes)} bytes"
        nbytes /= 1000
    return f"{nbytes:.3g} TB"
