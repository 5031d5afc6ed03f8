"""neuralab.checks: what each check accepts, what it returns, and the errors it raises."""

import math

import numpy as np
import pytest

from neuralab import checks
from neuralab.checks import ArgumentTypeError

# --- integer --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.int32(3)])
def test_integer_accepts_python_and_numpy_integers_and_returns_an_int(value):
    result = checks.integer(value, "epochs", minimum=0)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("value", [True, False, 3.0, 2.5, "3", None, np.float64(3), [3]])
def test_integer_rejects_what_is_not_an_integer_as_both_type_and_value_error(value):
    with pytest.raises(TypeError, match=r"^epochs must be an integer >= 0, got "):
        checks.integer(value, "epochs", minimum=0)
    with pytest.raises(ValueError):
        checks.integer(value, "epochs", minimum=0)


def test_integer_bounds_are_inclusive():
    assert checks.integer(1, "n", minimum=1, maximum=1) == 1
    assert checks.integer(-5, "n") == -5  # no bounds, no limit
    with pytest.raises(ValueError, match=r"^batch_size must be an integer >= 1, got 0$"):
        checks.integer(0, "batch_size", minimum=1)
    with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 3\], got 4$"):
        checks.integer(4, "n", minimum=1, maximum=3)
    with pytest.raises(ValueError, match=r"^n must be an integer <= 3, got 4$"):
        checks.integer(np.int64(4), "n", maximum=3)


def test_an_out_of_range_integer_is_a_value_error_not_a_type_error():
    with pytest.raises(ValueError) as info:
        checks.integer(-1, "patience", minimum=0)
    assert not isinstance(info.value, TypeError)


# --- real -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.float64(0.5), np.int64(1)])
def test_real_accepts_numbers_and_returns_a_float(value):
    result = checks.real(value, "lr", minimum=0)
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize("value", [True, "0.1", None, [0.1], 1j])
def test_real_rejects_non_numbers(value):
    with pytest.raises(ArgumentTypeError, match=r"^lr must be a finite number >= 0, got "):
        checks.real(value, "lr", minimum=0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float32("nan")])
def test_real_rejects_nan_and_inf_even_without_bounds(value):
    with pytest.raises(ValueError, match="^alpha must be a finite number, got "):
        checks.real(value, "alpha")


@pytest.mark.parametrize(
    ("kwargs", "inside", "outside", "message"),
    [
        ({"minimum": 0}, [0.0, 5.0], [-1e-9], r"x must be a finite number >= 0, got -1e-09"),
        ({"minimum": 0, "include_minimum": False}, [1e-9], [0.0], r"x must be a finite number > 0"),
        ({"maximum": 1}, [1.0, -3.0], [1.5], r"x must be a finite number <= 1"),
        ({"maximum": 1, "include_maximum": False}, [0.999], [1.0], r"number < 1, got 1.0"),
        ({"minimum": 0, "maximum": 1}, [0.0, 1.0], [-0.1, 1.1], r"number in \[0, 1\]"),
        ({"minimum": 0, "maximum": 1, "include_maximum": False}, [0.0], [1.0], r"in \[0, 1\)"),
        ({"minimum": 0, "maximum": 1, "include_minimum": False}, [1.0], [0.0], r"in \(0, 1\]"),
        ({"minimum": 1e-3, "maximum": 2.5}, [1e-3], [1e-4], r"in \[0.001, 2.5\]"),
    ],
)
def test_real_bounds_and_their_message(kwargs, inside, outside, message):
    for value in inside:
        assert checks.real(value, "x", **kwargs) == value
    for value in outside:
        with pytest.raises(ValueError, match=message) as info:
            checks.real(value, "x", **kwargs)
        assert not isinstance(info.value, TypeError)


# --- one_of ---------------------------------------------------------------------------------


def test_one_of_returns_the_value_or_lists_the_options():
    assert checks.one_of("max", "mode", ("min", "max")) == "max"
    assert checks.one_of(None, "output", (None, "softmax")) is None
    with pytest.raises(ValueError, match=r"^mode must be one of 'min', 'max', got 'MAX'$"):
        checks.one_of("MAX", "mode", ("min", "max"))


def test_one_of_does_not_take_true_for_one_or_an_array_for_anything():
    with pytest.raises(ValueError, match="got True"):
        checks.one_of(True, "k", (1, 2))
    with pytest.raises(ValueError, match="k must be one of 1, 2"):
        checks.one_of(np.array([1, 2]), "k", (1, 2))


# --- float_dtype ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", np.float32, np.dtype("float32"), "f4"])
def test_float_dtype_resolves_float32(dtype):
    assert checks.float_dtype(dtype) == np.dtype(np.float32)


