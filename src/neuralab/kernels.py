"""Fused loops: an optimizer step as ONE pass over memory, compiled by numba when it is there.

NumPy runs a formula such as Adam's update as a chain of ufunc calls, each one a full pass
over every parameter (12 passes for Adam; see ``optimizers.Adam._update``). Written as a loop
over the elements and compiled, the same arithmetic is a single pass that keeps m, v and θ of
one element in registers: on workload A of ``benchmarks/`` it takes a quarter of the time.

numba is optional (``pip install "neuralab[fast]"``). Without it the optimizers use their
NumPy code, and nothing else changes: every kernel performs the NumPy code's float
operations in the same order, with its scalars in the arrays' dtype and no fused
multiply-adds, so both give bit-identical results (``tests/test_kernels.py`` checks this).
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["MIN_AUTO_SIZE", "available", "fusable", "fused_adam"]

#: Below this many elements ``fused=None`` keeps to NumPy. Measured on workload A's machine:
#: the kernel saves 5 µs per step at 2,410 parameters, 71 µs at 65,536 and 283 µs at 235,146,
#: while importing numba and loading the compiled kernel costs about 0.4 s once per process.
#: Small networks would never earn that back.
MIN_AUTO_SIZE = 2**16


@functools.cache
def available() -> bool:
    """True when numba imports, so that the kernels can be compiled (checked once, lazily).

    An installed numba that fails to import (one built for another NumPy, say) counts as
    absent: the optimizers then keep to NumPy instead of failing in the middle of ``fit``.
    """
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def fusable(*arrays) -> bool:
    """True when a kernel can run on these arrays: C-contiguous, all float32 or all float64."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(
        a.dtype == dtype and a.flags.c_contiguous for a in arrays)


def _adam_loop(value, grad, m, v, v_max, beta1, one_minus_beta1, beta2, one_minus_beta2,
               step_size, eps_hat, l2, shrink, amsgrad):
    """Adam / AdamW for every element i, in the order of the NumPy passes it replaces::

        θ ← θ·shrink                   (AdamW's decoupled decay; shrink = 1 − γλ, else 1)
        g ← θ·λ + g                    (Adam's coupled L2 decay, only when λ = l2 ≠ 0)
        m ← m·β₁ + g·(1 − β₁);   v ← v·β₂ + g·g·(1 − β₂)
        v ← max(v_max, v), stored in v_max     (amsgrad)
        θ ← θ − m / (√v + ε̂) · step_size

    with step_size = γ√c₂/c₁ and ε̂ = ε√c₂ (``Adam._step`` explains the bias corrections).
    Every scalar arrives in the arrays' dtype, so float32 arrays are computed in float32.
    """
    for i in range(value.size):
        theta = value[i] * shrink
        g = grad[i]
        if l2 != 0:
            g = theta * l2 + g
        m_i = m[i] * beta1 + g * one_minus_beta1
        v_i = v[i] * beta2 + g * g * one_minus_beta2
        m[i] = m_i
        v[i] = v_i
        if amsgrad:
            if not v_i > v_max[i] and v_i == v_i:  # np.maximum(v_max, v): a NaN wins
                v_i = v_max[i]
            v_max[i] = v_i
        value[i] = theta - m_i / (math.sqrt(v_i) + eps_hat) * step_size


@functools.cache
def _compiled_adam():
    """Compile the Adam loop on first use (numba is imported only then: it is slow to load).

    ``error_model="numpy"`` lets x/0 give inf or nan as NumPy does instead of raising, which
    also lets the loop be vectorised; ``cache=True`` keeps the machine code between runs, next
    to this file or in the user's cache folder. With neither writable, numba refuses to cache
    and the loop is compiled afresh in each process instead.
    """
    import numba

    try:
        return numba.njit(cache=True, error_model="numpy")(_adam_loop)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(error_model="numpy")(_adam_loop)


def fused_adam(value, grad, m, v, v_max, *, beta1, beta2, step_size, eps_hat, l2=0.0,
               shrink=1.0):
    """One Adam step in one pass; arrays are updated in place (``v_max`` is None unless amsgrad).

    The Python-float hyper-parameters are cast to the arrays' dtype first, as NumPy does with
    a Python scalar in ``np.multiply(m, beta1, out=m)``.
    """
    scalar = value.dtype.type
    amsgrad = v_max is not None
    _compiled_adam()(
        value.reshape(-1), grad.reshape(-1), m.reshape(-1), v.reshape(-1),
        (v_max if amsgrad else v).reshape(-1),
        scalar(beta1), scalar(1.0 - beta1), scalar(beta2), scalar(1.0 - beta2),
        scalar(step_size), scalar(eps_hat), scalar(l2), scalar(shrink), amsgrad)
