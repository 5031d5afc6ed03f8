"""Tests for neuralab.optimizers.

Every optimizer is checked against (1) a few steps worked out by hand, (2) a reference written
here straight from torch.optim's documented pseudo-code — plain array arithmetic, no folding,
independent of the implementation — for every option, (3) convergence on an ill-conditioned
bowl and on Rosenbrock's valley, and (4) hypothesis properties: finite updates, and state_dict
round trips that reproduce the next steps bit for bit.
"""

import math
import tracemalloc
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuralab import optimizers
from neuralab.layers import Parameter
from neuralab.optimizers import GD, SGD, Adagrad, Adam, AdamW, RMSprop

# ---------------------------------------------------------------- references from the docs


def ref_sgd(theta, grads, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    out, b = [], None
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        if momentum != 0:
            b = g.copy() if t == 1 else momentum * b + (1 - dampening) * g
            g = g + momentum * b if nesterov else b
        theta = theta - lr * g
        out.append(theta)
    return out


def ref_adagrad(theta, grads, lr, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                eps=1e-10):
    out, state_sum = [], np.full_like(theta, initial_accumulator_value)
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta
        clr = lr / (1 + (t - 1) * lr_decay)
        state_sum = state_sum + g * g
        theta = theta - clr * g / (np.sqrt(state_sum) + eps)
        out.append(theta)
    return out


def ref_rmsprop(theta, grads, lr, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                centered=False):
    out = []
    v, g_avg, b = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for g in grads:
        g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g * g
        v_tilde = v
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            v_tilde = v - g_avg * g_avg
        if momentum > 0:
            b = momentum * b + g / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b
        else:
            theta = theta - lr * g / (np.sqrt(v_tilde) + eps)
        out.append(theta)
    return out


def ref_adam(theta, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
             decoupled=False):
    out, (b1, b2) = [], betas
    m, v, v_max = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            theta = theta - lr * weight_decay * theta
        else:
            g = g + weight_decay * theta
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        if amsgrad:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - b2**t)
        else:
            v_hat = v / (1 - b2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def ref_adamw(theta, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False):
    return ref_adam(theta, grads, lr, betas, eps, weight_decay, amsgrad, decoupled=True)


# every option of every optimizer, each against its reference
CASES = [
    (SGD, ref_sgd, {"lr": 0.1}),
    (SGD, ref_sgd, {"lr": 0.1, "weight_decay": 0.3}),
    (SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9}),
    (SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9, "dampening": 0.4}),
    (SGD, ref_sgd, {"lr": 0.1, "momentum": 0.8, "dampening": 0.4, "weight_decay": 0.3}),
    (SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.3}),
    (GD, ref_sgd, {"lr": 0.2, "momentum": 0.5, "weight_decay": 0.1}),
    (Adagrad, ref_adagrad, {"lr": 0.3}),
    (Adagrad, ref_adagrad, {"lr": 0.3, "lr_decay": 0.5}),
    (Adagrad, ref_adagrad, {"lr": 0.3, "weight_decay": 0.2}),
    (Adagrad, ref_adagrad, {"lr": 0.3, "initial_accumulator_value": 0.7, "eps": 1e-3}),
    (Adagrad, ref_adagrad, {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.2,
                            "initial_accumulator_value": 0.1}),
    (RMSprop, ref_rmsprop, {"lr": 0.05}),
    (RMSprop, ref_rmsprop, {"lr": 0.05, "alpha": 0.7, "eps": 1e-3}),
    (RMSprop, ref_rmsprop, {"lr": 0.05, "weight_decay": 0.2}),
    (RMSprop, ref_rmsprop, {"lr": 0.05, "centered": True, "alpha": 0.8}),
    (RMSprop, ref_rmsprop, {"lr": 0.05, "momentum": 0.7}),
    (RMSprop, ref_rmsprop, {"lr": 0.05, "alpha": 0.8, "centered": True, "momentum": 0.7,
                            "weight_decay": 0.2}),
    (Adam, ref_adam, {"lr": 0.05}),
    (Adam, ref_adam, {"lr": 0.05, "betas": (0.5, 0.8), "eps": 1e-3}),
    (Adam, ref_adam, {"lr": 0.05, "weight_decay": 0.2}),
    (Adam, ref_adam, {"lr": 0.05, "amsgrad": True, "betas": (0.6, 0.7)}),
    (Adam, ref_adam, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.2}),
    (AdamW, ref_adamw, {"lr": 0.05}),
    (AdamW, ref_adamw, {"lr": 0.05, "weight_decay": 0.5, "betas": (0.6, 0.7)}),
    (AdamW, ref_adamw, {"lr": 0.05, "weight_decay": 0.0}),
    (AdamW, ref_adamw, {"lr": 0.05, "weight_decay": 0.5, "amsgrad": True, "betas": (0.6, 0.7)}),
]
CASE_IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}"
            for cls, _, kw in CASES]


