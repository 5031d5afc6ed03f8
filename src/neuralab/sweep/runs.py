"""One run of a sweep: what is sent to a worker (:class:`Task`) and what comes back (a record).

A run trains ``mlp([n_features, *hidden, n_outputs], seed=s)`` with ``fit(..., seed=s)`` on the
data set's training split, validated after each epoch on its test split, and returns one record
of the results file (see :mod:`neuralab.sweep.results`)::

    {"id", "params", "seed", "status": "ok" | "failed", "metrics": {final value of each
     metric}, "history": {metric: per-epoch list}, "error", "seconds", "worker", "machine"}

A run that raises — a loss that diverges, an out-of-memory error — comes back as a "failed"
record with its error and the epochs it finished; it never stops the sweep. The worker reports
where it ran (``host:pid``) and what on (:func:`neuralab.environment.describe`, with the BLAS
at one thread, as every backend runs it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from neuralab.callbacks import History

from . import params as _params

__all__ = ["Task", "run_id", "run_task", "data_key", "failed_record"]


@dataclass(frozen=True)
class Task:
    """One run: its id, its full parameters (data included) and its seed."""

    id: str
    params: dict
    seed: int


def run_id(params: dict[str, Any], seed: int) -> str:
    """A run's identity: 16 hex digits of the SHA-256 of its parameters and seed (as JSON)."""
    text = json.dumps({"params": params, "seed": seed}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def data_key(params: dict[str, Any]) -> tuple[str, int]:
    """Which data a run trains on: (data, split seed). One copy of each goes to each worker."""
    return params["data"], params.get("data_seed", 0)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


_MACHINE: dict[str, Any] = {}


def _machine() -> dict[str, Any]:
    """This process's :func:`~neuralab.environment.describe`, measured once."""
    if not _MACHINE:
        from neuralab.environment import describe

        _MACHINE.update(describe())
    return _MACHINE


_ALIGNED: dict[int, tuple[Any, Any]] = {}


def _aligned(data):
    """``data`` with its arrays aligned and C-contiguous, copied once per worker if need be.

    A transport may hand the arrays over at odd addresses (Dask's frames put a float32 array
    at any byte), where every NumPy loop and BLAS call runs several times slower; a run then
    pays for it on every batch. The copy holds the same values: the numbers do not change.
    """
    hit = _ALIGNED.get(id(data))
    if hit is None or hit[0] is not data:
        fields = ("x_train", "y_train", "x_test", "y_test")
        arrays = {f: np.require(getattr(data, f), requirements=("C", "A")) for f in fields}
        if len(_ALIGNED) > 8:
            _ALIGNED.clear()
        hit = _ALIGNED[id(data)] = (data, dataclasses.replace(data, **arrays))
    return hit[1]


def _plain(value: Any) -> Any:
    """NumPy scalars in a history as Python numbers (JSON, exact)."""
    return value.item() if hasattr(value, "item") else value


def run_task(task: Task, shared: dict) -> dict[str, Any]:
    """Train the run ``task`` on its data in ``shared`` ({data_key: Dataset}); its record."""
    start = time.perf_counter()
    history = History()
    error = None
    try:
        data = _aligned(shared[data_key(task.params)])
        net, fit_kw = _params.build(task.params, data.n_features, data.n_classes, task.seed)
        net.fit(data.x_train, data.y_train, validation_data=(data.x_test, data.y_test),
                callbacks=[history], progress=False, **fit_kw)
    except Exception as err:  # a failed run is a result too; the sweep goes on
        error = f"{type(err).__name__}: {err}"
    curves = {key: [_plain(v) for v in values] for key, values in history.history.items()}
    return {"id": task.id, "params": task.params, "seed": task.seed,
            "status": "ok" if error is None else "failed",
            "metrics": {} if error else {key: values[-1] for key, values in curves.items()},
            "history": curves, "error": error,
            "seconds": time.perf_counter() - start, "worker": _worker(), "machine": _machine()}


def failed_record(task: Task, reason: str) -> dict[str, Any]:
    """The record of a run that never came back (its worker died each time it ran it)."""
    return {"id": task.id, "params": task.params, "seed": task.seed, "status": "failed",
            "metrics": {}, "history": {}, "error": reason, "seconds": None, "worker": None,
            "machine": None}
