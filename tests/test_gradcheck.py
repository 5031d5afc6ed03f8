"""Tests for neuralab.gradcheck: it must accept correct derivatives and catch wrong ones."""

import numpy as np
import pytest

from neuralab import activations, losses
from neuralab.gradcheck import check_activation, check_loss, numerical_gradient, relative_error

Z = np.random.default_rng(0).uniform(-2, 2, (4, 3))


class Cube:
    """f(z) = z³ with f′(z) = 3z², optionally with a deliberate mistake."""

    name = "cube"

    def __init__(self, wrong_derivative=False, wrong_backward=False):
        self.wrong_derivative, self.wrong_backward = wrong_derivative, wrong_backward

    def forward(self, z):
        return z**3

    def derivative(self, z):
        return 2 * z**2 if self.wrong_derivative else 3 * z**2

    def backward(self, z, a, grad_a):
        return grad_a * (3 * z**2 + (0.1 if self.wrong_backward else 0.0))


class SoftmaxWithoutJacobian:
    """A common mistake: treating softmax as elementwise with slope a(1 − a)."""

    name = "softmax"

    def forward(self, z):
        return activations.get("softmax").forward(z)

    def backward(self, z, a, grad_a):
        return grad_a * a * (1 - a)


class QuadraticMissingMean(losses.Quadratic):
    """Forgets the 1/n of the mean in the gradient."""

    def gradient(self, a, y, sample_weight=None):
        return np.asarray(a, dtype=float) - y


def test_relative_error_values():
    assert relative_error([1.0, -2.0], [1.0, -2.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1, rel=1e-12)
    assert relative_error([1.0, 3.0], [-1.0, 3.0]) == 1.0  # opposite signs
    assert relative_error([5.0], [0.0]) == 1.0
    assert relative_error([], []) == 0.0


def test_relative_error_floor_turns_tiny_differences_into_absolute_ones():
    assert relative_error([1e-12], [0.0]) == pytest.approx(1e-4)  # measured against 1e-8
    assert relative_error([1e-12], [0.0], floor=0.0) == 1.0
    assert relative_error([0.0], [0.0], floor=0.0) == 0.0
    floors = np.array([1e-8, 1e-4])
    assert relative_error([1e-12, 1e-12], [0.0, 0.0], floor=floors) == pytest.approx(1e-4)


def test_relative_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"analytic \(2,\), numeric \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    grad = numerical_gradient(lambda t: np.sum(t**3) + t[0, 1] * t[1, 0], x)
    expected = 3 * x.astype(np.float64) ** 2 + [[0, 2.0], [-1.0, 0]]
    assert grad.dtype == np.float64 and grad.shape == x.shape
    np.testing.assert_allclose(grad, expected, rtol=1e-8)
    np.testing.assert_array_equal(x, [[0.5, -1.0], [2.0, 3.0]])  # input left untouched


def test_check_activation_accepts_a_correct_one():
    assert check_activation(Cube(), Z) < 1e-8


@pytest.mark.parametrize("mistake", ["wrong_derivative", "wrong_backward"])
def test_check_activation_catches_a_wrong_one(mistake):
    assert check_activation(Cube(**{mistake: True}), Z) > 1e-2


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "softmax"])
def test_check_activation_on_library_activations(name):
    assert check_activation(activations.get(name), Z.astype(np.float32)) < 1e-6


def test_check_activation_catches_an_elementwise_softmax():
    assert check_activation(SoftmaxWithoutJacobian(), Z) > 1e-2


@pytest.mark.parametrize("name", losses.names())
def test_check_loss_accepts_the_library_losses(name):
    rng = np.random.default_rng(1)
    a, y = rng.uniform(0.1, 0.9, (5, 3)), rng.uniform(0, 1, (5, 3))
    assert check_loss(losses.get(name), a, y) < 1e-6


def test_check_loss_catches_a_wrong_gradient():
    rng = np.random.default_rng(2)
    a, y = rng.uniform(0.1, 0.9, (5, 3)), rng.uniform(0, 1, (5, 3))
    assert check_loss(QuadraticMissingMean(), a, y) > 0.5
