"""Experiment `optimizers` (C12) and its surfaces: the surfaces' gradients, hand-worked descents,
a quick run, the verdict both ways."""

import numpy as np
import pytest

from neuralab.lab import optimizers as exp
from neuralab.lab import surfaces
from neuralab.lab.runner import run_experiment


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_experiment(exp.Optimizers, quick=True, seed=0,
                          out_dir=tmp_path_factory.mktemp("optimizers"))


@pytest.mark.parametrize("surface", ["rosenbrock", "bowl"])
@pytest.mark.parametrize("point", [(-1.2, 1.0), (0.3, -0.7), (2.0, 2.5)])
def test_term_gradients_sum_to_the_central_difference(surface, point):
    s, p, eps = surfaces.SURFACES[surface], np.array(point), 1e-6
    numeric = [(s["f"](*(p + eps * e)) - s["f"](*(p - eps * e))) / (2 * eps) for e in np.eye(2)]
    assert sum(s["terms"](p)) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_surfaces_have_their_minimum_where_stated():
    for s in surfaces.SURFACES.values():
        assert s["f"](*s["minimum"]) == pytest.approx(0, abs=1e-15)
        assert all(np.allclose(g, 0) for g in s["terms"](np.array(s["minimum"])))
    # the bowl's Hessian has eigenvalues 1 and 50
    hessian = sum(lam * np.outer(u, u)
                  for lam, u in zip(surfaces.CURVATURES, surfaces.AXES, strict=True))
    assert np.linalg.eigvalsh(hessian) == pytest.approx([1.0, 50.0])


def test_gd_descent_follows_hand_worked_steps():
    run = surfaces.descend("gd", 0.01, "bowl", budget=3, seed=0)
    theta = np.array(surfaces.SURFACES["bowl"]["start"])
    for step in range(4):
        assert run["path"][step] == pytest.approx(theta)
        assert run["values"][step] == pytest.approx(surfaces.bowl(*theta))
        theta = theta - 0.01 * sum(surfaces.bowl_terms(theta))
    assert run["steps"] is None


def test_sgd_steps_along_one_term_times_two():
    run = surfaces.descend("sgd", 0.01, "rosenbrock", budget=1, seed=0)
    start = np.array(surfaces.SURFACES["rosenbrock"]["start"])
    candidates = [start - 0.01 * 2 * g for g in surfaces.rosenbrock_terms(start)]
    assert any(np.allclose(run["path"][1], c) for c in candidates)


def test_descent_stops_at_the_tolerance_and_on_divergence():
    run = surfaces.descend("momentum", 0.01, "bowl", budget=2000, seed=0)
    assert run["values"][-1] <= surfaces.TOLERANCE < run["values"][-2]
    assert run["steps"] == len(run["values"]) - 1
    blown = surfaces.descend("gd", 1.0, "bowl", budget=2000, seed=0)
    assert blown["steps"] is None and len(blown["values"]) < 100


def test_best_descent_takes_the_fastest_rate():
    best = surfaces.best_descent("gd", "bowl", [1e-3, 1e-2, 3e-2, 1.0], budget=2000, seed=0)
    counts = best["steps_per_lr"]
    assert counts["1"] is None
    assert best["lr"] == 3e-2 and best["steps"] == min(c for c in counts.values() if c)


def test_numbers_of_the_quick_run(result):
    p = result.parameters
    descents, digits = result.numbers["surfaces"], result.numbers["digits"]
    for key, by_name in descents.items():
        assert set(by_name) == set(exp.NAMES)
        for r in by_name.values():
            assert r["steps_run"] <= p["budget"][key] and r["lr"] in p["lr_grid"]
            if r["steps"] is not None:
                assert r["final_value"] <= surfaces.TOLERANCE
    initial = {r["initial_loss"] for r in digits.values()}
    assert len(initial) == 1  # the same initial weights for every optimizer
    for name, r in digits.items():
        assert len(r["loss"]) == p["digits"]["epochs"] + 1
        assert r["lr"] == p["digits"]["lr"][name]
    assert digits["adam"]["lr"] == 0.001 and digits["gd"]["lr"] == 0.01
    # every optimizer takes the same number of steps, GD too (each on the whole training set)
    steps = {r["step"][-1] for r in digits.values()}
    assert steps == {p["digits"]["epochs"] * -(-1437 // p["digits"]["batch_size"])}
    assert all(r["step"] == digits["gd"]["step"] for r in digits.values())


def test_verdict_follows_from_the_numbers(result):
    digits, bowl = result.numbers["digits"], result.numbers["surfaces"]["bowl"]
    expected = exp.verdict_c12({n: (r["initial_loss"], r["final_loss"]) for n, r in digits.items()},
                               {n: r["steps"] for n, r in bowl.items()})
    assert result.verdicts == [expected]


def test_figures_are_pngs(result):
    assert len(result.figures) == 4
    for figure in result.figures:
        assert figure.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_verdict_c12_both_ways():
    losses = {"gd": (2.4, 2.2), "adagrad": (2.4, 0.1), "adam": (2.4, 0.06)}
    steps = {"gd": 231, "adagrad": 758, "adam": 135}
    verdict = exp.verdict_c12(losses, steps)
    assert verdict.reproduced and verdict.derivation.startswith("optimizers.md#")
    assert "steps for the seed's three: gd 231, adagrad 758, adam 135" in verdict.finding.en
    assert not exp.verdict_c12({**losses, "gd": (2.4, 2.5)}, steps).reproduced
    assert not exp.verdict_c12(losses, {**steps, "adagrad": None}).reproduced
