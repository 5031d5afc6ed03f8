"""The results file: JSON Lines, one line per finished run, appended and flushed as runs finish.

Each line is one run's record (see :mod:`neuralab.sweep.runs`)::

    {"id": "3f9c0a…", "params": {"data": "digits", "hidden": [64, 32], "activation": "relu",
     "lr": 0.01, …}, "seed": 0, "status": "ok", "metrics": {"loss": …, "val_accuracy": …},
     "history": {"loss": […], …}, "error": null, "seconds": 1.9, "worker": "host:4711",
     "machine": {"neuralab": "0.1.0", "numpy": "2.4.6", "blas": […], "cpu": "…", …}}

Only the client writes the file (the workers return records), so there is one writer, and a
line is written whole, then flushed: a crash or Ctrl-C loses nothing that finished. A run is
identified by its ``id`` (a hash of its parameters and seed), so running the same sweep again
with the same file runs only what is missing. A last line cut short by a crash is dropped
before anything is appended. A later line for the same id (a failed run tried again) wins.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from neuralab import safefile

__all__ = ["read_records", "ResultsWriter"]


def _finite(value: Any) -> Any:
    """NaN and ±inf (a diverged loss) as None, which JSON can hold."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def read_records(path: str | Path) -> dict[str, dict]:
    """Every complete record of the file, by id (the last line of an id wins); {} if absent.

    Raises:
        ValueError: a line that is not a run record (a foreign or damaged file), naming the
            file and the line.
    """
    path = Path(path)
    if not path.exists():
        return {}
    text = safefile.read_regular_file(str(path), "results file").decode("utf-8", "replace")
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]  # cut short by a crash: rerun, not read
    records: dict[str, dict] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) \
                or record.get("status") not in ("ok", "failed"):
            raise ValueError(f"{path}: line {number} is not a neuralab sweep record; give "
                             "another --results file (or remove this one)")
        records[record["id"]] = record
    return records


class ResultsWriter:
    """Appends records to the results file, one flushed line each (``with`` closes it)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise ValueError(f"{self.path} is not a regular file; give a file for the results")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_partial_line()
        self._file = open(self.path, "a", encoding="utf-8")  # closed by close()

    def _drop_partial_line(self) -> None:
        """Cut a last line left unfinished by a crash, so the next record starts a line."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "rb+") as f:
            end = f.seek(0, os.SEEK_END)
            position = end
            while position > 0:  # back from the end, 64 KiB at a time, to the last newline
                start = max(0, position - 65536)
                f.seek(start)
                newline = f.read(position - start).rfind(b"\n")
                if newline >= 0:
                    position = start + newline + 1
                    break
                position = start
            if position != end:
                f.truncate(position)

    def write(self, record: dict) -> None:
        """Append ``record`` as one line and flush it to the operating system."""
        line = json.dumps(_finite(record), ensure_ascii=False, allow_nan=False)
        self._file.write(line + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