def gradient_sequence(shape, n, seed):
    """Gradients that vary in sign and scale from step to step (and shrink at step 3, so
    AMSGrad's running maximum matters)."""
    rng = np.random.default_rng(seed)
    scales = [1.0, 2.5, 0.1, 0.7]
    return [scales[k] * rng.normal(size=shape) for k in range(n)]


def run(opt, theta, grads):
    parameter = Parameter(np.array(theta, copy=True))
    history = []
    for g in grads:
        parameter.grad[...] = g
        opt.step([parameter])
        history.append(parameter.value.copy())
    return history


@pytest.mark.parametrize(("cls", "ref", "kwargs"), CASES, ids=CASE_IDS)
def test_three_steps_match_the_documented_algorithm(cls, ref, kwargs):
    theta = np.random.default_rng(1).normal(size=(2, 3))
    grads = gradient_sequence((2, 3), 3, seed=2)
    ours = run(cls(**kwargs), theta, grads)
    expected = ref(theta, grads, **kwargs)
    for step, (a, b) in enumerate(zip(ours, expected, strict=True), start=1):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=f"step {step}")
    assert not np.allclose(ours[-1], theta)  # the steps did move the parameters


# ---------------------------------------------------------------- steps worked out by hand


def scalar_steps(opt, theta0, grads):
    return [float(v[0]) for v in run(opt, np.array([theta0]), [np.array([g]) for g in grads])]


def test_sgd_by_hand():
    # θ ← θ − γg: 1 − 0.1·0.5 = 0.95, then 0.95 − 0.1·(−2) = 1.15
    assert scalar_steps(SGD(lr=0.1), 1.0, [0.5, -2.0]) == pytest.approx([0.95, 1.15])
    # weight decay: g + λθ = 0.5 + 0.2·1 = 0.7 → 1 − 0.07 = 0.93
    assert scalar_steps(SGD(lr=0.1, weight_decay=0.2), 1.0, [0.5]) == pytest.approx([0.93])


def test_sgd_momentum_with_dampening_by_hand():
    # b₁ = g₁ = 1 (no dampening at t=1): θ = 1 − 0.1 = 0.9
    # b₂ = 0.9·1 + (1 − 0.5)·2 = 1.9: θ = 0.9 − 0.19 = 0.71
    # b₃ = 0.9·1.9 + 0.5·(−1) = 1.21: θ = 0.71 − 0.121 = 0.589
    opt = SGD(lr=0.1, momentum=0.9, dampening=0.5)
    assert scalar_steps(opt, 1.0, [1.0, 2.0, -1.0]) == pytest.approx([0.9, 0.71, 0.589])


def test_sgd_nesterov_by_hand():
    # t=1: b = 1, g + μb = 1.9, θ = 1 − 0.19 = 0.81
    # t=2: b = 0.9·1 + 2 = 2.9, g + μb = 2 + 2.61 = 4.61, θ = 0.81 − 0.461 = 0.349
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    assert scalar_steps(opt, 1.0, [1.0, 2.0]) == pytest.approx([0.81, 0.349])


