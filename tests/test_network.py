"""Network and mlp(): construction checks, the flat buffers, forward/backward, predict, evaluate."""

import numpy as np
import pytest

from neuralab.gradcheck import numerical_gradient, relative_error
from neuralab.layers import Dense, Dropout
from neuralab.network import Network, mlp


def reference_forward(x, weights, biases):
    """tanh hidden layers and a softmax output, written from the formulas."""
    a = x
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        a = np.tanh(a @ W + b)
    z = a @ weights[-1] + biases[-1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_forward_matches_numpy_reference():
    net = mlp([3, 4, 5, 2], activation="tanh", seed=0, dtype="float64")
    x = np.random.default_rng(1).standard_normal((6, 3))
    weights = [layer.weight.value for layer in net.layers]
    biases = [np.linspace(-1, 1, layer.out_features) for layer in net.layers]
    for layer, b in zip(net.layers, biases, strict=True):
        layer.bias.value = b
    np.testing.assert_allclose(net.forward(x), reference_forward(x, weights, biases), rtol=1e-12)


def test_backward_matches_central_differences_and_returns_the_loss():
    net = mlp([3, 4, 3], activation="sigmoid", seed=0, dtype="float64")
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])
    net.zero_grad()
    net.forward(x)
    loss = net.backward(y)
    probs = net.predict(x)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(5), y])), rel=1e-12)
    for p in net.parameters():
        def cost(v, p=p):
            saved = p.value.copy()
            p.value = v
            value = net.loss.value(net.forward(x), y)
            p.value = saved
            return value
        assert relative_error(p.grad, numerical_gradient(cost, p.value)) < 1e-6


def test_parameters_are_views_into_one_flat_buffer():
    net = mlp([4, 3, 2], seed=0)
    flat = net.flat
    params = net.parameters()
    assert [p.name for p in params] == [
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
    assert flat.value.size == sum(p.size for p in params) == 4 * 3 + 3 + 3 * 2 + 2
    for p in params:
        assert np.shares_memory(p.value, flat.value) and np.shares_memory(p.grad, flat.grad)
    net.layers[0].weight.value = np.full((4, 3), 0.5)  # assignment keeps the view
    net.layers[1].bias.value[...] = 2.0
    assert np.all(flat.value[:12] == 0.5) and np.all(flat.value[-2:] == 2.0)
    flat.grad[:] = 1.0
    net.zero_grad()
    assert not any(p.grad.any() for p in params)


def test_mlp_picks_output_from_loss_and_init_from_activation():
    assert mlp([2, 3, 4]).layers[-1].activation.name == "softmax"
    assert mlp([2, 3, 1], loss="binary_cross_entropy").layers[-1].activation.name == "sigmoid"
    assert mlp([2, 3, 1], loss="mse").layers[-1].activation.name == "identity"
    net = mlp([2, 3, 1], activation="tanh", output="sigmoid", loss="quadratic")
    assert [layer.activation.name for layer in net.layers] == ["tanh", "sigmoid"]
    wide = mlp([500, 400, 10], activation="relu", seed=0)
    assert wide.layers[0].weight.value.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    nielsen = mlp([500, 400, 10], activation="sigmoid", init="lecun_normal", seed=0)
    assert nielsen.layers[0].weight.value.std() == pytest.approx(np.sqrt(1 / 500), rel=0.02)


def test_mlp_same_seed_same_weights_and_dtype():
    a, b = mlp([5, 4, 3], seed=7), mlp([5, 4, 3], seed=7)
    np.testing.assert_array_equal(a.flat.value, b.flat.value)
    assert a.flat.value.dtype == np.float32
    assert mlp([5, 4, 3], dtype="float64").flat.value.dtype == np.float64


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"loss": "cross_entropy", "output": "sigmoid"}, "needs a 'softmax' output"),
        ({"loss": "binary_cross_entropy", "output": "softmax"}, "needs a 'sigmoid' output"),
        ({"loss": "nope"}, "unknown loss"),
        ({"activation": "nope"}, "nope"),
    ],
)
def test_mlp_rejects_bad_combinations(kwargs, match):
    with pytest.raises(ValueError, match=match):
        mlp([2, 3, 2], **kwargs)


def test_mlp_rejects_an_unknown_activation_even_without_hidden_layers():
    with pytest.raises(ValueError, match="unknown activation 'nope'"):
        mlp([2, 2], activation="nope")


def test_mse_and_quadratic_take_any_output():
    for output in ("sigmoid", "softmax", "tanh", "identity"):
        for loss in ("mse", "quadratic"):
            assert mlp([2, 3, 2], output=output, loss=loss).loss.name == loss


def test_construction_errors():
    with pytest.raises(ValueError, match="at least 2 output units"):
        mlp([2, 3, 1], loss="cross_entropy")
    with pytest.raises(ValueError, match="layer 2 expects 5 input features but layer 1 gives 4"):
        Network([Dense(3, 4), Dense(5, 2, "softmax")])
    with pytest.raises(ValueError, match="last layer must be Dense"):
        Network([Dense(3, 2, "softmax"), Dropout(0.5)])
    with pytest.raises(ValueError, match="one dtype"):
        Network([Dense(3, 4), Dense(4, 2, "softmax", dtype="float64")])
    with pytest.raises(TypeError, match="Dense or Dropout"):
        Network([np.eye(3)])
    with pytest.raises(ValueError, match="sizes"):
        mlp([5])


