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
            verdicts=[Verdict(c, i % 2 == 0, Text(f"ratio > 2 for {c}", f"{c}:比值 > 2"),
                              {"ratio": 2.5 + i, "per_layer": list(range(12))})
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
    assert page.ids == ["summary", *(exp.id for exp in selected())]
    for result in made:
        assert result.title(lang) in page.all_text
        for verdict in result.verdicts:
            claim = CLAIMS[verdict.claim]
            assert claim.quote in page.all_text and claim.translation in page.all_text
            assert verdict.criterion(lang) in page.all_text
    assert "Set <up> & go." in page.all_text or "设置 <甲> & 乙。" in page.all_text
    assert "up" not in page.tags and "甲" not in page.tags


def test_html_is_self_contained(results):
    _, made = results
    page = parse(report.render_html(made, lang="en", meta=META))
    assert len(page.srcs) == len(made)
    assert all(src.startswith("data:image/png;base64,iVBORw0KGgo") for src in page.srcs)
    assert all(href.startswith("#") for href in page.hrefs)
    assert {"link", "script"}.isdisjoint(page.tags) and "style" in page.tags


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
    assert f"{n} of {len(expected)} verdicts: reproduced." in summary


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
