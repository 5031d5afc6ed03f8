"""The parts of neuralab.sklearn, each against numbers worked out by hand or a formula:
scikit-learn's SGD and Adam updates, its learning-rate schedules, the exponential output and
the half Poisson deviance, the batch cost with its L2 penalty, and the batch gathering."""

import io
from contextlib import redirect_stdout

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._base import poisson_loss

from neuralab import gradcheck, kernels
from neuralab.layers import Parameter
from neuralab.sklearn.model import L2Gradient, Objective, build_network, take_rows
from neuralab.sklearn.poisson import Exp, HalfPoissonDeviance
from neuralab.sklearn.solvers import LearningRate, ScikitAdam, ScikitSGD


def parameter(value, grad):
    p = Parameter(np.array(value, dtype=np.float64))
    p.grad = np.array(grad, dtype=np.float64)
    return p


# --- scikit-learn's SGD -------------------------------------------------------------------------


def test_sgd_two_steps_by_hand():
    """θ = 1, g = 0.5, γ = 0.1, μ = 0.9. Step 1: v = −0.05, θ = 0.95. Step 2 (g = 0.5,
    γ = 0.2 now): v = 0.9·(−0.05) − 0.1 = −0.145, θ = 0.805."""
    p = parameter([1.0], [0.5])
    opt = ScikitSGD(lr=0.1, momentum=0.9, nesterov=False)
    opt.step([p])
    assert_allclose(p.value, [0.95])
    opt.lr = 0.2
    opt.step([p])
    assert_allclose(opt.state[0]["velocity"], [-0.145])
    assert_allclose(p.value, [0.805])


def test_nesterov_two_steps_by_hand():
    """Nesterov adds μ·v − γ·g instead of v: step 1: v = −0.05, θ = 1 − 0.045 − 0.05 = 0.905;
    step 2: v = −0.095, θ = 0.905 − 0.0855 − 0.05 = 0.7695."""
    p = parameter([1.0], [0.5])
    opt = ScikitSGD(lr=0.1, momentum=0.9, nesterov=True)
    opt.step([p])
    assert_allclose(p.value, [0.905])
    opt.step([p])
    assert_allclose(p.value, [0.7695])


def test_sgd_without_momentum_is_plain_gradient_descent():
    p = parameter([1.0, -2.0], [0.5, 1.0])
    ScikitSGD(lr=0.1, momentum=0.0).step([p])
    assert_allclose(p.value, [0.95, -2.1])


# --- scikit-learn's Adam ------------------------------------------------------------------------


@pytest.mark.parametrize("fused", [False] + ([True] if kernels.available() else []))
def test_adam_two_steps_by_hand(fused):
    """γ = 0.1, β = (0.9, 0.999), ε = 0.1 (large, so that where it sits shows), g = 0.5:
    step 1: m = 0.05, v = 0.00025, γ₁ = 0.1·√0.001/0.1, θ = 1 − γ₁·m/(√v + ε);
    step 2 with g = −1: m = −0.055, v = 0.00124975."""
    p = parameter([1.0], [0.5])
    opt = ScikitAdam(lr=0.1, betas=(0.9, 0.999), eps=0.1, fused=fused)
    opt.step([p])
    step1 = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    expected = 1 - step1 * 0.05 / (np.sqrt(0.00025) + 0.1)
    assert_allclose(p.value, [expected], rtol=1e-14)
    p.grad = np.array([-1.0])
    opt.step([p])
    step2 = 0.1 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    expected -= step2 * -0.055 / (np.sqrt(0.00124975) + 0.1)
    assert_allclose(p.value, [expected], rtol=1e-14)


# --- learning-rate schedules ----------------------------------------------------------------


def test_invscaling_sets_the_rate_from_the_samples_seen():
    opt = ScikitSGD(lr=0.5)
    schedule = LearningRate(opt, "invscaling", power_t=0.5)
    schedule.iteration_ends(99)
    assert opt.lr == pytest.approx(0.5 / 10)


def test_adaptive_divides_by_five_then_stops():
    opt = ScikitSGD(lr=1e-5)
    schedule = LearningRate(opt, "adaptive", power_t=0.5)
    out = io.StringIO()
    with redirect_stdout(out):
        assert schedule.trigger_stopping("No gain.", verbose=True) is False
        assert opt.lr == pytest.approx(2e-6)
        assert schedule.trigger_stopping("No gain.", verbose=True) is False
        assert schedule.trigger_stopping("No gain.", verbose=True) is True  # 4e-7 ≤ 1e-6
    assert out.getvalue().splitlines() == [
        "No gain. Setting learning rate to 0.000002",
        "No gain. Setting learning rate to 0.000000",
        "No gain. Learning rate too small. Stopping."]


