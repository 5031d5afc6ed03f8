"""The backends on this machine: serial (this process) and loky (worker processes).

loky is the process pool joblib runs on (``joblib.externals.loky``): workers that start once and
are reused, with cloudpickle for the functions. The shared data are written ONCE to a private
temporary file; each worker reads that file the first time a task needs it and keeps it, so
the data cross to each worker once, however many runs it does.

A loky pool whose worker dies is broken: every task in it fails with ``BrokenProcessPool``.
The tasks that had not come back are then submitted again, to a new pool. A task lost twice is a
suspect: it is run alone, and if the pool breaks while it runs alone it is the one that kills
its worker (a segmentation fault, the out-of-memory killer) and comes back as :class:`Lost`.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from . import Backend, Lost, call

__all__ = ["SerialBackend", "LokyBackend"]

IDLE_TIMEOUT = 300
"""Seconds an idle loky worker waits for more work before it exits (joblib's own value)."""
SUSPECT = 2
"""A task lost with its worker this many times is run alone next."""

_SHARED: dict[str, Any] = {}  # in a worker: token → the shared data it read


class SerialBackend(Backend):
    """Every task in this process, one after the other, in order."""

    name = "serial"

    def map(self, fn, tasks, shared=None) -> Iterator[tuple[int, Any]]:
        for index, task in enumerate(tasks):
            yield index, call(fn, task, shared)


def _read_shared(token: str | None, path: str | None) -> Any:
    """In a worker: the shared data of ``token``, read from ``path`` on first use."""
    if token is None:
        return None
    if token not in _SHARED:
        _SHARED.clear()  # keep one sweep's data, not every sweep's
        with open(path, "rb") as f:  # type: ignore[arg-type]
            _SHARED[token] = pickle.load(f)  # our own file, written by this sweep's client
    return _SHARED[token]


def _loky_call(fn, task, token, path):
    return call(fn, task, _read_shared(token, path))


class LokyBackend(Backend):
    """``workers`` local processes from loky's reusable pool (the one joblib uses)."""

    name = "loky"

    def __init__(self, workers: int):
        self.workers = workers
        self._folder: str | None = None
        self._pool: Any = None

    def _ship(self, shared) -> tuple[str | None, str | None]:
        """Write ``shared`` once to a private file; (token, path) for the workers."""
        if shared is None:
            return None, None
        self._folder = self._folder or tempfile.mkdtemp(prefix="neuralab-sweep-")
        token = uuid.uuid4().hex
        path = os.path.join(self._folder, f"{token}.pickle")
        with open(path, "wb") as f:
            pickle.dump(shared, f, protocol=pickle.HIGHEST_PROTOCOL)
        return token, path

    def _executor(self):
        # joblib's own entry to loky's reusable pool: the pool is shared with joblib (and so
        # with scikit-learn's n_jobs), which expects it set up this way
        from joblib.executor import get_memmapping_executor

        return get_memmapping_executor(self.workers, timeout=IDLE_TIMEOUT)

    def map(self, fn, tasks, shared=None) -> Iterator[tuple[int, Any]]:
        ref = self._ship(shared)
        queue, lost = deque(range(len(tasks))), Counter[int]()
        while queue:
            alone = lost[queue[0]] >= SUSPECT
            inflight: dict = {}
            try:
                yield from self._run(fn, tasks, ref, queue, inflight, 1 if alone else None)
            except BrokenProcessPool:
                if alone:  # it broke the pool by itself: it is the culprit
                    (index,) = inflight.values()
                    yield index, Lost("its worker process died each time it ran it (killed "
                                      "by the system? out of memory? a crash?)")
                    continue
                for index in sorted(inflight.values(), reverse=True):
                    lost[index] += 1
                    queue.appendleft(index)
                queue = deque(sorted(queue, key=lambda i: -lost[i]))  # suspects first
            finally:
                for future in inflight:
                    future.cancel()

    def _run(self, fn, tasks, ref, queue: deque, inflight: dict, window: int | None):
        """Submit from ``queue`` keeping at most ``window`` (2 per worker) tasks in flight."""
        executor = self._pool = self._executor()
        window = window or 2 * self.workers
        while queue or inflight:
            while queue and len(inflight) < window:
                future = executor.submit(_loky_call, fn, tasks[queue[0]], *ref)
                inflight[future] = queue.popleft()
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()  # BrokenProcessPool when a worker died
                yield inflight.pop(future), result
            if window == 1 and not inflight:
                return  # a suspect ran alone and came back: back to the full window

    def abort(self) -> None:
        if self._pool is not None:  # stop the runs now: Ctrl-C
            self._pool.shutdown(wait=False, kill_workers=True)
        self.close()

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
