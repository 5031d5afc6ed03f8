"""Sweeps: many trainings — every combination, several seeds — on local processes or a cluster.

    >>> import neuralab as nl
    >>> result = nl.sweep({"activation": ["sigmoid", "relu"]}, data="xor", seeds=3,
    ...                   hidden=[8], epochs=20, lr=0.05, backend="serial")
    >>> len(result.runs)                   # 2 configurations × 3 seeds
    6
    >>> result.best("val_loss")["params"]  # the lowest mean over the seeds
    {'activation': 'relu'}
    >>> path = result.to_csv("runs.csv")   # one row per run

``neuralab.sweep`` is this package, and calling it calls :func:`sweep` (so ``nl.sweep(...)``
and ``from neuralab.sweep import sweep`` are the same function). The parts:

- :mod:`~neuralab.sweep.space`: the grid and the seeded random draws (:class:`Space`,
  :func:`uniform`, :func:`loguniform`, :func:`randint`, :func:`choice`);
- :mod:`~neuralab.sweep.params`: which parameter goes to ``mlp``, ``fit`` or the optimizer;
- :mod:`~neuralab.sweep.runs`: one run, as a worker computes it;
- :mod:`~neuralab.sweep.backends`: serial, loky (default), dask, ray;
- :mod:`~neuralab.sweep.results`: the JSON Lines results file (resume, crash safety);
- :mod:`~neuralab.sweep.result`: :class:`SweepResult`;
- :mod:`~neuralab.sweep.config`: the TOML config of ``neuralab sweep``;
- :mod:`~neuralab.sweep.report`: the HTML report with its figures.

See docs/sweeps.md for a worked example and for pointing a sweep at a Dask cluster.
"""

from __future__ import annotations

import sys
import types

from .engine import plan, sweep
from .result import Run, SweepResult
from .space import Space, choice, loguniform, randint, uniform

__all__ = ["sweep", "plan", "Space", "SweepResult", "Run", "uniform", "loguniform", "randint",
           "choice"]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`sweep` — ``neuralab.sweep(space, data=…)``."""

    def __call__(self, space, **kwargs) -> SweepResult:
        return sweep(space, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
