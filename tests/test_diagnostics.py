"""gradient_check over every activation × loss pair; layer_stats against hand computations."""

import numpy as np
import pytest

from neuralab import activations
from neuralab.diagnostics import STATS, BatchStats, current_stats, gradient_check, layer_stats
from neuralab.layers import Dense
from neuralab.network import Network, mlp

# every loss with the output activations it allows (quadratic and mse take any)
PAIRS = [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")] + [
    (loss, output) for loss in ("quadratic", "mse")
    for output in ("identity", "sigmoid", "tanh", "softmax")]


def targets_for(loss, n, k, rng):
    if loss == "cross_entropy":
        return rng.integers(0, k, n)
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.uniform(0, 1, (n, k))


@pytest.mark.parametrize("loss, output", PAIRS)
@pytest.mark.parametrize("hidden", activations.names())
def test_backprop_matches_central_differences(hidden, loss, output):
    rng = np.random.default_rng(0)
    net = mlp([3, 5, 4, 4, 3], activation=hidden, output=output, loss=loss, seed=1,
              dtype="float64")
    for layer in net.layers:  # non-zero biases, so every term of the gradient is exercised
        layer.bias.value = rng.uniform(-0.5, 0.5, layer.out_features)
    x = rng.standard_normal((6, 3))
    assert gradient_check(net, x, targets_for(loss, 6, 3, rng)) < 1e-6


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    net = mlp([3, 4, 2], activation="tanh", seed=0, dtype="float64")
    x, y = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    assert gradient_check(net, x, y) < 1e-6
    original = Dense.backward_delta

    def forgets_half_of_bias_gradient(self, delta, work=None, accumulate=True):
        grad_in = original(self, delta, work, accumulate)
        self.bias.grad *= 0.5
        return grad_in

    monkeypatch.setattr(Dense, "backward_delta", forgets_half_of_bias_gradient)
    assert gradient_check(net, x, y) > 0.1


def test_gradient_check_leaves_backprop_gradients_and_weights():
    net = mlp([3, 4, 2], seed=0, dtype="float64")
    x, y = np.random.default_rng(0).standard_normal((5, 3)), np.array([0, 1, 1, 0, 1])
    before = net.flat.value.copy()
    gradient_check(net, x, y)
    np.testing.assert_array_equal(net.flat.value, before)
    grads = net.flat.grad.copy()
    net.zero_grad()
    net.forward(x)
    net.backward(y)
    np.testing.assert_array_equal(net.flat.grad, grads)


def test_gradient_check_needs_float64():
    with pytest.raises(ValueError, match="float64"):
        gradient_check(mlp([2, 3, 2]), np.ones((2, 2)), [0, 1])


def test_layer_stats_match_hand_computation():
    rng = np.random.default_rng(0)
    net = mlp([4, 6, 5, 3], activation="sigmoid", seed=0, dtype="float64")
    net.layers[0].weight.value *= 8  # push some units into the flat tails
    x, y = rng.standard_normal((2500, 4)), rng.integers(0, 3, 2500)  # 3 chunks of ≤ 1,024 rows
    stats = layer_stats(net, x, y)
    assert [s["layer"] for s in stats] == [0, 1, 2]
    net.zero_grad()  # the whole data in one pass, for reference
    net.forward(x)
    net.backward(y)
    a = x
    for s, layer in zip(stats, net.layers, strict=True):
        a = layer.activation.forward(a @ layer.weight.value + layer.bias.value)
        assert set(s) == {"layer", "activation", *STATS}
        assert s["grad_norm_weight"] == pytest.approx(np.sqrt(np.sum(layer.weight.grad ** 2)))
        assert s["grad_norm_bias"] == pytest.approx(np.sqrt(np.sum(layer.bias.grad ** 2)))
        assert s["activation_mean"] == pytest.approx(a.mean())
        assert s["activation_std"] == pytest.approx(a.std())
        assert s["dead_fraction"] == 0.0
    first = net.layers[0].activation.forward(x @ net.layers[0].weight.value
                                             + net.layers[0].bias.value)
    expected = np.mean(first * (1 - first) < 0.01 * 0.25)  # σ′ = a(1 − a), max 1/4
    assert stats[0]["saturated_fraction"] == pytest.approx(expected)
    assert 0.05 < expected < 0.95
    assert stats[2]["saturated_fraction"] is None  # softmax has no elementwise derivative


def test_layer_stats_count_dead_relu_units():
    net = Network([Dense(2, 4, "relu", dtype="float64"), Dense(4, 2, "softmax", dtype="float64")])
    net.layers[0].weight.value = [[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, 1.0]]
    net.layers[0].bias.value = [0.0, -0.5, 0.0, 0.0]
    x = np.array([[1.0, 2.0], [2.0, 1.0], [0.5, 0.5]])  # positive inputs: unit 1 never fires
    stats = layer_stats(net, x, [0, 1, 0])
    assert stats[0]["dead_fraction"] == 0.25
    z = x @ net.layers[0].weight.value + net.layers[0].bias.value
    assert stats[0]["saturated_fraction"] == pytest.approx(np.mean(z <= 0))  # relu′ = 0 there
    column = net.layers[0].weight.grad[:, 1]
    assert not column.any()  # a dead unit gets no gradient