def test_adagrad_by_hand():
    # sum₀ = 1; t=1: sum = 1 + 9 = 10, θ = 1 − 0.1·3/√10
    # t=2: γ̃ = 0.1/(1 + 0.5) , sum = 10 + 16 = 26, θ −= γ̃·4/√26
    opt = Adagrad(lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0, eps=0.0)
    first = 1 - 0.1 * 3 / math.sqrt(10)
    second = first - (0.1 / 1.5) * 4 / math.sqrt(26)
    assert scalar_steps(opt, 1.0, [3.0, 4.0]) == pytest.approx([first, second], rel=1e-14)


def test_rmsprop_centered_with_momentum_by_hand():
    # t=1: v = 0.5·4 = 2, g_avg = 0.5·2 = 1, ṽ = 2 − 1 = 1, b = 2/1 = 2, θ = −0.2
    # t=2: v = 0.5·2 + 0.5·1 = 1.5, g_avg = 0.5 + 0.5 = 1, ṽ = 0.5, b = 0.5·2 + 1/√0.5
    opt = RMSprop(lr=0.1, alpha=0.5, eps=0.0, momentum=0.5, centered=True)
    second = -0.2 - 0.1 * (1 + 1 / math.sqrt(0.5))
    assert scalar_steps(opt, 0.0, [2.0, 1.0]) == pytest.approx([-0.2, second], rel=1e-14)


def test_adam_by_hand():
    # t=1: m = 0.5·2 = 1, v = 0.25·4 = 1; m̂ = 1/0.5 = 2, v̂ = 1/0.25 = 4; θ = −0.1·2/2 = −0.1
    # t=2 (g = 0.5): m = 0.5 + 0.25 = 0.75, m̂ = 0.75/0.75 = 1; v = 0.75 + 0.25·0.25 = 0.8125
    #   Adam:    v̂ = 0.8125/(1 − 0.75²) = 0.8125/0.4375 → θ = −0.1 − 0.1/√(0.8125/0.4375)
    #   AMSGrad: v_max = max(1, 0.8125) = 1, v̂ = 1/0.4375 → θ = −0.1 − 0.1·√0.4375
    adam = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0)
    ams = Adam(lr=0.1, betas=(0.5, 0.75), eps=0.0, amsgrad=True)
    expected_adam = [-0.1, -0.1 - 0.1 / math.sqrt(0.8125 / 0.4375)]
    expected_ams = [-0.1, -0.1 - 0.1 * math.sqrt(0.4375)]
    assert scalar_steps(adam, 0.0, [2.0, 0.5]) == pytest.approx(expected_adam, rel=1e-14)
    assert scalar_steps(ams, 0.0, [2.0, 0.5]) == pytest.approx(expected_ams, rel=1e-14)


def test_adam_first_step_is_lr_times_sign():
    # m̂₁ = g and v̂₁ = g², so the first step is γ·g/(|g| + ε) whatever the gradient's scale.
    steps = scalar_steps(Adam(lr=0.01), 0.0, [1e-3]), scalar_steps(Adam(lr=0.01), 0.0, [-1e3])
    assert steps[0] == pytest.approx([-0.01 * 1e-3 / (1e-3 + 1e-8)], rel=1e-12)
    assert steps[1] == pytest.approx([0.01], rel=1e-12)


def test_adamw_decays_the_weights_not_the_gradient():
    # AdamW: θ = 1 − 0.1·0.5·1 = 0.95, then Adam's first step −γ·sign(g) = −0.1 → 0.85
    # Adam's L2: g' = 2 + 0.5·1 = 2.5 only rescales g, and the first step is still −0.1 → 0.9
    adamw = AdamW(lr=0.1, weight_decay=0.5, betas=(0.5, 0.75), eps=0.0)
    adam = Adam(lr=0.1, weight_decay=0.5, betas=(0.5, 0.75), eps=0.0)
    assert scalar_steps(adamw, 1.0, [2.0]) == pytest.approx([0.85], rel=1e-14)
    assert scalar_steps(adam, 1.0, [2.0]) == pytest.approx([0.9], rel=1e-14)


