"""Experiment `activations` (C3, C5, C7, C8): quick run, measurements, verdicts both ways."""

import html

import pytest

from neuralab import activations
from neuralab.lab import activations as exp
from neuralab.lab import report
from neuralab.lab.runner import run_experiment

SIGMOID = {"min": 1e-13, "max": 1 - 1e-13, "max_derivative": 0.25, "left": "soft",
           "right": "soft"}
RELU = {"left": "hard", "right": "none", "slope_on_positive_side": [1.0, 1.0]}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.Activations, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("activations"))


def test_every_elementwise_activation_is_measured(result):
    functions = result.numbers["functions"]
    assert set(functions) == set(activations.names()) - {"softmax"}
    assert functions["sigmoid"]["max_derivative"] == pytest.approx(0.25, abs=1e-6)
    assert functions["tanh"]["max_derivative"] == pytest.approx(1.0, abs=1e-6)
    assert functions["tanh"]["min"] == pytest.approx(-1.0) and functions["relu"]["min"] == 0
    assert functions["sigmoid"]["mean_of_standard_normal"] == pytest.approx(0.5, abs=1e-9)


def test_measured_properties_agree_with_what_the_library_declares(result):
    for name, props in result.numbers["functions"].items():
        act = activations.get(name)
        assert exp.describe_saturation(props["left"], props["right"]) == act.saturation, name
        assert (abs(props["mean_of_standard_normal"]) < 0.01) == act.zero_centred, name
        # a grid 0.001 apart only approaches SELU's sup at z → 0⁻ (λα·e^−0.001): 0.1% below
        assert props["max_derivative"] == pytest.approx(act.max_derivative, rel=2e-3), name
        assert props["max_derivative"] <= act.max_derivative + 1e-6, name


def test_trained_networks_hold_per_layer_statistics(result):
    layers = result.numbers["layers"]
    assert set(layers) == {"sigmoid", "tanh", "relu"}
    for name, stats in layers.items():
        assert len(stats) == 3
        assert stats[0]["test_accuracy"] >= 0.9, name
        assert all(0 <= s["saturated_fraction"] <= 1 and 0 <= s["dead_fraction"] <= 1
                   for s in stats)
    assert all(0 < s["activation_mean"] < 1 for s in layers["sigmoid"])
    assert all(s["activation_min"] >= 0 for s in layers["relu"])


def test_verdicts_follow_from_the_numbers(result):
    layers, functions = result.numbers["layers"], result.numbers["functions"]
    column = exp.column
    ratio = result.numbers["gradient_ratio_at_init"]
    assert ratio["relu"] == exp.gradient_ratio(layers["relu"])
    expected = [
        exp.verdict_c3(functions["sigmoid"], column(layers["sigmoid"], "saturated_fraction")),
        exp.verdict_c5(column(layers["sigmoid"], "activation_mean"),
                       min(column(layers["sigmoid"], "activation_min")),
                       column(layers["tanh"], "activation_mean")),
        exp.verdict_c7(functions["relu"], ratio["relu"], ratio["sigmoid"]),
        exp.verdict_c8(column(layers["relu"], "activation_mean"),
                       min(column(layers["relu"], "activation_min")),
                       column(layers["relu"], "dead_fraction")),
    ]
    assert result.verdicts == expected


def test_figures_are_pngs(result):
    assert [f.path.name for f in result.figures] == ["activations-functions.png",
                                                     "activations-layers.png"]
    assert all(f.path.read_bytes()[:4] == b"\x89PNG" for f in result.figures)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_section_renders_in_both_languages(result, lang):
    page = html.unescape(report.render_html([result], lang=lang, meta={"seed": 0}))
    assert 'id="activations"' in page and result.title(lang) in page
    assert all(v.criterion(lang) in page for v in result.verdicts)


@pytest.mark.parametrize(
    ("tail", "kind"),
    [([0.0, 0.0, 0.0], "hard"), ([1e-3, 1e-8, 0.0], "soft"), ([0.03, 0.002, 1e-4], "soft"),
     ([0.01, 0.01, 0.01], "none"), ([1.0, 1.0, 1.0], "none")],
)
def test_saturation_kind(tail, kind):
    assert exp.saturation_kind(tail, max_derivative=1.0) == kind


def test_describe_saturation_uses_the_library_words():
    assert exp.describe_saturation("soft", "soft") == "soft"
    assert exp.describe_saturation("hard", "none") == "hard (left)"
    assert exp.describe_saturation("none", "soft") == "left none, right soft"


@pytest.mark.parametrize(
    ("change", "reproduced"),
    [({}, True), ({"max_derivative": 0.3}, False), ({"right": "hard"}, False),
     ({"max": 1.0}, False)],
)
def test_verdict_c3_both_ways(change, reproduced):
    assert exp.verdict_c3({**SIGMOID, **change}, [0.1, 0.2]).reproduced is reproduced


def test_verdict_c5_both_ways():
    assert exp.verdict_c5([0.5, 0.45], 1e-3, [0.01, -0.02]).reproduced
    assert not exp.verdict_c5([0.5, 0.1], 1e-3, [0.0, 0.0]).reproduced
    assert not exp.verdict_c5([0.5, 0.5], 0.0, [0.0, 0.0]).reproduced


@pytest.mark.parametrize(
    ("relu", "ratios", "reproduced"),
    [(RELU, (0.9, 0.05), True),
     (RELU, (0.05, 0.01), False),
     (RELU, (0.5, 0.8), False),
     ({**RELU, "left": "soft"}, (0.9, 0.05), False),
     ({**RELU, "slope_on_positive_side": [0.5, 1.0]}, (0.9, 0.05), False)],
)
def test_verdict_c7_both_ways(relu, ratios, reproduced):
    assert exp.verdict_c7(relu, *ratios).reproduced is reproduced


def test_verdict_c8_both_ways():
    assert exp.verdict_c8([0.5, 0.9], 0.0, [0.0, 0.1]).reproduced
    assert not exp.verdict_c8([0.5, 0.01], 0.0, [0.0, 0.0]).reproduced
    assert not exp.verdict_c8([0.5, 0.9], -0.1, [0.0, 0.0]).reproduced


def test_gradient_ratio_is_first_over_last_hidden_layer():
    layers = [{"init_grad_norm_bias": 0.01}, {"init_grad_norm_bias": 0.5},
              {"init_grad_norm_bias": 0.1}]
    assert exp.gradient_ratio(layers) == pytest.approx(0.1)
