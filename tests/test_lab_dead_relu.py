"""Experiment `dead_relu` (C8): the unit census on hand-made nets, a quick run, verdicts both
ways."""

import numpy as np
import pytest

from neuralab import diagnostics
from neuralab.lab import dead_relu as exp
from neuralab.lab.runner import run_experiment
from neuralab.network import mlp


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.DeadReLU, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("dead_relu"))


def hand_made(activation):
    """2 inputs → 3 hidden units → 2 outputs. Unit 0 is on for every x ≥ 0; unit 1 has z = −10
    for every x (dead for ReLU and ELU, not for Leaky ReLU); unit 2 is on only where x₀ > 0.5."""
    net = mlp([2, 3, 2], activation, seed=0, dtype="float64")
    hidden = net.layers[0]
    hidden.weight.value = [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    hidden.bias.value = [0.1, -10.0, -0.5]
    return net


X = np.array([[0.0, 0.0], [1.0, 0.0], [0.2, 0.7], [0.9, 0.3]])
Y = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("activation, dead, frozen", [
    ("relu", [False, True, False], [False, True, False]),  # a dead ReLU is frozen too
    ("leaky_relu", [False, False, False], [False, False, False]),  # slope 0.01: 1%, not below
    ("elu", [False, False, False], [False, True, False]),  # e⁻¹⁰ < 1%, but its output is ≈ −1
])
def test_unit_census_on_a_hand_made_net(activation, dead, frozen):
    census = exp.unit_census(hand_made(activation), X)
    assert census["dead"][0].tolist() == dead
    assert census["frozen"][0].tolist() == frozen
    assert census["inactive"][0].tolist() == [False, True, False]
    assert census["activity"][0] == pytest.approx([1.0, 0.0, 0.5])


def test_relu_outputs_and_their_mean():
    census = exp.unit_census(hand_made("relu"), X)
    z = X @ np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 0.0]]) + [0.1, -10.0, -0.5]
    a = np.maximum(z, 0)
    assert census["mean"][0] == pytest.approx(a.mean())
    assert census["std"][0] == pytest.approx(a.std())


def test_dead_units_get_exactly_zero_gradient():
    net = hand_made("relu")
    dead = exp.unit_census(net, X)["dead"]
    assert exp.dead_unit_gradient(net, X, Y, dead) == 0.0
    live = net.layers[0].weight.grad[:, [0, 2]]
    assert np.abs(live).max() > 0  # the live units do learn
    elu = hand_made("elu")  # frozen but not dead: a tiny gradient still passes
    assert 0 < exp.dead_unit_gradient(elu, X, Y, exp.unit_census(elu, X)["frozen"]) < 1e-4


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "elu"])
def test_census_agrees_with_the_diagnostics(activation):
    net = hand_made(activation)
    census = exp.unit_census(net, X)
    stats = diagnostics.layer_stats(net, X, Y)[0]
    assert stats["dead_fraction"] == pytest.approx(census["dead"][0].mean())
    assert stats["frozen_fraction"] == pytest.approx(census["frozen"][0].mean())


def test_numbers_of_the_quick_run(result):
    runs, lrs = result.numbers["runs"], result.parameters["learning_rates"]
    assert set(runs) == {f"{a}/{s:g}" for a in exp.ACTIVATIONS for s in exp.SHIFTS}
    for key, rows in runs.items():
        assert len(rows) == len(lrs)
        for r in rows:
            assert 0 <= r["dead"] <= r["inactive"] <= 1 and 0 <= r["frozen"] <= 1
            if key.startswith("relu"):
                assert r["dead"] == r["inactive"] == r["frozen"]  # for ReLU all three coincide
                assert r["dead_gradient"] == 0.0
            else:
                assert r["dead"] == 0.0  # Leaky ReLU and ELU never output exactly 0
            if key.startswith("leaky_relu"):
                assert r["frozen"] == 0.0  # its slope is never below 1% of its maximum
    assert runs["relu/0.5"][0]["dead_init"] > runs["relu/0"][0]["dead_init"]


def test_verdict_follows_from_the_numbers(result):
    expected = exp.verdict_c8(*exp.c8_numbers(result.numbers["runs"]),
                              learning_rates=result.parameters["learning_rates"])
    assert result.verdicts == [expected]
    assert expected.finding.en.startswith("after training, ") and expected.derivation


def test_figures_and_table(result):
    assert len(result.figures) == 2
    for figure in result.figures:
        assert figure.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lrs = result.parameters["learning_rates"]
    assert len(result.tables[0].rows) == len(exp.ACTIVATIONS) * len(exp.SHIFTS) * len(lrs)


GOOD = {"dead_init": [0.05, 0.05, 0.05], "dead_trained": [0.08, 0.2, 0.86], "dead_gradient": 0.0,
        "stayed_dead": 1.0, "mean_std": [(0.4, 0.6), (0.05, 1.0)],
        "remedies": {"leaky_relu": [(0.08, 0.0), (0.86, 0.0)], "elu": [(0.86, 0.4), (0.0, 0.0)]}}


def test_verdict_c8_reproduced():
    verdict = exp.verdict_c8(**GOOD, learning_rates=[1e-3, 1e-2, 1e-1])
    assert verdict.reproduced and all(verdict.evidence["parts"].values())
    assert verdict.outcome == "reproduced"
    assert "8% of the ReLU units are dead at learning rate 0.001 and 86% at 0.1" in (
        verdict.finding.en)
    assert "ELU 40%" in verdict.finding.en and "ELU 最多 40%" in verdict.finding.zh


@pytest.mark.parametrize("change, part", [
    ({"dead_trained": [0.08, 0.1, 0.12]}, "dies"),  # barely grows with the learning rate
    ({"dead_init": [0.05, 0.05, 0.8]}, "dies"),  # no more dead than at initialisation
    ({"dead_gradient": 1e-7}, "frozen"),  # dead units still learn a little
    ({"stayed_dead": 0.9}, "frozen"),  # some came back
    ({"stayed_dead": None}, "frozen"),  # nothing to show
    ({"mean_std": [(0.4, 0.6), (0.0, 1.0)]}, "offset"),
    ({"remedies": {"leaky_relu": [(0.08, 0.0)], "elu": [(0.86, 0.9)]}}, "remedied"),
])
def test_verdict_c8_not_reproduced(change, part):
    verdict = exp.verdict_c8(**{**GOOD, **change})
    assert not verdict.reproduced
    assert not verdict.evidence["parts"][part]
