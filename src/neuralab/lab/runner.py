"""Run experiment modules one after the other, under a progress bar, and collect their results."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from threadpoolctl import threadpool_limits
from tqdm import tqdm

from .base import Context, ExperimentResult, Stopwatch


def run_experiments(
    modules: Iterable[ModuleType],
    *,
    quick: bool = False,
    seed: int = 0,
    out_dir: str | Path = "lab-report",
    progress: bool | None = None,
) -> list[ExperimentResult]:
    """Run each experiment module's ``run(ctx)`` in order and return the results.

    Args:
        modules: experiment modules (``ID``, ``CLAIMS``, ``TITLE``, ``run``; optional ``steps``).
        quick: small data and budgets.
        seed: the seed every experiment derives its random generators from.
        out_dir: where the experiments write their figures.
        progress: show a bar over experiments and one over each experiment's steps;
            ``None`` shows them only when stderr is a terminal.

    BLAS runs on one thread meanwhile: the lab's networks are small, and on a few shared cores
    several BLAS threads make their matrix products many times slower, never faster.

    Raises:
        RuntimeError: an experiment returned a result that breaks the lab's contract
            (a wrong id, or not exactly one verdict per claim it declares).
    """
    modules = list(modules)
    disable = None if progress is None else not progress
    results = []
    with (
        threadpool_limits(limits=1, user_api="blas"),
        tqdm(modules, desc="lab", unit="experiment", disable=disable, position=0) as bar,
    ):
        for module in bar:
            bar.set_postfix_str(module.ID)
            results.append(_run_one(module, quick, seed, Path(out_dir), disable))
    return results


def _run_one(
    module: ModuleType, quick: bool, seed: int, out_dir: Path, disable: bool | None
) -> ExperimentResult:
    """Run one experiment with its own step bar; time it and check what it returned."""
    steps = getattr(module, "steps", None)
    total = steps(quick) if steps is not None else None
    with tqdm(total=total, desc=module.ID, unit="step", leave=False, disable=disable,
              position=1) as bar:
        ctx = Context(quick=quick, seed=seed, out_dir=out_dir, advance=bar.update)
        with Stopwatch() as watch:
            result = module.run(ctx)
    result.duration = watch.seconds
    _check(module, result)
    return result


def _check(module: ModuleType, result: ExperimentResult) -> None:
    """Raise RuntimeError unless ``result`` is ``module``'s and judges exactly its claims."""
    judged = [verdict.claim for verdict in result.verdicts]
    if result.id != module.ID:
        raise RuntimeError(f"experiment {module.ID!r} returned a result with id {result.id!r}")
    if sorted(judged) != sorted(module.CLAIMS) or list(result.claims) != list(module.CLAIMS):
        raise RuntimeError(
            f"experiment {module.ID!r} declares claims {list(module.CLAIMS)} but returned "
            f"claims {list(result.claims)} with verdicts for {judged}: give one verdict per claim"
        )
