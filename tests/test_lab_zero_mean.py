"""Experiment `zero_mean` (C5, C6): the control activations, a quick run, verdicts both ways."""

import numpy as np
import pytest

from neuralab import activations, datasets
from neuralab.lab import zero_mean as exp
from neuralab.lab.measures import epochs_to_target, hidden_layers
from neuralab.lab.runner import run_experiment


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.ZeroMean, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("zero_mean"))


Z = np.linspace(-6, 6, 49)


def sigma(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("scale, slope, shift", [(1, 1, -0.5), (2, 2, 0), (0.5, 3, 1)])
def test_scaled_sigmoid_forward_and_derivative(scale, slope, shift):
    act = exp.ScaledSigmoid(scale, slope, shift)
    assert act.forward(Z) == pytest.approx(scale * sigma(slope * Z) + shift, abs=1e-12)
    eps = 1e-6
    numeric = (act.forward(Z + eps) - act.forward(Z - eps)) / (2 * eps)
    assert act.derivative(Z) == pytest.approx(numeric, abs=1e-8)
    assert act.max_derivative == pytest.approx(scale * slope / 4)


def test_scaled_sigmoid_contains_sigmoid_and_tanh_and_keeps_float32():
    z = Z.astype(np.float32)
    sigmoid, tanh = activations.get("sigmoid"), activations.get("tanh")
    assert exp.ScaledSigmoid(1, 1, 0).forward(z) == pytest.approx(sigmoid.forward(z), abs=1e-6)
    assert exp.ScaledSigmoid(2, 2, -1).forward(z) == pytest.approx(tanh.forward(z), abs=1e-6)
    assert exp.ScaledSigmoid(2, 2, -1).derivative(z) == pytest.approx(tanh.derivative(z), abs=1e-6)
    assert exp.ScaledSigmoid(2, 2, 0).forward(z).dtype == np.float32
    assert exp.ScaledSigmoid(2, 2, 0).derivative(z).dtype == np.float32


def test_every_arm_starts_from_the_same_weights():
    nets = [exp.build(arm, seed=3) for arm in exp.ARMS]
    for layers in zip(*(net.layers for net in nets), strict=True):
        for layer in layers[1:]:
            np.testing.assert_array_equal(layer.weight.value, layers[0].weight.value)
            assert not layer.bias.value.any()


def test_hidden_layers_hold_the_outputs_numpy_computes():
    data = datasets.load("digits", seed=0)
    x = data.x_train[:50]
    net = exp.build("offset_tanh", seed=1)
    a, expected = x.astype(np.float64), []
    for layer in net.layers[:-1]:
        a = 2 * sigma(2 * (a @ layer.weight.value + layer.bias.value))
        expected.append(a)
    for layer, want in zip(hidden_layers(net, x), expected, strict=True):
        assert layer.a == pytest.approx(want, rel=1e-5)


def test_numbers_measure_the_offset(result):
    runs, epochs = result.numbers["runs"], result.parameters["epochs"]
    expected_mean = {"sigmoid": 0.5, "centred_sigmoid": 0.0, "offset_tanh": 1.0, "tanh": 0.0}
    for arm, arm_runs in runs.items():
        assert len(arm_runs) == result.parameters["seeds"]
        for run in arm_runs:
            assert len(run["val_accuracy"]) == epochs
            assert run["epochs_to_target"] == epochs_to_target(run["val_accuracy"], exp.TARGET)
            for when in ("init", "trained"):
                assert run[when]["mean"] == pytest.approx([expected_mean[arm]] * 2, abs=0.15)
    assert min(m for r in runs["sigmoid"] for m in r["init"]["min"]) > 0
    assert min(m for r in runs["tanh"] for m in r["trained"]["min"]) < 0


def test_verdicts_follow_from_the_numbers(result):
    runs, summary = result.numbers["runs"], result.numbers["summary"]
    expected = [
        exp.verdict_c5(exp.layer_values(runs, "sigmoid", "mean"),
                       exp.layer_values(runs, "sigmoid", "min"),
                       exp.layer_values(runs, "tanh", "mean")),
        exp.verdict_c6({arm: s["epochs_to_target"] for arm, s in summary.items()},
                       result.parameters["epochs"], result.parameters["target_accuracy"]),
    ]
    assert result.verdicts == expected


def test_figures_and_table(result):
    assert len(result.figures) == 2
    for figure in result.figures:
        assert figure.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(result.tables[0].rows) == len(exp.ARMS)


def test_verdict_c5_both_ways():
    assert exp.verdict_c5([0.5, 0.49, 0.51], [0.01, 0.02, 0.03], [0.0, 0.1]).reproduced
    assert not exp.verdict_c5([0.5, 0.2], [0.01, 0.02], [0.0]).reproduced  # mean too close to 0
    assert not exp.verdict_c5([0.5, 0.5], [0.0, 0.02], [0.0]).reproduced  # an output is not > 0


def arms(sigmoid, centred, offset, tanh):
    return {"sigmoid": sigmoid, "centred_sigmoid": centred, "offset_tanh": offset, "tanh": tanh}


def test_verdict_c6_both_ways():
    assert exp.verdict_c6(arms([41, 43, 38], [40, 39, 41], [4, 5, 4], [3, 3, 2]), 80).reproduced
    # sigmoid never got there
    assert exp.verdict_c6(arms([None] * 3, [None] * 3, [4, 4, 4], [3, 3, 4]), 80).reproduced
    assert not exp.verdict_c6(arms([3, 3, 2], [3, 3, 2], [3, 3, 2], [41, 43, 38]), 80).reproduced
    # lower median, but faster for only half of the seeds
    assert not exp.verdict_c6(arms([10, 10, 50, 50], [10] * 4, [10] * 4, [11, 11, 5, 5]),
                              80).reproduced
    assert not exp.verdict_c6(arms([None] * 2, [None] * 2, [None] * 2, [None] * 2), 80).reproduced


def test_verdict_c6_says_the_speed_up_comes_from_the_slope():
    """The lab's controls, as the full run measured them: σ(z) − ½ needs 38 epochs, 2σ(2z) 4."""
    slope = exp.verdict_c6(arms([41, 43, 38, 45, 41], [42, 37, 38, 41, 38], [3, 4, 4, 4, 5],
                                [3, 3, 3, 2, 3]), 80)
    assert slope.outcome == "qualified"
    assert slope.evidence["speed_up_from"].en == "tanh's slope"
    assert "σ(z) − ½ 38 epochs and the offset 2σ(2z) 4 epochs" in slope.finding.en
    assert "comes from tanh's 4× steeper slope, not from its zero mean" in slope.finding.en
    assert "而不是它的 0 均值" in slope.finding.zh
    # were the zero mean the reason, the seed's claim would hold in full
    mean = exp.verdict_c6(arms([41, 43, 38], [4, 5, 4], [40, 38, 39], [3, 3, 2]), 80)
    assert mean.outcome == "reproduced" and "the zero mean explains" in mean.finding.en


@pytest.mark.parametrize(("medians", "why"), [
    ({"sigmoid": 41, "centred_sigmoid": 38, "offset_tanh": 4}, "slope"),
    ({"sigmoid": 41, "centred_sigmoid": 4, "offset_tanh": 38}, "mean"),
    ({"sigmoid": 41, "centred_sigmoid": 30, "offset_tanh": 30}, "neither"),
    ({"sigmoid": np.inf, "centred_sigmoid": np.inf, "offset_tanh": 4}, "slope"),
])
def test_reason_reads_the_controls(medians, why):
    assert exp.reason(medians) == why
