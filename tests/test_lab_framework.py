"""The lab's framework: the Experiment declaration, its registry, the runner, run(), the
per-language text of every experiment, the claims table and the plot helpers."""

import json

import numpy as np
import pytest

import neuralab.lab as lab
from neuralab import plots
from neuralab.lab import claims, experiment, runner
from neuralab.lab.base import Figure, Table, Verdict
from neuralab.lab.experiment import Experiment, PerMode, resolve
from neuralab.lab.text import Text, labels, say, template_fields
from neuralab.registry import Registry

ORDER = [
    "nonlinearity",
    "activations",
    "saturation_dynamics",
    "vanishing_gradient",
    "zero_mean",
    "dead_relu",
    "loss_slowdown",
    "optimizer_paper",
    "optimizers",
]
"""The experiment ids of ../shared/DESIGN.md, in report order (first claim tested, then id)."""


@pytest.fixture
def registry(monkeypatch):
    """A fresh experiment registry for the test, holding the lab's own experiments: classes
    defined in the test register there and are gone afterwards."""
    fresh = Registry("experiment", base=Experiment)
    for name in experiment.REGISTRY.names():
        fresh.register(name, experiment.REGISTRY.entry(name))
    monkeypatch.setattr(experiment, "REGISTRY", fresh)
    return fresh


def tiny_experiment(exp_id="tiny", claim_ids=("C9",), reproduced=True, verdict_for=None):
    """A throw-away experiment: measures 2 × each of `points` units, judges, draws one line."""

    class Tiny(Experiment):
        id = exp_id
        claims = claim_ids
        params = {"points": PerMode(quick=3, full=10), "slope": 2.0}
        text = {
            "en": {"title": f"Tiny {exp_id}", "setup": "{points} points, slope {slope:g}.",
                   "criterion": "the last value > 0", "caption": "a line of {n} points",
                   "found": "the last value is {last:g}", "columns": ["unit", "value"]},
            "zh": {"title": f"小实验 {exp_id}", "setup": "{points} 个点,斜率 {slope:g}。",
                   "criterion": "最后一个值 > 0", "caption": "{n} 个点的直线",
                   "found": "最后一个值为 {last:g}", "columns": ["单元", "数值"]},
        }

        def units(self, p):
            return list(range(p["points"]))

        def measure(self, unit, ctx):
            return ctx.params["slope"] * unit

        def summarise(self, measured, ctx):
            return {"values": list(measured.values()), "seed": ctx.seed}

        def judge(self, numbers):
            judged = verdict_for if verdict_for is not None else self.claims
            last = numbers["values"][-1]
            return [Verdict(c, reproduced, self.say("criterion"), {"last": last},
                            finding=self.say("found", last=last)) for c in judged]

        def tables(self, numbers, ctx):
            return [Table(self.say("title"), labels(self.text, "columns"),
                          [[i, v] for i, v in enumerate(numbers["values"])])]

        def draw(self, numbers, ctx):
            fig, ax = plots.subplots()
            ax.plot(numbers["values"])
            path = plots.save(fig, ctx.figure_path(f"{self.id}-line"))
            return [Figure(path, self.say("caption", n=len(numbers["values"])))]

    return Tiny


# --- adding an experiment is one class --------------------------------------------------------


def test_a_new_experiment_registers_itself_and_runs_through_runner_and_report(registry,
                                                                                tmp_path):
    tiny = tiny_experiment()
    assert registry.entry("tiny") is tiny
    (result,) = lab.run(["tiny"], quick=True, seed=4, out=tmp_path, lang="zh", progress=False)
    assert result.id == "tiny" and result.claims == ["C9"] and result.verdict("C9").reproduced
    assert result.parameters == {"points": 3, "slope": 2.0}
    assert result.numbers == {"values": [0.0, 2.0, 4.0], "seed": 4}
    assert result.setup == Text("3 points, slope 2.", "3 个点,斜率 2。")
    assert result.figures[0].caption == Text("a line of 3 points", "3 个点的直线")
    assert result.duration > 0
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    (entry,) = data["experiments"]
    assert entry["id"] == "tiny" and entry["numbers"]["values"] == [0.0, 2.0, 4.0]
    assert entry["figures"] == [{"file": "tiny-line.png", "caption": {
        "en": "a line of 3 points", "zh": "3 个点的直线"}}]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="tiny"' in page and "小实验 tiny" in page and "3 个点,斜率 2。" in page


def test_full_mode_takes_the_full_parameters(registry, tmp_path):
    result = runner.run_experiment(tiny_experiment(), quick=False, out_dir=tmp_path)
    assert result.parameters["points"] == 10 and len(result.numbers["values"]) == 10


def test_the_progress_bar_counts_each_unit_and_the_figures(registry, tmp_path, monkeypatch):
    bars = []

    class Bar:
        def __init__(self, iterable=None, total=None, **kwargs):
            self.iterable, self.total, self.n = iterable, total, 0
            bars.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def __iter__(self):
            return iter(self.iterable)

        def update(self, n=1):
            self.n += n

        def set_postfix_str(self, text):
            pass

    monkeypatch.setattr(runner, "tqdm", Bar)
    runner.run_experiments([tiny_experiment()], quick=False, out_dir=tmp_path, progress=True)
    outer, inner = bars
    assert inner.total == inner.n == 10 + 1


def test_two_experiments_with_one_id_are_refused(registry):
    tiny_experiment("twice")
    with pytest.raises(ValueError, match="registered twice"):
        tiny_experiment("twice")


