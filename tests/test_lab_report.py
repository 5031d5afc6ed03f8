"""The report: report.html is valid, self-contained and complete in both languages; results.json
holds the numbers, verdicts, criteria and evidence as plain JSON."""

import json
from html.parser import HTMLParser

import numpy as np
import pytest

from neuralab import plots
from neuralab.lab import report
from neuralab.lab.base import ExperimentResult, Figure, Table, Verdict
from neuralab.lab.claims import CLAIMS
from neuralab.lab.experiment import selected
from neuralab.lab.text import Text

VOID = {"meta", "img", "br", "hr", "link", "input"}


class StrictParser(HTMLParser):
    """Records every mismatched tag, the ids, the image sources, links and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.srcs, self.hrefs = [], [], [], [], []
        self.text, self.tags = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.ids += [attrs["id"]] if "id" in attrs else []
        self.srcs += [attrs["src"]] if "src" in attrs else []
        self.hrefs += [attrs["href"]] if "href" in attrs else []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data):
        self.text.append(data)


def parse(document):
    parser = StrictParser()
    parser.feed(document)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    parser.all_text = "".join(parser.text)
    return parser


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One crafted result per registered experiment, with a figure, a table and odd values."""
    out = tmp_path_factory.mktemp("report")
    made = []
    for i, exp in enumerate(selected()):
        fig, ax = plots.subplots()
        ax.plot([0, 1], [0, i])
        path = plots.save(fig, out / f"{exp.id}-fig.png")
        made.append(ExperimentResult(
            id=exp.id, claims=list(exp.claims), title=exp.title(),
            setup=Text("Set <up> & go.\n\nSecond paragraph.", "设置 <甲> & 乙。\n\n第二段。"),
            parameters={"epochs": 30, "lr": np.float32(0.15), "sizes": [784, 30, 10]},
            numbers={"curve": np.arange(3, dtype=np.float32), "never": float("nan"),
                     "n": np.int64(7), "ok": np.bool_(True)},
            verdicts=[Verdict(c, i % 3 != 2, Text(f"ratio > 2 for {c}", f"{c}:比值 > 2"),
                              {"ratio": 2.5 + i, "per_layer": list(range(12))},
                              finding=Text(f"the ratio is {2.5 + i}", f"比值为 {2.5 + i}"),
                              qualified=i % 3 == 1, derivation="activations.md#dead-relu-units-c8")
                      for c in exp.claims],
            tables=[Table(Text("Epochs", "轮数"), ["x", Text("y", "乙")],
                          [[1, 0.123456], ["a", None]])],
            figures=[Figure(path, Text(f"figure of {exp.id}", f"{exp.id} 的图"))],
            duration=1.25,
        ))
    return out, made


META = {"version": "0.1.0", "quick": True, "seed": 0, "duration": 3.0}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_parses_and_has_every_section(results, lang):
    out, made = results
    page = parse(report.render_html(made, lang=lang, meta=META))
    assert page.ids == ["summary", *(exp.id for exp in selected()), "seed-points", "glossary"]
    for result in made:
        assert result.title(lang) in page.all_text
        for verdict in result.verdicts:
            claim = CLAIMS[verdict.claim]
            assert claim.quote in page.all_text and claim.translation in page.all_text
            assert verdict.criterion(lang) in page.all_text
            assert verdict.finding(lang) in page.all_text
    assert "Set <up> & go." in page.all_text or "设置 <甲> & 乙。" in page.all_text
    assert "up" not in page.tags and "甲" not in page.tags


def test_html_is_self_contained(results):
    _, made = results
    page = parse(report.render_html(made, lang="en", meta=META))
    assert len(page.srcs) == len(made)
    assert all(src.startswith("data:image/png;base64,iVBORw0KGgo") for src in page.srcs)
    # links go within the page, or to a derivation on the documentation site
    outside = [h for h in page.hrefs if not h.startswith("#")]
    assert outside and all(h.startswith(report.docs_url() + "/") for h in outside)
    assert f"{report.docs_url()}/activations/#dead-relu-units-c8" in outside
    assert {"link", "script"}.isdisjoint(page.tags) and "style" in page.tags


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_three_outcomes_have_three_badges(results, lang):
    _, made = results
    document = report.render_html(made, lang=lang, meta=META)
    outcomes = {v.outcome for r in made for v in r.verdicts}
    assert outcomes == {"reproduced", "qualified", "not_reproduced"}
    for outcome, css in (("reproduced", "yes"), ("qualified", "but"), ("not_reproduced", "no")):
        assert f'<span class="badge {css}">{report.TEXT[lang][outcome]}</span>' in document
    assert report.TEXT["en"]["qualified"] == "reproduced, but …"


