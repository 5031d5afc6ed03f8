"""Parameter, Dense and Dropout: values against formulas, gradients against central differences."""

import numpy as np
import pytest

from neuralab.gradcheck import numerical_gradient, relative_error
from neuralab.layers import Dense, Dropout, Parameter


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- Parameter --------------------------------------------------------------------------------


def test_parameter_starts_with_zero_grad_of_same_shape_and_dtype():
    p = Parameter(np.ones((2, 3), np.float32), name="w")
    assert p.grad.shape == (2, 3) and p.grad.dtype == np.float32
    assert not p.grad.any()
    assert p.size == 6 and "w" in repr(p)


def test_parameter_value_assignment_copies_into_existing_storage():
    storage = np.zeros(6)
    p = Parameter(storage[:4].reshape(2, 2), "w", grad=np.zeros((2, 2)))
    p.value = [[1, 2], [3, 4]]
    assert storage.tolist() == [1, 2, 3, 4, 0, 0]  # the view was written, not replaced
    p.value[...] = 7
    assert storage.tolist() == [7, 7, 7, 7, 0, 0]
    p.value -= 2  # in-place update hands back the same array
    assert storage.tolist() == [5, 5, 5, 5, 0, 0]


def test_parameter_move_to_keeps_the_numbers_in_new_storage():
    p = Parameter(np.array([[1.0, 2.0]]), "w")
    p.grad = [[3.0, 4.0]]
    values, grads = np.zeros(5), np.zeros(5)
    p.move_to(values[1:3].reshape(1, 2), grads[1:3].reshape(1, 2))
    assert values.tolist() == [0, 1, 2, 0, 0] and grads.tolist() == [0, 3, 4, 0, 0]
    p.value -= 1  # the parameter now lives in the new storage
    assert values.tolist() == [0, 0, 1, 0, 0]


def test_parameter_rejects_an_array_of_another_shape():
    p = Parameter(np.zeros((2, 3)), name="layers.0.weight")
    with pytest.raises(ValueError, match=r"layers\.0\.weight\.value of shape \(2, 3\)"):
        p.value = np.zeros((3, 2))
    with pytest.raises(ValueError, match="grad"):
        p.grad = np.zeros(5)


# --- Dense --------------------------------------------------------------------------------------


def test_dense_forward_matches_formula():
    layer = Dense(3, 2, activation="sigmoid", dtype="float64", seed=0)
    layer.weight.value = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]
    layer.bias.value = [0.05, -0.05]
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    expected = np.empty((2, 2))
    for n in range(2):  # a_j = σ(Σ_i x_i W_ij + b_j), written out element by element
        for j in range(2):
            z = sum(x[n, i] * layer.weight.value[i, j] for i in range(3)) + layer.bias.value[j]
            expected[n, j] = sigmoid(z)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12)


def test_dense_default_init_is_he_for_relu_and_xavier_for_tanh():
    relu = Dense(400, 300, activation="relu", seed=0)
    tanh = Dense(400, 300, activation="tanh", seed=0)
    assert relu.weight.value.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.weight.value.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert not relu.bias.value.any()
    assert relu.weight.value.dtype == np.float32


def test_dense_same_seed_same_weights():
    a, b = Dense(5, 4, seed=3), Dense(5, 4, seed=3)
    np.testing.assert_array_equal(a.weight.value, b.weight.value)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "softmax", None])
def test_dense_backward_matches_central_differences(activation):
    rng = np.random.default_rng(1)
    layer = Dense(4, 3, activation=activation, dtype="float64", seed=2)
    x = rng.standard_normal((5, 4))
    g = rng.standard_normal((5, 3))  # C = Σ g · a, so ∂C/∂a = g

    def cost(param_value, param):
        saved = param.value.copy()
        param.value = param_value
        value = np.sum(g * layer.forward(x))
        param.value = saved
        return value

    layer.forward(x)
    grad_x = layer.backward(g)
    numeric_x = numerical_gradient(lambda t: np.sum(g * layer.forward(t)), x)
    assert relative_error(grad_x, numeric_x) < 1e-6
    for param in layer.parameters():
        numeric = numerical_gradient(lambda v, p=param: cost(v, p), param.value)
        assert relative_error(param.grad, numeric) < 1e-6


