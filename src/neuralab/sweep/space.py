"""The search space of a sweep: a grid of values, random draws from distributions, or both.

    >>> from neuralab.sweep import Space, loguniform
    >>> space = Space(grid={"activation": ["sigmoid", "relu"]},
    ...               random={"weight_decay": loguniform(1e-6, 1e-2)}, n=3, seed=0)
    >>> len(space.configurations())        # 2 grid points × 3 draws
    6

A plain dict is a grid: each key maps to the list of values to try, and the runs are every
combination (``itertools.product``, the last key changing fastest, like scikit-learn's
``ParameterGrid``). A :class:`Space` adds ``n`` random draws, seeded by ``seed``: draw i picks
one value from each distribution, in the order the keys were given, from one
``numpy.random.Generator`` — so the same seed gives the same draws on every machine. Grid and
random together give every grid combination with each of the ``n`` draws.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from neuralab import checks

__all__ = ["Distribution", "Space", "as_space", "choice", "loguniform", "randint", "uniform",
           "DISTRIBUTIONS"]


@dataclass(frozen=True)
class Distribution:
    """Where a random search draws one parameter from. ``kind`` is the name the TOML uses."""

    kind: str
    args: tuple

    def draw(self, rng: np.random.Generator) -> Any:
        """One value, as a plain Python number (or one of the choices)."""
        if self.kind == "uniform":
            return float(rng.uniform(*self.args))
        if self.kind == "loguniform":
            low, high = self.args
            return float(math.exp(rng.uniform(math.log(low), math.log(high))))
        if self.kind == "randint":
            return int(rng.integers(self.args[0], self.args[1], endpoint=True))
        return self.args[int(rng.integers(len(self.args)))]

    def __repr__(self) -> str:
        args = [list(self.args)] if self.kind == "choice" else self.args
        return f"{self.kind}({', '.join(map(repr, args))})"


def _bounds(low, high, name: str, positive: bool = False) -> tuple[float, float]:
    low = checks.real(low, f"{name} low", minimum=0 if positive else None,
                      include_minimum=not positive)
    high = checks.real(high, f"{name} high")
    if not low < high:
        raise ValueError(f"{name}({low}, {high}): low must be below high")
    return low, high


def uniform(low: float, high: float) -> Distribution:
    """A float drawn evenly from [low, high)."""
    return Distribution("uniform", _bounds(low, high, "uniform"))


def loguniform(low: float, high: float) -> Distribution:
    """A float whose logarithm is drawn evenly: as likely in [1e-4, 1e-3] as in [1e-3, 1e-2].

    The usual prior for learning rates and weight decays (0 < low < high).
    """
    return Distribution("loguniform", _bounds(low, high, "loguniform", positive=True))


def randint(low: int, high: int) -> Distribution:
    """An integer drawn evenly from low … high, both included (e.g. a layer width)."""
    low = checks.integer(low, "randint low")
    high = checks.integer(high, "randint high")
    if not low <= high:
        raise ValueError(f"randint({low}, {high}): low must not exceed high")
    return Distribution("randint", (low, high))


def choice(values) -> Distribution:
    """One of ``values`` (a non-empty list), each as likely."""
    if isinstance(values, str) or not isinstance(values, list | tuple) or not values:
        raise ValueError(f"choice takes a non-empty list of values, got {values!r}")
    return Distribution("choice", tuple(values))


DISTRIBUTIONS: dict[str, Callable[..., Distribution]] = {
    "uniform": uniform, "loguniform": loguniform, "randint": randint, "choice": choice}
"""Each distribution by the name a TOML config gives it: ``{ loguniform = [1e-6, 1e-2] }``."""


@dataclass
class Space:
    """A grid (key → list of values) and random draws (key → :class:`Distribution`).

    ``n`` draws are made with ``numpy.random.default_rng(seed)``; without ``random`` they are
    ignored.
    """

    grid: dict[str, list] = field(default_factory=dict)
    random: dict[str, Distribution] = field(default_factory=dict)
    n: int = 10
    seed: int = 0

    def __post_init__(self) -> None:
        self.grid = {key: _grid_values(key, values) for key, values in dict(self.grid).items()}
        self.random = dict(self.random)
        for key, dist in self.random.items():
            _check_key(key)
            if not isinstance(dist, Distribution):
                raise TypeError(f"random[{key!r}] must be a distribution (uniform, loguniform, "
                                f"randint or choice), got {dist!r}")
        both = sorted(set(self.grid) & set(self.random))
        if both:
            raise ValueError(f"{', '.join(both)}: in both the grid and the random draws; "
                             "give each parameter once")
        self.n = checks.integer(self.n, "n (the number of random draws)", minimum=1)
        self.seed = checks.integer(self.seed, "seed (of the random draws)", minimum=0)
        if not self.grid and not self.random:
            raise ValueError("the space is empty: give at least one parameter to sweep, as a "
                             "list of values (grid) or a distribution (random); to repeat one "
                             "configuration over seeds, sweep one value, e.g. "
                             "{'activation': ['relu']}")

    @property
    def keys(self) -> list[str]:
        """The swept parameters, grid first, in the order given."""
        return [*self.grid, *self.random]

    def draws(self) -> list[dict[str, Any]]:
        """The ``n`` random draws (one empty dict without ``random``)."""
        if not self.random:
            return [{}]
        rng = np.random.default_rng(self.seed)
        return [{key: dist.draw(rng) for key, dist in self.random.items()} for _ in range(self.n)]

    def configurations(self) -> list[dict[str, Any]]:
        """Every grid combination with each draw: the swept values of each configuration."""
        keys = list(self.grid)
        draws = self.draws()
        return [{**dict(zip(keys, values, strict=True)), **draw}
                for values in itertools.product(*self.grid.values()) for draw in draws]


def _check_key(key) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError(f"parameter names must be non-empty strings, got {key!r}")
    return key


def _grid_values(key, values) -> list:
    _check_key(key)
    if isinstance(values, Distribution):
        raise ValueError(f"{key} is a distribution: random search needs the number of draws, "
                         f"so give it as Space(random={{{key!r}: {values!r}}}, n=20, seed=0)")
    if isinstance(values, str | bytes | dict) or not isinstance(values, list | tuple):
        raise ValueError(f"{key}: a swept parameter maps to a list of values, got {values!r}; "
                         f"write {key}=[{values!r}], or pass a single value as a fixed keyword")
    if not values:
        raise ValueError(f"{key}: an empty list of values gives no runs")
    return list(values)


def as_space(space) -> Space:
    """``space`` as a :class:`Space`: a Space as it is, a dict as a grid."""
    if isinstance(space, Space):
        return space
    if not isinstance(space, dict):
        raise TypeError(f"space must be a dict (parameter → list of values) or a Space, got "
                        f"{type(space).__name__}")
    return Space(grid=space)