def test_verdict_outcome():
    verdict = Verdict("C6", True, Text("a", "甲"))
    assert verdict.outcome == "reproduced"
    verdict.qualified = True
    assert verdict.outcome == "qualified"
    verdict.reproduced = False
    assert verdict.outcome == "not_reproduced"


def test_glossary_and_seed_points_in_both_languages(results):
    _, made = results
    zh = parse(report.render_html(made, lang="zh", meta=META)).all_text
    en = parse(report.render_html(made, lang="en", meta=META)).all_text
    assert "中英术语对照" in zh and "Glossary (中英术语对照)" in en
    for term_zh, term_en in report.GLOSSARY:
        assert term_zh in zh and term_en in zh
    for point in report.SEED_POINTS:
        assert point["title"]["zh"] in zh and point["text"]["zh"] in zh
        assert point["title"]["en"] in en and point["text"]["en"] in en
    titles = [p["title"]["en"] for p in report.SEED_POINTS]
    assert titles == ["Left and right saturation", "“Closest to a biological neuron”",
                      "Input normalisation", "From entropy to cross-entropy"]


def test_missing_font_and_changed_parameters_are_noted(results):
    _, made = results
    meta = {**META, "figure_lang": "en", "changed": {"zero_mean": {"lr": 0.5}}}
    zh = report.render_html(made, lang="zh", meta=meta)
    assert "<code>apt-get install fonts-noto-cjk</code>" in zh
    assert "<code>zero_mean lr=0.5</code>" in zh
    assert "fonts-noto-cjk" not in report.render_html(made, lang="zh", meta={**meta,
                                                                           "figure_lang": "zh"})


def test_summary_lists_every_verdict_in_claim_order(results):
    _, made = results
    document = report.render_html(made, lang="en", meta=META)
    summary = document[document.index('id="summary"'):document.index("</section>")]
    rows = StrictParser()
    rows.feed(summary)
    cells = [t for t in rows.text if t.strip()]
    claim_cells = [c for c in cells if c in CLAIMS]
    expected = sorted((v.claim for r in made for v in r.verdicts), key=lambda c: int(c[1:]))
    assert claim_cells == expected
    n = sum(v.reproduced for r in made for v in r.verdicts)
    but = sum(v.outcome == "qualified" for r in made for v in r.verdicts)
    assert f"{n} of {len(expected)} verdicts: reproduced ({but} of them with a “but”)." in summary


def test_chinese_report_uses_chinese_fixed_text(results):
    _, made = results
    zh = parse(report.render_html(made, lang="zh", meta=META)).all_text
    en = parse(report.render_html(made, lang="en", meta=META)).all_text
    for english, chinese in [("Summary", "总结"), ("Criterion", "判据"), ("Set-up", "实验设置"),
                             ("The seed's words", "原文"), ("not reproduced", "未复现")]:
        assert chinese in zh and english not in zh
        assert english in en
    assert "快速模式" in zh and "quick mode" in en


def test_results_json_holds_numbers_verdicts_and_relative_figures(results):
    out, made = results
    path = report.write_report(made, out, lang="zh", meta=META)
    assert path == out / "report.html" and path.stat().st_size > 1000
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["meta"] == {**META, "lang": "zh"}
    first = data["experiments"][0]
    assert first["id"] == made[0].id and first["claims"] == made[0].claims
    assert first["numbers"] == {"curve": [0.0, 1.0, 2.0], "never": None, "n": 7, "ok": True}
    assert first["parameters"]["lr"] == pytest.approx(0.15)
    assert first["verdicts"][0]["criterion"]["zh"].endswith("比值 > 2")
    assert first["verdicts"][0]["outcome"] == made[0].verdicts[0].outcome
    assert first["verdicts"][0]["finding"] == {"en": "the ratio is 2.5", "zh": "比值为 2.5"}
    assert first["verdicts"][0]["derivation"] == "activations.md#dead-relu-units-c8"
    assert first["verdicts"][0]["evidence"]["ratio"] == 2.5
    assert first["figures"] == [{"file": f"{made[0].id}-fig.png",
                                 "caption": {"en": f"figure of {made[0].id}",
                                             "zh": f"{made[0].id} 的图"}}]
    assert first["duration"] == 1.25


def test_plain_rejects_what_json_cannot_hold():
    assert report.plain({"a": (np.float64("inf"), Text("x", "叉"))}) == {
        "a": [None, {"en": "x", "zh": "叉"}]}
    with pytest.raises(TypeError, match="results.json"):
        report.plain({"a": object()})


def test_values_are_formatted_to_four_digits_and_short_lists():
    assert report.format_value(np.float32(0.123456), "en") == "0.1235"
    assert report.format_value(1.5e-7, "en") == "1.5e-07"
    assert report.format_value(True, "zh") == "是"
    assert report.format_value(list(range(12)), "en") == (
        "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9 … (12 values)]")