def test_centered_rmsprop_survives_a_variance_that_rounds_below_zero():
    # A constant gradient has variance v − g_avg² = 0 exactly, but in float32 the difference
    # rounds below zero after ~1200 steps; √ of it would be NaN (and a RuntimeWarning, which
    # this test suite turns into an error). The clip at 0 keeps every value finite.
    parameter = Parameter(np.zeros(4, dtype=np.float32))
    parameter.grad[...] = 0.1
    opt = RMSprop(lr=1e-3, centered=True)
    for _ in range(1500):
        opt.step([parameter])
    assert np.isfinite(parameter.value).all()


def test_lr_changes_between_steps_take_effect():
    # momentum 0.5: b₁ = 1 → θ = 1 − 0.1 = 0.9; lr := 0.02; b₂ = 0.5 + 1 = 1.5 → 0.9 − 0.03
    opt = SGD(lr=0.1, momentum=0.5)
    parameter = Parameter(np.array([1.0]))
    parameter.grad[...] = 1.0
    opt.step([parameter])
    opt.lr = 0.02
    opt.step([parameter])
    assert parameter.value[0] == pytest.approx(0.87)


# ---------------------------------------------------------------- convergence


def bowl_grad(theta):  # f = ½(x² + 100y²): condition number 100, minimum at (0, 0)
    return np.array([theta[0], 100.0 * theta[1]])


def rosenbrock_grad(theta):  # f = (1 − x)² + 100(y − x²)², minimum at (1, 1)
    x, y = theta
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


# (name, optimizer, step budget, tolerance on ‖θ − θ*‖). Budgets are ~1.25× the step after
# which each run was measured to stay within the tolerance (float64, deterministic).
BOWL = [
    ("gd", lambda: GD(lr=0.018), 640, 1e-4),  # γ just under 2/100: y zig-zags, x crawls
    ("momentum", lambda: optimizers.get("momentum", lr=0.01), 230, 1e-4),
    ("nesterov", lambda: optimizers.get("nesterov", lr=0.01), 200, 1e-4),
    ("adagrad", lambda: Adagrad(lr=0.1), 360, 1e-4),
    ("rmsprop", lambda: RMSprop(lr=0.01), 230, 1e-4),
    ("adam", lambda: Adam(lr=0.01), 400, 1e-4),
    ("amsgrad", lambda: Adam(lr=0.01, amsgrad=True), 420, 1e-4),
    ("adamw", lambda: AdamW(lr=0.01), 400, 1e-4),
]
ROSENBROCK = [
    ("gd", lambda: GD(lr=0.001), 22_000, 1e-3),
    ("momentum", lambda: optimizers.get("momentum", lr=0.001), 2_100, 1e-3),
    ("nesterov", lambda: optimizers.get("nesterov", lr=0.001), 2_000, 1e-3),
    ("adagrad", lambda: Adagrad(lr=0.5), 17_500, 1e-3),
    ("rmsprop", lambda: RMSprop(lr=0.001), 12_600, 1e-3),
    ("adam", lambda: Adam(lr=0.02), 3_000, 1e-3),
    ("amsgrad", lambda: Adam(lr=0.02, amsgrad=True), 5_400, 1e-3),
    # decoupled decay (λ = 0.01) pulls the end point ~7e-3 from (1, 1), toward the origin
    ("adamw", lambda: AdamW(lr=0.01), 7_400, 1e-2),
]