def test_constant_stops_at_once_and_ignores_time():
    opt = ScikitSGD(lr=0.3)
    schedule = LearningRate(opt, "constant", power_t=0.5)
    schedule.iteration_ends(1000)
    assert opt.lr == 0.3 and schedule.trigger_stopping("x", verbose=False) is True


# --- the Poisson pair -----------------------------------------------------------------------


def test_exp_forward_and_derivative():
    """Against NumPy's exp (forward and f′), and central differences (derivative, backward)."""
    z = np.array([[-2.0, 0.0, 1.5], [3.0, -0.5, 0.25]])
    act = Exp()
    assert_allclose(act.forward(z), np.exp(z), rtol=1e-15)
    assert_allclose(act.derivative(z), np.exp(z), rtol=1e-15)
    assert gradcheck.check_activation(act, z) < 1e-7


def test_half_poisson_deviance_value_gradient_and_delta():
    """The value is scikit-learn's poisson_loss; the gradient agrees with central differences;
    with the exponential output δ is (a − y)/n, weighted (a − y)·w/Σw."""
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 3.0, (6, 2))
    y = rng.integers(0, 4, (6, 2)).astype(float)
    w = rng.uniform(0.5, 2.0, 6)
    loss = HalfPoissonDeviance()
    assert loss.value(a, y) == pytest.approx(poisson_loss(y, a), rel=1e-14)
    assert loss.value(a, y, w) == pytest.approx(poisson_loss(y, a, w), rel=1e-14)
    assert gradcheck.check_loss(loss, a, y) < 1e-7
    z = np.log(a)
    assert_allclose(loss.delta(z, a, y, Exp()), (a - y) / len(a), rtol=1e-12)
    assert_allclose(loss.delta(z, a, y, Exp(), w), (a - y) * (w / w.sum())[:, None],
                    rtol=1e-12)


# --- the batch cost and its penalty -------------------------------------------------------------


def test_objective_adds_the_penalty_to_the_weights_only():
    """C + α/(2·Σw)·Σ‖W‖², gradient (α/Σw)·W on each W, nothing on the biases."""
    rng = np.random.default_rng(0)
    net = build_network([3, 4, 2], "tanh", "identity", np.float64, np.random.RandomState(0))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    w = rng.uniform(0.5, 2, 5)
    plain = Objective(net, 0.0, 5)(x, y, w)
    grad = net.flat.grad.copy()
    cost = Objective(net, 0.3, 5)(x, y, w)
    squares = sum(float((layer.weight.value ** 2).sum()) for layer in net.layers)
    assert cost == pytest.approx(plain + 0.3 / (2 * w.sum()) * squares, rel=1e-12)
    extra = net.flat.grad - grad  # the flat layout: W0, b0, W1, b1
    expected = np.concatenate([np.concatenate([0.3 / w.sum() * layer.weight.value.ravel(),
                                               np.zeros(layer.bias.value.size)])
                               for layer in net.layers])
    assert_allclose(extra, expected, atol=1e-15)


def test_deferred_penalty_is_added_inside_the_sgd_step():
    """With the penalty's gradient deferred, the cost is unchanged, ``.grad`` holds ∂C/∂θ only,
    and ScikitSGD's step adds (α/Σw)·W to the weights' gradient, nothing to the biases':
    one step from v = 0 is θ − γ·(g + c·W) − μ·γ·(g + c·W) (Nesterov) on the weights."""
    rng = np.random.default_rng(1)
    net = build_network([3, 4, 2], "tanh", "identity", np.float64, np.random.RandomState(0))
    x, y, w = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), rng.uniform(0.5, 2, 5)
    expected_cost = Objective(net, 0.3, 5)(x, y, w)
    objective = Objective(net, 0.3, 5)
    opt = ScikitSGD(lr=0.1, momentum=0.9, nesterov=True)
    opt.penalty = objective.defer_penalty_gradient()
    assert_array_equal(opt.penalty.segments, [[0, 12, 1], [12, 16, 0], [16, 24, 1], [24, 26, 0]])
    assert objective(x, y, w) == pytest.approx(expected_cost, rel=1e-12)
    assert opt.penalty.factor == pytest.approx(0.3 / w.sum())
    grad, before = net.flat.grad.copy(), net.flat.value.copy()
    Objective(net, 0.0, 5)(x, y, w)
    assert_array_equal(grad, net.flat.grad)  # the data term alone
    decayed = grad + np.concatenate([np.concatenate([0.3 / w.sum() * layer.weight.value.ravel(),
                                                     np.zeros(layer.bias.value.size)])
                                     for layer in net.layers])
    opt.step([net.flat])
    assert_allclose(net.flat.value, before - 0.1 * decayed * (1 + 0.9), rtol=1e-13)
    assert_array_equal(net.flat.grad, grad)


