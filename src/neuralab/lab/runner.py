"""Run experiments one after the other, under progress bars, and assemble their results.

For each :class:`~neuralab.lab.experiment.Experiment` the runner resolves its parameters for the
mode, measures every unit of work (one step of the experiment's bar each), summarises, judges,
lays out the tables and draws the figures (one last step), and assembles the
:class:`~neuralab.lab.base.ExperimentResult` from what the experiment declared and returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from neuralab import plots

from .base import Context, ExperimentResult, Stopwatch, Verdict
from .experiment import Experiment

__all__ = ["run_experiment", "run_experiments"]


def run_experiments(
    experiments: Iterable[type[Experiment]],
    *,
    quick: bool = False,
    seed: int = 0,
    out_dir: str | Path = "lab-report",
    progress: bool | None = None,
    backend: str = "serial",
    n_jobs: int | None = None,
    scheduler: str | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> list[ExperimentResult]:
    """Run each experiment class in order and return the results.

    Args:
        experiments: :class:`Experiment` subclasses.
        quick: small data and budgets.
        seed: the seed every experiment derives its random generators from.
        out_dir: where the experiments write their figures.
        progress: show a bar over experiments and one over each experiment's units of work;
            ``None`` shows them only when stderr is a terminal.
        backend, n_jobs, scheduler: where the units of work are measured — "serial" (here,
            one after the other), or a backend of :mod:`neuralab.sweep.backends` ("loky",
            "dask", "ray") with its workers or its cluster's address; the numbers are the same
            (see :mod:`neuralab.lab.parallel`).
        overrides: experiment id → its changed parameters (checked by
            :func:`neuralab.lab.settings.check`); every backend applies them.

    BLAS runs on one thread meanwhile: the lab's networks are small, and on a few shared cores
    several BLAS threads make their matrix products many times slower, never faster.

    Raises:
        RuntimeError: an experiment's verdicts are not exactly one per claim it declares.
    """
    experiments = list(experiments)
    overrides = overrides or {}
    if backend != "serial":
        from .parallel import run_distributed

        with threadpool_limits(limits=1, user_api="blas"):
            return run_distributed(experiments, quick=quick, seed=seed, out_dir=out_dir,
                                   progress=progress, backend=backend, n_jobs=n_jobs,
                                   scheduler=scheduler, overrides=overrides)
    disable = None if progress is None else not progress
    results = []
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tqdm(experiments, desc="lab", unit="experiment", disable=disable, position=0) as bar,
    ):
        for experiment in bar:
            bar.set_postfix_str(experiment.id)
            results.append(run_experiment(experiment, quick=quick, seed=seed,
                                          out_dir=out_dir, progress=progress,
                                          overrides=overrides.get(experiment.id)))
    return results


def run_experiment(
    experiment: type[Experiment],
    *,
    quick: bool = False,
    seed: int = 0,
    out_dir: str | Path = "lab-report",
    progress: bool | None = False,
    overrides: dict[str, Any] | None = None,
) -> ExperimentResult:
    """Run one experiment: measure each unit, summarise, judge, draw; return its result.

    Its progress bar has one step per unit of work and one for the figures. ``overrides``
    changes parameters (dotted keys, values checked by :func:`settings.check`).
    """
    exp = experiment()
    ctx = Context(quick=quick, seed=seed, out_dir=Path(out_dir),
                  params=experiment.parameters(quick, overrides), overrides=dict(overrides or {}))
    units = exp.units(ctx.params)
    disable = None if progress is None else not progress
    with (
        tqdm(total=len(units) + 1, desc=experiment.id, unit="step", leave=False,
             disable=disable, position=1) as bar,
        Stopwatch() as watch,
    ):
        measured = {}
        for unit in units:
            measured[unit] = exp.measure(unit, ctx)
            bar.update()
        result = finish(exp, measured, ctx)
        bar.update()
    result.duration = watch.seconds
    return result


def finish(exp: Experiment, measured: dict, ctx: Context) -> ExperimentResult:
    """Steps 2 and 3 once every unit is measured: summarise, judge, lay out, draw (in the
    report's language, where a font allows: :func:`neuralab.plots.figure_style`)."""
    experiment = type(exp)
    numbers = exp.summarise(measured, ctx)
    verdicts = exp.judge(numbers)
    tables = exp.tables(numbers, ctx)
    with plots.figure_style(ctx.lang):
        figures = exp.draw(numbers, ctx)
    _check(experiment, verdicts)
    return ExperimentResult(
        id=experiment.id, claims=list(experiment.claims), title=experiment.title(),
        setup=experiment.setup(ctx.quick, ctx.overrides), parameters=ctx.params,
        numbers=exp.record(numbers), verdicts=verdicts, tables=tables, figures=figures)


def _check(experiment: type[Experiment], verdicts: list[Verdict]) -> None:
    """Raise RuntimeError unless the verdicts name each declared claim exactly once, each
    with its finding (what was found, in one line)."""
    judged = [v.claim for v in verdicts]
    if sorted(judged) != sorted(experiment.claims):
        raise RuntimeError(
            f"experiment {experiment.id!r} declares claims {list(experiment.claims)} but judged "
            f"{judged}: give one verdict per claim"
        )
    if any(v.finding is None for v in verdicts):
        raise RuntimeError(f"experiment {experiment.id!r}: every verdict needs its finding, "
                           "one line made from the numbers")
