"""The playground's two regression sets in ``neuralab.datasets``: plane and multigauss."""

import numpy as np
import pytest

from neuralab import datasets


@pytest.mark.parametrize("name", ["plane", "multigauss"])
def test_regression_sets_are_real_valued_and_seeded(name):
    data = datasets.load(name, seed=3, n_samples=400, test_fraction=0.25)
    assert data.n_classes == 0 and data.name == name
    assert data.x_train.shape == (300, 2) and data.x_test.shape == (100, 2)
    assert data.y_train.dtype == np.float32 and data.y_train.shape == (300,)
    assert np.abs(data.x_train).max() <= 1.0
    again = datasets.load(name, seed=3, n_samples=400, test_fraction=0.25)
    assert np.array_equal(data.y_train, again.y_train)
    other = datasets.load(name, seed=4, n_samples=400, test_fraction=0.25)
    assert not np.array_equal(data.x_train, other.x_train)


def test_plane_without_noise_is_the_mean_of_the_inputs():
    data = datasets.load("plane", seed=0, n_samples=200, noise=0.0, dtype="float64")
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / 2, atol=1e-12)


def test_plane_noise_has_the_asked_spread():
    data = datasets.load("plane", seed=0, n_samples=4000, noise=0.2, dtype="float64")
    residual = data.y_train - data.x_train.sum(axis=1) / 2
    assert abs(residual.std() - 0.2) < 0.01


def test_multigauss_peaks_at_its_bumps_with_their_signs():
    data = datasets.load("multigauss", seed=0, n_samples=20000, noise=0.0, dtype="float64")
    x, y = data.x_train, data.y_train
    for cx, cy, sign in datasets.MULTIGAUSS_BUMPS:
        near = np.hypot(x[:, 0] - cx, x[:, 1] - cy) < 0.03
        assert near.any()
        np.testing.assert_allclose(y[near], sign, atol=0.01)  # exp(-d²/2σ²) ≈ 1 at the centre
    assert np.abs(y).max() <= 1.0


def test_regression_sets_take_no_class_count():
    with pytest.raises(TypeError, match="n_classes"):
        datasets.load("plane", n_classes=3)
    assert {"plane", "multigauss"} <= set(datasets.names())
