"""Two classic loss surfaces, and an optimizer's descent on them (for the ``optimizers``
experiment).

- Rosenbrock's valley f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1): the way down is a
  long, curved, nearly flat valley.
- An ill-conditioned bowl f(θ) = ½ Σᵢ λᵢ (uᵢ·θ)² with curvatures λ = (1, 50) along axes u turned
  by 30°: plain gradient steps zig-zag across the steep direction.

Each surface is a sum of two terms, as a training loss is a sum over samples. GD and the other
optimizers step along the full gradient; SGD steps along the gradient of one term picked at random,
times the number of terms — an unbiased estimate, as a mini-batch gradient is. The optimizers are
the library's own, stepping a 2-D :class:`~neuralab.layers.Parameter` θ.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neuralab import optimizers
from neuralab.layers import Parameter

TOLERANCE = 1e-6
"""A descent has converged when f(θ) ≤ 1e-6 (both surfaces have minimum 0)."""
ROTATION_DEGREES = 30
CURVATURES = np.array([1.0, 50.0])
"""The bowl's curvatures along its two axes."""
_ROTATION = np.deg2rad(ROTATION_DEGREES)
AXES = np.array([[np.cos(_ROTATION), np.sin(_ROTATION)], [-np.sin(_ROTATION), np.cos(_ROTATION)]])
"""The bowl's axes u₁, u₂ (rows): the coordinate axes turned by 30°."""


def rosenbrock(x, y):
    """f = (1 − x)² + 100(y − x²)², elementwise on arrays."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_terms(p) -> list[np.ndarray]:
    """Gradients of the two terms r₁² = (1 − x)² and r₂² = 100(y − x²)² at p = (x, y)."""
    x, y = p
    return [np.array([-2 * (1 - x), 0.0]), np.array([-400 * x * (y - x * x), 200 * (y - x * x)])]


def bowl(x, y):
    """f = ½ Σᵢ λᵢ (uᵢ·θ)² at θ = (x, y), elementwise on arrays."""
    return sum(0.5 * lam * (u[0] * x + u[1] * y) ** 2
               for lam, u in zip(CURVATURES, AXES, strict=True))


def bowl_terms(p) -> list[np.ndarray]:
    """Gradients λᵢ (uᵢ·θ) uᵢ of the two terms ½ λᵢ (uᵢ·θ)²."""
    return [lam * (u @ p) * u for lam, u in zip(CURVATURES, AXES, strict=True)]


SURFACES: dict[str, dict[str, Any]] = {
    "rosenbrock": {"f": rosenbrock, "terms": rosenbrock_terms, "start": (-1.2, 1.0),
                   "minimum": (1.0, 1.0), "xlim": (-2.0, 2.0), "ylim": (-1.0, 3.0)},
    "bowl": {"f": bowl, "terms": bowl_terms, "start": (-3.0, 2.0), "minimum": (0.0, 0.0),
             "xlim": (-4.0, 4.0), "ylim": (-3.0, 3.0)},
}


def descend(name: str, lr: float, surface: str, budget: int, seed: int) -> dict:
    """Up to ``budget`` steps of optimizer ``name`` on ``surface`` from its start.

    Returns the path (steps+1, 2), f along it, and the first step count at which f ≤ TOLERANCE
    (None if never; a descent whose f becomes non-finite or grows 10⁶-fold stops: diverged).
    """
    s = SURFACES[surface]
    point = Parameter(np.array(s["start"], dtype=np.float64), "theta")
    opt, rng = optimizers.get(name, lr=lr), np.random.default_rng(seed)
    path, values, reached = [point.value.copy()], [float(s["f"](*point.value))], None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, budget + 1):
            terms = s["terms"](point.value)
            point.grad = (len(terms) * terms[rng.integers(len(terms))] if name == "sgd"
                          else sum(terms))
            opt.step([point])
            path.append(point.value.copy())
            values.append(float(s["f"](*point.value)))
            if values[-1] <= TOLERANCE:
                reached = step
                break
            if not np.isfinite(values[-1]) or values[-1] > 1e6 * values[0]:
                break
    return {"lr": lr, "steps": reached, "path": np.array(path), "values": values}


def _rank(result: dict) -> tuple:
    """Order descents: reached the tolerance first, then the lowest final value."""
    last = result["values"][-1]
    return (result["steps"] is None, result["steps"] or 0, last if np.isfinite(last) else np.inf)


def best_descent(name: str, surface: str, grid: list[float], budget: int, seed: int) -> dict:
    """The descent with the best learning rate of ``grid``, and each rate's step count."""
    tries = [descend(name, lr, surface, budget, seed) for lr in grid]
    best = min(tries, key=_rank)
    return {**best, "steps_per_lr": {f"{t['lr']:g}": t["steps"] for t in tries}}


