"""The lab's shared measurements: when a curve first reaches a level, "never" ranked last, and
the hidden layers of a network after a forward pass."""

import numpy as np
import pytest

from neuralab.lab.measures import (
    epochs_or_never,
    epochs_to_target,
    first_epoch,
    hidden_layers,
    later,
    median_epochs,
    never,
    never_last,
)
from neuralab.lab.text import Text
from neuralab.network import mlp


def test_first_epoch_below_and_above_a_level():
    assert first_epoch([0.9, 0.5, 0.1, 0.05], 0.2) == 2
    assert first_epoch([0.9, 0.5], 0.2) is None
    assert first_epoch([0.1, 0.5, 0.9], 0.5, above=True) == 1  # at the level counts


def test_epochs_to_target_counts_epochs_from_one():
    assert epochs_to_target([0.5, 0.89, 0.9, 0.95], 0.9) == 3
    assert epochs_to_target([0.95], 0.9) == 1
    assert epochs_to_target([0.5, 0.6], 0.9) is None
    assert epochs_to_target([], 0.9) is None


def test_never_comes_after_any_number_of_epochs():
    assert never_last(None) == np.inf and never_last(7) == 7.0
    assert later(None, 500) and not later(500, None) and not later(None, None)
    assert later(6, 5) and not later(5, 5)
    assert median_epochs([3, None, 5]) == 5
    assert median_epochs([None, None, 4]) == np.inf
    assert never(30) == Text("never (> 30)", "未达到(> 30)")
    assert epochs_or_never(None, 30) == epochs_or_never(np.inf, 30) == never(30)
    assert epochs_or_never(12, 30) == 12


def test_hidden_layers_hold_z_and_a_of_the_inputs():
    net = mlp([3, 4, 5, 2], activation="relu", seed=0, dtype="float64")
    x = np.random.default_rng(1).normal(size=(6, 3))
    layers = hidden_layers(net, x)
    assert layers == net.layers[:-1]
    a = x
    for layer in layers:
        z = a @ layer.weight.value + layer.bias.value
        a = np.maximum(z, 0)
        assert layer.z == pytest.approx(z) and layer.a == pytest.approx(a)
