"""Experiment `saturation_dynamics` (C3, C6; Glorot & Bengio 2010, figures 2 and 3): the
standard initialisation, the statistics of a layer by hand, a quick run, verdicts both ways."""

import numpy as np
import pytest

from neuralab.lab import saturation_dynamics as exp
from neuralab.lab.runner import run_experiment
from neuralab.layers import Dense


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.SaturationDynamics, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("saturation"))


def test_glorot_and_bengios_standard_initialisation():
    p = exp.SaturationDynamics.parameters(quick=False)
    net = exp.build("sigmoid", 784, p, seed=0)
    assert [layer.out_features for layer in net.layers] == [100, 100, 100, 100, 10]
    first = net.layers[0].weight.value
    bound = 1 / np.sqrt(784)
    assert np.abs(first).max() <= bound and np.abs(first).max() > 0.99 * bound
    assert first.std() == pytest.approx(bound / np.sqrt(3), rel=0.02)  # U[−c, c]: std c/√3
    assert not any(layer.bias.value.any() for layer in net.layers)
    assert net.layers[-1].activation.name == "softmax"


def test_layer_numbers_by_hand():
    layer = Dense(2, 4, "sigmoid", dtype="float64")
    layer.weight.value = np.eye(2, 4)
    layer.bias.value = np.array([-10.0, 10.0, 0.0, 0.0])  # unit 0 pinned at 0, unit 1 at 1
    layer.forward(np.zeros((5, 2)))
    numbers = exp.layer_numbers(layer)
    assert numbers["left"] == pytest.approx(0.25) and numbers["right"] == pytest.approx(0.25)
    assert numbers["mean"] == pytest.approx(np.mean([0, 1, 0.5, 0.5]), abs=1e-4)
    tanh = Dense(2, 2, "tanh", dtype="float64")
    tanh.weight.value, tanh.bias.value = np.zeros((2, 2)), np.array([-4.0, 0.0])
    tanh.forward(np.zeros((3, 2)))
    assert exp.layer_numbers(tanh)["left"] == pytest.approx(0.5)  # tanh′(−4) = 0.0013 < 1%
    assert exp.layer_numbers(tanh)["right"] == 0


def test_first_update_and_summary():
    assert exp.first_update(np.array([0.0, 0.01, 0.03, 0.5]), [0, 10, 20, 30], 0.02) == 20
    assert exp.first_update(np.array([0.0, 0.01]), [0, 10], 0.02) is None
    run = {"updates": [0, 10, 20], "accuracy": [0.1, 0.1, 0.9],
           "left": np.array([[0, 0], [0, 0.8], [0.1, 0.2]]),
           "right": np.array([[0, 0], [0, 0], [0.05, 0]])}
    summary = exp.summary("sigmoid", run)
    assert summary["top_left_peak"] == 0.8 and summary["top_left_peak_update"] == 10
    assert summary["top_left_end"] == 0.2 and summary["left_again"]
    assert summary["first_saturated"] == [20, 10] and summary["final_accuracy"] == 0.9


def test_quick_run_follows_every_layer(result):
    for arm in exp.ARMS:
        run = result.numbers[arm]
        updates = run["updates"]
        assert updates[0] == 0 and updates == sorted(updates)
        assert run["mean"].shape == (len(updates), 4) == run["p98"].shape
        assert ((0 <= run["left"]) & (run["left"] + run["right"] <= 1)).all()
    sigmoid = result.numbers["sigmoid"]
    assert (0 < sigmoid["mean"]).all() and (sigmoid["mean"] < 1).all()
    assert sigmoid["mean"][1:, -1].min() < 0.05  # the top layer is pushed to 0 (figure 2)


def test_verdicts_follow_from_the_numbers(result):
    numbers = result.numbers
    assert result.verdicts == [exp.verdict_c3(numbers["sigmoid"]), exp.verdict_c6(numbers["tanh"])]
    assert [f.path.name for f in result.figures] == ["saturation-dynamics-sigmoid.png",
                                                     "saturation-dynamics-tanh.png"]
    assert all(f.path.read_bytes()[:4] == b"\x89PNG" for f in result.figures)


def sigmoid_run(peak=0.67, end=0.27, right=0.12):
    return {"top_left_peak": peak, "top_left_peak_update": 900, "top_left_end": end,
            "right_max": right, "final_accuracy": 0.88}


@pytest.mark.parametrize(("run", "outcome"), [
    (sigmoid_run(), "reproduced"),  # pinned, left again, both sides: soft and two-sided
    (sigmoid_run(end=0.6), "qualified"),  # never left the saturation within the budget
    (sigmoid_run(right=0.0), "qualified"),  # one side only
    (sigmoid_run(peak=0.1, end=0.0), "not_reproduced"),  # never pinned
])
def test_verdict_c3_three_ways(run, outcome):
    verdict = exp.verdict_c3(run)
    assert verdict.outcome == outcome
    assert "update 900" in verdict.finding.en and "第 900 次更新" in verdict.finding.zh


@pytest.mark.parametrize(("order", "share", "outcome", "words"), [
    ([1700, 3300, 4100, 4500], 0.07, "reproduced", "in the order 1, 2, 3, 4, first layer first"),
    ([900, 500, 800, 1300], 0.07, "reproduced", "in the order 2, 3, 1, 4, not first layer"),
    ([None, 1600, 900, None], 0.07, "reproduced", "only layers 3, 2 reach 2%"),
    ([None, None, None, None], 0.01, "not_reproduced", "no layer reaches 2%"),
])
def test_verdict_c6_both_ways(order, share, outcome, words):
    verdict = exp.verdict_c6({"first_saturated": order, "saturated_max": share})
    assert verdict.outcome == outcome and words in verdict.finding.en
