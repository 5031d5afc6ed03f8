"""Experiment `loss_slowdown` (C9, C10, C11): quick run, hand-worked GD steps, verdicts both
ways."""

import html
import math

import pytest

from neuralab.lab import loss_slowdown as exp
from neuralab.lab import report
from neuralab.lab.runner import run_experiment


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.LossSlowdown, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("loss_slowdown"))


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
@pytest.mark.parametrize("start", ["near", "far"])
def test_neuron_follows_hand_worked_gradient_descent(result, cost, start):
    run = result.numbers["neuron"][f"{cost}/{start}"]
    w, b = exp.STARTS[start]
    assert len(run["output"]) == len(run["cost"]) == 301
    for epoch in range(3):
        a = sigmoid(w + b)
        # x = 1, y = 0: quadratic ∂C/∂z = a·σ′(z) = a·a(1 − a); cross-entropy ∂C/∂z = a
        delta = a * a * (1 - a) if cost == "quadratic" else a
        assert run["output"][epoch] == pytest.approx(a, rel=1e-12)
        assert run["grad_w"][epoch] == pytest.approx(delta, rel=1e-12)
        expected_cost = a * a / 2 if cost == "quadratic" else -math.log(1 - a)
        assert run["cost"][epoch] == pytest.approx(expected_cost, rel=1e-12)
        w, b = w - 0.15 * delta, b - 0.15 * delta


def test_summary_and_digits_numbers(result):
    summary = result.numbers["neuron_summary"]
    assert summary["quadratic/near"]["epochs_below_threshold"] == pytest.approx(107, abs=5)
    assert summary["quadratic/far"]["final_output"] > 0.19
    assert summary["cross_entropy/far"]["epochs_below_threshold"] < 60
    digits = result.numbers["digits"]
    epochs = result.parameters["digits"]["epochs"]
    assert all(len(run["val_accuracy"]) == epochs for run in digits.values())
    assert digits["cross_entropy"]["val_accuracy"][-1] >= 0.9
    assert max(result.numbers["formula_errors"].values()) < 1e-12


def test_verdicts_follow_from_the_numbers(result):
    numbers = result.numbers
    expected = [exp.verdict_c9(numbers["neuron_summary"], numbers["budgets"]),
                exp.verdict_c10(numbers["neuron_summary"], numbers["digits_epochs_to_target"],
                                numbers["budgets"]),
                exp.verdict_c11(numbers["formula_errors"])]
    assert result.verdicts == expected
    assert all(v.derivation.startswith("losses.md#") for v in expected)


def test_the_digits_runs_differ_only_in_the_cost(result):
    digits = result.parameters["digits"]
    assert digits["hidden"] == digits["output"] == "sigmoid"
    assert exp.COSTS == {"quadratic": "quadratic", "cross_entropy": "binary_cross_entropy"}
    # the same initial weights for both costs (train_digits builds them from one seed)
    nets = [exp.mlp(digits["sizes"], activation="sigmoid", output="sigmoid", loss=loss, seed=0)
            for loss in exp.COSTS.values()]
    for a, b in zip(nets[0].layers, nets[1].layers, strict=True):
        assert (a.weight.value == b.weight.value).all()


def test_figures_are_pngs(result):
    assert [f.path.name for f in result.figures] == ["loss-slowdown-neuron.png",
                                                     "loss-slowdown-digits.png"]
    assert all(f.path.read_bytes()[:4] == b"\x89PNG" for f in result.figures)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_section_renders_in_both_languages(result, lang):
    page = html.unescape(report.render_html([result], lang=lang, meta={"seed": 0}))
    assert 'id="loss_slowdown"' in page and result.title(lang) in page
    assert all(v.criterion(lang) in page for v in result.verdicts)


BUDGETS = {"neuron": 300, "digits": 8, "threshold": 0.2, "target": 0.9}


def summary(quad_near=(0.12, 107), quad_far=(0.017, None), ce_near=(0.82, 22),
            ce_far=(0.98, 31)):
    pairs = {"quadratic/near": quad_near, "quadratic/far": quad_far,
             "cross_entropy/near": ce_near, "cross_entropy/far": ce_far}
    return {k: {"initial_grad_w": g, "epochs_below_threshold": e} for k, (g, e) in pairs.items()}


@pytest.mark.parametrize(
    ("numbers", "reproduced"),
    [(summary(), True),
     (summary(quad_far=(0.017, 250)), True),
     (summary(quad_far=(0.017, 50)), False),
     (summary(quad_far=(0.2, None)), False),
     (summary(quad_near=(0.12, None)), False)],
)
def test_verdict_c9_both_ways(numbers, reproduced):
    verdict = exp.verdict_c9(numbers, BUDGETS)
    assert verdict.reproduced is reproduced
    assert "to bring the output below 0.2" in verdict.finding.en


@pytest.mark.parametrize(
    ("numbers", "digits", "reproduced"),
    [(summary(), {"quadratic": None, "cross_entropy": 2}, True),
     (summary(), {"quadratic": 6, "cross_entropy": 2}, True),
     (summary(), {"quadratic": 2, "cross_entropy": 2}, False),
     (summary(), {"quadratic": None, "cross_entropy": None}, False),
     (summary(ce_far=(0.5, 31)), {"quadratic": None, "cross_entropy": 2}, False),
     (summary(ce_far=(0.98, None)), {"quadratic": None, "cross_entropy": 2}, False)],
)
def test_verdict_c10_both_ways(numbers, digits, reproduced):
    verdict = exp.verdict_c10(numbers, digits, BUDGETS)
    assert verdict.reproduced is reproduced and verdict.outcome != "qualified"


def test_findings_say_never_with_the_budget():
    verdict = exp.verdict_c10(summary(), {"quadratic": None, "cross_entropy": 2}, BUDGETS)
    assert "quadratic cost: never within 300 epochs" in verdict.finding.en
    assert "2 epochs with cross-entropy, never within 8 epochs" in verdict.finding.en
    assert "300 轮内未达到" in verdict.finding.zh


def test_verdict_c11_both_ways():
    assert exp.verdict_c11({"a": 0.0, "b": 1e-16}).reproduced
    verdict = exp.verdict_c11({"a": 0.0, "b": 1e-3})
    assert not verdict.reproduced and verdict.evidence["worst"] == 1e-3
