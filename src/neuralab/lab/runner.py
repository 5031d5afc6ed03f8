"""Run experiments one after the other, under progress bars, and assemble their results.

For each :class:`~neuralab.lab.experiment.Experiment` the runner resolves its parameters for the
mode, measures every unit of work (one step of the experiment's bar each), summarises, judges,
lays out the tables and draws the figures (one last step), and assembles the
:class:`~neuralab.lab.base.ExperimentResult` from what the experiment declared and returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from .base import Context, ExperimentResult, Stopwatch
from .experiment import Experiment

__all__ = ["run_experiment", "run_experiments"]


def run_experiments(
    experiments: Iterable[type[Experiment]],
    *,
    quick: bool = False,
    seed: int = 0,
    out_dir: str | Path = "lab-report",
    progress: bool | None = None,
) -> list[ExperimentResult]:
    """Run each experiment class in order and return the results.

    Args:
        experiments: :class:`Experiment` subclasses.
        quick: small data and budgets.
        seed: the seed every experiment derives its random generators from.
        out_dir: where the experiments write their figures.
        progress: show a bar over experiments and one over each experiment's units of work;
            ``None`` shows them only when stderr is a terminal.

    BLAS runs on one thread meanwhile: the lab's networks are small, and on a few shared cores
    several BLAS threads make their matrix products many times slower, never faster.

    Raises:
        RuntimeError: an experiment's verdicts are not exactly one per claim it declares.
    """
    experiments = list(experiments)
    disable = None if progress is None else not progress
    results = []
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tqdm(experiments, desc="lab", unit="experiment", disable=disable, position=0) as bar,
    ):
        for experiment in bar:
            bar.set_postfix_str(experiment.id)
            results.append(run_experiment(experiment, quick=quick, seed=seed,
                                          out_dir=out_dir, progress=progress))
    return results


def run_experiment(
    experiment: type[Experiment],
    *,
    quick: bool = False,
    seed: int = 0,
    out_dir: str | Path = "lab-report",
    progress: bool | None = False,
) -> ExperimentResult:
    """Run one experiment: measure each unit, summarise, judge, draw; return its result.

    Its progress bar has one step per unit of work and one for the figures.
    """
    exp = experiment()
    ctx = Context(quick=quick, seed=seed, out_dir=Path(out_dir),
                  params=experiment.parameters(quick))
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
        numbers = exp.summarise(measured, ctx)
        verdicts = exp.judge(numbers)
        tables = exp.tables(numbers, ctx)
        figures = exp.draw(numbers, ctx)
        bar.update()
    _check(experiment, [v.claim for v in verdicts])
    return ExperimentResult(
        id=experiment.id, claims=list(experiment.claims), title=experiment.title(),
        setup=experiment.setup(quick), parameters=ctx.params, numbers=exp.record(numbers),
        verdicts=verdicts, tables=tables, figures=figures, duration=watch.seconds)


def _check(experiment: type[Experiment], judged: list[str]) -> None:
    """Raise RuntimeError unless ``judged`` names each declared claim exactly once."""
    if sorted(judged) != sorted(experiment.claims):
        raise RuntimeError(
            f"experiment {experiment.id!r} declares claims {list(experiment.claims)} but judged "
            f"{judged}: give one verdict per claim"
        )
