"""The lab on the sweep's backends: every unit of work of every experiment, spread over workers.

``neuralab lab --backend loky`` (or ``dask --scheduler tcp://…``) hands all units of all the
selected experiments at once to a backend of :mod:`neuralab.sweep.backends` — the same engines,
with the same guarantees, that run a sweep: one BLAS thread per worker, lost workers' units
computed again. Each worker measures a unit exactly as the serial runner would
(``experiment().measure(unit, ctx)``, with a :class:`~neuralab.lab.base.Context` of the same
mode, seed and changed parameters), so the numbers, the verdicts and ``results.json`` are the
same as a serial run's.
Summarising, judging and drawing then happen here, experiment by experiment, in report order.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .base import Context, ExperimentResult, Stopwatch
from .experiment import Experiment

__all__ = ["Unit", "measure_unit", "run_distributed"]


@dataclass(frozen=True)
class Unit:
    """One unit of work: which experiment, which unit, in which mode, with which seed and
    which changed parameters (``--set``: (key, value) pairs, sorted)."""

    experiment: type[Experiment]
    unit: Hashable
    quick: bool
    seed: int
    out_dir: str
    overrides: tuple[tuple[str, Any], ...] = ()


_CONTEXTS: dict[tuple, Context] = {}  # per process: one Context (and its data sets) per run


def context(experiment: type[Experiment], quick: bool, seed: int, out_dir: str,
            overrides: tuple[tuple[str, Any], ...] = ()) -> Context:
    """The Context of ``experiment`` in this mode, made once per process: its data sets are
    loaded once per worker, however many of its units the worker measures."""
    key = (experiment, quick, seed, out_dir, repr(overrides))  # a changed value may be a list
    if key not in _CONTEXTS:
        if len(_CONTEXTS) > 16:
            _CONTEXTS.clear()
        _CONTEXTS[key] = Context(quick=quick, seed=seed, out_dir=Path(out_dir),
                                 params=experiment.parameters(quick, dict(overrides)),
                                 overrides=dict(overrides))
    return _CONTEXTS[key]


def measure_unit(task: Unit, shared: Any = None) -> Any:
    """On a worker: what the serial runner's ``exp.measure(unit, ctx)`` gives for ``task``."""
    ctx = context(task.experiment, task.quick, task.seed, task.out_dir, task.overrides)
    return task.experiment().measure(task.unit, ctx)


def run_distributed(experiments: list[type[Experiment]], *, quick: bool, seed: int,
                    out_dir: str | Path, progress: bool | None, backend: str,
                    n_jobs: int | None, scheduler: str | None,
                    overrides: dict[str, dict[str, Any]] | None = None) -> list[ExperimentResult]:
    """Measure every unit on ``backend``, then finish each experiment here, in order.

    overrides: experiment id → its changed parameters, as for the serial runner.
    """
    from neuralab.sweep.backends import Lost, open_backend

    from .runner import finish

    changed = {e: tuple(sorted((overrides or {}).get(e.id, {}).items())) for e in experiments}
    tasks = [Unit(e, unit, quick, seed, str(out_dir), changed[e])
             for e in experiments for unit in e().units(e.parameters(quick, dict(changed[e])))]
    measured: list[Any] = [None] * len(tasks)
    disable = None if progress is None else not progress
    with open_backend(backend, n_jobs, scheduler) as engine, \
            tqdm(total=len(tasks), desc="lab", unit="unit", disable=disable) as bar, \
            Stopwatch() as watch:
        for index, value in engine.map(measure_unit, tasks):
            if isinstance(value, Lost):
                task = tasks[index]
                raise RuntimeError(f"experiment {task.experiment.id!r}, unit {task.unit!r}: "
                                   f"{value.reason}")
            measured[index] = value
            bar.update()
    results = []
    for experiment in experiments:
        exp = experiment()
        mine = {t.unit: v for t, v in zip(tasks, measured, strict=True)
                if t.experiment is experiment}
        with Stopwatch() as finishing:
            result = finish(exp, mine, context(experiment, quick, seed, str(out_dir),
                                               changed[experiment]))
        result.duration = finishing.seconds + watch.seconds * len(mine) / max(len(tasks), 1)
        results.append(result)
    _CONTEXTS.clear()
    return results
