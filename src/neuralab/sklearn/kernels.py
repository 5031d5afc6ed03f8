"""One-pass loops for scikit-learn's SGD step (with the L2 penalty's gradient) and for the
penalty's gradient alone (numba, optional).

The same idea as :mod:`neuralab.kernels`, which runs Adam's update as one compiled pass: NumPy
writes scikit-learn's Nesterov step as six passes over every parameter and the penalty's
gradient g + (α/n)·W as two more; the SGD loop here is one pass doing all of it, the decay
loop one pass for the penalty alone (Adam's and L-BFGS's path). Each does the same float
operations in the same order as the NumPy code, with its scalars in the arrays' dtype and no
fused multiply-add, so the results are bit-identical (``tests/test_sklearn_units.py`` checks
this). Measured on workload A's network (235,146 float32 parameters, one thread): the six NumPy
passes of the step took 117 µs per batch, the penalty's two 61 µs; the one compiled pass of
both takes 28 µs.

Used when numba imports (:func:`neuralab.kernels.available`), the arrays are C-contiguous of one
float dtype, and the array has at least :data:`neuralab.kernels.MIN_AUTO_SIZE` elements (below
that, numba's start-up costs more than it saves). Otherwise the callers keep to NumPy.
"""

from __future__ import annotations

import functools

import numpy as np

from neuralab import kernels

__all__ = ["usable", "sgd_step", "add_decay"]


def usable(*arrays) -> bool:
    """True when the compiled loops should run on these arrays (see the module docstring)."""
    return (arrays[0].size >= kernels.MIN_AUTO_SIZE and kernels.available()
            and kernels.fusable(*arrays))


def _sgd_loop(value, grad, velocity, segments, decay, lr, momentum, nesterov):
    """scikit-learn's SGD for every element i, in the order of ``ScikitSGD``'s NumPy passes::

        g ← g + θ·c           (on the penalised segments only: the L2 penalty's gradient)
        v ← v·μ − g·γ;   θ ← θ + (v·μ − g·γ)  if nesterov  else  θ ← θ + v

    ``segments`` rows (start, stop, penalised) cover the vector in order; c is ``decay``.
    """
    for k in range(segments.shape[0]):
        start, stop = segments[k, 0], segments[k, 1]
        theta, g, v = value[start:stop], grad[start:stop], velocity[start:stop]
        if segments[k, 2] and decay != 0:
            for i in range(theta.size):
                step = (g[i] + theta[i] * decay) * lr
                new = v[i] * momentum - step
                v[i] = new
                theta[i] = theta[i] + (new * momentum - step if nesterov else new)
        else:
            for i in range(theta.size):
                step = g[i] * lr
                new = v[i] * momentum - step
                v[i] = new
                theta[i] = theta[i] + (new * momentum - step if nesterov else new)


def _decay_loop(grad, value, factor):
    """g ← g + θ·c for every element: the L2 penalty's gradient, added in place."""
    for i in range(value.size):
        grad[i] = grad[i] + value[i] * factor


@functools.cache
def _compiled(name: str):
    """The loop ``name``, compiled on first use (numba is imported only then)."""
    import numba

    loop = {"sgd": _sgd_loop, "decay": _decay_loop}[name]
    try:
        return numba.njit(cache=True, error_model="numpy")(loop)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(error_model="numpy")(loop)


def sgd_step(value, grad, velocity, *, lr: float, momentum: float, nesterov: bool,
             segments: np.ndarray | None = None, decay: float = 0.0) -> None:
    """One scikit-learn SGD step in one pass; ``value`` and ``velocity`` change in place.

    segments: int64 rows (start, stop, penalised) covering the flattened arrays in order, where
    ``decay``·θ joins the gradient on the penalised ones; None for no penalty anywhere.
    """
    scalar = value.dtype.type
    if segments is None:
        segments = np.array([[0, value.size, 0]], np.int64)
    _compiled("sgd")(value.reshape(-1), grad.reshape(-1), velocity.reshape(-1), segments,
                     scalar(decay), scalar(lr), scalar(momentum), bool(nesterov))


def add_decay(grad, value, factor: float) -> None:
    """grad ← grad + value·factor in one pass, in place."""
    _compiled("decay")(grad.reshape(-1), value.reshape(-1), value.dtype.type(factor))