def descend(opt, grad_fn, start, steps):
    parameter = Parameter(np.array(start, dtype=np.float64))
    for _ in range(steps):
        parameter.grad[...] = grad_fn(parameter.value)
        opt.step([parameter])
    return parameter.value


@pytest.mark.parametrize(("name", "make", "budget", "tol"), BOWL, ids=[c[0] for c in BOWL])
def test_converges_on_an_ill_conditioned_bowl(name, make, budget, tol):
    theta = descend(make(), bowl_grad, (1.0, 1.0), budget)
    assert np.linalg.norm(theta) < tol


@pytest.mark.parametrize(("name", "make", "budget", "tol"), ROSENBROCK,
                         ids=[c[0] for c in ROSENBROCK])
def test_converges_on_rosenbrock(name, make, budget, tol):
    theta = descend(make(), rosenbrock_grad, (-1.5, 2.0), budget)
    assert np.linalg.norm(theta - 1.0) < tol


def test_momentum_beats_the_best_tuned_gd_on_the_bowl():
    # GD's best fixed step on this bowl is 2/(L + μ) = 2/101, contracting the error by
    # (κ − 1)/(κ + 1) = 0.98 per step: after 230 steps it is still ~0.98²³⁰ ≈ 1e-2 away.
    gd = descend(GD(lr=2 / 101), bowl_grad, (1.0, 1.0), 230)
    momentum = descend(optimizers.get("momentum", lr=0.01), bowl_grad, (1.0, 1.0), 230)
    assert np.linalg.norm(momentum) < 1e-4 < 5e-3 < np.linalg.norm(gd)


# ---------------------------------------------------------------- properties (hypothesis)

FACTORIES = [lambda cls=cls, kw=kw: cls(**kw) for cls, _, kw in CASES]


