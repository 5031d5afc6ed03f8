"""The Dask backend: runs as tasks on a ``distributed`` cluster, one machine or many.

Which cluster: the ``scheduler`` address (``tcp://host:8786``), else Dask's own convention (the
``scheduler-address`` setting, i.e. ``$DASK_SCHEDULER_ADDRESS``), else a
``distributed.LocalCluster`` started here: ``n_jobs`` worker processes (default: one per core)
of one thread each, listening on the loopback only, stopped again by :meth:`close`.

The shared data are scattered to every worker once (``client.scatter(broadcast=True)``) and
each task refers to them. When a worker dies, the scheduler runs its tasks again elsewhere
(and a restarted worker fetches the data from another); a task that has killed
``distributed.scheduler.allowed-failures`` + 1 workers (4 by default) comes back as
:class:`Lost`. A scheduler that cannot be reached is a ValueError naming its address after
:data:`CONNECT_TIMEOUT` seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import Backend, Lost, call, default_jobs

__all__ = ["DaskBackend", "CONNECT_TIMEOUT"]

CONNECT_TIMEOUT = 5
"""Seconds to wait for a scheduler before saying it cannot be reached."""


def _need_distributed():
    try:
        import distributed
    except ImportError as error:
        raise ImportError("the dask backend needs dask.distributed: "
                          "pip install 'neuralab[sweep]'") from error
    return distributed


class DaskBackend(Backend):
    """Tasks on the Dask cluster at ``scheduler``, at Dask's configured address, or local."""

    name = "dask"

    def __init__(self, n_jobs: int | None = None, scheduler: str | None = None):
        distributed = _need_distributed()
        import dask

        self.address = scheduler or dask.config.get("scheduler-address", None)
        self.cluster = None
        if self.address:
            try:
                self.client = distributed.Client(self.address, timeout=CONNECT_TIMEOUT,
                                                 set_as_default=False)
            except (OSError, TimeoutError) as error:
                raise ValueError(f"cannot reach the Dask scheduler at {self.address} "
                                 f"({error}); is it running, and is the address right?") \
                    from None
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=default_jobs(n_jobs), threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None)
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self.workers = sum(self.client.nthreads().values()) or 1

    def describe(self) -> str:
        where = self.address or "a local cluster"
        return f"dask at {where}, {self.workers} worker thread{'s' * (self.workers != 1)}"

    def map(self, fn, tasks, shared=None) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        data = None if shared is None else self.client.scatter([shared], broadcast=True,
                                                               hash=False)[0]
        futures = self.client.map(call, [fn] * len(tasks), tasks, [data] * len(tasks),
                                  pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future, result in as_completed(futures, with_results=True, raise_errors=False,
                                               loop=self.client.loop):
                if future.status == "error":  # result: (type, exception, traceback)
                    if not isinstance(result[1], KilledWorker):
                        raise result[1].with_traceback(result[2])
                    result = Lost(f"it killed every worker that ran it ({result[1]})")
                yield index.pop(future.key), result
        finally:
            if index:
                self.client.cancel([f for f in futures if f.key in index])

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
