"""Experiment `optimizer_paper` (C12; Kingma & Ba 2015, section 6.2): the network, the recorded
training cost, a quick run, the verdict three ways."""

import numpy as np
import pytest

from neuralab import datasets
from neuralab.lab import optimizer_paper as exp
from neuralab.lab.runner import run_experiment
from neuralab.layers import Dropout


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.OptimizerPaper, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("optimizer_paper"))


def test_the_papers_network_scaled_down():
    full = exp.OptimizerPaper.parameters(quick=False)
    assert full["hidden"] == [256, 256] and full["batch_size"] == 128 and full["dropout"] == 0.5
    net = exp.build(784, full, seed=0)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert all(layer.rate == 0.5 for layer in net.layers if isinstance(layer, Dropout))
    again = exp.build(784, full, seed=0)
    assert all((a.weight.value == b.weight.value).all()
               for a, b in zip(net.layers[::2], again.layers[::2], strict=True))
    assert set(full["lr_grid"]) == set(exp.OPTIMIZERS)
    assert all(len(grid) == 4 for grid in full["lr_grid"].values())


def test_training_cost_is_the_whole_set_without_dropout():
    data = datasets.load("digits", seed=0)
    p = {**exp.OptimizerPaper.parameters(quick=True), "epochs": 2}
    run = exp.train("adam", 1e-3, data, p, seed=0)
    steps = -(-len(data.x_train) // p["batch_size"])
    assert run["iterations"] == [0, steps, 2 * steps] and len(run["cost"]) == 3
    net = exp.build(data.x_train.shape[1], p, seed=0)
    assert run["cost"][0] == pytest.approx(net.evaluate(data.x_train, data.y_train)["loss"])
    assert run["cost"][-1] < run["cost"][0]


def test_quick_run(result):
    p = result.parameters
    best = result.numbers["best"]
    for name in exp.OPTIMIZERS:
        costs = result.numbers["final_cost"][name]
        assert set(costs) == {f"{lr:g}" for lr in p["lr_grid"][name]}
        assert best[name]["cost"][-1] == pytest.approx(min(costs.values()))
        assert np.all(np.diff(best[name]["iterations"]) > 0)
    assert result.verdicts == [exp.verdict_c12(
        {n: (r["cost"][0], r["cost"][-1]) for n, r in best.items()},
        {n: r["lr"] for n, r in best.items()}, best["adam"]["iterations"][-1])]
    (figure,) = result.figures
    assert figure.path.name == "optimizer-paper.png"


COSTS = {"adam": (2.3, 0.0028), "rmsprop": (2.3, 0.0013), "nesterov": (2.3, 0.0049),
         "adagrad": (2.3, 0.0054)}
RATES = {"adam": 1e-3, "rmsprop": 1e-3, "nesterov": 0.03, "adagrad": 0.03}


def test_verdict_c12_three_ways():
    # the full run's numbers: all train, but RMSprop ends below Adam
    measured = exp.verdict_c12(COSTS, RATES, 1280)
    assert measured.outcome == "qualified"
    assert "rmsprop 0.0013, adam 0.0028" in measured.finding.en
    assert "rmsprop ends lower than Adam, unlike the paper" in measured.finding.en
    # Adam lowest: as the paper reports
    paper = exp.verdict_c12({**COSTS, "adam": (2.3, 0.001)}, RATES, 1280)
    assert paper.outcome == "reproduced" and "Adam lowest, as in the paper" in paper.finding.en
    # one optimizer that does not train the network
    assert exp.verdict_c12({**COSTS, "adagrad": (2.3, 0.5)}, RATES, 1280).outcome == (
        "not_reproduced")
