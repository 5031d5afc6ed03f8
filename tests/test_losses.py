"""Tests for neuralab.losses: values vs the formulas, gradients vs central differences, the fused
output deltas (claim C10), integer labels, sample weights, clipping and input validation."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from neuralab import activations, losses
from neuralab.gradcheck import check_loss

NAMES = ["quadratic", "mse", "binary_cross_entropy", "cross_entropy"]


# References written straight from the formulas (n samples, k outputs).
def ref_quadratic(a, y):
    return np.sum(np.linalg.norm(a - y, axis=1) ** 2) / (2 * len(a))


def ref_mse(a, y):
    return np.sum((a - y) ** 2) / a.size


def ref_bce(a, y):
    return -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / len(a)


def ref_cross_entropy(a, y):
    return -np.sum(y * np.log(a)) / len(a)


REFERENCES = dict(zip(NAMES, [ref_quadratic, ref_mse, ref_bce, ref_cross_entropy], strict=True))


def probabilities(n=6, k=4, seed=0):
    """Outputs in (0.05, 0.95) and targets in [0, 1] whose rows sum to 1."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.05, 0.95, (n, k))
    y = rng.uniform(0, 1, (n, k))
    return a, y / y.sum(axis=1, keepdims=True)


def one_hot(labels, k):
    return np.eye(k)[labels]


# --- registry -------------------------------------------------------------------------------


def test_names_and_attributes():
    assert losses.names() == sorted(NAMES)
    expected = {
        "quadratic": (False, "identity", None),
        "mse": (False, "identity", None),
        "binary_cross_entropy": (True, "sigmoid", "sigmoid"),
        "cross_entropy": (True, "softmax", "softmax"),
    }
    for name, (is_classification, output, required) in expected.items():
        loss = losses.get(name)
        assert loss.name == name
        assert (loss.is_classification, loss.default_output) == (is_classification, output)
        assert loss.required_output == required


@pytest.mark.parametrize(
    ("identifier", "cls"),
    [
        ("BCE", losses.BinaryCrossEntropy),
        ("binary-cross-entropy", losses.BinaryCrossEntropy),
        ("Categorical_Cross_Entropy", losses.CrossEntropy),
        ("cross-entropy", losses.CrossEntropy),
        ("MSE", losses.MSE),
        (losses.Quadratic, losses.Quadratic),
    ],
)
def test_get_names_aliases_and_classes(identifier, cls):
    assert type(losses.get(identifier)) is cls


def test_get_passes_instances_through():
    loss = losses.CrossEntropy()
    assert losses.get(loss) is loss


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (None, "a loss is required; known names: binary_cross_entropy, cross_entropy, mse, "
               "quadratic; aliases: bce"),
        ("hinge", "unknown loss 'hinge'; known names: .*cross_entropy"),
        (42, r"cannot use 42 \(int\) as a loss.*known names"),
        (activations.Sigmoid, "cannot use .*Sigmoid.* as a loss"),
    ],
)
def test_get_rejects_unknown(identifier, message):
    with pytest.raises(ValueError, match=message):
        losses.get(identifier)


# --- values and gradients -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_value_matches_formula(name):
    a, y = probabilities()
    value = losses.get(name).value(a, y)
    assert isinstance(value, float)
    assert value == pytest.approx(REFERENCES[name](a, y), rel=1e-12)
    value32 = losses.get(name).value(a.astype(np.float32), y.astype(np.float32))
    assert value32 == pytest.approx(value, rel=1e-5)


def test_cross_entropy_of_softmax_equals_log_sum_exp_form():
    # torch.nn.CrossEntropyLoss on logits z: mean over samples of logsumexp(z) − z[label]
    z = np.random.default_rng(1).normal(0, 3, (7, 5))
    labels = np.array([0, 4, 2, 2, 1, 3, 0])
    expected = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(7), labels])
    a = activations.get("softmax").forward(z)
    assert losses.get("cross_entropy").value(a, labels) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_central_differences(name, weighted):
    a, y = probabilities()
    w = np.random.default_rng(2).uniform(0, 3, len(a)) if weighted else None
    assert check_loss(losses.get(name), a, y, sample_weight=w) < 1e-6


