"""The lab's framework: registry, runner, run(), the CLI, the claims table and the plot helpers."""

import argparse
import json
import re
import types

import numpy as np
import pytest

import neuralab.lab as lab
from neuralab import plots
from neuralab.lab import claims, cli, runner
from neuralab.lab.base import ExperimentResult, Figure, Text, Verdict

ORDER = [
    "nonlinearity",
    "activations",
    "vanishing_gradient",
    "zero_mean",
    "dead_relu",
    "loss_slowdown",
    "optimizers",
]


def fake_experiment(exp_id="fake", claim_ids=("C3",), steps=3, reproduced=True, verdict_for=None):
    """An experiment module stand-in that advances `steps` times and draws one figure."""

    def run(ctx):
        for _ in range(steps):
            ctx.advance()
        fig, ax = plots.subplots()
        ax.plot([0, 1], [ctx.seed, ctx.seed + 1])
        path = plots.save(fig, ctx.figure_path(f"{exp_id}-line"))
        judged = verdict_for if verdict_for is not None else claim_ids
        return ExperimentResult(
            id=exp_id,
            claims=list(claim_ids),
            title=Text(f"Fake {exp_id}", f"假实验 {exp_id}"),
            setup=Text("A line.", "一条线。"),
            parameters={"seed": ctx.seed, "quick": ctx.quick},
            numbers={"slope": 1.0},
            verdicts=[Verdict(c, reproduced, Text("slope > 0", "斜率 > 0"), {"slope": 1.0})
                      for c in judged],
            figures=[Figure(path, Text("a line", "一条线"))],
        )

    return types.SimpleNamespace(
        ID=exp_id, CLAIMS=list(claim_ids), TITLE=Text(exp_id, exp_id), run=run,
        steps=lambda quick: steps,
    )


def test_registry_holds_all_seven_experiments_in_report_order():
    assert list(lab.EXPERIMENTS) == ORDER
    for exp_id, module in lab.EXPERIMENTS.items():
        assert module.ID == exp_id
        assert module.CLAIMS and set(module.CLAIMS) <= set(claims.CLAIMS)
        assert isinstance(module.TITLE, Text) and callable(module.run)


def test_every_claim_is_tested_by_some_experiment():
    tested = {c for module in lab.EXPERIMENTS.values() for c in module.CLAIMS}
    assert tested == set(claims.CLAIMS)


def test_runner_runs_in_order_times_and_advances(tmp_path):
    advanced = []
    first, second = fake_experiment("a", ("C1",), steps=2), fake_experiment("b", ("C2", "C3"))
    original = first.run
    first.run = lambda ctx: (advanced.append(ctx.quick), original(ctx))[1]
    results = runner.run_experiments([first, second], quick=True, seed=5, out_dir=tmp_path,
                                     progress=True)
    assert [r.id for r in results] == ["a", "b"]
    assert advanced == [True]
    assert all(r.duration > 0 for r in results)
    assert results[1].parameters == {"seed": 5, "quick": True}
    assert (tmp_path / "a-line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "module",
    [fake_experiment("x", ("C1", "C2"), verdict_for=("C1",)),
     fake_experiment("x", ("C1",), verdict_for=("C1", "C1"))],
)
def test_runner_rejects_a_result_without_one_verdict_per_claim(module, tmp_path):
    with pytest.raises(RuntimeError, match="one verdict per claim"):
        runner.run_experiments([module], out_dir=tmp_path, progress=False)


def test_runner_rejects_a_result_with_another_id(tmp_path):
    module = fake_experiment("x")
    module.ID = "y"
    with pytest.raises(RuntimeError, match="with id 'x'"):
        runner.run_experiments([module], out_dir=tmp_path, progress=False)


@pytest.fixture
def fake_registry(monkeypatch):
    fakes = {"one": fake_experiment("one", ("C1",)),
             "two": fake_experiment("two", ("C9", "C10"), reproduced=False)}
    monkeypatch.setattr(lab, "EXPERIMENTS", fakes)
    monkeypatch.setattr(cli, "EXPERIMENTS", fakes)
    return fakes


