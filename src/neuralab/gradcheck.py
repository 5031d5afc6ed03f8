"""Derivative checks: compare an analytic derivative with central differences.

The central difference (f(x + ε) − f(x − ε)) / 2ε has error O(ε²) from truncation plus about
1e-16·|f|/ε from rounding: a correct derivative agrees to about 1e-8 relative, a wrong one is
off by order 1. The rounding part is absolute, so where a derivative is tiny compared with
|f|/ε it cannot be checked relatively; the checks below measure those entries against a floor
of 1e-9·|f|/ε (10⁷ times the rounding noise), i.e. as absolute errors. Everything runs in
float64.

Pick inputs away from kinks (relu at 0) and from the clipping edges of probabilities, where the
function is not differentiable and the two sides legitimately disagree, and away from points
where a derivative is exactly zero (a loss at a = y): there central differences measure only
their own truncation error.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "relative_error", "rounding_floor", "numerical_gradient", "check_activation", "check_loss",
]

_TINY = np.finfo(np.float64).tiny


def rounding_floor(magnitude, eps):
    """The floor for relative_error where f has this magnitude: 1e-9·|f|/ε."""
    return 1e-9 * np.abs(magnitude) / eps


def relative_error(analytic, numeric, floor=1e-8) -> float:
    """Worst elementwise relative error: max |a − n| / max(|a| + |n|, floor).

    The denominator |a| + |n| makes the error symmetric and at most 1 (0 means equal; 1 means
    opposite signs or one of them zero). ``floor`` (a number, or an array that broadcasts
    against the inputs) keeps entries where both values are tiny from counting as large errors:
    below it the difference is measured against ``floor`` instead, as an absolute error.
    Returns 0.0 for empty arrays.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(f"shapes differ: analytic {analytic.shape}, numeric {numeric.shape}")
    if analytic.size == 0:
        return 0.0
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), np.maximum(floor, _TINY))
    return float(np.max(np.abs(analytic - numeric) / scale))


def numerical_gradient(f, x, eps=1e-6):
    """∂f/∂x by central differences, for a scalar function f of an array x.

    Perturbs one element at a time (2·x.size calls of f), on a float64 copy of x.
    Returns a float64 array of x's shape.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        f_plus = f(x)
        x[i] = saved - eps
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def check_activation(act, z, eps=1e-6, seed=0) -> float:
    """Worst relative error of ``act.derivative`` and ``act.backward`` against central differences.

    ``derivative`` (skipped for softmax, which has none) is compared elementwise with
    (f(z + ε) − f(z − ε)) / 2ε. ``backward`` is checked as a vector-Jacobian product: for a
    random ``grad_a`` g, it must equal the gradient of the scalar Σ g · f(z) with respect to z.
    """
    z = np.asarray(z, dtype=np.float64)
    a = act.forward(z)
    errors = []
    if act.name != "softmax":
        numeric = (act.forward(z + eps) - act.forward(z - eps)) / (2 * eps)
        errors.append(relative_error(act.derivative(z), numeric, rounding_floor(a, eps)))
    grad_a = np.random.default_rng(seed).standard_normal(z.shape)
    numeric = numerical_gradient(lambda t: np.sum(grad_a * act.forward(t)), z, eps)
    floor = rounding_floor(np.sum(np.abs(grad_a * a)), eps)
    errors.append(relative_error(act.backward(z, a, grad_a), numeric, floor))
    return max(errors)


def check_loss(loss, a, y, eps=1e-6, sample_weight=None) -> float:
    """Worst relative error of ``loss.gradient(a, y)`` against the numerical gradient of value."""
    a = np.asarray(a, dtype=np.float64)
    y = np.asarray(y)
    if y.dtype.kind == "f":
        y = y.astype(np.float64)
    def cost(t):
        return loss.value(t, y, sample_weight=sample_weight)

    floor = rounding_floor(cost(a), eps)
    numeric = numerical_gradient(cost, a, eps)
    return relative_error(loss.gradient(a, y, sample_weight=sample_weight), numeric, floor)
