"""Tests for neuralab.kernels: the one-pass Adam kernel against the NumPy passes it replaces.

The kernel promises the same float operations in the same order, so the checks are exact
(``assert_array_equal``), not approximate: any reordering, fused multiply-add or float64
intermediate shows up as a last-bit difference. numba comes with the ``dev`` extra; the
fallback without it is tested by pretending it is missing.
"""

import math

import numpy as np
import pytest

import neuralab as nl
from neuralab import kernels, optimizers
from neuralab.layers import Parameter
from neuralab.optimizers import Adam, AdamW

OPTIONS = [
    (Adam, {}),
    (Adam, {"weight_decay": 0.1}),
    (Adam, {"amsgrad": True}),
    (Adam, {"amsgrad": True, "weight_decay": 1e-3, "betas": (0.5, 0.9), "eps": 1e-3}),
    (AdamW, {}),
    (AdamW, {"weight_decay": 0.3, "amsgrad": True}),
    (AdamW, {"weight_decay": 0.0}),
]


def _run(cls, kwargs, fused, dtype, shape=(7, 13), steps=6, seed=0, exponents=(-6, 3)):
    """Parameters after ``steps`` Adam steps on reproducible random gradients, with lr changes."""
    rng = np.random.default_rng(seed)
    parameter = Parameter(rng.standard_normal(shape).astype(dtype))
    opt = cls(lr=0.05, fused=fused, **kwargs)
    for t in range(steps):
        # gradients of very different sizes per element, including exact zeros
        parameter.grad[...] = rng.standard_normal(shape) * 10.0 ** rng.integers(*exponents, shape)
        parameter.grad[0] = 0.0
        opt.lr = 0.05 / (1 + t)
        opt.step([parameter])
    return parameter.value, opt.state[0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("cls", "kwargs"), OPTIONS)
def test_kernel_is_bit_identical_to_the_numpy_passes(cls, kwargs, dtype):
    fused_value, fused_state = _run(cls, kwargs, True, dtype)
    numpy_value, numpy_state = _run(cls, kwargs, False, dtype)
    assert fused_value.dtype == dtype
    np.testing.assert_array_equal(fused_value, numpy_value)
    assert sorted(fused_state) == sorted(numpy_state)
    for key in ("m", "v", "v_max"):
        if key in numpy_state:
            np.testing.assert_array_equal(fused_state[key], numpy_state[key])
    assert fused_state["t"] == numpy_state["t"] == 6


@pytest.mark.parametrize(("dtype", "exponents"), [(np.float32, (-44, 30)),
                                                  (np.float64, (-320, 200))])
def test_kernel_matches_numpy_where_floats_underflow_and_overflow(dtype, exponents):
    # subnormal gradients, g² that underflows to 0 and g² that overflows to inf: IEEE rules,
    # applied the same way by both paths, down to the last bit and the sign of zero
    with np.errstate(all="ignore"):
        fused_value, fused_state = _run(Adam, {"amsgrad": True}, True, dtype, exponents=exponents)
        numpy_value, numpy_state = _run(Adam, {"amsgrad": True}, False, dtype,
                                        exponents=exponents)
    assert np.isinf(numpy_state["v"]).any() and (numpy_state["v"] == 0).any()
    np.testing.assert_array_equal(fused_value, numpy_value)
    np.testing.assert_array_equal(np.signbit(fused_value), np.signbit(numpy_value))
    for key in ("m", "v", "v_max"):
        np.testing.assert_array_equal(fused_state[key], numpy_state[key])


def test_amsgrad_keeps_a_nan_as_numpy_does():
    results = []
    for fused in (True, False):
        parameter = Parameter(np.ones(4))
        opt = Adam(amsgrad=True, fused=fused)
        for grad in ([1.0, np.nan, 2.0, 3.0], [5.0, 1.0, 0.5, 3.0]):
            parameter.grad[...] = grad
            with np.errstate(invalid="ignore"):
                opt.step([parameter])
        results.append((parameter.value.copy(), opt.state[0]["v_max"].copy()))
    (value, v_max), (numpy_value, numpy_v_max) = results
    assert np.isnan(v_max[1]) and np.isfinite(v_max[[0, 2, 3]]).all()
    np.testing.assert_array_equal(v_max, numpy_v_max)
    np.testing.assert_array_equal(value, numpy_value)


