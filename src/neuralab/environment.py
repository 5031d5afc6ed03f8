"""What machine a result came from: neuralab and NumPy versions, the BLAS, the CPU, the threads.

Same seed, same numbers holds bit for bit on one machine; another processor or another BLAS may
round a matrix product differently. So every file neuralab writes with results (model files,
checkpoints, the lab's results.json, sweep results) carries :func:`describe`'s record, and a
reader can tell whether two files can be expected to agree to the last bit.
"""

from __future__ import annotations

import os
import platform
from functools import cache

import numpy as np

__all__ = ["describe", "cpu_model"]


@cache
def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> list[dict]:
    """Each BLAS library NumPy uses: its name, version, threading layer and thread count."""
    from threadpoolctl import threadpool_info  # light, but only needed here

    return [{"library": info.get("internal_api"), "version": info.get("version"),
             "threads": info.get("num_threads"), "architecture": info.get("architecture")}
            for info in threadpool_info() if info.get("user_api") == "blas"]


def describe() -> dict:
    """A JSON-able record of this machine and software, for files that hold results."""
    from neuralab import __version__

    return {"neuralab": __version__, "numpy": np.__version__, "python": platform.python_version(),
            "blas": _blas(), "cpu": cpu_model(), "machine": platform.machine(),
            "cpu_count": os.cpu_count()}
