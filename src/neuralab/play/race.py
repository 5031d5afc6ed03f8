"""The optimizer race: neuralab's optimizers stepping side by side down a 2-D loss surface.

Surfaces: the lab's ill-conditioned bowl and Rosenbrock's valley (:mod:`neuralab.lab.surfaces`,
reused as they are) and a saddle with two valleys,

    f(x, y) = x² + y⁴/4 − y²,    a saddle point at (0, 0), minima f = −1 at (0, ±√2),

started next to the ridge (y = 0.01), so the race shows which optimizers leave a saddle fast.
Each is a sum of two terms, as a training loss is a sum over samples: GD and the others step on
the full gradient, SGD on one term drawn at random times two (an unbiased estimate). Each
optimizer runs at its own learning rate from :data:`RATES`: the best of the grid 3·10⁻⁴ … 1 on
that surface (fewest steps to f − f_min ≤ 10⁻⁶ within 2,000 steps), found once with the lab's
``surfaces.best_descent`` and the same search here for the saddle.
"""

from __future__ import annotations

import numpy as np

from neuralab import optimizers
from neuralab.lab import surfaces as lab_surfaces
from neuralab.layers import Parameter
from neuralab.play import limits, protocol, render

__all__ = ["Race", "SURFACES", "RATES", "saddle", "saddle_terms"]

TOLERANCE = lab_surfaces.TOLERANCE


def saddle(x, y):
    """f = x² + y⁴/4 − y², elementwise on arrays."""
    return x * x + y**4 / 4 - y * y


def saddle_terms(p) -> list[np.ndarray]:
    """Gradients of the two terms x² and y⁴/4 − y² at p = (x, y)."""
    x, y = p
    return [np.array([2 * x, 0.0]), np.array([0.0, y**3 - 2 * y])]


SURFACES = {
    "bowl": {**lab_surfaces.SURFACES["bowl"], "lowest": 0.0},
    "rosenbrock": {**lab_surfaces.SURFACES["rosenbrock"], "lowest": 0.0},
    "saddle": {"f": saddle, "terms": saddle_terms, "start": (-1.8, 0.01),
               "minimum": (0.0, 2**0.5), "xlim": (-2.0, 2.0), "ylim": (-2.0, 2.0),
               "lowest": -1.0},
}
"""Each surface: f, the gradients of its terms, start, a minimum, the square shown, min f."""

RATES = {
    "bowl": {"gd": 0.03, "sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 1.0,
             "rmsprop": 0.3, "adam": 1.0, "adamw": 1.0},
    "rosenbrock": {"gd": 0.001, "sgd": 0.001, "momentum": 0.003, "nesterov": 0.001,
                   "adagrad": 1.0, "rmsprop": 0.003, "adam": 0.3, "adamw": 0.1},
    "saddle": {"gd": 0.3, "sgd": 0.1, "momentum": 0.3, "nesterov": 0.3, "adagrad": 1.0,
               "rmsprop": 0.1, "adam": 0.3, "adamw": 1.0},
}
"""Learning rate of each optimizer on each surface (see the module's docstring)."""


class _Racer:
    """One optimizer's descent: its point θ, optimizer, latest value and status."""

    def __init__(self, name: str, surface: dict, lr: float, seed: int):
        self.name = name
        self.point = Parameter(np.array(surface["start"], dtype=np.float64), "theta")
        self.optimizer = optimizers.get(name, lr=lr)
        self.rng = np.random.default_rng(seed)
        self.value = float(surface["f"](*self.point.value))
        self.status = "running"  # then "converged", "diverged" or "out" (left the square)
        self.steps = 0


class Race:
    """Optimizers named ``names`` racing down ``surface`` (one of :data:`SURFACES`)."""

    def __init__(self, surface: str, names, seed: int = 0):
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {', '.join(SURFACES)}; got {surface!r}")
        if not isinstance(names, list) or not 1 <= len(names) <= len(RATES[surface]):
            raise ValueError("optimizers must be a list of 1 to "
                             f"{len(RATES[surface])} optimizer names")
        chosen = [optimizers.REGISTRY.canonical(n) if isinstance(n, str) else n for n in names]
        for name in chosen:
            if name not in RATES[surface]:
                raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(RATES[surface])}")
        self.surface_name, self.surface = surface, SURFACES[surface]
        self.racers = [_Racer(name, self.surface, RATES[surface][name], seed + i)
                       for i, name in enumerate(dict.fromkeys(chosen))]
        self.step_count = 0
        self.new_points: dict[str, list] = {r.name: [] for r in self.racers}

    @property
    def running(self) -> bool:
        """True while an optimizer still steps and the step budget is not spent."""
        return self.step_count < limits.RACE_MAX_STEPS and any(
            r.status == "running" for r in self.racers)

    def step(self, n: int = limits.RACE_STEPS_PER_FRAME) -> None:
        """``n`` steps of every optimizer still running; the points are kept for :meth:`state`."""
        for _ in range(n):
            if not self.running:
                break
            self.step_count += 1
            for racer in self.racers:
                if racer.status == "running":
                    self._step(racer)

    def _step(self, racer: _Racer) -> None:
        s = self.surface
        terms = s["terms"](racer.point.value)
        racer.point.grad = (len(terms) * terms[racer.rng.integers(len(terms))]
                            if racer.name == "sgd" else sum(terms))
        with np.errstate(all="ignore"):
            racer.optimizer.step([racer.point])
            racer.value = float(s["f"](*racer.point.value))
        racer.steps += 1
        x, y = racer.point.value
        if not np.isfinite(racer.value):
            racer.status = "diverged"
        elif not (_inside(x, s["xlim"]) and _inside(y, s["ylim"])):
            racer.status = "out"
        elif racer.value - s["lowest"] <= TOLERANCE:
            racer.status = "converged"
        self.new_points[racer.name].append([float(x), float(y)])

    def state(self) -> dict:
        """Each racer's points since the last call, value, status and step count."""
        racers = [{"name": r.name, "points": self.new_points[r.name], "value": r.value,
                   "status": r.status, "steps": r.steps} for r in self.racers]
        self.new_points = {r.name: [] for r in self.racers}
        return {"surface": self.surface_name, "step": self.step_count, "racers": racers,
                "running": self.running}

    def surface_message(self) -> bytes:
        """The ``surface`` message: log₁₀(f − min f) over a grid of the square, as bytes."""
        s, size = self.surface, limits.GRID * 2
        (x0, x1), (y0, y1) = s["xlim"], s["ylim"]
        xs, ys = np.linspace(x0, x1, size), np.linspace(y1, y0, size)
        gx, gy = np.meshgrid(xs, ys)
        field = np.log10(s["f"](gx, gy) - s["lowest"] + 1e-3)
        header = {"type": "surface", "surface": self.surface_name, "xlim": list(s["xlim"]),
                  "ylim": list(s["ylim"]), "start": list(s["start"]),
                  "minimum": list(s["minimum"]),
                  "rates": {r.name: RATES[self.surface_name][r.name] for r in self.racers}}
        field_bytes = render.quantize(field, float(field.min()), float(field.max()))
        return protocol.pack(header, {"field": field_bytes})


def _inside(value: float, bounds) -> bool:
    """Within the square shown, with a margin of its width on each side."""
    low, high = bounds
    return low - (high - low) <= value <= high + (high - low)
