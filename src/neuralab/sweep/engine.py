"""``sweep()``: plan every run, check it, skip what the results file holds, run the rest.

Everything that can be wrong with the input — an unknown name, a value ``mlp`` or ``fit``
would reject, an empty space, data that cannot be read, a results file that is not one, a
scheduler that cannot be reached — is found before the first run starts. While planning, each
configuration is built once (its network made, ``fit`` called for zero epochs on two rows), so
the checks are the library's own; then the backend is reached, and only then are runs sent.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from neuralab import checks, datafiles, datasets

from . import params as _params
from .backends import Lost, open_backend
from .result import Run, SweepResult
from .results import ResultsWriter, read_records
from .runs import Task, data_key, failed_record, run_id, run_task
from .space import Space, as_space

__all__ = ["sweep", "plan", "Plan"]


@dataclass
class Plan:
    """Every run of a sweep, in order, with the data sets they train on."""

    tasks: list[Task]
    swept: list[str]
    data: dict[tuple[str, int], datasets.Dataset]


def _seeds(seeds) -> list[int]:
    """``5`` → seeds 0–4; a list as given (non-negative, no repeats)."""
    if isinstance(seeds, list | tuple | range):
        values = [checks.integer(s, "seed", minimum=0) for s in seeds]
        if not values or len(set(values)) != len(values):
            raise ValueError(f"seeds must list distinct seeds, got {list(seeds)!r}")
        return values
    return list(range(checks.integer(seeds, "seeds (a count, or a list of seeds)", minimum=1)))


def _data_name(data) -> str:
    """How a run records its data: a registered name (canonical) or an absolute file path."""
    if datafiles.is_data_file(data):
        return os.path.abspath(os.fspath(data))
    if not isinstance(data, str):
        raise TypeError(f"data must be a data set name or a path to a .csv or .npz file, got "
                        f"{type(data).__name__}")
    return datasets.REGISTRY.canonical(data)


def _configurations(space: Space, data: str, fixed: dict[str, Any]) -> list[dict[str, Any]]:
    """The full parameters of each configuration, checked by name."""
    both = sorted(set(space.keys) & set(fixed))
    if both:
        raise ValueError(f"{', '.join(both)}: both swept and fixed; give each parameter once")
    if "data" in space.keys or "data" in fixed:
        raise ValueError("data is the sweep's data=, one data set per sweep; it cannot be swept")
    _params.check_names([*space.keys, *fixed])
    configs = []
    for config in space.configurations():
        try:
            configs.append(_params.canonical({"data": data, **fixed, **config}))
        except (ValueError, TypeError) as error:
            raise _in(error, config, space.keys) from None
    return configs


def _in(error: Exception, config: dict[str, Any], swept: list[str]) -> Exception:
    """``error`` with the configuration it is about added to its message."""
    where = ", ".join(f"{k}={config.get(k)!r}" for k in swept)
    return type(error)(f"{error} (in the configuration {where})")


def _check(config: dict[str, Any], data: datasets.Dataset, swept: list[str]) -> None:
    """Build the configuration and fit it for zero epochs: ValueError/TypeError if it is bad."""
    try:
        checks.integer(config.get("epochs", 10), "epochs", minimum=1)
        net, fit_kw = _params.build(config, data.n_features, data.n_classes, seed=0)
        net.fit(data.x_train[:2], data.y_train[:2], **{**fit_kw, "epochs": 0, "progress": False})
    except (ValueError, TypeError) as error:
        raise _in(error, config, swept) from None


def plan(space, *, data, seeds=3, **fixed) -> Plan:
    """Every run of the sweep, checked (see the module's docstring), in order."""
    space = as_space(space)
    seed_list = _seeds(seeds)
    configs = _configurations(space, _data_name(data), fixed)
    loaded = {}
    for key in dict.fromkeys(data_key(c) for c in configs):
        loaded[key] = datasets.load(key[0], seed=checks.integer(key[1], "data_seed", minimum=0))
    checked = set()
    tasks: dict[str, Task] = {}
    for config in configs:
        text = repr(sorted(config.items()))
        if text not in checked:
            _check(config, loaded[data_key(config)], space.keys)
            checked.add(text)
        for seed in seed_list:
            task = Task(run_id(config, seed), config, seed)
            tasks.setdefault(task.id, task)
    return Plan(list(tasks.values()), space.keys, loaded)


def _progress_bar(total: int, done: int, progress: bool | None):
    from tqdm import tqdm

    disable = not sys.stderr.isatty() if progress is None else not progress
    return tqdm(total=total, initial=done, desc="sweep", unit="run", disable=disable,
                dynamic_ncols=True)


def sweep(space, *, data, seeds=3, backend: str = "loky", n_jobs: int | None = None,
          scheduler: str | None = None, results: str | Path | None = None,
          progress: bool | None = None, retry_failed: bool = False, **fixed) -> SweepResult:
    """Train every configuration of ``space`` with every seed; return a :class:`SweepResult`.

    Args:
        space: a dict (parameter → list of values: a grid) or a :class:`Space` (grid and/or
            seeded random draws). Parameters: ``hidden``, ``mlp()`` and ``fit()`` arguments,
            the optimizer's own, ``data_seed`` (see :mod:`neuralab.sweep.params`).
        data: a data set name (``datasets.load``) or a path to a .csv or .npz file.
        seeds: a count (5 → seeds 0–4) or a list; a run's seed is ``mlp(seed=s)``, ``fit(seed=s)``.
        backend: "loky" (local processes), "dask", "ray" or "serial" (this process).
        n_jobs: local workers (default: one per core). scheduler: a cluster's address.
        results: a JSON Lines file; runs are appended as they finish, and runs it already holds
            are not run again (failed ones neither, unless ``retry_failed``).
        progress: a progress bar with an ETA; None shows it only when stderr is a terminal.
        **fixed: parameters shared by every run, e.g. ``hidden=[64, 32], epochs=20``.

    Raises:
        ValueError, TypeError: bad input, before any run starts. A run that fails (diverges)
        is recorded as failed and the sweep goes on.
    """
    the_plan = plan(space, data=data, seeds=seeds, **fixed)
    records = read_records(results) if results is not None else {}
    keep = {i: r for i, r in records.items() if r["status"] == "ok" or not retry_failed}
    todo = [t for t in the_plan.tasks if t.id not in keep]
    if todo:
        keep.update(_run(todo, the_plan, backend, n_jobs, scheduler, results, progress))
    return SweepResult([Run.from_record(keep[t.id]) for t in the_plan.tasks], the_plan.swept)


def _run(todo: list[Task], the_plan: Plan, backend: str, n_jobs: int | None,
         scheduler: str | None, results, progress: bool | None) -> dict[str, dict]:
    """Run ``todo`` on the backend; write each record as it comes (only here, in the client)."""
    done: dict[str, dict] = {}
    total = len(the_plan.tasks)
    with open_backend(backend, n_jobs, scheduler) as engine, \
            _progress_bar(total, total - len(todo), progress) as bar:
        writer = ResultsWriter(results) if results is not None else None
        try:
            for index, record in engine.map(run_task, todo, the_plan.data):
                if isinstance(record, Lost):
                    record = failed_record(todo[index], record.reason)
                done[record["id"]] = record
                if writer is not None:
                    writer.write(record)
                bar.update()
        finally:
            if writer is not None:
                writer.close()
    return done
