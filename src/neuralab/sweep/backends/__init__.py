"""Where the runs of a sweep (or the lab's units of work) are computed.

Every backend does one thing: ``backend.map(fn, tasks, shared)`` calls ``fn(task, shared)`` for
each task on its workers and yields ``(index, result)`` pairs as the results come back, in the
order they finish. ``shared`` (the data sets) goes to each worker once, not with every task.

==========  ==============================================================================
serial      in this process, one task after the other (the reference the others must equal)
loky        local worker processes (joblib's engine, the scikit-learn way); the default
dask        a Dask cluster: ``scheduler`` (``tcp://host:8786``) or the ``DASK_SCHEDULER_ADDRESS``
            convention, else a ``distributed.LocalCluster`` started here on the loopback
ray         a Ray cluster (the optional extra ``neuralab[ray]``)
==========  ==============================================================================

Each worker runs ``fn`` with its BLAS held to one thread (:func:`call`), so the same task gives
bit-identical numbers on every backend of one machine. Only the caller writes results: a
worker returns them. When a worker process dies, the tasks it held are computed again (Dask
and Ray do this themselves; the loky backend resubmits them); a task whose worker dies each
time it runs comes back as a :class:`Lost`, never as a hang.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["BACKENDS", "Backend", "Lost", "call", "open_backend"]

BACKENDS = ("serial", "loky", "dask", "ray")

_CONTROLLER: list = []


def call(fn: Callable[[Any, Any], Any], task: Any, shared: Any) -> Any:
    """``fn(task, shared)`` with the BLAS at one thread (restored afterwards).

    Small networks gain nothing from BLAS threads, and several workers each starting a thread
    per core would fight over the cores; one thread also fixes the order of every sum.
    """
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    with _CONTROLLER[0].limit(limits=1, user_api="blas"):
        return fn(task, shared)


@dataclass(frozen=True)
class Lost:
    """The result of a task that never came back: ``reason`` says why."""

    reason: str


class Backend:
    """Base of the backends: a context manager with ``workers``, ``map`` and ``close``."""

    name = "base"
    workers = 1

    def map(self, fn: Callable[[Any, Any], Any], tasks: list,
            shared: Any = None) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, fn(tasks[index], shared))`` for every task, as they finish."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of the workers (a cluster this backend started is stopped)."""

    def abort(self) -> None:
        """Stop the tasks still running (Ctrl-C), then :meth:`close`."""
        self.close()

    def describe(self) -> str:
        """The backend and its workers in words, for the CLI and the report."""
        return f"{self.name}, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.abort()
        else:
            self.close()


def default_jobs(n_jobs: int | None) -> int:
    """``n_jobs`` checked, or the number of CPU cores this process may use."""
    from neuralab import checks

    if n_jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    return checks.integer(n_jobs, "n_jobs", minimum=1)


def open_backend(name: str, n_jobs: int | None = None, scheduler: str | None = None) -> Backend:
    """The backend called ``name`` with ``n_jobs`` workers (local ones) or at ``scheduler``.

    Raises:
        ValueError: an unknown name; a scheduler given to a local backend; a scheduler that
            cannot be reached (naming its address, within a few seconds).
        ImportError: the backend's package is not installed (the message says which extra).
    """
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if scheduler is not None and name in ("serial", "loky"):
        raise ValueError(f"backend {name!r} runs on this machine: a scheduler address "
                         f"({scheduler}) needs backend 'dask' or 'ray'")
    if name == "serial":
        from .local import SerialBackend

        return SerialBackend()
    if name == "loky":
        from .local import LokyBackend

        return LokyBackend(default_jobs(n_jobs))
    if name == "dask":
        from .dask_cluster import DaskBackend

        return DaskBackend(n_jobs, scheduler)
    from .ray_cluster import RayBackend

    return RayBackend(n_jobs, scheduler)