def test_float_dtype_resolves_float64():
    assert checks.float_dtype("float64") == np.dtype(np.float64)
    assert checks.float_dtype(float) == np.dtype(np.float64)


@pytest.mark.parametrize("dtype", ["float16", "int32", None, "floot32", 42, np.int64])
def test_float_dtype_rejects_others(dtype):
    with pytest.raises(ValueError, match=r"^dtype must be 'float32' or 'float64', got "):
        checks.float_dtype(dtype)


# --- all_finite -----------------------------------------------------------------------------


def test_all_finite_finds_one_bad_value_anywhere():
    x = np.zeros((10_000, 3), np.float32)
    assert checks.all_finite(x)
    for bad in (np.nan, np.inf, -np.inf):
        y = x.copy()
        y[7_777, 2] = bad
        assert not checks.all_finite(y)


def test_all_finite_is_not_fooled_by_a_sum_that_overflows():
    x = np.full(4, np.finfo(np.float64).max)  # finite values whose float64 sum is inf
    assert checks.all_finite(x)
    assert not checks.all_finite(np.array([np.inf, -np.inf]))  # NaN-free sum, still not finite


# --- sample_weight --------------------------------------------------------------------------


def test_sample_weight_returns_float64_weights_or_none():
    assert checks.sample_weight(None, 3) is None
    w = checks.sample_weight([1, 0, 2], 3)
    assert w.dtype == np.float64 and w.tolist() == [1.0, 0.0, 2.0]


@pytest.mark.parametrize(
    ("w", "message"),
    [
        (np.ones(2), r"sample_weight must have shape \(3,\), one weight per sample .*\(2,\)"),
        (np.ones((3, 1)), r"got shape \(3, 1\)"),
        ([1.0, np.nan, 1.0], "sample_weight values contain NaN or inf"),
        ([1.0, np.inf, 1.0], "NaN or inf"),
        ([1.0, -1.0, 1.0], "sample_weight must be non-negative and not all zero"),
        (np.zeros(3), "non-negative and not all zero"),
    ],
)
def test_sample_weight_errors(w, message):
    with pytest.raises(ValueError, match=message):
        checks.sample_weight(w, 3)


# --- features -------------------------------------------------------------------------------


def test_features_casts_to_a_c_contiguous_array_of_the_dtype():
    x = np.arange(12, dtype=np.int64).reshape(3, 4).T  # Fortran order, integers
    out = checks.features(x, 3, np.float32)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, x)


def test_features_does_not_copy_an_array_that_is_already_right():
    x = np.ones((5, 2), np.float64)
    assert checks.features(x, 2, np.float64) is x


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "message"),
    [
        (np.array([["a", "b"]]), {}, TypeError, "x must hold numbers, got dtype <U1"),
        (np.ones(4), {}, ValueError, r"x must be 2-D .*got shape \(4,\); reshape"),
        (np.ones((0, 4)), {}, ValueError, "x is empty: it has 0 samples"),
        (np.ones((2, 3)), {"layer": 2}, ValueError,
         "^layer 2 expects 4 input features, got 3 in x$"),
        (np.ones((2, 3)), {"name": "x_val"}, ValueError, "layer 1 expects 4 .* in x_val"),
        (np.array([[0, 0, 0, 0], [0, 0, np.nan, 0]]), {}, ValueError,
         r"x contains NaN or infinite values \(first in row 1\)"),
        (np.full((1, 4), 1e300), {}, ValueError, r"beyond float32's range \(max 3.4e\+38\)"),
    ],
)
def test_features_errors(x, kwargs, error, message):
    with pytest.raises(error, match=message):
        checks.features(x, 4, np.float32, **kwargs)


# --- class_labels ---------------------------------------------------------------------------


def test_class_labels_returns_intp_labels():
    labels = checks.class_labels(np.array([0.0, 2.0, 1.0]), 3)
    assert labels.dtype == np.intp and labels.tolist() == [0, 2, 1]
    assert checks.class_labels([True, False], 2).tolist() == [1, 0]


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([0.0, 1.5], r"y holds class labels, which must be whole numbers 0\.\.2"),
        ([0.0, np.nan], "whole numbers"),
        ([0, 3], r"y has class labels from 0 to 3, but the network has 3 outputs"),
        ([-1, 2], r"labels must lie in 0\.\.2"),
    ],
)
def test_class_labels_errors(y, message):
    with pytest.raises(ValueError, match=message):
        checks.class_labels(np.array(y), 3)


def test_class_labels_names_the_argument():
    with pytest.raises(ValueError, match="^y_val has class labels"):
        checks.class_labels(np.array([5]), 3, name="y_val")
