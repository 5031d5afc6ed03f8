"""docs/exercises.md: every answer the page gives is recomputed here, and the page must state it.

Each test computes an exercise's answer with the library and checks both the number and that
the page prints that same number, so neither the code nor the page can drift.
"""

from pathlib import Path

import numpy as np
import pytest

from neuralab import activations, datasets, optimizers
from neuralab.lab import dead_relu, loss_slowdown
from neuralab.lab.measures import first_epoch
from neuralab.layers import Parameter

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "exercises.md").read_text(encoding="utf-8")


def section(number: int) -> str:
    """The text of exercise ``number``, up to the next one."""
    start = PAGE.index(f"## {number}. ")
    end = PAGE.find(f"## {number + 1}. ", start)
    return PAGE[start:] if end < 0 else PAGE[start:end]


def test_there_are_five_exercises_each_with_an_answer():
    assert [f"## {i}. " in PAGE for i in range(1, 7)] == [True] * 5 + [False]
    for i in range(1, 6):
        assert "<summary>Answer</summary>" in section(i)


def test_1_sigmoid_derivative_and_its_maximum():
    sigmoid, z = activations.get("sigmoid"), np.linspace(-8, 8, 1601)
    a = sigmoid.forward(z)
    numeric = (sigmoid.forward(z + 1e-6) - sigmoid.forward(z - 1e-6)) / 2e-6
    assert np.max(np.abs(numeric - a * (1 - a))) < 1e-9
    assert sigmoid.derivative(z) == pytest.approx(a * (1 - a), abs=1e-15)
    assert z[np.argmax(a * (1 - a))] == 0.0 and np.max(a * (1 - a)) == 0.25
    assert "σ′(0) = ¼" in section(1) and "σ′ = σ(1 − σ)" in section(1)


def test_2_c9_at_four_times_the_learning_rate():
    neuron = {**loss_slowdown.LossSlowdown.parameters(quick=True)["neuron"], "lr": 0.6}
    epochs = {(cost, start): first_epoch(loss_slowdown.train_neuron(cost, w, b, neuron)["output"],
                                         0.2)
              for cost in loss_slowdown.COSTS for start, (w, b) in loss_slowdown.STARTS.items()}
    assert epochs == {("quadratic", "near"): 27, ("quadratic", "far"): 76,
                      ("cross_entropy", "near"): 5, ("cross_entropy", "far"): 7}
    text = section(2)
    assert "| quadratic | 27 epochs | 76 epochs |" in text
    assert "| cross-entropy | 5 epochs | 7 epochs |" in text
    sigma = activations.get("sigmoid")
    assert f"σ′(4) = {sigma.derivative(np.array(4.0)):.3f}" in text
    assert f"σ′(1.5) = {sigma.derivative(np.array(1.5)):.3f}" in text


def test_3_the_adam_rate_at_which_half_the_relus_die():
    data = datasets.load("digits", seed=0)
    setup = dead_relu.DeadReLU.parameters(quick=True)
    below = dead_relu.train("relu", 0.0, 0.04, data, setup, seed=0)
    above = dead_relu.train("relu", 0.0, 0.045, data, setup, seed=0)
    assert below["dead"] < 0.5 < above["dead"]
    # the page's numbers, to the percent the page prints (BLAS may move a unit or two)
    assert below["dead"] == pytest.approx(0.48, abs=0.03)
    assert above["dead"] == pytest.approx(0.54, abs=0.03)
    assert below["dead_per_layer"][0] > below["dead_per_layer"][1]
    assert "About 0.043" in section(3) and "48%" in section(3) and "54%" in section(3)


def test_4_the_largest_singular_value_of_a_random_layer():
    rng = np.random.default_rng(0)
    norms = [np.linalg.norm(rng.normal(0, 1 / np.sqrt(n), size=(n, n)), 2) for n in (30, 1000)]
    assert [round(v, 2) for v in norms] == [1.99, 2.00]
    assert 0.25 * norms[1] == pytest.approx(0.5, abs=0.01)
    assert "1.99 for n = 30, 2.00 for n = 1,000" in section(4)


def test_5_amsgrads_step_grows_with_the_bias_correction():
    opt, theta, moves = optimizers.Adam(lr=1e-3, amsgrad=True), Parameter(np.zeros(1)), []
    for t in range(1, 3001):
        theta.grad[...] = 1.0 if t == 1 else 0.01
        before = theta.value[0]
        opt.step([theta])
        moves.append(abs(theta.value[0] - before))
    assert f"{moves[99]:.1e}" == "9.8e-05" and f"{moves[2999]:.1e}" == "3.1e-04"
    assert moves[2999] > 3 * moves[99]  # the same gradient, three times the step
    assert 1 - 0.999 ** 3000 == pytest.approx(0.95, abs=0.005)
    assert "9.8·10⁻⁵ at step 100 and 3.1·10⁻⁴ at step 3,000" in section(5)
