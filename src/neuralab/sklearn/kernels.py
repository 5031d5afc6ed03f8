"""One-pass loops for scikit-learn's SGD step and the L2 penalty's gradient (numba, optional).

The same idea as :mod:`neuralab.kernels`, which runs Adam's update as one compiled pass: NumPy
writes scikit-learn's Nesterov step as six passes over every parameter and the penalty's
gradient g + (α/n)·W as two; each loop here is one pass doing the same float operations in the
same order, with its scalars in the arrays' dtype and no fused multiply-add, so the results
are bit-identical to the NumPy code (``tests/test_sklearn_units.py`` checks this). Measured on
workload A's network (235,146 float32 parameters, one thread): the SGD step took 117 µs in
NumPy and the penalty 61 µs per batch.

Used when numba imports (:func:`neuralab.kernels.available`), the arrays are C-contiguous of one
float dtype, and the array has at least :data:`neuralab.kernels.MIN_AUTO_SIZE` elements (below
that, numba's start-up costs more than it saves). Otherwise the callers keep to NumPy.
"""

from __future__ import annotations

import functools

from neuralab import kernels

__all__ = ["usable", "sgd_step", "add_decay"]


def usable(*arrays) -> bool:
    """True when the compiled loops should run on these arrays (see the module docstring)."""
    return (arrays[0].size >= kernels.MIN_AUTO_SIZE and kernels.available()
            and kernels.fusable(*arrays))


def _sgd_loop(value, grad, velocity, lr, momentum, nesterov):
    """scikit-learn's SGD for every element i, in the order of ``ScikitSGD``'s NumPy passes::

        v ← v·μ − g·γ;   θ ← θ + (v·μ − g·γ)  if nesterov  else  θ ← θ + v
    """
    for i in range(value.size):
        step = grad[i] * lr
        v = velocity[i] * momentum - step
        velocity[i] = v
        if nesterov:
            value[i] = value[i] + (v * momentum - step)
        else:
            value[i] = value[i] + v


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


def sgd_step(value, grad, velocity, *, lr: float, momentum: float, nesterov: bool) -> None:
    """One scikit-learn SGD step in one pass; ``value`` and ``velocity`` change in place."""
    scalar = value.dtype.type
    _compiled("sgd")(value.reshape(-1), grad.reshape(-1), velocity.reshape(-1), scalar(lr),
                     scalar(momentum), bool(nesterov))


def add_decay(grad, value, factor: float) -> None:
    """grad ← grad + value·factor in one pass, in place."""
    _compiled("decay")(grad.reshape(-1), value.reshape(-1), value.dtype.type(factor))