def test_fit_with_monitor_records_layer_stats_each_epoch():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((300, 4)).astype(np.float32), rng.integers(0, 3, 300)
    net = mlp([4, 8, 8, 3], activation="relu", seed=0)
    history = net.fit(x, y, epochs=3, monitor=True, seed=0)
    for i in range(3):
        for stat in STATS:
            assert len(history.history[f"layers.{i}.{stat}"]) == 3
    final = layer_stats(net, x, y)  # monitor measured after the last epoch, with these weights
    for i, stats in enumerate(final):
        for stat in ("grad_norm_weight", "activation_mean", "dead_fraction"):
            assert history.history[f"layers.{i}.{stat}"][-1] == pytest.approx(stats[stat],
                                                                               rel=1e-5)
    assert history.history["layers.2.saturated_fraction"] == [None] * 3


def test_current_stats_read_the_last_batch_without_a_new_pass():
    rng = np.random.default_rng(0)
    net = mlp([3, 6, 2], activation="relu", seed=0, dtype="float64")
    x, y = rng.standard_normal((8, 3)), rng.integers(0, 2, 8)
    net.forward(x)
    net.backward(y)
    hidden = net.layers[0]
    a = np.maximum(x @ hidden.weight.value + hidden.bias.value, 0)  # the formula, by hand
    first = current_stats(net)[0]
    assert first["activation_mean"] == pytest.approx(a.mean())
    assert first["activation_std"] == pytest.approx(a.std())
    assert first["dead_fraction"] == pytest.approx(np.mean((a == 0).all(axis=0)))
    assert first["saturated_fraction"] == pytest.approx(np.mean(a == 0))  # relu′ = 0 for z ≤ 0
    assert first["grad_norm_bias"] == pytest.approx(np.linalg.norm(hidden.bias.grad))
    # the same numbers as layer_stats over the same rows
    for got, ref in zip(current_stats(net), layer_stats(net, x, y), strict=True):
        for key in STATS:
            assert got[key] == pytest.approx(ref[key])


def test_current_stats_needs_a_forward_pass():
    with pytest.raises(ValueError, match="forward"):
        current_stats(mlp([3, 4, 2], seed=0))


def test_batch_stats_keeps_the_statistics_of_every_kth_step():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((40, 3)), rng.integers(0, 2, 40)
    every_step, every_third = BatchStats(), BatchStats(every=3)
    net = mlp([3, 5, 2], activation="sigmoid", seed=0)
    net.fit(x, y, epochs=2, batch_size=10, callbacks=[every_step, every_third], seed=0)
    assert len(every_step.stats) == 8 and len(every_third.stats) == 3  # steps 0, 3, 6
    assert every_third.stats[1] == every_step.stats[3]
    assert all(len(step) == 2 for step in every_step.stats)  # one dict per Dense layer
    speeds = [step[0]["grad_norm_bias"] for step in every_step.stats]
    assert len(set(speeds)) == len(speeds)  # a different batch, a different gradient
    with pytest.raises(ValueError, match="every"):
        BatchStats(every=0)


def test_frozen_units_are_saturated_on_every_sample():
    """A sigmoid unit pinned at 1 (z ≥ 10 everywhere) is frozen, not dead; a unit that is
    flat on some samples only is neither."""
    net = Network([Dense(1, 3, "sigmoid", dtype="float64"), Dense(3, 2, "softmax",
                                                                 dtype="float64")])
    net.layers[0].weight.value = [[0.0, 10.0, 1.0]]
    net.layers[0].bias.value = [20.0, 0.0, 0.0]
    x = np.array([[-1.0], [0.0], [1.0]])  # unit 0: z = 20 always; unit 1: z = −10, 0, 10
    stats = layer_stats(net, x, [0, 1, 0])[0]
    slope = lambda z: 1 / (1 + np.exp(-z)) * (1 - 1 / (1 + np.exp(-z)))  # noqa: E731
    assert slope(20.0) < 0.01 * 0.25 < slope(0.0)  # the threshold: 1% of σ′'s maximum
    assert stats["frozen_fraction"] == pytest.approx(1 / 3)  # unit 0 only
    assert stats["dead_fraction"] == 0.0  # a sigmoid is never exactly 0
    assert stats["saturated_fraction"] == pytest.approx(5 / 9)  # unit 0 ×3, unit 1 at ±10
    assert layer_stats(net, x, [0, 1, 0])[1]["frozen_fraction"] is None  # softmax


def test_a_dead_relu_is_frozen_too():
    net = Network([Dense(2, 2, "relu", dtype="float64"), Dense(2, 2, "softmax", dtype="float64")])
    net.layers[0].weight.value = [[1.0, -1.0], [1.0, -1.0]]
    stats = layer_stats(net, np.array([[1.0, 1.0], [2.0, 0.5]]), [0, 1])[0]
    assert stats["dead_fraction"] == stats["frozen_fraction"] == 0.5