@st.composite
def problems(draw):
    """A parameter of random shape (0-d included) and dtype, and 4 finite gradients."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
    values = st.floats(-1e3, 1e3, width=32)
    grads = st.floats(-1e4, 1e4, width=32)  # includes 0, subnormals and tiny values
    theta = draw(hnp.arrays(dtype, shape, elements=values))
    return theta, [draw(hnp.arrays(dtype, shape, elements=grads)) for _ in range(4)]


@settings(deadline=None, max_examples=60)
@given(which=st.integers(0, len(CASES) - 1), problem=problems())
def test_finite_gradients_give_finite_parameters_and_keep_dtype(which, problem):
    theta, grads = problem
    opt = FACTORIES[which]()
    history = run(opt, theta, grads)
    assert all(np.isfinite(h).all() and h.dtype == theta.dtype for h in history)
    assert all(a.dtype == theta.dtype for s in opt.state for a in s.values()
               if isinstance(a, np.ndarray))


@settings(deadline=None, max_examples=40)
@given(which=st.integers(0, len(CASES) - 1), problem=problems(), k=st.integers(0, 3))
def test_state_dict_round_trip_reproduces_the_next_steps_bit_for_bit(which, problem, k):
    theta, grads = problem
    opt = FACTORIES[which]()
    original = Parameter(theta.copy())
    for g in grads[:k]:
        original.grad[...] = g
        opt.step([original])
    resumed, fresh = Parameter(original.value.copy()), type(opt)()  # default hyper-parameters
    fresh.load_state_dict(opt.state_dict())
    assert fresh.hyperparameters() == opt.hyperparameters()
    for g in grads[k:]:
        original.grad[...] = g
        resumed.grad[...] = g
        opt.step([original])
        fresh.step([resumed])
        assert np.array_equal(original.value, resumed.value)


# ---------------------------------------------------------------- mechanics


def test_float32_stays_float32_and_tracks_the_float64_result():
    theta = np.random.default_rng(3).normal(size=(4, 5))
    grads = gradient_sequence((4, 5), 3, seed=4)
    for cls, _, kwargs in CASES:
        opt32 = cls(**kwargs)
        ours = run(opt32, theta.astype(np.float32), [g.astype(np.float32) for g in grads])
        exact = run(cls(**kwargs), theta, grads)
        assert ours[-1].dtype == np.float32
        assert all(a.dtype == np.float32 for a in opt32.state[0].values()
                   if isinstance(a, np.ndarray))
        np.testing.assert_allclose(ours[-1], exact[-1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("cls", "ref", "kwargs"), CASES, ids=CASE_IDS)
def test_step_allocates_no_arrays_after_the_first(cls, ref, kwargs):
    parameter = Parameter(np.ones(50_000, dtype=np.float32))
    parameter.grad[...] = 0.25
    opt = cls(**kwargs)
    opt.step([parameter])  # allocates state and scratch once
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.step([parameter])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < parameter.value.nbytes // 20


def test_works_on_any_objects_with_value_and_grad():
    a = SimpleNamespace(value=np.array([1.0, 2.0]), grad=np.array([0.5, -0.5]))
    b = SimpleNamespace(value=np.array([[3.0]]), grad=np.array([[1.0]]))
    SGD(lr=0.1).step(iter([a, b]))
    np.testing.assert_allclose(a.value, [0.95, 2.05])
    np.testing.assert_allclose(b.value, [[2.9]])


def test_each_parameter_keeps_its_own_state():
    grads = gradient_sequence((3,), 3, seed=5)
    together = [Parameter(np.zeros(3)), Parameter(np.ones(3))]
    opt = Adam(lr=0.1)
    for g in grads:
        together[0].grad[...], together[1].grad[...] = g, -2 * g
        opt.step(together)
    alone0 = run(Adam(lr=0.1), np.zeros(3), grads)[-1]
    alone1 = run(Adam(lr=0.1), np.ones(3), [-2 * g for g in grads])[-1]
    assert np.array_equal(together[0].value, alone0)
    assert np.array_equal(together[1].value, alone1)
    assert [s["t"] for s in opt.state] == [3, 3]


def test_reset_restarts_the_algorithm():
    grads = gradient_sequence((3,), 2, seed=6)
    opt = Adam(lr=0.1)
    parameter = Parameter(np.zeros(3))
    run(opt, np.zeros(3), grads)
    opt.reset()
    assert opt.state == []
    parameter.grad[...] = grads[0]
    opt.step([parameter])
    np.testing.assert_array_equal(parameter.value, run(Adam(lr=0.1), np.zeros(3), grads[:1])[0])


def test_state_is_named_as_in_the_papers():
    parameter = Parameter(np.zeros(2))
    expectations = [
        (SGD(), []), (SGD(momentum=0.9), ["velocity"]), (Adagrad(), ["sum"]),
        (RMSprop(centered=True, momentum=0.9), ["g_avg", "v", "velocity"]),
        (Adam(), ["m", "v"]), (Adam(amsgrad=True), ["m", "v", "v_max"]), (AdamW(), ["m", "v"]),
    ]
    for opt, keys in expectations:
        opt.step([parameter])
        assert sorted(opt.state[0]) == sorted(["t", *keys])
        assert opt.state[0]["t"] == 1


def test_state_dict_is_a_snapshot_of_plain_numbers_and_arrays():
    opt = Adam(lr=0.1, amsgrad=True)
    parameter = Parameter(np.zeros(3))
    parameter.grad[...] = 1.0
    opt.step([parameter])
    snapshot = opt.state_dict()
    assert snapshot["name"] == "adam"
    assert snapshot["hyperparameters"] == {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8,
                                           "weight_decay": 0.0, "amsgrad": True, "fused": None}
    m_before = snapshot["state"][0]["m"].copy()
    opt.step([parameter])
    np.testing.assert_array_equal(snapshot["state"][0]["m"], m_before)  # not aliased
    assert snapshot["state"][0]["t"] == 1 and opt.state[0]["t"] == 2


def test_gd_and_sgd_state_dicts_are_interchangeable():
    sgd = SGD(lr=0.3, momentum=0.5)
    run(sgd, np.zeros(2), gradient_sequence((2,), 2, seed=7))
    gd = GD()
    gd.load_state_dict(sgd.state_dict())
    assert gd.name == "gd" and gd.momentum == 0.5 and gd.lr == 0.3
    np.testing.assert_array_equal(gd.state[0]["velocity"], sgd.state[0]["velocity"])


# ---------------------------------------------------------------- registry


def test_get_accepts_names_classes_and_instances():
    assert isinstance(optimizers.get("Adam"), Adam)
    assert isinstance(optimizers.get(" ADAMW "), AdamW)
    assert isinstance(optimizers.get("RMSprop"), RMSprop)
    assert optimizers.get("gd").name == "gd" and optimizers.get("sgd").name == "sgd"
    assert optimizers.get(Adagrad, lr=0.5).lr == 0.5
    opt = Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get("adam", lr=0.01, betas=(0.8, 0.9)).betas == (0.8, 0.9)


def test_momentum_and_nesterov_presets():
    momentum, nesterov = optimizers.get("momentum"), optimizers.get("Nesterov", lr=0.05)
    assert type(momentum) is SGD and momentum.momentum == 0.9 and not momentum.nesterov
    assert nesterov.nesterov and nesterov.momentum == 0.9 and nesterov.lr == 0.05
    assert optimizers.get("momentum", momentum=0.5).momentum == 0.5


def test_names_and_defaults_follow_the_contract():
    assert optimizers.names() == ["adagrad", "adam", "adamw", "gd", "momentum", "nesterov",
                                  "rmsprop", "sgd"]
    assert SGD().hyperparameters() == {"lr": 0.01, "momentum": 0.0, "dampening": 0.0,
                                       "nesterov": False, "weight_decay": 0.0}
    assert Adagrad().hyperparameters() == {"lr": 0.01, "lr_decay": 0.0, "weight_decay": 0.0,
                                           "initial_accumulator_value": 0.0, "eps": 1e-10}
    assert RMSprop().hyperparameters() == {"lr": 0.01, "alpha": 0.99, "eps": 1e-8,
                                           "weight_decay": 0.0, "momentum": 0.0,
                                           "centered": False}
    assert Adam().hyperparameters() == {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8,
                                        "weight_decay": 0.0, "amsgrad": False, "fused": None}
    assert AdamW().weight_decay == 0.01 and AdamW().lr == 0.001
    assert repr(SGD(momentum=0.9)).startswith("SGD(lr=0.01, momentum=0.9,")


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: SGD(lr=-0.1), ValueError, r"lr must be a finite number >= 0, got -0\.1"),
    (lambda: Adam(lr=float("nan")), ValueError, "lr must be a finite number"),
    (lambda: SGD(lr="0.1"), TypeError, "lr must be a finite number >= 0, got '0.1'"),
    (lambda: SGD(momentum=-0.5), ValueError, "momentum must be a finite number >= 0"),
    (lambda: SGD(dampening=1.5), ValueError, r"dampening must be a finite number in \[0, 1\]"),
    (lambda: SGD(nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
    (lambda: SGD(momentum=0.9, dampening=0.1, nesterov=True), ValueError, "dampening = 0"),
    (lambda: SGD(nesterov="yes"), TypeError, "nesterov must be True or False"),
    (lambda: SGD(weight_decay=-1e-4), ValueError, "weight_decay must be"),
    (lambda: Adagrad(lr_decay=-1), ValueError, "lr_decay must be"),
    (lambda: Adagrad(initial_accumulator_value=-1), ValueError, "initial_accumulator_value"),
    (lambda: Adagrad(eps=-1e-10), ValueError, "eps must be"),
    (lambda: RMSprop(alpha=1.01), ValueError, r"alpha must be a finite number in \[0, 1\]"),
    (lambda: RMSprop(alpha=-0.1), ValueError, r"alpha must be a finite number in \[0, 1\]"),
    (lambda: RMSprop(momentum=-0.9), ValueError, "momentum must be"),
    (lambda: Adam(betas=(1.0, 0.999)), ValueError,
     r"betas\[0\] must be a finite number in \[0, 1\)"),
    (lambda: Adam(betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be .* in \[0, 1\), got -0.1"),
    (lambda: Adam(betas=0.9), TypeError, r"betas must be a pair"),
    (lambda: AdamW(eps=-1.0), ValueError, "eps must be"),
    (lambda: Adam(amsgrad=1), TypeError, "amsgrad must be True or False"),
    (lambda: optimizers.get("adamm"), ValueError,
     "unknown optimizer 'adamm'; known names: adagrad, adam, adamw, gd, momentum, nesterov, "
     "rmsprop, sgd"),
    (lambda: optimizers.get(None), ValueError, "optimizer is required; known names: adagrad"),
    (lambda: optimizers.get(Adam(), lr=0.1), ValueError,
     r"arguments \['lr'\] can only be given with a name or a class, not with an instance"),
    (lambda: optimizers.get("nesterov", momentum=0), ValueError, "nesterov=True needs"),
])
def test_invalid_arguments_are_rejected_with_a_clear_message(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_negative_lr_is_rejected_between_steps_too():
    opt = Adam()
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = -1e-3
    assert opt.lr == 0.001


def test_step_rejects_mismatched_parameters():
    opt = Adam()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but value has shape \(2,\)"):
        opt.step([SimpleNamespace(value=np.zeros(2), grad=np.zeros(3))])
    with pytest.raises(TypeError, match="floating-point ndarray"):
        Adam().step([SimpleNamespace(value=np.zeros(2, dtype=int), grad=np.zeros(2))])
    opt.step([Parameter(np.zeros(2))])
    with pytest.raises(ValueError, match=r"state 'm' has \(2,\).*call reset\(\)"):
        opt.step([Parameter(np.zeros(4))])


def adam_state_dict():
    opt = Adam(amsgrad=True)
    run(opt, np.zeros(3), gradient_sequence((3,), 1, seed=8))
    return opt.state_dict()


def broken(change):
    state_dict = adam_state_dict()
    change(state_dict)
    return state_dict


@pytest.mark.parametrize(("target", "state_dict", "match"), [
    (SGD(), adam_state_dict(), r"state_dict is for optimizer 'adam', not 'sgd'"),
    (AdamW(), adam_state_dict(), r"for optimizer 'adam', not 'adamw'"),
    (Adam(), {"state": []}, "keys 'name', 'hyperparameters' and 'state'"),
    (Adam(), broken(lambda d: d["hyperparameters"].pop("eps")), "hyperparameters must have"),
    (Adam(), broken(lambda d: d["hyperparameters"].update(lr=-1)), "lr must be"),
    (Adam(), broken(lambda d: d["state"][0].pop("v_max")), r"keys \['m', 't', 'v', 'v_max'\]"),
    (Adam(), broken(lambda d: d["state"][0].update(m=np.zeros(4))), "of one shape and dtype"),
    (Adam(), broken(lambda d: d["state"][0].update(v=[0.0, 0.0, 0.0])), "ndarrays"),
    (Adam(), broken(lambda d: d["state"][0].update(t=-1)), "'t' must be an integer >= 0"),
    (Adam(), broken(lambda d: d.update(state={})), "one dict per parameter"),
])
def test_load_state_dict_rejects_what_does_not_fit(target, state_dict, match):
    with pytest.raises(ValueError, match=match):
        target.load_state_dict(state_dict)


def test_loaded_state_of_another_shape_is_caught_at_the_next_step():
    opt = Adam()
    opt.load_state_dict(adam_state_dict())
    with pytest.raises(ValueError, match="optimizer state 'm' has"):
        opt.step([Parameter(np.zeros(5))])