def test_kernel_matches_adam_worked_out_by_hand():
    # one float64 step from m = v = 0 with g = (2, -0.5): m = 0.1 g, v = 0.001 g², and the
    # bias-corrected step is lr · g / (|g| + ε) = lr · sign(g) up to ε.
    value = np.array([1.0, 1.0])
    grad = np.array([2.0, -0.5])
    m, v = np.zeros(2), np.zeros(2)
    # Adam's bias corrections at t = 1 folded into two scalars (see Adam._step): lr·√c₂/c₁, ε·√c₂
    root_c2 = math.sqrt(1 - 0.999)
    step_size, eps_hat = 0.1 * root_c2 / (1 - 0.9), 1e-8 * root_c2
    kernels.fused_adam(value, grad, m, v, None, beta1=0.9, beta2=0.999,
                       step_size=step_size, eps_hat=eps_hat)
    np.testing.assert_allclose(m, [0.2, -0.05], rtol=1e-15)
    np.testing.assert_allclose(v, [0.004, 0.00025], rtol=1e-12)
    np.testing.assert_allclose(value, [1 - 0.1 * 2 / (2 + 1e-8), 1 + 0.1 * 0.5 / (0.5 + 1e-8)],
                               rtol=1e-12)


def test_default_uses_the_kernel_for_large_parameters_when_numba_is_there(monkeypatch):
    calls = []
    original = kernels.fused_adam
    monkeypatch.setattr(kernels, "fused_adam", lambda *a, **k: calls.append(1) or original(*a, **k))
    small = Parameter(np.ones(kernels.MIN_AUTO_SIZE - 1, np.float32))
    large = Parameter(np.ones(kernels.MIN_AUTO_SIZE, np.float32))
    for parameter in (small, large):
        parameter.grad[...] = 1.0
    Adam().step([small])
    assert calls == []  # too small to repay numba's start-up: NumPy's passes
    Adam().step([large])
    assert calls == [1]
    np.testing.assert_array_equal(small.value, large.value[1:])  # the same numbers either way
    Adam(fused=True).step([small])
    assert calls == [1, 1]  # fused=True: the kernel whatever the size


def test_without_numba_the_default_falls_back_to_numpy(monkeypatch):
    monkeypatch.setattr(kernels, "available", lambda: False)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the kernel ran although numba is 'missing'")

    monkeypatch.setattr(kernels, "fused_adam", must_not_run)
    shape = (kernels.MIN_AUTO_SIZE,)  # large enough for the default to want the kernel
    value, _ = _run(Adam, {}, None, np.float32, shape=shape, steps=2)
    monkeypatch.undo()
    np.testing.assert_array_equal(value, _run(Adam, {}, True, np.float32, shape=shape, steps=2)[0])


def test_fused_true_without_numba_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(kernels, "available", lambda: False)
    with pytest.raises(ImportError, match=r"pip install 'neuralab\[fast\]'"):
        Adam(fused=True)
    with pytest.raises(ImportError, match="fused=None or False"):
        optimizers.get("adamw", fused=True)


def test_arrays_the_kernel_cannot_take_use_numpy_or_raise_when_fused_is_forced():
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    for value in (base[:, ::2], base.astype(np.float16)):  # strided view, float16
        parameter = Parameter(value)
        parameter.value = value  # keep the strided view itself (Parameter may copy)
        parameter.grad = np.ones_like(value)
        expected = value.astype(np.float64) - 0.001  # first Adam step: lr · sign(g)
        Adam(fused=None).step([parameter])
        np.testing.assert_allclose(parameter.value, expected, rtol=2e-3)
        with pytest.raises(ValueError, match="C-contiguous float32 or float64"):
            Adam(fused=True).step([parameter])


def test_fused_must_be_a_flag():
    with pytest.raises(TypeError, match="fused must be True or False"):
        Adam(fused="yes")


def test_fit_gives_the_same_network_with_and_without_the_kernel():
    data = nl.datasets.load("circles", seed=0)
    weights = []
    for fused in (True, False):
        net = nl.mlp([2, 16, 2], activation="relu", seed=0)
        history = net.fit(data.x_train, data.y_train, epochs=3, batch_size=16,
                          optimizer=Adam(lr=0.01, fused=fused), seed=0)
        weights.append((net.flat.value.copy(), history.history["loss"]))
    np.testing.assert_array_equal(weights[0][0], weights[1][0])
    assert weights[0][1] == weights[1][1]


def test_without_a_writable_cache_the_kernel_is_compiled_in_memory(monkeypatch):
    import numba

    real_njit = numba.njit

    def njit_without_cache_folder(*args, cache=False, **kwargs):
        if cache:
            raise RuntimeError("cannot cache function '_adam_loop': no locator available")
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit_without_cache_folder)
    # the compiled-kernel cache is what this test is about: it is emptied to force a compile
    kernels._compiled_adam.cache_clear()  # noqa: SLF001
    try:
        fused_value, _ = _run(Adam, {}, True, np.float64, steps=2)
    finally:
        kernels._compiled_adam.cache_clear()  # noqa: SLF001
    np.testing.assert_array_equal(fused_value, _run(Adam, {}, False, np.float64, steps=2)[0])