@pytest.mark.parametrize(("claim_ids", "verdict_for"), [(("C1", "C2"), ("C1",)),
                                                         (("C1",), ("C1", "C1"))])
def test_runner_rejects_a_judgement_without_one_verdict_per_claim(registry, tmp_path, claim_ids,
                                                                  verdict_for):
    tiny = tiny_experiment("x", claim_ids, verdict_for=verdict_for)
    with pytest.raises(RuntimeError, match="one verdict per claim"):
        runner.run_experiment(tiny, out_dir=tmp_path)


def test_run_goes_in_report_order_whatever_the_order_asked(registry, tmp_path):
    tiny_experiment("late", ("C11",))
    tiny_experiment("early", ("C2", "C10"), reproduced=False)
    results = lab.run(["late", "Early"], quick=True, out=tmp_path, progress=False)
    assert [r.id for r in results] == ["early", "late"]
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["meta"]["quick"] is True and data["meta"]["lang"] == "en"
    assert [e["id"] for e in data["experiments"]] == ["early", "late"]


def test_run_rejects_unknown_ids_and_languages(tmp_path):
    with pytest.raises(ValueError, match="unknown experiment 'three'.*known names: activations"):
        lab.run(["three"], out=tmp_path)
    with pytest.raises(ValueError, match="lang must be"):
        lab.run(["nonlinearity"], out=tmp_path, lang="fr")


# --- the lab's own experiments -----------------------------------------------------------------


def test_registry_holds_the_nine_experiments_in_report_order():
    assert sorted(lab.EXPERIMENTS.names()) == sorted(ORDER)
    assert [e.id for e in experiment.selected()] == ORDER
    assert set(ORDER) <= set(lab.MODULES)  # one file per experiment, named by its id, found
    # by looking in the folder: the framework's own modules are there too, and register nothing
    for exp in experiment.selected():
        assert exp.__module__ == f"neuralab.lab.{exp.id}"
        assert exp.claims and set(exp.claims) <= set(claims.CLAIMS)


def test_every_claim_is_tested_by_some_experiment():
    assert {c for exp in experiment.selected() for c in exp.claims} == set(claims.CLAIMS)


@pytest.mark.parametrize("exp", experiment.selected(), ids=lambda e: e.id)
def test_text_has_the_same_entries_and_fields_in_both_languages(exp):
    def leaves(tree, path=()):
        if isinstance(tree, dict):
            for key, value in tree.items():
                yield from leaves(value, (*path, key))
        elif isinstance(tree, list):
            for i, value in enumerate(tree):
                yield from leaves(value, (*path, i))
        else:
            yield path, tree

    en, zh = dict(leaves(exp.prose()["en"])), dict(leaves(exp.prose()["zh"]))
    assert en.keys() == zh.keys() and {"title", "setup"} <= {p[0] for p in en}
    for path, template in en.items():
        assert template_fields(template) == template_fields(zh[path]), path
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in template), path


@pytest.mark.parametrize("exp", experiment.selected(), ids=lambda e: e.id)
@pytest.mark.parametrize("quick", [True, False])
def test_setup_and_title_format_from_the_declaration(exp, quick):
    setup = exp.setup(quick)
    assert setup.en and setup.zh and exp.title().en and exp.title().zh
    assert "{" not in setup.en + setup.zh


def test_parameters_come_from_the_declaration_per_mode():
    loss_slowdown = lab.EXPERIMENTS.entry("loss_slowdown")
    quick, full = loss_slowdown.parameters(True), loss_slowdown.parameters(False)
    assert quick["neuron"]["epochs"] == full["neuron"]["epochs"] == 300
    assert (quick["digits"]["epochs"], full["digits"]["epochs"]) == (8, 30)
    assert "300 epochs" in loss_slowdown.setup(True).en


# --- the pieces ---------------------------------------------------------------------------------


def test_resolve_picks_each_modes_value_at_any_depth():
    declared = {"a": PerMode(1, 2), "b": [PerMode("x", "y"), 3], "c": {"d": PerMode(0.1, 0.2)}}
    assert resolve(declared, quick=True) == {"a": 1, "b": ["x", 3], "c": {"d": 0.1}}
    assert resolve(declared, quick=False) == {"a": 2, "b": ["y", 3], "c": {"d": 0.2}}


TEXT = {"en": {"t": "{n} epochs at {p[lr]:g}, sizes {s:–}, from {x:g}, {name}", "l": ["a {n}"]},
        "zh": {"t": "{n} 轮,学习率 {p[lr]:g},大小 {s:、},从 {x:g},{name}", "l": ["甲 {n}"]}}


def test_say_formats_each_language_with_the_same_values():
    text = say(TEXT, "t", n=300, p={"lr": 0.15}, s=[64, 30, 10], x=-1.5,
               name=Text("circles", "同心圆"))
    assert text == Text("300 epochs at 0.15, sizes 64–30–10, from −1.5, circles",
                        "300 轮,学习率 0.15,大小 64、30、10,从 −1.5,同心圆")
    assert labels(TEXT, "l", n=2) == [Text("a 2", "甲 2")]
    assert template_fields(TEXT["en"]["t"]) == {"n", "p", "s", "x", "name"}


def test_labels_need_as_many_items_in_both_languages():
    with pytest.raises(ValueError, match="same list"):
        labels({"en": {"l": ["a", "b"]}, "zh": {"l": ["甲"]}}, "l")


# --- claims and plots ---------------------------------------------------------------------------


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
