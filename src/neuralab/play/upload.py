"""The user's own data: a CSV of two features and a label, checked line by line.

The file is read as text by Python's ``csv`` module and every cell parsed with ``float``:
nothing in it is evaluated. Accepted:

    x1,x2,label          ← an optional header (a first row that is not three numbers)
    0.5,-1.2,1
    …                    ← 10 to limits.MAX_POINTS rows of three finite numbers

Labels that are whole numbers with 2 to 5 distinct values are classes (mapped in order to 0 … k−1,
so −1/+1 labels work); any other labels are real-valued targets (a regression). Each problem is a
``ValueError`` that names the line and says what to fix, shown in the page.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from neuralab.play import limits
from neuralab.play.model import Upload

__all__ = ["parse_csv", "MIN_ROWS"]

MIN_ROWS = 10
"""Fewest rows of an upload: enough for a training and a test part."""


def parse_csv(text, name: str = "upload.csv") -> tuple[Upload, list[str]]:
    """The upload in ``text`` (a CSV) and notes about how it was read; ValueError if unusable."""
    if not isinstance(text, str):
        raise ValueError("the CSV must be sent as text")
    size = len(text.encode())
    if size > limits.MAX_UPLOAD_BYTES:
        raise ValueError(f"{_name(name)} is {size:,} bytes; the limit is "
                         f"{limits.MAX_UPLOAD_BYTES:,} bytes")
    rows, header = _rows(text, name)
    if len(rows) < MIN_ROWS:
        raise ValueError(f"{_name(name)} has {len(rows)} data rows; at least {MIN_ROWS} are "
                         "needed (a training and a test part)")
    values = np.array(rows, dtype=np.float64)
    if np.abs(values).max() > 1e6:
        raise ValueError(f"{_name(name)} has values beyond ±1,000,000: scale the data")
    labels, classes, notes = _labels(values[:, 2])
    if header:
        notes.insert(0, "the first line was read as a header")
    upload = Upload(values[:, :2].astype(np.float32), labels, classes, _name(name), header)
    return upload, notes


def _name(name) -> str:
    """The file name for messages: a string of at most 60 printable characters."""
    text = "".join(ch for ch in str(name) if ch.isprintable())[:60]
    return text or "the CSV"


def _rows(text: str, name: str) -> tuple[list[list[float]], bool]:
    """The data rows as numbers, and whether a header row was skipped."""
    rows: list[list[float]] = []
    header = False
    for line_number, cells in enumerate(csv.reader(text.splitlines()), 1):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != 3:
            raise ValueError(f"{_name(name)}, line {line_number}: expected 3 values "
                             f"(x1, x2, label), got {len(cells)}")
        numbers = [_number(cell) for cell in cells]
        if None in numbers:
            if not rows and not header:  # a first line of names is a header
                header = True
                continue
            bad = cells[numbers.index(None)].strip()[:20]
            raise ValueError(f"{_name(name)}, line {line_number}: {bad!r} is not a finite "
                             "number")
        if len(rows) >= limits.MAX_POINTS:
            raise ValueError(f"{_name(name)} has more than {limits.MAX_POINTS:,} rows; the "
                             f"limit is {limits.MAX_POINTS:,}")
        rows.append([n for n in numbers if n is not None])  # all three are numbers here
    return rows, header


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _labels(column: np.ndarray) -> tuple[np.ndarray, int, list[str]]:
    """(labels, classes, notes): classes 0 … k−1 for 2–5 whole-number values, else real targets
    (classes 0)."""
    distinct = np.unique(column)
    whole = bool(np.all(distinct == np.round(distinct)))
    low, high = limits.CLASSES
    if whole and len(distinct) == 1:
        raise ValueError("every label is the same; a classification needs 2 to 5 classes")
    if whole and len(distinct) <= high:
        labels = np.searchsorted(distinct, column).astype(np.int64)
        notes = [f"{len(distinct)} classes"]
        if not np.array_equal(distinct, np.arange(len(distinct))):
            shown = ", ".join(f"{v:g}" for v in distinct)
            notes.append(f"labels {shown} read as classes 0 to {len(distinct) - 1}")
        return labels, max(len(distinct), low), notes
    notes = ["labels are real numbers: a regression"]
    if np.abs(column).max() > 1:
        notes.append("the heatmap's colours span −1 to 1; targets beyond are drawn at the ends")
    return column.astype(np.float32), 0, notes
