"""The lab: every claim of the seed (``docs/seed/CLAIMS.md``) as an experiment that measures it.

Each experiment is a subclass of :class:`~neuralab.lab.experiment.Experiment` in a file of its
own in this folder: every module here is imported below, and defining the subclass registers
the experiment in :data:`EXPERIMENTS`, so adding an experiment is adding one file. :func:`run`
runs a selection and writes ``report.html`` and ``results.json``::

    from neuralab import lab
    results = lab.run(["loss_slowdown"], quick=True, out="lab-report")
    results[0].verdict("C9").reproduced
"""

from __future__ import annotations

import pkgutil
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

import numpy as np

from neuralab import plots

from . import settings
from .base import Context, ExperimentResult, Figure, Stopwatch, Table, Verdict
from .experiment import REGISTRY, Experiment, PerMode, selected
from .report import write_report
from .runner import run_experiments
from .text import LANGUAGES, Text, language

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

MODULES = tuple(sorted(info.name for info in pkgutil.iter_modules(__path__)))
"""Every module of the lab; importing one that defines an Experiment registers it."""

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
    backend: str = "serial",
    n_jobs: int | None = None,
    scheduler: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
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
        backend, n_jobs, scheduler: where the units of work run: "serial" (here), or the
            sweep's "loky", "dask" or "ray" with n_jobs workers or a cluster's address
            (:mod:`neuralab.lab.parallel`); the numbers are the same.
        params: changed parameters, experiment id → {parameter: value} (dotted names for
            nested ones, ``{"loss_slowdown": {"neuron.lr": 0.5}}``); text values are parsed.
            Each experiment lists what may change in ``settable``
            (``neuralab lab --list-params``).

    Raises:
        ValueError: an unknown id or language, a parameter that cannot be set or a bad value.
    """
    experiments = selected(ids)
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    overrides = _checked(experiments, params or {})
    with Stopwatch() as watch, language(lang):
        results = run_experiments(experiments, quick=quick, seed=seed, out_dir=out,
                                  progress=progress, backend=backend, n_jobs=n_jobs,
                                  scheduler=scheduler, overrides=overrides)
    meta = {**_meta(quick, seed, watch.seconds), "figure_lang": plots.figure_language(lang),
            "changed": overrides}
    write_report(results, out, lang=lang, meta=meta)
    return results


def _checked(experiments: list[type[Experiment]],
             params: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """``params`` with each value checked against its experiment's declaration."""
    chosen = {e.id: e for e in experiments}
    checked = {}
    for exp_id, changes in params.items():
        name = EXPERIMENTS.canonical(exp_id)
        if name not in chosen:
            raise ValueError(f"parameters for {name!r}, which is not among the experiments run")
        checked[name] = {key: settings.check(chosen[name], key, value)
                         for key, value in changes.items()}
    return checked


def _meta(quick: bool, seed: int, duration: float) -> dict:
    from neuralab import __version__

    return {"version": __version__, "numpy": np.__version__, "quick": quick, "seed": seed,
            "duration": duration}
