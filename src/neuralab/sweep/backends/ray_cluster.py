"""The Ray backend (the optional extra ``neuralab[ray]``): runs as Ray tasks.

Which cluster: the ``scheduler`` address (``ray://host:10001``, or ``auto`` for the cluster this
machine belongs to), else Ray's own convention (``$RAY_ADDRESS``), else a local Ray started
here with ``n_jobs`` CPUs (default: all). The shared data go once into Ray's object store
(``ray.put``), where every worker on a node reads the same copy. A task whose worker dies is
run again by Ray (``max_retries``); one that never comes back is :class:`Lost`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from . import Backend, Lost, call, default_jobs

__all__ = ["RayBackend"]

MAX_RETRIES = 3
"""Times Ray runs a task again after its worker process died."""


def _need_ray():
    try:
        import ray
    except ImportError as error:
        raise ImportError("the ray backend needs Ray: pip install 'neuralab[ray]'") from error
    return ray


class RayBackend(Backend):
    """Tasks on a Ray cluster at ``scheduler``, at ``$RAY_ADDRESS``, or on a local Ray."""

    name = "ray"

    def __init__(self, n_jobs: int | None = None, scheduler: str | None = None):
        ray = _need_ray()
        self.address = scheduler or os.environ.get("RAY_ADDRESS") or None
        self.started = not ray.is_initialized()
        if self.started:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address is None:  # a local Ray, on the loopback only
                options.update(num_cpus=default_jobs(n_jobs), _node_ip_address="127.0.0.1")
            try:
                ray.init(address=self.address, **options)
            except (ConnectionError, TimeoutError, OSError) as error:  # the address named
                raise ValueError(f"cannot reach the Ray cluster at {self.address} ({error}); "
                                 "is it running, and is the address right?") from None
        self.workers = int(ray.cluster_resources().get("CPU", 1))
        self._remote = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(call)

    def describe(self) -> str:
        where = self.address or "a local Ray"
        return f"ray at {where}, {self.workers} CPUs"

    def map(self, fn, tasks, shared=None) -> Iterator[tuple[int, Any]]:
        import ray

        data = None if shared is None else ray.put(shared)
        refs = {self._remote.remote(fn, task, data): index for index, task in enumerate(tasks)}
        try:
            while refs:
                (done,), _ = ray.wait(list(refs), num_returns=1)
                index = refs.pop(done)
                try:
                    result = ray.get(done)
                except ray.exceptions.RayTaskError as error:
                    raise error.as_instanceof_cause() from None
                except (ray.exceptions.WorkerCrashedError,
                        ray.exceptions.ObjectLostError) as error:
                    result = Lost(f"its worker died {MAX_RETRIES + 1} times ({error})")
                yield index, result
        finally:
            for ref in refs:
                ray.cancel(ref, force=True)

    def close(self) -> None:
        import ray

        if self.started:
            ray.shutdown()