def test_dense_backward_accumulates_and_overwrites_with_accumulate_false():
    rng = np.random.default_rng(0)
    layer = Dense(3, 2, activation="tanh", dtype="float64", seed=0)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(x)
    layer.backward(g)
    once = layer.weight.grad.copy()
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    # the training path: same numbers, written over the old gradient instead of added to it
    work = layer.workspace(8, need_input_grad=True)
    layer.forward(x, work=work)
    grad_in = layer.backward(g.copy(), work=work, accumulate=False)
    np.testing.assert_allclose(layer.weight.grad, once, rtol=1e-12)
    assert np.shares_memory(grad_in, work.grad_in)
    layer.forward(x)
    np.testing.assert_allclose(grad_in, layer.backward(g), rtol=1e-12)


def test_dense_workspace_skips_input_gradient_for_first_layer():
    layer = Dense(3, 2, dtype="float64", seed=0)
    work = layer.workspace(4, need_input_grad=False)
    layer.forward(np.ones((4, 3)), work=work)
    assert layer.backward_delta(np.ones((4, 2)), work=work, accumulate=False) is None
    np.testing.assert_allclose(layer.weight.grad, np.full((3, 2), 4.0))
    np.testing.assert_allclose(layer.bias.grad, [4.0, 4.0])


def test_dense_without_bias():
    layer = Dense(3, 2, bias=False, seed=0)
    assert layer.bias is None and layer.parameters() == [layer.weight]


def test_dense_backward_before_forward_is_an_error():
    with pytest.raises(ValueError, match="forward"):
        Dense(2, 2).backward(np.ones((1, 2)))


@pytest.mark.parametrize(
    "kwargs, match",
    [({"in_features": 0}, "in_features"), ({"out_features": 2.5}, "out_features"),
     ({"dtype": "int32"}, "dtype"), ({"activation": "nope"}, "nope"), ({"init": "nope"}, "nope")],
)
def test_dense_bad_arguments(kwargs, match):
    args = {"in_features": 2, "out_features": 2, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        Dense(**args)


# --- Dropout ------------------------------------------------------------------------------------


def test_dropout_is_the_identity_outside_training():
    x = np.arange(12.0).reshape(3, 4)
    layer = Dropout(0.5, seed=0)
    assert layer.forward(x) is x
    assert layer.backward(x) is x


def test_dropout_zeroes_and_rescales_in_training():
    x = np.ones((200, 50), np.float32)
    layer = Dropout(0.3, seed=0)
    a = layer.forward(x, training=True)
    assert a.dtype == np.float32
    kept = a != 0
    np.testing.assert_allclose(a[kept], 1 / 0.7, rtol=1e-6)  # inverted dropout: x / (1 − p)
    assert kept.mean() == pytest.approx(0.7, abs=0.02)
    assert a.mean() == pytest.approx(1.0, abs=0.03)  # E[a] = x
    g = np.full_like(x, 2.0)
    np.testing.assert_array_equal(layer.backward(g), np.where(kept, 2 / 0.7, 0).astype(np.float32))


def test_dropout_draws_a_new_mask_each_call_and_is_seeded():
    x = np.ones((10, 10))
    a, b = Dropout(0.5, seed=4), Dropout(0.5, seed=4)
    first = a.forward(x, training=True)
    np.testing.assert_array_equal(first, b.forward(x, training=True))
    assert not np.array_equal(first, a.forward(x, training=True))


@pytest.mark.parametrize("rate", [-0.1, 1.0, "half"])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ValueError, match="rate"):
        Dropout(rate)
