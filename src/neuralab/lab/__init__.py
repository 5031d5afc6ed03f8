"""The lab: every claim of the seed (``docs/seed/CLAIMS.md``) as an experiment that measures it.

Each experiment is a module with ``ID``, ``CLAIMS``, ``TITLE`` and ``run(ctx)``
(see :mod:`neuralab.lab.base`). :data:`EXPERIMENTS` maps each id to its module, in the order the
report shows them; :func:`run` runs a selection and writes ``report.html`` and ``results.json``::

    from neuralab import lab
    results = lab.run(["loss_slowdown"], quick=True, out="lab-report")
    results[0].verdict("C9").reproduced
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np

from . import (
    activations,
    dead_relu,
    loss_slowdown,
    nonlinearity,
    optimizers,
    vanishing_gradient,
    zero_mean,
)
from .base import Context, ExperimentResult, Figure, Stopwatch, Table, Text, Verdict
from .report import write_report
from .runner import run_experiments

__all__ = [
    "EXPERIMENTS",
    "Context",
    "ExperimentResult",
    "Figure",
    "Stopwatch",
    "Table",
    "Text",
    "Verdict",
    "run",
]

EXPERIMENTS: dict[str, ModuleType] = {
    module.ID: module
    for module in (nonlinearity, activations, vanishing_gradient, zero_mean, dead_relu,
                   loss_slowdown, optimizers)
}
"""Experiment id → module, in report order."""


def run(
    ids: list[str] | None = None,
    quick: bool = False,
    seed: int = 0,
    out: str | Path = "lab-report",
    lang: str = "en",
    progress: bool | None = None,
) -> list[ExperimentResult]:
    """Run the experiments ``ids`` (all by default), write the report, return the results.

    Args:
        ids: experiment ids from :data:`EXPERIMENTS`, run in report order whatever the order
            given; ``None`` runs all.
        quick: small data and budgets (the whole lab in about a minute).
        seed: the seed every experiment derives its random generators from.
        out: the folder for ``report.html``, ``results.json`` and the figures (PNG).
        lang: the report's language, "en" or "zh".
        progress: show progress bars; ``None`` shows them only on a terminal.

    Raises:
        ValueError: an unknown id or language.
    """
    selected = list(EXPERIMENTS) if ids is None else list(ids)
    unknown = [i for i in selected if i not in EXPERIMENTS]
    if unknown:
        raise ValueError(f"unknown experiment {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(EXPERIMENTS)}")
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    modules = [module for key, module in EXPERIMENTS.items() if key in selected]
    with Stopwatch() as watch:
        results = run_experiments(modules, quick=quick, seed=seed, out_dir=out, progress=progress)
    write_report(results, out, lang=lang, meta=_meta(quick, seed, watch.seconds))
    return results


def _meta(quick: bool, seed: int, duration: float) -> dict:
    from neuralab import __version__

    return {"version": __version__, "numpy": np.__version__, "quick": quick, "seed": seed,
            "duration": duration}
