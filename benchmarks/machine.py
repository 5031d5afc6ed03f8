"""What the numbers were measured on: CPU, cores, BLAS, threads, load and library versions."""

from __future__ import annotations

import os
import platform

import numpy as np

from neuralab.environment import cpu_model


def numpy_blas() -> dict:
    """NumPy's BLAS as threadpoolctl sees it (name, version, kernel, threads), else its config."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        for lib in threadpool_info():
            if lib["user_api"] == "blas" and "numpy" in lib["filepath"]:
                return {"name": lib["internal_api"], "version": lib["version"],
                        "kernel": lib.get("architecture"), "threads": lib["num_threads"]}
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {"name": blas.get("name"), "version": blas.get("version"), "kernel": None,
            "threads": None}


def describe(threads: int) -> dict:
    blas = numpy_blas()
    info = {"cpu": cpu_model(), "cores": os.cpu_count(), "threads": threads,
            "blas": f"{blas['name']} {blas['version']}" + (
                f" ({blas['kernel']} kernels)" if blas["kernel"] else ""),
            "python": platform.python_version(), "numpy": np.__version__,
            "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    for name in ("sklearn", "torch", "numba"):
        try:
            info[name] = __import__(name).__version__
        except ImportError:
            info[name] = "not installed"
    coretype = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                if k in os.environ}
    if coretype:
        info["openblas_env"] = coretype
    return info


def default_threads() -> int:
    """NumPy's BLAS thread count (what every trainer gets unless --threads says otherwise)."""
    return numpy_blas()["threads"] or os.cpu_count() or 1