def test_a_state_dict_round_trip_keeps_the_deferred_penalty():
    """load_state_dict restores the velocity and keeps ``penalty``: the second step is the one
    taken without the round trip (with the L2 term, which at α = 1 moves every weight)."""

    def two_steps(round_trip):
        rng = np.random.default_rng(0)
        net = build_network([3, 4, 2], "tanh", "identity", np.float64, np.random.RandomState(0))
        x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
        objective, opt = Objective(net, 1.0, 5), ScikitSGD(lr=0.1)
        opt.penalty = objective.defer_penalty_gradient()
        for step in range(2):
            objective(x, y)
            opt.step([net.flat])
            if round_trip and step == 0:
                opt.load_state_dict(opt.state_dict())
        return net.flat.value.copy()

    assert_array_equal(two_steps(True), two_steps(False))


def test_penalty_segments_must_cover_the_vector_stepped():
    with pytest.raises(ValueError, match="follow each other from 0"):
        L2Gradient([(0, 3, True), (4, 6, False)])
    opt = ScikitSGD(lr=0.1)
    opt.penalty = L2Gradient([(0, 3, True), (3, 5, False)])
    with pytest.raises(ValueError, match="cover 5 parameters, the vector stepped has 7"):
        opt.step([parameter(np.ones(7), np.ones(7))])


def test_initial_weights_are_scikit_learns_glorot_uniform():
    net = build_network([3, 5, 2], "logistic", "softmax", np.float64, np.random.RandomState(7))
    reference = np.random.RandomState(7)
    for (fan_in, fan_out), layer in zip([(3, 5), (5, 2)], net.layers, strict=True):
        bound = np.sqrt(2.0 / (fan_in + fan_out))  # factor 2 for a logistic hidden layer
        assert_array_equal(layer.weight.value, reference.uniform(-bound, bound, (fan_in, fan_out)))
        assert_array_equal(layer.bias.value, reference.uniform(-bound, bound, fan_out))


def test_take_rows_dense_sparse_slice_and_index():
    x = np.arange(20.0).reshape(5, 4)
    out = np.empty((3, 4))
    view = take_rows(x, slice(1, 3), None)
    assert np.shares_memory(view, x)
    assert_array_equal(take_rows(x, np.array([4, 0, 2]), out), x[[4, 0, 2]])
    assert_array_equal(take_rows(sp.csr_matrix(x), np.array([3, 1]), out), x[[3, 1]])
    assert_array_equal(take_rows(sp.csr_matrix(x), slice(2, 5), out), x[2:5])


# --- the compiled loops -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("nesterov", [True, False])
def test_compiled_sgd_and_decay_are_bit_identical_to_numpy(dtype, nesterov, monkeypatch):
    """Three steps of ScikitSGD (the learning rate and the penalty's factor changed in between),
    without and with the penalty's gradient inside the step, and the penalty's gradient alone:
    the compiled loops against the NumPy passes, to the last bit."""
    from neuralab.sklearn import kernels as loops

    rng = np.random.default_rng(0)
    n = kernels.MIN_AUTO_SIZE + 5  # large enough for the loops
    value, grad = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    assert loops.usable(value, grad) == kernels.available()

    penalty = L2Gradient([(0, 9, True), (9, 12, False), (12, n, True)])  # weights, biases, …

    def three_steps(with_penalty):
        p = Parameter(value.copy())
        p.grad = grad.copy()
        opt = ScikitSGD(lr=0.05, momentum=0.9, nesterov=nesterov)
        opt.penalty = penalty if with_penalty else None
        for lr, factor in ((0.05, 0.3), (0.05, 0.2), (0.01, 0.2)):
            opt.lr, penalty.factor = lr, factor
            opt.step([p])
        assert_array_equal(p.grad, grad)  # the penalty's term never lands in .grad
        return p.value, opt.state[0]["velocity"]

    compiled = [*three_steps(False), *three_steps(True)]

    decayed = grad.copy()
    if loops.usable(decayed, value):
        loops.add_decay(decayed, value, 0.3)
    monkeypatch.setattr(loops, "usable", lambda *arrays: False)
    for ours, reference in zip(compiled, [*three_steps(False), *three_steps(True)], strict=True):
        assert_array_equal(ours, reference)
    assert not np.array_equal(compiled[0], compiled[2])  # the penalty did change the steps
    if kernels.available():
        assert_array_equal(decayed, grad + value * dtype(0.3))
