"""The user's own data: a CSV or an NPZ file, read into arrays for :func:`neuralab.datasets.load`.

    >>> from neuralab import datasets
    >>> data = datasets.load("measurements.csv", seed=0)      # doctest: +SKIP

CSV: one sample per line, comma-separated: the features (numbers), then the class label, last.
A first line whose features are not numbers is a header and is skipped. Labels are whole
numbers 0, 1, 2, … or names ("setosa", "virginica"), which become 0, 1, … in sorted order.

NPZ (``numpy.savez``): arrays ``x`` and ``y`` (one data set, split by
:func:`~neuralab.datasets.load` with its seed), or ``x_train``, ``y_train``, ``x_test``,
``y_test`` (a split of your own). ``x`` is 2-D, ``y`` holds one whole-number class label per
row. Nothing in the file is executed (no pickles), and every problem with it is a ValueError
that names the file.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any, NamedTuple

import numpy as np

from neuralab import checks, safefile

__all__ = ["SUFFIXES", "Parts", "is_data_file", "read"]

SUFFIXES = (".csv", ".npz")


class Parts(NamedTuple):
    """What a file holds: training rows, test rows (None when the file has no test part)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    n_classes: int


def is_data_file(name) -> bool:
    """Whether ``name`` names a data file (a path object, or a string ending .csv / .npz)."""
    if isinstance(name, os.PathLike):
        return True
    return isinstance(name, str) and name.lower().endswith(SUFFIXES)


def read(path, dtype) -> Parts:
    """The arrays of the CSV or NPZ file at ``path``, checked; x in ``dtype``."""
    path = os.fspath(path)
    if not path.lower().endswith(SUFFIXES):
        raise ValueError(f"{path}: a data file must end in .csv or .npz")
    raw = safefile.read_regular_file(path, "data file")
    parts = _read_csv(path, raw) if path.lower().endswith(".csv") else _read_npz(path, raw)
    dtype = checks.float_dtype(dtype)
    return parts._replace(x_train=parts.x_train.astype(dtype),
                          x_test=None if parts.x_test is None else parts.x_test.astype(dtype))


def _labels(path: str, values: list[str]) -> tuple[np.ndarray, int]:
    """Label texts as ints 0…k−1: whole numbers as they are, names in sorted order."""
    try:
        numbers = np.array([float(v) for v in values])
    except ValueError:
        names = sorted(set(values))
        index = {name: i for i, name in enumerate(names)}
        return np.array([index[v] for v in values], np.int64), len(names)
    return _whole(path, "the label column", numbers), 0


def _whole(path: str, what: str, y: np.ndarray) -> np.ndarray:
    """``y`` as int64 labels ≥ 0, or a ValueError naming the file."""
    if y.ndim != 1 or y.dtype.kind not in "biuf":
        raise ValueError(f"{path}: {what} must hold one class label (a number) per row, got "
                         f"shape {y.shape}, dtype {y.dtype}")
    if y.size and (not checks.all_finite(y) or np.any(y != np.round(y)) or y.min() < 0):
        raise ValueError(f"{path}: {what} must hold whole-number class labels 0, 1, 2, …")
    return y.astype(np.int64)


def _read_csv(path: str, raw: bytes) -> Parts:
    try:
        numbered = [(n, line) for n, line in enumerate(raw.decode("utf-8-sig").splitlines(), 1)
                    if line.strip()]
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 text file") from None
    if numbered and not _numbers(numbered[0][1].split(",")[:-1]):
        numbered = numbered[1:]  # the header
    if len(numbered) < 2 or numbered[0][1].count(",") < 1:
        raise ValueError(f"{path}: a CSV data file needs at least two rows of features followed "
                         "by a label")
    width = numbered[0][1].count(",") + 1
    for number, line in numbered:
        if line.count(",") + 1 != width:
            raise ValueError(f"{path}: line {number} has {line.count(',') + 1} fields, the "
                             f"first row {width}")
    lines = [line for _, line in numbered]
    try:
        x = np.loadtxt(lines, delimiter=",", usecols=range(width - 1), ndmin=2)
    except ValueError as error:
        bad = [(n, f) for n, line in numbered for f in line.split(",")[:-1] if not _numbers([f])]
        if not bad:
            raise ValueError(f"{path}: {error}") from None
        raise ValueError(f"{path}: line {bad[0][0]}: {bad[0][1].strip()!r} is not a number (the "
                         "features come first, the label last)") from None
    labels = [line.rsplit(",", 1)[-1].strip().strip('"') for line in lines]
    y, named = _labels(path, labels)
    return _checked(path, Parts(x, y, None, None, named or int(y.max()) + 1))


def _numbers(fields: list[str]) -> bool:
    try:
        [float(f) for f in fields]
    except ValueError:
        return False
    return True


def _read_npz(path: str, raw: bytes) -> Parts:
    if not raw.startswith(b"PK"):
        raise ValueError(f"{path}: not an NPZ file (one written by numpy.savez)")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path}: not a readable NPZ file ({error})") from None
    names: tuple[str, ...]
    if {"x_train", "y_train", "x_test", "y_test"} <= set(arrays):
        names = ("x_train", "y_train", "x_test", "y_test")
    elif {"x", "y"} <= set(arrays):
        names = ("x", "y")
    else:
        raise ValueError(f"{path}: an NPZ data file holds x and y (or x_train, y_train, x_test, "
                         f"y_test); this one holds {', '.join(sorted(arrays)) or 'nothing'}")
    got = [arrays[n] for n in names]
    ys = [_whole(path, n, a) for n, a in zip(names[1::2], got[1::2], strict=True)]
    n_classes = max(int(y.max()) + 1 if y.size else 0 for y in ys)
    if len(ys) == 2:
        return _checked(path, Parts(got[0], ys[0], got[2], ys[1], n_classes))
    return _checked(path, Parts(got[0], ys[0], None, None, n_classes))


def _checked(path: str, parts: Parts) -> Parts:
    """Shapes that agree, finite features, at least two classes."""
    pairs: list[tuple[str, np.ndarray, Any]] = [("x_train", parts.x_train, parts.y_train)]
    if parts.x_test is not None:
        pairs.append(("x_test", parts.x_test, parts.y_test))
    for name, x, y in pairs:
        if x.ndim != 2 or x.dtype.kind not in "biuf" or len(x) == 0:
            raise ValueError(f"{path}: {name} must be a non-empty 2-D array of numbers, got "
                             f"shape {x.shape}, dtype {x.dtype}")
        if len(y) != len(x):
            raise ValueError(f"{path}: {name} has {len(x)} rows but {len(y)} labels")
        if not checks.all_finite(x):
            raise ValueError(f"{path}: {name} holds NaN or infinite values")
    if parts.x_test is not None and parts.x_test.shape[1] != parts.x_train.shape[1]:
        raise ValueError(f"{path}: x_train has {parts.x_train.shape[1]} features but x_test has "
                         f"{parts.x_test.shape[1]}")
    if parts.n_classes < 2:
        raise ValueError(f"{path}: the labels name a single class; a classifier needs two or "
                         "more")
    return parts