def test_cross_entropy_label_gradient_matches_central_differences():
    a, _ = probabilities()
    assert check_loss(losses.get("cross_entropy"), a, np.array([0, 3, 1, 1, 2, 0])) < 1e-6


@st.composite
def outputs_and_targets(draw):
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    a = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.02, 0.98)))
    y = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.0, 1.0)))
    # Keep away from a = y, where a gradient entry is 0 and central differences measure only
    # their own truncation and rounding noise.
    assume(np.all(np.abs(a - y) > 0.01))
    w = draw(st.none() | hnp.arrays(np.float64, (n,), elements=st.floats(0.1, 5.0)))
    return a, y, w


@settings(deadline=None, max_examples=40)
@given(outputs_and_targets())
def test_values_and_gradients_on_generated_inputs(case):
    a, y, w = case
    for name in NAMES:
        loss = losses.get(name)
        assert check_loss(loss, a, y, sample_weight=w) < 1e-6
        if w is None:
            assert loss.value(a, y) == pytest.approx(REFERENCES[name](a, y), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_float32_in_float32_out(name):
    a, y = (p.astype(np.float32) for p in probabilities())
    loss = losses.get(name)
    act = activations.get(loss.default_output)
    assert loss.gradient(a, y).dtype == np.float32
    assert loss.delta(a, act.forward(a), y, act).dtype == np.float32
    assert loss.gradient(a, y, sample_weight=np.ones(len(a))).dtype == np.float32


def test_column_target_vector_is_accepted_for_one_output():
    a = np.array([[0.2], [0.7], [0.9]])
    y = np.array([0, 1, 1])
    for name in ["quadratic", "mse", "binary_cross_entropy"]:
        loss = losses.get(name)
        assert loss.value(a, y) == loss.value(a, y.reshape(-1, 1))
        np.testing.assert_array_equal(loss.gradient(a, y), loss.gradient(a, y.reshape(-1, 1)))


# --- integer labels and sample weights ------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
def test_integer_labels_equal_one_hot(weighted):
    z = np.random.default_rng(3).normal(0, 2, (6, 4))
    labels = np.array([3, 0, 1, 1, 2, 0])
    w = np.array([1.0, 0.5, 2.0, 0.0, 1.0, 3.0]) if weighted else None
    loss, softmax, sigmoid = losses.get("cross_entropy"), activations.get("softmax"), None
    sigmoid = activations.get("sigmoid")
    for act in (softmax, sigmoid):  # fused path and general path
        a = act.forward(z)
        assert loss.value(a, labels, w) == pytest.approx(loss.value(a, one_hot(labels, 4), w))
        np.testing.assert_allclose(
            loss.gradient(a, labels, w), loss.gradient(a, one_hot(labels, 4), w), rtol=1e-14
        )
        np.testing.assert_allclose(
            loss.delta(z, a, labels, act, w),
            loss.delta(z, a, one_hot(labels, 4), act, w),
            rtol=1e-12,
        )


def test_whole_number_float_labels_are_accepted():
    a, _ = probabilities()
    loss = losses.get("cross_entropy")
    labels = np.array([0, 3, 1, 1, 2, 0])
    assert loss.value(a, labels.astype(np.float32)) == loss.value(a, labels)


@pytest.mark.parametrize("name", NAMES)
def test_all_ones_weights_equal_unweighted(name):
    a, y = probabilities()
    loss, ones = losses.get(name), np.ones(len(a))
    act = activations.get(loss.default_output)
    z = np.random.default_rng(4).normal(size=a.shape)
    assert loss.value(a, y, ones) == pytest.approx(loss.value(a, y), rel=1e-14)
    np.testing.assert_allclose(loss.gradient(a, y, ones), loss.gradient(a, y), rtol=1e-14)
    np.testing.assert_allclose(
        loss.delta(z, act.forward(z), y, act, ones), loss.delta(z, act.forward(z), y, act),
        rtol=1e-14,
    )  # fmt: skip


def test_weighted_quadratic_by_hand():
    # ℓ = ½‖a − y‖² = [0.5, 4.5]; C = (1·0.5 + 3·4.5) / (1 + 3) = 3.5
    # ∂C/∂a = w (a − y) / Σw = [1·1/4, 3·3/4]
    a, y, w = np.array([[1.0], [3.0]]), np.zeros((2, 1)), np.array([1.0, 3.0])
    loss = losses.get("quadratic")
    assert loss.value(a, y, w) == pytest.approx(3.5, rel=1e-15)
    np.testing.assert_allclose(loss.gradient(a, y, w), [[0.25], [2.25]], rtol=1e-15)


def test_weighted_cross_entropy_by_hand():
    # the sample with weight 0 is ignored: C = −ln 0.25
    a = np.array([[0.25, 0.75], [0.9, 0.1]])
    loss = losses.get("cross_entropy")
    assert loss.value(a, [0, 1], [2.0, 0.0]) == pytest.approx(np.log(4), rel=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_integer_weight_equals_repeating_the_sample(name):
    a, y = probabilities(n=3)
    loss = losses.get(name)
    repeated = [0, 0, 1, 2, 2, 2]
    assert loss.value(a, y, [2, 1, 3]) == pytest.approx(loss.value(a[repeated], y[repeated]))


# --- fused deltas (claim C10) ---------------------------------------------------------------

PAIRS = [("binary_cross_entropy", "sigmoid"), ("cross_entropy", "softmax")]


def chain(loss, z, a, y, act):
    """The unfused delta: the activation's backward applied to ∂C/∂a."""
    return act.backward(z, a, loss.gradient(a, y))


@pytest.mark.parametrize(("loss_name", "act_name"), PAIRS)
def test_fused_delta_equals_the_chain_rule(loss_name, act_name):
    loss, act = losses.get(loss_name), activations.get(act_name)
    z = np.random.default_rng(5).uniform(-15, 15, (8, 3))
    a, y = act.forward(z), probabilities(8, 3, seed=6)[1]
    fused = loss.delta(z, a, y, act)
    np.testing.assert_allclose(fused, (a - y) / 8, rtol=1e-15)
    np.testing.assert_allclose(fused, chain(loss, z, a, y, act), rtol=1e-6, atol=1e-12)


def test_fused_softmax_delta_is_exact_for_targets_that_do_not_sum_to_one():
    softmax, loss = activations.get("softmax"), losses.get("cross_entropy")
    z = np.random.default_rng(8).normal(size=(4, 3))
    a, y = softmax.forward(z), np.random.default_rng(9).uniform(0, 1, (4, 3))  # row sums ≠ 1
    np.testing.assert_allclose(loss.delta(z, a, y, softmax), chain(loss, z, a, y, softmax),
                               rtol=1e-12)  # fmt: skip


def test_two_class_softmax_cross_entropy_equals_sigmoid_binary_cross_entropy():
    # C11: with a = σ(t) = softmax([0, t])₁ the two costs and their ∂C/∂t agree
    t = np.random.default_rng(10).normal(0, 3, (6, 1))
    labels = np.array([1, 0, 0, 1, 1, 0])
    z = np.hstack([np.zeros_like(t), t])
    a2, a1 = activations.get("softmax").forward(z), activations.get("sigmoid").forward(t)
    ce, bce = losses.get("cross_entropy"), losses.get("bce")
    assert ce.value(a2, labels) == pytest.approx(bce.value(a1, labels), rel=1e-12)
    d2 = ce.delta(z, a2, labels, activations.get("softmax"))
    d1 = bce.delta(t, a1, labels, activations.get("sigmoid"))
    np.testing.assert_allclose(d2[:, 1:], d1, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("loss_name", "act_name"), PAIRS)
def test_fused_delta_is_exact_when_the_output_saturates(loss_name, act_name, dtype):
    loss, act = losses.get(loss_name), activations.get(act_name)
    z = np.array([[1e4, -1e4], [-1e4, 1e4]], dtype=dtype)
    y = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=dtype)  # row 0 is maximally wrong
    a = act.forward(z)
    fused = loss.delta(z, a, y, act)
    assert fused.dtype == dtype
    np.testing.assert_array_equal(fused, (a - y) / 2)
    assert np.all(np.isfinite(fused)) and np.abs(fused[0]).max() == 0.5
    # The chain rule through σ′ (or the softmax Jacobian) loses the signal: the slowdown of C9.
    assert not np.allclose(chain(loss, z, a, y, act), fused)


def test_non_fused_pairs_use_the_chain_rule():
    z = np.random.default_rng(7).normal(size=(5, 3))
    y = probabilities(5, 3)[1]
    for loss_name, act_name in [("quadratic", "sigmoid"), ("cross_entropy", "sigmoid"),
                                ("mse", "tanh"), ("binary_cross_entropy", "softmax")]:  # fmt: skip
        loss, act = losses.get(loss_name), activations.get(act_name)
        a = act.forward(z)
        np.testing.assert_array_equal(loss.delta(z, a, y, act), chain(loss, z, a, y, act))


def test_quadratic_delta_carries_the_sigmoid_slope():
    # C9: for one sigmoid neuron with y = 0, ∂C/∂z = (a − y) σ′(z) = a²(1 − a)
    z = np.array([[-3.0], [0.0], [2.0], [5.0]])
    a = 1 / (1 + np.exp(-z))
    delta = losses.get("quadratic").delta(z, a, np.zeros_like(a), activations.get("sigmoid"))
    np.testing.assert_allclose(delta, a * a * (1 - a) / 4, rtol=1e-14)


# --- clipping and validation ----------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clipping_keeps_values_and_gradients_finite(dtype):
    eps = np.finfo(dtype).eps
    a = np.array([[0.0, 1.0]], dtype=dtype)
    bce, ce = losses.get("bce"), losses.get("cross_entropy")
    assert bce.value(a, [[1.0, 0.0]]) == pytest.approx(-2 * np.log(eps), rel=1e-5)
    assert bce.value(a, [[0.0, 1.0]]) == pytest.approx(-2 * np.log1p(-eps), abs=1e-6)
    assert ce.value(a, [0]) == pytest.approx(-np.log(eps), rel=1e-5)
    for grad in (bce.gradient(a, [[1.0, 0.0]]), ce.gradient(a, [0]), ce.gradient(a, [[1, 0]])):
        assert np.all(np.isfinite(grad)) and grad.dtype == dtype


def test_check_targets_returns_none_and_validates():
    loss = losses.get("cross_entropy")
    assert loss.check_targets(np.full((2, 3), 1 / 3), [0, 2]) is None
    with pytest.raises(ValueError, match="must lie in"):
        loss.check_targets(np.full((2, 3), 1 / 3), [0, 3])


A = np.full((3, 4), 0.25)


@pytest.mark.parametrize(
    ("name", "a", "y", "message"),
    [
        ("mse", A, np.zeros((3, 2)), r"y have shape \(3, 2\) but predictions a have shape \(3, 4"),
        ("cross_entropy", A, np.zeros(5), r"shape \(5,\) but predictions a have shape \(3, 4\)"),
        ("cross_entropy", A, [0, 1, 4], r"must lie in \[0, 4\) for 4 outputs, got .* 0 to 4"),
        ("cross_entropy", A, [0, -1, 2], r"must lie in \[0, 4\)"),
        ("cross_entropy", A, [0.0, 1.5, 2.0], "must be whole numbers"),
        ("cross_entropy", A, ["a", "b", "c"], "must be integers"),
        ("cross_entropy", A, [0.0, np.nan, 2.0], "NaN or inf"),
        ("cross_entropy", A, np.full((3, 4), 2.0), r"must lie in \[0, 1\]"),
        ("binary_cross_entropy", A, np.full((3, 4), -0.5), r"must lie in \[0, 1\].*-0.5"),
        ("binary_cross_entropy", A, np.full((3, 4), np.nan), "NaN or inf"),
        ("quadratic", A, np.full((3, 4), np.inf), "NaN or inf"),
        ("quadratic", A, np.full((3, 4), "x"), "must be numeric"),
        ("quadratic", np.zeros(3), np.zeros(3), r"shape \(n_samples, n_outputs\).*reshape"),
        ("quadratic", np.zeros((0, 2)), np.zeros((0, 2)), "non-empty"),
    ],
)
def test_bad_targets_raise_clear_errors(name, a, y, message):
    loss = losses.get(name)
    with pytest.raises(ValueError, match=message):
        loss.value(a, y)
    with pytest.raises(ValueError, match=message):
        loss.gradient(a, y)
    with pytest.raises(ValueError, match=message):
        loss.delta(a, a, y, activations.get("identity"))


@pytest.mark.parametrize(
    ("w", "message"),
    [
        (np.ones(2), r"sample_weight must have shape \(3,\)"),
        ([1.0, -1.0, 1.0], "non-negative and not all zero"),
        (np.zeros(3), "non-negative and not all zero"),
        ([1.0, np.nan, 1.0], "sample_weight values contain NaN or inf"),
    ],
)
def test_bad_sample_weight(w, message):
    with pytest.raises(ValueError, match=message):
        losses.get("mse").value(A, A, w)


def test_delta_needs_an_activation_object():
    with pytest.raises(TypeError, match="activations.get"):
        losses.get("bce").delta(A, A, A, "sigmoid")


# --- value_and_delta, one_hot, predicted_classes --------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("output", ["identity", "sigmoid", "softmax", "tanh"])
@pytest.mark.parametrize("weighted", [False, True])
def test_value_and_delta_equals_value_and_delta_bit_for_bit(name, output, weighted):
    rng = np.random.default_rng(3)
    z = rng.normal(size=(5, 3)).astype(np.float32)
    act = activations.get(output)
    a = act.forward(z)
    y = one_hot(rng.integers(0, 3, 5), 3).astype(np.float32)
    w = rng.uniform(0.5, 2.0, 5) if weighted else None
    loss = losses.get(name)
    value, delta = loss.value_and_delta(z, a, y, act, w)
    assert value == loss.value(a, y, w)
    np.testing.assert_array_equal(delta, loss.delta(z, a, y, act, w))
    assert delta.dtype == np.float32


def test_one_hot_rows_and_dtype():
    out = losses.one_hot(np.array([2, 0, 2]), 4, np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 1, 0]])
    assert losses.one_hot(np.array([], dtype=np.intp), 3, np.float64).shape == (0, 3)


def test_predicted_classes_argmax_or_threshold():
    many = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]], np.float32)
    one = np.array([[0.5], [0.51], [0.0]], np.float32)
    assert losses.predicted_classes(many).tolist() == [1, 0]
    assert losses.predicted_classes(one).tolist() == [0, 1, 0]  # exactly 0.5 is class 0
    assert losses.predicted_classes(one).dtype == np.intp


def test_predicted_classes_writes_into_out():
    out = np.full(5, -1, np.intp)
    one = np.array([[0.9], [0.1]])
    assert losses.predicted_classes(one, out=out[1:3]) is not None
    assert out.tolist() == [-1, 1, 0, -1, -1]
    many = np.array([[0.1, 0.9], [0.8, 0.2]])
    result = losses.predicted_classes(many, out=out[3:])
    assert result.base is out and out.tolist() == [-1, 1, 0, 1, 0]