def test_run_selects_in_registry_order_and_writes_the_report(fake_registry, tmp_path):
    results = lab.run(["two", "one"], quick=True, seed=3, out=tmp_path, lang="zh", progress=False)
    assert [r.id for r in results] == ["one", "two"]
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["meta"]["seed"] == 3 and data["meta"]["quick"] is True
    assert data["meta"]["lang"] == "zh"
    assert [e["id"] for e in data["experiments"]] == ["one", "two"]
    assert '<html lang="zh">' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_run_rejects_unknown_ids_and_languages(fake_registry, tmp_path):
    with pytest.raises(ValueError, match="unknown experiment 'three'.*one, two"):
        lab.run(["three"], out=tmp_path)
    with pytest.raises(ValueError, match="lang must be"):
        lab.run(["one"], out=tmp_path, lang="fr")


def make_parser():
    parser = argparse.ArgumentParser(prog="neuralab")
    cli.add_lab_parser(parser.add_subparsers(dest="command"))
    return parser


def test_cli_prints_verdicts_in_claim_order_and_the_report_path(fake_registry, tmp_path, capsys):
    args = make_parser().parse_args(["lab", "--quick", "--out", str(tmp_path), "--seed", "2"])
    assert cli.run_lab(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["claim", "verdict", "experiment"]
    assert [line.split()[0] for line in lines[1:4]] == ["C1", "C9", "C10"]
    assert re.search(r"\s{2}reproduced\s+one$", lines[1])
    assert re.search(r"\s{2}not reproduced\s+two$", lines[2])
    assert lines[-1] == f"report: {tmp_path / 'report.html'}"
    assert (tmp_path / "report.html").exists()


def test_cli_table_in_chinese_aligns_wide_characters(fake_registry, tmp_path, capsys):
    args = make_parser().parse_args(["lab", "--only", "two", "--lang", "zh", "--out",
                                     str(tmp_path)])
    assert cli.run_lab(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("论断") and "未复现" in lines[1]
    experiment_column = {cli._width(line[: line.rindex(" ") + 1]) for line in lines[:3]}
    assert len(experiment_column) == 1


def test_cli_bad_input_exits_with_status_2(fake_registry, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        make_parser().parse_args(["lab", "--only", "nope"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    args = make_parser().parse_args(["lab", "--out", str(blocker / "sub")])
    assert cli.run_lab(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out" in err[0]


def test_claims_cover_c1_to_c12_with_seed_words_and_translations():
    assert list(claims.CLAIMS) == [f"C{i}" for i in range(1, 13)]
    for claim in claims.CLAIMS.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in claim.quote)
        assert claim.translation and claim.short.en and claim.short.zh
    c4 = claims.get("C4")
    assert "5 层之内" in c4.quote and "within 5 layers" in c4.translation
    with pytest.raises(ValueError, match="C1, C2"):
        claims.get("C13")


def test_colours_are_fixed_distinct_and_accept_aliases():
    for table in (plots.ACTIVATION_COLORS, plots.OPTIMIZER_COLORS):
        assert len(set(table.values())) == len(table)
    assert plots.activation_color("Leaky-ReLU") == plots.ACTIVATION_COLORS["leaky_relu"]
    assert plots.activation_color("logistic") == plots.activation_color("sigmoid")
    assert plots.loss_color("bce") == plots.loss_color("cross_entropy")
    assert plots.optimizer_color("Adam") != plots.optimizer_color("adamw")
    with pytest.raises(ValueError, match="known names: gd, sgd"):
        plots.optimizer_color("lbfgs")


def test_decision_boundary_shades_the_predicted_regions(tmp_path):
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [-1.0, 1.0], [1.0, -1.0]])
    fig, ax = plots.subplots()
    plots.decision_boundary(ax, lambda g: (g[:, 0] > 0).astype(int), x, np.array([0, 1, 0, 1]),
                            title="x₁ > 0", resolution=20)
    regions = ax.collections[0]
    assert ax.get_title() == "x₁ > 0" and "x₁" in ax.get_xlabel()
    assert len(regions.get_paths()) == 2
    path = plots.save(fig, tmp_path / "sub" / "boundary.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
