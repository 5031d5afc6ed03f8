"""The lab: every claim of the seed (``docs/seed/CLAIMS.md``) as an experiment that measures it.

Each experiment is a subclass of :class:`~neuralab.lab.experiment.Experiment` in a file of its
own, listed once in :data:`MODULES`; importing the file registers the experiment in
:data:`EXPERIMENTS`. :func:`run` runs a selection and writes ``report.html`` and
``results.json``::

    from neuralab import lab
    results = lab.run(["loss_slowdown"], quick=True, out="lab-report")
    results[0].verdict("C9").reproduced
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import numpy as np

from .base import Context, ExperimentResult, Figure, Stopwatch, Table, Verdict
from .experiment import REGISTRY, Experiment, PerMode, selected
from .report import write_report
from .runner import run_experiments
from .text import LANGUAGES, Text

__all__ = [
    "EXPERIMENTS",
    "MODULES",
    "Context",
    "Experiment",
    "ExperimentResult",
    "Figure",
    "PerMode",
    "Stopwatch",
    "Table",
    "Text",
    "Verdict",
    "run",
]

MODULES = ("nonlinearity", "activations", "vanishing_gradient", "zero_mean", "dead_relu",
           "loss_slowdown", "optimizers")
"""The experiment files of the lab; importing one registers its experiment."""

for _module in MODULES:
    import_module(f"{__name__}.{_module}")

EXPERIMENTS = REGISTRY
"""Experiment id → class (a :class:`~neuralab.registry.Registry`: ``names()``, ``entry(id)``)."""


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
        ids: experiment ids from :data:`EXPERIMENTS`, run in report order (the order of the
            first claim each tests) whatever the order given; ``None`` runs all.
        quick: small data and budgets (the whole lab in about a minute).
        seed: the seed every experiment derives its random generators from.
        out: the folder for ``report.html``, ``results.json`` and the figures (PNG).
        lang: the report's language, "en" or "zh".
        progress: show progress bars; ``None`` shows them only on a terminal.

    Raises:
        ValueError: an unknown id or language.
    """
    experiments = selected(ids)
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    with Stopwatch() as watch:
        results = run_experiments(experiments, quick=quick, seed=seed, out_dir=out,
                                  progress=progress)
    write_report(results, out, lang=lang, meta=_meta(quick, seed, watch.seconds))
    return results


def _meta(quick: bool, seed: int, duration: float) -> dict:
    from neuralab import __version__

    return {"version": __version__, "numpy": np.__version__, "quick": quick, "seed": seed,
            "duration": duration}
