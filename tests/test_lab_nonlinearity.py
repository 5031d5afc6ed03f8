"""Experiment `nonlinearity` (C1, C2): quick run, measuring functions, verdicts both ways."""

import html

import numpy as np
import pytest

from neuralab.lab import nonlinearity as exp
from neuralab.lab import report
from neuralab.lab.runner import run_experiment
from neuralab.network import mlp


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.Nonlinearity, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("nonlinearity"))


def test_result_holds_the_measured_numbers(result):
    numbers = result.numbers
    assert result.id == "nonlinearity" and result.claims == ["C1", "C2"]
    assert set(numbers) == {"c1_layer_errors", "c1_shapes_ok", "collapse_error", "test_accuracy",
                            "best_line"}  # the networks and data drawn from stay out
    assert len(numbers["c1_layer_errors"]) == 3 and numbers["c1_shapes_ok"] is True
    assert max(numbers["c1_layer_errors"]) < 1e-12
    for name in ("xor", "circles"):
        assert numbers["collapse_error"][name] < 1e-5
        acc = numbers["test_accuracy"][name]
        assert set(acc) == {"linear", "identity", "tanh", "relu"}
        assert acc["tanh"] >= 0.95 and acc["relu"] >= 0.95
        assert acc["identity"] <= 0.75 and acc["linear"] <= 0.75
        assert 0.6 <= numbers["best_line"][name] <= 0.85


def test_verdicts_follow_from_the_numbers(result):
    numbers = result.numbers
    expected = [exp.verdict_c1(numbers["c1_layer_errors"], numbers["c1_shapes_ok"]),
                exp.verdict_c2(max(numbers["collapse_error"].values()), numbers["test_accuracy"],
                               numbers["best_line"])]
    assert result.verdicts == expected
    assert [v.reproduced for v in result.verdicts] == [True, True]


def test_figure_is_a_png(result):
    (figure,) = result.figures
    assert figure.path.name == "nonlinearity-boundaries.png"
    assert figure.path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_section_renders_in_both_languages(result, lang):
    page = html.unescape(report.render_html([result], lang=lang, meta={"seed": 0}))
    assert 'id="nonlinearity"' in page and result.title(lang) in page
    assert all(v.criterion(lang) in page for v in result.verdicts)


def test_hand_computation_feeds_each_neuron_the_previous_layer():
    relu = exp.SCALAR["relu"]
    out = exp.neurons([[1.0, 2.0], [-3.0, 0.5]], [[1.0, -1.0], [2.0, 0.0]], [0.5, 0.0], relu)
    assert out == [[5.5, 0.0], [0.0, 3.0]]


def test_collapse_error_separates_linear_from_nonlinear_networks():
    x = np.random.default_rng(1).normal(size=(20, 2)).astype(np.float32)
    linear = mlp([2, 8, 8, 2], activation="identity", seed=0)
    bent = mlp([2, 8, 8, 2], activation="tanh", seed=0)
    assert exp.collapse_error(linear, x) < 1e-6
    assert exp.collapse_error(bent, x) > 1e-3


def test_best_line_accuracy_on_xor_corners_and_on_separable_points():
    corners = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    assert exp.best_line_accuracy(corners, np.array([0, 0, 1, 1])) == 0.75
    x = np.random.default_rng(2).normal(size=(200, 2))
    y = (x @ np.array([0.3, -1.0]) > 0.2).astype(int)  # a tilted line, off the angle grid
    assert exp.best_line_accuracy(x, y) >= 0.99
    assert exp.best_line_accuracy(x, 1 - y) >= 0.99


def test_verdict_c1_both_ways():
    assert exp.verdict_c1([1e-16, 3e-16], True).reproduced
    assert not exp.verdict_c1([1e-16, 1e-3], True).reproduced
    assert not exp.verdict_c1([0.0], False).reproduced


GOOD = {"xor": {"linear": 0.5, "identity": 0.52, "tanh": 0.99, "relu": 1.0},
        "circles": {"linear": 0.45, "identity": 0.5, "tanh": 0.98, "relu": 0.97}}
LINES = {"xor": 0.78, "circles": 0.68}


@pytest.mark.parametrize(
    ("collapse", "change", "lines", "reproduced"),
    [(1e-7, {}, LINES, True),
     (1e-7, {"identity": 0.785}, LINES, True),
     (1e-2, {}, LINES, False),
     (1e-7, {"identity": 0.8}, LINES, False),
     (1e-7, {"relu": 0.85}, LINES, False),
     (1e-7, {}, {"xor": 0.78, "circles": 0.97}, False)],
)
def test_verdict_c2_both_ways(collapse, change, lines, reproduced):
    accuracy = {"xor": {**GOOD["xor"], **change}, "circles": GOOD["circles"]}
    verdict = exp.verdict_c2(collapse, accuracy, lines)
    assert verdict.reproduced is reproduced
    assert verdict.evidence["best_line"] == lines
