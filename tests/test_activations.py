"""Tests for neuralab.activations.

Forward values against references written from each formula with ``math``; derivatives and
backward against central differences in float64; softmax against its full Jacobian; the
conventions at kinks against torch's; safety at extreme inputs; the registry; the attributes
the lab reads, each checked against numbers measured from the function itself.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuralab import activations
from neuralab.activations import ELU, SELU, LeakyReLU, ReLU, Softmax, Softplus, get, names

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
GELU_TANH_SCALE = math.sqrt(2 / math.pi)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def _gelu_tanh(x):
    return 0.5 * x * (1 + math.tanh(GELU_TANH_SCALE * (x + 0.044715 * x**3)))


# f(x) for one float, written from the definitions in torch.nn.functional's documentation.
REFERENCES = {
    "identity": lambda x: x,
    "sigmoid": _sigmoid,
    "tanh": math.tanh,
    "relu": lambda x: max(x, 0.0),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "elu": lambda x: x if x > 0 else math.expm1(x),
    "selu": lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * math.expm1(x)),
    "softplus": lambda x: x if x > 20 else math.log1p(math.exp(x)),
    "gelu": lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
    "gelu_tanh": _gelu_tanh,
    "silu": lambda x: x * _sigmoid(x),
    "softsign": lambda x: x / (1 + abs(x)),
}
ELEMENTWISE = sorted(REFERENCES)
ALL = ELEMENTWISE + ["softmax"]
GRID = np.concatenate([np.linspace(-8, 8, 321), [-30.0, -20.0, 19.5, 20.0, 20.5, 30.0]])
SMOOTH_GRID = np.linspace(-6, 6, 241)[np.abs(np.linspace(-6, 6, 241)) > 1e-3]  # 0 is a kink


def reference(fn, z):
    return np.vectorize(fn, otypes=[np.float64])(z)


def softmax_reference(z):
    rows = []
    for row in np.atleast_2d(z):
        exps = [math.exp(v - max(row)) for v in row]
        rows.append([e / sum(exps) for e in exps])
    return np.array(rows).reshape(z.shape)


def central_difference(f, z, h=1e-6):
    """(f(z + h) − f(z − h)) / 2h elementwise: f′ with O(h²) truncation error (float64)."""
    return (f(z + h) - f(z - h)) / (2 * h)


def relative_error(analytic, numeric, floor=1e-4):
    """max |a − n| / max(|a| + |n|, floor).

    Relative where the values are large; where both are below ``floor`` (a derivative crossing
    zero), an absolute error scaled by 1/floor, since central differences carry ~1e-11 of
    rounding noise there.
    """
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(np.max(np.abs(analytic - numeric) / scale))


away_from_kinks = hnp.arrays(
    np.float64,
    st.integers(1, 16),
    elements=st.floats(1e-3, 8) | st.floats(-8, -1e-3),
)


# ---- forward against the formulas ----------------------------------------------------------


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_matches_formula_float64(name):
    expected = reference(REFERENCES[name], GRID)
    np.testing.assert_allclose(get(name).forward(GRID), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_matches_formula_float32(name):
    z = GRID.astype(np.float32)
    a = get(name).forward(z)
    assert a.dtype == np.float32
    expected = reference(REFERENCES[name], z.astype(np.float64))
    np.testing.assert_allclose(a, expected, rtol=2e-6, atol=1e-6)


def test_softmax_forward_matches_formula_and_sums_to_one():
    z = np.random.default_rng(0).normal(scale=3, size=(5, 7))
    a = Softmax().forward(z)
    np.testing.assert_allclose(a, softmax_reference(z), rtol=1e-13)
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(Softmax().forward(z[0]), softmax_reference(z[0]), rtol=1e-13)


def test_parametrised_forward_matches_formula():
    np.testing.assert_allclose(
        LeakyReLU(0.2).forward(GRID), reference(lambda x: x if x > 0 else 0.2 * x, GRID)
    )
    np.testing.assert_allclose(
        ELU(alpha=0.5).forward(GRID), reference(lambda x: x if x > 0 else 0.5 * math.expm1(x), GRID)
    )

    def softplus(x, beta=2.0, threshold=5.0):
        return x if beta * x > threshold else math.log1p(math.exp(beta * x)) / beta

    np.testing.assert_allclose(
        Softplus(beta=2.0, threshold=5.0).forward(GRID), reference(softplus, GRID), rtol=1e-12
    )


# ---- derivative and backward against central differences -----------------------------------


def _check_derivative_and_backward(name, z):
    act = get(name)
    numeric = central_difference(act.forward, z)
    assert relative_error(act.derivative(z), numeric) < 1e-6
    grad_a = np.random.default_rng(1).standard_normal(z.shape)
    assert relative_error(act.backward(z, act.forward(z), grad_a), grad_a * numeric) < 1e-6


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_and_backward_on_grid(name):
    _check_derivative_and_backward(name, SMOOTH_GRID)


@pytest.mark.parametrize("name", ELEMENTWISE)
@settings(deadline=None, max_examples=25)
@given(z=away_from_kinks)
def test_derivative_and_backward_on_random_inputs(name, z):
    _check_derivative_and_backward(name, z)


@pytest.mark.parametrize(
    "act", [LeakyReLU(0.2), ELU(alpha=0.5), Softplus(beta=2.0, threshold=5.0)], ids=repr
)
def test_parametrised_derivative_and_backward(act):
    z = SMOOTH_GRID[np.abs(SMOOTH_GRID - 2.5) > 1e-3]  # Softplus(β=2, threshold=5) switches at 2.5
    numeric = central_difference(act.forward, z)
    assert relative_error(act.derivative(z), numeric) < 1e-6
    assert relative_error(act.backward(z, act.forward(z), 3 * np.ones_like(z)), 3 * numeric) < 1e-6


def test_softplus_is_linear_above_threshold():
    z = np.array([20.5, 25.0, 1e4])
    np.testing.assert_array_equal(Softplus().forward(z), z)
    np.testing.assert_array_equal(Softplus().derivative(z), 1.0)
    assert Softplus().forward(np.array([20.0]))[0] == 20 + math.log1p(math.exp(-20))


def softmax_jacobian(a_row):
    """J[i, j] = ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ)."""
    return np.diag(a_row) - np.outer(a_row, a_row)


def test_softmax_jacobian_matches_central_differences():
    z = np.array([0.3, -1.2, 2.0, 0.0, 0.7])
    act = Softmax()
    numeric = np.empty((5, 5))
    for j in range(5):
        step = np.zeros(5)
        step[j] = 1e-6
        numeric[:, j] = (act.forward(z + step) - act.forward(z - step)) / 2e-6
    assert relative_error(softmax_jacobian(act.forward(z)), numeric) < 1e-6


@settings(deadline=None, max_examples=25)
@given(z=hnp.arrays(np.float64, (3, 6), elements=st.floats(-10, 10)))
def test_softmax_backward_is_the_jacobian_vector_product(z):
    act = Softmax()
    a = act.forward(z)
    grad_a = np.random.default_rng(2).standard_normal(z.shape)
    expected = np.stack([softmax_jacobian(a[i]).T @ grad_a[i] for i in range(3)])
    np.testing.assert_allclose(act.backward(z, a, grad_a), expected, rtol=1e-10, atol=1e-12)


def test_softmax_derivative_points_to_backward():
    with pytest.raises(TypeError, match="backward"):
        Softmax().derivative(np.zeros((2, 3)))


def test_gradcheck_module_agrees():
    from neuralab.gradcheck import check_activation

    z = np.linspace(-3, 3, 12).reshape(3, 4) + 0.1  # no entry at a kink
    for name in ALL:
        assert check_activation(get(name), z) < 1e-6, name


# ---- in place, dtypes, extreme inputs ------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_in_place_equals_out_of_place_and_dtype_is_kept(name, dtype):
    rng = np.random.default_rng(3)
    z = rng.normal(scale=4, size=(6, 5)).astype(dtype)
    grad_a = rng.standard_normal(z.shape).astype(dtype)
    act = get(name)
    a = act.forward(z)
    dz = act.backward(z, a, grad_a)
    assert a.dtype == dtype and dz.dtype == dtype
    if name != "softmax":
        assert act.derivative(z).dtype == dtype
    z_copy, grad_copy = z.copy(), grad_a.copy()
    assert act.forward(z_copy, out=z_copy) is z_copy
    np.testing.assert_array_equal(z_copy, a)
    assert act.backward(z, a, grad_copy, out=grad_copy) is grad_copy
    np.testing.assert_array_equal(grad_copy, dz)


EXTREMES = {
    np.float32: [-3e38, -1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4, 3e38],
    np.float64: [-1.7e308, -1e300, -1e4, -800.0, 0.0, 800.0, 1e4, 1e300, 1.7e308],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ALL)
def test_extreme_inputs_are_finite_and_silent(name, dtype):
    z = np.array(EXTREMES[dtype], dtype=dtype)
    act = get(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.forward(z)
        results = [a, act.backward(z, a, np.ones_like(z))]
        if name != "softmax":
            results.append(act.derivative(z))
    for r in results:
        assert r.dtype == dtype and np.all(np.isfinite(r))


def test_saturated_values_are_the_limits():
    f32 = np.float32
    np.testing.assert_array_equal(get("sigmoid").forward(f32([-1e4, 1e4])), [0, 1])
    np.testing.assert_array_equal(get("softplus").forward(f32([1e4, -1e4])), [1e4, 0])
    np.testing.assert_array_equal(get("softmax").forward(f32([1e4, -1e4])), [1, 0])
    np.testing.assert_array_equal(get("softmax").forward(np.array([1e300, -1e300])), [1, 0])
    halves = get("softmax").forward(f32([[3e38, -3e38, 3e38]]))
    np.testing.assert_array_equal(halves, [[0.5, 0, 0.5]])
    np.testing.assert_array_equal(get("relu").forward(np.array([1e300, -1e300])), [1e300, 0])
    np.testing.assert_array_equal(get("gelu").forward(np.array([1e300, 40.0])), [1e300, 40.0])
    with np.errstate(over="raise"):
        big = Softplus(beta=10.0).forward(np.array([1e308, -1e308]))
    np.testing.assert_array_equal(big, [1e308, 0])


# ---- conventions at kinks (torch's) --------------------------------------------------------

AT_ZERO = {
    "identity": 1.0, "sigmoid": 0.25, "tanh": 1.0, "relu": 0.0, "leaky_relu": 0.01, "elu": 1.0,
    "selu": SELU_SCALE * SELU_ALPHA, "softplus": 0.5, "gelu": 0.5, "gelu_tanh": 0.5, "silu": 0.5,
    "softsign": 1.0,
}  # fmt: skip


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_at_zero_follows_torch(name):
    act = get(name)
    assert act.derivative(np.zeros(1))[0] == pytest.approx(AT_ZERO[name], rel=1e-15)
    assert act.backward(np.zeros(1), None, np.full(1, 2.0))[0] == pytest.approx(2 * AT_ZERO[name])


def test_kinks_take_the_left_branch_like_torch():
    # torch: leaky_relu′ uses z > 0 (so f′(0) = slope); elu′ uses z ≤ 0 (so f′(0) = α·e⁰ = α).
    assert LeakyReLU(0.2).derivative(np.zeros(1))[0] == pytest.approx(0.2)
    assert ELU(alpha=0.5).derivative(np.zeros(1))[0] == 0.5
    assert ReLU().derivative(np.array([0.0, -0.0, 1e-300]))[:2].tolist() == [0.0, 0.0]


# ---- attributes, checked against the function ----------------------------------------------

WIDE = np.concatenate([-np.logspace(-3, 4, 400)[::-1], [0.0], np.logspace(-3, 4, 400)])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_max_derivative_is_the_supremum(name):
    act = get(name)
    fine = np.linspace(-10, 10, 200_001)
    largest = np.max(np.abs(act.derivative(np.concatenate([fine, WIDE]))))
    assert largest <= act.max_derivative + 1e-9
    assert largest >= act.max_derivative - 1e-6


def _side(act, sign):
    """'hard', 'soft' or 'none': how f′ behaves for sign·x, x from 1 to 10⁶."""
    slopes = np.abs(act.derivative(sign * np.logspace(0, 6, 61)))
    if np.all(slopes == 0):
        return "hard"
    return "soft" if slopes[-1] < 1e-3 * act.max_derivative else "none"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_saturation_label_matches_the_derivative(name):
    act = get(name)
    left, right = _side(act, -1), _side(act, +1)
    label = left if left == right else f"{left} (left)"
    assert right in ("none", left)
    assert act.saturation == label


@pytest.mark.parametrize("name", ALL)
def test_zero_centred_means_zero_mean_on_standard_normal_input(name):
    z = np.random.default_rng(4).standard_normal((20_000, 10))
    mean = get(name).forward(z).mean()
    assert (abs(mean) < 0.01) == get(name).zero_centred, mean


@pytest.mark.parametrize("name", ALL)
def test_output_range_holds_and_is_approached(name):
    low_text, high_text = re.fullmatch(r"[\[(](\S+), (\S+)[\])]", get(name).output_range).groups()
    low, high = float(low_text), float(high_text)
    a = get(name).forward(WIDE)
    assert low - 1e-4 <= a.min() and a.max() <= high + 1e-4
    assert (a.min() < -50) if math.isinf(low) else (a.min() < low + 1e-2)
    assert (a.max() > 50) if math.isinf(high) else (a.max() > high - 1e-2)


@pytest.mark.parametrize("name", ALL)
def test_uses_output_says_whether_backward_reads_a(name):
    act = get(name)
    z = np.array([[-1.5, 0.5, 2.0]])
    grad_a = np.array([[1.0, -2.0, 0.5]])
    with_true_a = act.backward(z, act.forward(z), grad_a)
    with_other_a = act.backward(z, act.forward(z) * 0.5, grad_a)
    assert (not np.allclose(with_true_a, with_other_a)) == act.uses_output


# ---- registry ------------------------------------------------------------------------------

CANONICAL = [
    "elu", "gelu", "gelu_tanh", "identity", "leaky_relu", "relu", "selu", "sigmoid", "silu",
    "softmax", "softplus", "softsign", "tanh",
]  # fmt: skip


def test_names_lists_the_canonical_names_sorted():
    assert names() == CANONICAL
    assert all(get(name).name == name for name in CANONICAL)


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("linear", "identity"), ("LOGISTIC", "sigmoid"), ("Swish", "silu"), ("Tanh", "tanh"),
        ("Leaky-ReLU", "leaky_relu"), ("leaky_RELU", "leaky_relu"), ("GELU-tanh", "gelu_tanh"),
        (" ReLU ", "relu"), ("soft_max", None), ("leakyrelu", None),
    ],
)  # fmt: skip
def test_names_and_aliases_resolve_case_and_dash_insensitively(spelling, name):
    if name is None:
        with pytest.raises(ValueError, match="known names: elu, gelu"):
            get(spelling)
    else:
        assert get(spelling).name == name


def test_get_takes_none_classes_and_instances():
    assert get(None).name == "identity"
    assert isinstance(get(ReLU), ReLU)
    act = LeakyReLU(0.3)
    assert get(act) is act
    assert get("leaky_relu", negative_slope=0.3) == act
    assert get(SELU) == SELU()


@pytest.mark.parametrize("bad", ["sigmod", 3, 1.5, ["relu"], dict, np.tanh])
def test_get_rejects_anything_else_listing_the_names(bad):
    with pytest.raises(ValueError, match=r"known names: .*relu.*aliases: linear \(= identity\)"):
        get(bad)


def test_get_rejects_parameters_with_an_instance():
    with pytest.raises(ValueError, match="name or a class"):
        get(ReLU(), negative_slope=0.1)


def test_repr_and_config():
    assert repr(LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(ELU()) == "ELU(alpha=1.0)"
    assert repr(Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(get("relu")) == "ReLU()"
    for name in CANONICAL:
        act = get(name)
        assert type(act)(**act.get_config()) == act


def test_bad_parameters_are_rejected():
    with pytest.raises(TypeError, match="negative_slope"):
        LeakyReLU("0.1")
    with pytest.raises(ValueError, match="Softplus beta must be a finite number > 0, got 0.0"):
        Softplus(beta=0)
    with pytest.raises(ValueError, match="ELU alpha must be a finite number, got nan"):
        ELU(alpha=math.nan)


def test_bad_shapes_are_rejected():
    with pytest.raises(ValueError, match="grad_a has shape"):
        get("tanh").backward(np.zeros((2, 3)), None, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="out must be an ndarray of shape"):
        get("tanh").forward(np.zeros((2, 3)), out=np.zeros(6))
    with pytest.raises(ValueError, match="at least one axis"):
        Softmax().forward(np.float64(1.0))


def test_module_exports():
    assert set(activations.__all__) >= {"Activation", "get", "names", "Softmax", "GELUTanh"}