def test_predict_in_chunks_equals_one_forward_pass():
    net = mlp([8, 16, 3], seed=0)
    x = np.random.default_rng(0).standard_normal((2500, 8)).astype(np.float32)
    out = net.predict(x)
    assert out.shape == (2500, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out, net.forward(x), rtol=1e-5)  # BLAS blocks differ
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(net.predict_classes(x), out.argmax(axis=1))


def test_predict_classes_thresholds_a_single_sigmoid_unit():
    net = Network([Dense(1, 1, "sigmoid", dtype="float64")], loss="binary_cross_entropy")
    net.layers[0].weight.value = [[1.0]]
    x = np.array([[-2.0], [-0.1], [0.1], [3.0]])
    np.testing.assert_array_equal(net.predict_classes(x), [0, 0, 1, 1])


def test_evaluate_loss_and_accuracy_match_the_formulas():
    net = mlp([4, 6, 3], seed=0, dtype="float64")
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3000, 4)), rng.integers(0, 3, 3000)
    probs = net.predict(x)
    result = net.evaluate(x, y)
    assert result["loss"] == pytest.approx(-np.mean(np.log(probs[np.arange(3000), y])), rel=1e-10)
    assert result["accuracy"] == pytest.approx(np.mean(probs.argmax(axis=1) == y))
    one_hot = np.eye(3)[y]
    assert net.evaluate(x, one_hot) == pytest.approx(result)
    w = rng.random(3000)
    weighted = net.evaluate(x, y, sample_weight=w)
    assert weighted["accuracy"] == pytest.approx(np.sum(w * (probs.argmax(axis=1) == y)) / w.sum())


def test_regression_network_reports_loss_only():
    net = mlp([2, 4, 1], loss="mse", seed=0)
    x = np.ones((5, 2), np.float32)
    result = net.evaluate(x, np.zeros(5))
    assert set(result) == {"loss"}
    assert result["loss"] == pytest.approx(float(np.mean(net.predict(x) ** 2)), rel=1e-5)


def test_quadratic_loss_with_class_labels_uses_one_hot_targets_and_reports_accuracy():
    net = mlp([2, 4, 3], activation="sigmoid", output="sigmoid", loss="quadratic", seed=0)
    x = np.random.default_rng(0).standard_normal((10, 2)).astype(np.float32)
    y = np.arange(10) % 3
    a = net.predict(x)
    result = net.evaluate(x, y)
    assert result["loss"] == pytest.approx(np.sum((a - np.eye(3)[y]) ** 2) / 20, rel=1e-5)
    assert result["accuracy"] == pytest.approx(np.mean(a.argmax(axis=1) == y))


def test_state_dict_round_trip():
    a, b = mlp([3, 4, 2], seed=0), mlp([3, 4, 2], seed=1)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.flat.value, b.flat.value)
    with pytest.raises(ValueError, match="missing"):
        b.load_state_dict({"layers.0.weight": np.zeros((3, 4))})


def test_float32_stays_float32():
    net = mlp([3, 4, 2], seed=0)
    x64 = np.ones((2, 3))  # float64 input is cast to the network's dtype once
    assert net.forward(x64).dtype == np.float32
    assert net.predict(x64).dtype == np.float32


def test_dropout_network_is_deterministic_in_prediction():
    net = Network([Dense(4, 8, "relu", seed=0), Dropout(0.5, seed=0), Dense(8, 2, "softmax")])
    x = np.ones((3, 4), np.float32)
    np.testing.assert_array_equal(net.predict(x), net.predict(x))
    assert not np.array_equal(net.forward(x, training=True), net.predict(x))


def test_repr_lists_layers():
    text = repr(mlp([2, 3, 2]))
    assert "Dense(2, 3" in text and "cross_entropy" in text


def dropout_net():
    return Network([Dense(4, 8, "tanh", dtype="float64", seed=0), Dropout(0.5, seed=1),
                    Dense(8, 6, "relu", dtype="float64", seed=2), Dropout(0.3, seed=3),
                    Dense(6, 3, "softmax", dtype="float64", seed=4)])


def test_training_step_gives_the_same_gradients_as_forward_and_backward():
    x = np.random.default_rng(0).standard_normal((7, 4))
    y = np.array([0, 1, 2, 0, 1, 2, 0])
    public, fast = dropout_net(), dropout_net()  # same weights, same dropout masks
    public.forward(x, training=True)
    loss = public.backward(y)
    fast.flat.grad[:] = 123.0  # with a workspace, gradients are overwritten instead of added
    work = fast.workspace(10)
    targets, _ = fast.prepare_targets(y, len(x))
    out = fast.forward(x, training=True, check=False, workspace=work)
    fast_loss = fast.backward(targets, check=False, workspace=work)
    assert fast_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(out, public.layers[-1].a, rtol=1e-12)
    assert np.shares_memory(out, work[-1].a)  # written into the workspace, not allocated
    np.testing.assert_allclose(fast.flat.grad, public.flat.grad, rtol=1e-10, atol=1e-15)
    fast.clear()
    assert fast.layers[0].x is None


def test_dropout_network_trains():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 4)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    net = Network([Dense(4, 64, "relu", seed=0), Dropout(0.2, seed=1), Dense(64, 2, "softmax",
                                                                           seed=2)])
    net.fit(x, y, epochs=60, lr=0.01, seed=0)
    assert net.evaluate(x, y)["accuracy"] > 0.9
