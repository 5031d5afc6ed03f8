"""Tests for neuralab.initializers: shapes, dtypes, distributions, seeding, registry."""

import math

import numpy as np
import pytest

from neuralab import initializers

FAN_IN, FAN_OUT = 400, 250  # 100,000 draws: sample std within ~0.5% of the true one

# name -> ("normal", std) or ("uniform", bound), written from the formulas in torch.nn.init
EXPECTED = {
    "standard_normal": ("normal", 1.0),
    "lecun_normal": ("normal", math.sqrt(1 / FAN_IN)),
    "xavier_normal": ("normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
    "he_normal": ("normal", math.sqrt(2 / FAN_IN)),
    "xavier_uniform": ("uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "he_uniform": ("uniform", math.sqrt(6 / FAN_IN)),
}


def test_every_registered_name_is_tested():
    assert sorted(initializers.names()) == sorted([*EXPECTED, "zeros"])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_dtype_and_distribution(name, dtype):
    kind, param = EXPECTED[name]
    w = initializers.get(name)(FAN_IN, FAN_OUT, np.random.default_rng(0), dtype)
    assert w.shape == (FAN_IN, FAN_OUT)
    assert w.dtype == np.dtype(dtype)
    std = param if kind == "normal" else param / math.sqrt(3)  # Var U(-b, b) = b²/3
    assert abs(w.mean()) < 0.02 * std
    assert w.std() == pytest.approx(std, rel=0.01)
    if kind == "uniform":
        assert np.abs(w).max() <= param
        assert np.abs(w).max() > 0.999 * param  # the whole interval is used


def test_zeros():
    w = initializers.zeros(3, 5, None, "float64")
    assert w.shape == (3, 5) and w.dtype == np.float64 and not w.any()
    assert initializers.get("zeros")(2, 2, np.random.default_rng(0)).dtype == np.float32


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_same_seed_same_weights_and_different_seed_different_weights(name):
    init = initializers.get(name)
    w1 = init(20, 30, np.random.default_rng(7), "float32")
    w2 = init(20, 30, np.random.default_rng(7), "float32")
    w3 = init(20, 30, np.random.default_rng(8), "float32")
    np.testing.assert_array_equal(w1, w2)
    assert not np.array_equal(w1, w3)
    np.testing.assert_array_equal(init(20, 30, 7), w1)  # an int seed works too


def test_global_numpy_state_is_untouched():
    before = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy state is the point)
    initializers.he_normal(10, 10, np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_get_names_aliases_and_callables():
    assert initializers.get("He-Normal") is initializers.he_normal
    assert initializers.get("glorot_uniform") is initializers.xavier_uniform
    assert initializers.get("kaiming_uniform") is initializers.he_uniform

    def custom(fan_in, fan_out, rng, dtype="float32"):
        return np.ones((fan_in, fan_out), dtype)

    assert initializers.get(custom) is custom


@pytest.mark.parametrize("bad", ["nope", None, 3])
def test_get_unknown_lists_known_names(bad):
    with pytest.raises(ValueError, match="known names: he_normal, he_uniform, lecun_normal, "
                                         "standard_normal, xavier_normal, xavier_uniform, zeros"):
        initializers.get(bad)


def test_names_are_sorted_and_aliases_are_listed_apart():
    assert initializers.names() == sorted(initializers.names())
    assert initializers.REGISTRY.aliases() == {
        "glorot_normal": "xavier_normal", "glorot_uniform": "xavier_uniform",
        "kaiming_normal": "he_normal", "kaiming_uniform": "he_uniform"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 3), "fan_in must be an integer >= 1, got 0"),
        ((3, 2.5), "fan_out must be an integer >= 1, got 2.5"),
        ((3, True), "fan_out must be an integer >= 1, got True"),
    ],
)
def test_bad_fans(args, message):
    with pytest.raises(ValueError, match=message):
        initializers.he_normal(*args, np.random.default_rng(0))


def test_bad_dtype():
    for dtype in ("int32", "float16"):
        with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64', got "):
            initializers.xavier_uniform(2, 3, np.random.default_rng(0), dtype)


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("relu", "he_normal"),
        ("leaky_relu", "he_normal"),
        ("Leaky-ReLU", "he_normal"),
        ("elu", "he_normal"),
        ("gelu", "he_normal"),
        ("gelu_tanh", "he_normal"),
        ("silu", "he_normal"),
        ("Swish", "he_normal"),  # an alias of silu
        ("sigmoid", "xavier_uniform"),
        ("logistic", "xavier_uniform"),
        ("selu", "xavier_uniform"),
        ("no_such_activation", "xavier_uniform"),
        ("tanh", "xavier_uniform"),
        ("softmax", "xavier_uniform"),
        ("identity", "xavier_uniform"),
        (None, "xavier_uniform"),
    ],
)
def test_default_for(activation, expected):
    assert initializers.default_for(activation) == expected


def test_default_for_accepts_an_object_with_a_name():
    class Fake:
        name = "relu"

    assert initializers.default_for(Fake()) == "he_normal"
