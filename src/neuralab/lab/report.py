"""Write the lab's results as ``report.html`` (self-contained) and ``results.json``.

The HTML has a summary table (claim → verdict → experiment) and one section per experiment: the
seed's words with their translation, the set-up, the parameters, the figures (PNG embedded as
base64 data URIs, so the file opens from disk with no network), the tables of measured numbers
and each verdict with its criterion and evidence. All fixed text is in :data:`TEXT`, per
language, so ``lang="zh"`` gives the whole report in Chinese. ``results.json`` holds the same
content as data.
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from .base import ExperimentResult, Table, Verdict
from .claims import CLAIMS
from .text import Text

CSS = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1em 2em; color: #222; }
h1 { font-size: 1.7em; } h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } caption { font-weight: bold; text-align: left; padding: .3em 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { border-left: 4px solid #999; margin: .8em 0; padding: .2em 1em; background: #fafafa; }
.seed { font-size: 1.05em; } .translation { color: #555; font-style: italic; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { color: #444; font-size: .92em; }
.badge { padding: .1em .5em; border-radius: .8em; font-weight: bold; white-space: nowrap; }
.yes { background: #d4edda; color: #155724; } .no { background: #f8d7da; color: #721c24; }
.verdict { border: 1px solid #ddd; border-radius: 6px; padding: .4em 1em; margin: .6em 0; }
.meta, .duration { color: #666; font-size: .9em; }
"""


def write_report(
    results: list[ExperimentResult], out_dir: str | Path, *, lang: str = "en", meta: dict
) -> Path:
    """Write ``report.html`` and ``results.json`` into ``out_dir``; return the HTML's path.

    ``meta`` describes the run: ``seed``, ``quick``, ``version``, ``duration`` (seconds), and
    anything else worth recording in ``results.json``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = {"meta": {**meta, "lang": lang}, "experiments": [to_dict(r, out_dir) for r in results]}
    text = json.dumps(plain(data), ensure_ascii=False, indent=1, allow_nan=False)
    (out_dir / "results.json").write_text(text + "\n", encoding="utf-8")
    path = out_dir / "report.html"
    path.write_text(render_html(results, lang=lang, meta=meta), encoding="utf-8")
    return path


def to_dict(result: ExperimentResult, out_dir: Path) -> dict[str, Any]:
    """One experiment as the JSON-ready dict that ``results.json`` lists."""
    return {
        "id": result.id,
        "title": result.title,
        "claims": list(result.claims),
        "setup": result.setup,
        "parameters": result.parameters,
        "numbers": result.numbers,
        "verdicts": [
            {"claim": v.claim, "reproduced": v.reproduced, "criterion": v.criterion,
             "evidence": v.evidence}
            for v in result.verdicts
        ],
        "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in result.tables],
        "figures": [
            {"file": _relative(f.path, out_dir), "caption": f.caption} for f in result.figures
        ],
        "duration": result.duration,
    }


def plain(value: Any) -> Any:
    """``value`` as plain JSON types: NumPy scalars and arrays become Python numbers and lists,
    a :class:`Text` becomes ``{"en": …, "zh": …}``, paths become strings, NaN and ±inf become
    ``None`` (JSON has no such numbers)."""
    if isinstance(value, Text):
        return {"en": value.en, "zh": value.zh}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(item) for item in value]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot write {type(value).__name__} to results.json: use numbers, "
                    "strings, lists, dicts or Text")


def render_html(results: list[ExperimentResult], *, lang: str = "en", meta: dict) -> str:
    """The whole report as one HTML document in ``lang`` ("en" or "zh")."""
    mode = _t("quick" if meta.get("quick") else "full")(lang)
    line = _t("meta")(lang).format(
        mode=mode,
        seed=meta.get("seed", 0),
        version=meta.get("version", "?"),
        duration=meta.get("duration", 0.0),
    )
    parts = [
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">',
        f"<title>{_e(_t('title')(lang))}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        f"<header><h1>{_e(_t('title')(lang))}</h1>\n<p class=\"meta\">{_e(line)}</p>",
        f"<p>{_e(_t('intro')(lang))}</p></header>",
        _summary(results, lang),
        *(_section(result, lang) for result in results),
        "</body>\n</html>\n",
    ]
    return "\n".join(parts)


def _summary(results: list[ExperimentResult], lang: str) -> str:
    """The table at the top: one row per (claim, experiment), in claim order."""
    rows = sorted(
        ((v, r) for r in results for v in r.verdicts), key=lambda vr: int(vr[0].claim[1:])
    )
    body = "".join(
        f"<tr><td>{_e(v.claim)}</td><td>{_e(_claim_name(v.claim, lang))}</td>"
        f"<td>{_badge(v, lang)}</td>"
        f'<td><a href="#{_e(r.id)}">{_e(r.title(lang))}</a> (<code>{_e(r.id)}</code>)</td></tr>'
        for v, r in rows
    )
    n = sum(v.reproduced for v, _ in rows)
    head = "".join(f"<th>{_e(_t(k)(lang))}</th>" for k in ("id", "claim", "verdict", "experiment"))
    return (
        f'<section id="summary"><h2>{_e(_t("summary")(lang))}</h2>\n'
        f"<p>{_e(_t('tally')(lang).format(n=n, m=len(rows)))}</p>\n"
        f"<table><tr>{head}</tr>{body}</table></section>"
    )


def _section(result: ExperimentResult, lang: str) -> str:
    """One experiment: claims quoted, set-up, parameters, figures, numbers, verdicts."""
    setup = "".join(f"<p>{_e(p.strip())}</p>" for p in result.setup(lang).split("\n\n"))
    params = _key_values(_t("parameters"), result.parameters)
    parts = [
        f'<section id="{_e(result.id)}" class="experiment">',
        f"<h2>{_e(result.title(lang))} <code>{_e(result.id)}</code></h2>",
        *(_quote(claim, lang) for claim in result.claims),
        f"<h3>{_e(_t('setup')(lang))}</h3>{setup}",
        _table(params, lang),
    ]
    if result.figures:
        parts.append(f"<h3>{_e(_t('figures')(lang))}</h3>")
        parts += [_figure(f.path, f.caption(lang)) for f in result.figures]
    if result.tables:
        parts.append(f"<h3>{_e(_t('numbers')(lang))}</h3>")
        parts += [_table(table, lang) for table in result.tables]
    parts.append(f"<h3>{_e(_t('verdicts')(lang))}</h3>")
    parts += [_verdict(v, lang) for v in result.verdicts]
    parts.append(f'<p class="duration">{_e(_t("duration")(lang).format(result.duration))}</p>')
    return "\n".join(parts) + "\n</section>"


def _quote(claim_id: str, lang: str) -> str:
    claim = CLAIMS[claim_id]
    return (
        f"<blockquote><p><strong>{_e(claim.id)}</strong> — {_e(claim.short(lang))}</p>"
        f'<p class="seed"><strong>{_e(_t("seed_words")(lang))}</strong>'
        f'<span lang="zh">{_e(claim.quote)}</span></p>'
        f'<p class="translation">{_e(_t("translation")(lang))}'
        f'<span lang="en">{_e(claim.translation)}</span></p></blockquote>'
    )


def _verdict(v: Verdict, lang: str) -> str:
    evidence = _key_values(_t("evidence"), v.evidence)
    return (
        f'<div class="verdict"><p><strong>{_e(v.claim)}</strong> '
        f"{_e(_claim_name(v.claim, lang))}: "
        f"{_badge(v, lang)}</p><p><strong>{_e(_t('criterion')(lang))}:</strong> "
        f"{_e(v.criterion(lang))}</p>{_table(evidence, lang)}</div>"
    )


def _key_values(title: Text, values: dict[str, Any]) -> Table:
    return Table(title, [_t("name"), _t("value")], [[key, value] for key, value in values.items()])


def _table(table: Table, lang: str) -> str:
    head = "".join(f"<th>{_e(format_value(c, lang))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(_cell(cell, lang) for cell in row) + "</tr>" for row in table.rows
    )
    return f"<table><caption>{_e(table.title(lang))}</caption><tr>{head}</tr>{body}</table>"


def _cell(value: Any, lang: str) -> str:
    numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    css = ' class="num"' if numeric else ""
    return f"<td{css}>{_e(format_value(value, lang))}</td>"


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(caption)}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def format_value(value: Any, lang: str) -> str:
    """A value as report text: 4 significant digits, Text in ``lang``, yes/no, short lists."""
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, bool | np.bool_):
        return _t("yes" if value else "no")(lang)
    if value is None:
        return "—"
    if isinstance(value, float | np.floating):
        return f"{float(value):.4g}"
    if isinstance(value, list | tuple | np.ndarray):
        items = [format_value(item, lang) for item in list(value)[:10]]
        more = f" … ({_t('values')(lang).format(len(value))})" if len(value) > 10 else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {format_value(v, lang)}" for k, v in value.items()) + "}"
    return str(value)


def _badge(v: Verdict, lang: str) -> str:
    key, css = ("reproduced", "yes") if v.reproduced else ("not_reproduced", "no")
    return f'<span class="badge {css}">{_e(_t(key)(lang))}</span>'


def _claim_name(claim_id: str, lang: str) -> str:
    return CLAIMS[claim_id].short(lang)


def _relative(path: Path, out_dir: Path) -> str:
    path = Path(path)
    return str(path.relative_to(out_dir)) if path.is_relative_to(out_dir) else str(path)


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _t(key: str) -> Text:
    """The report's fixed text ``key`` in both languages."""
    return Text(TEXT["en"][key], TEXT["zh"][key])


TEXT = {
    "en": {
        "title": "neuralab lab: the seed's claims, measured",
        "intro": (
            "Each claim of the seed, a learner's notes in Chinese (“浅学神经网络”, a first look at "
            "neural networks), is turned into an experiment run with neuralab. Every verdict "
            "is computed from the measured numbers by the criterion printed beside it. A "
            "claim that is not reproduced is reported with its numbers: that is a finding, "
            "not a failure."),
        "meta": "seed {seed} · {mode} · neuralab {version} · total time {duration:.1f} s",
        "quick": "quick mode (small data and budgets)",
        "full": "full run",
        "summary": "Summary",
        "tally": "{n} of {m} verdicts: reproduced.",
        "id": "Id",
        "claim": "Claim",
        "verdict": "Verdict",
        "experiment": "Experiment",
        "seed_words": "The seed's words: ",
        "translation": "Translation (docs/seed/CLAIMS.md): ",
        "setup": "Set-up",
        "parameters": "Parameters",
        "figures": "Figures",
        "numbers": "Measured numbers",
        "verdicts": "Verdicts",
        "criterion": "Criterion",
        "evidence": "Evidence",
        "name": "Name",
        "value": "Value",
        "yes": "yes",
        "no": "no",
        "reproduced": "reproduced",
        "not_reproduced": "not reproduced",
        "duration": "Duration: {:.1f} s",
        "values": "{} values",
    },
    "zh": {
        "title": "neuralab 实验报告:逐条检验种子文档的论断",
        "intro": (
            "种子文档《浅学神经网络》中的每一条论断都被变成一个用 neuralab 运行的实验。"
            "每个结论都由实测数据按旁边写出的判据计算得出。未能复现的论断同样连同数据一起报告:"
            "这是发现,不是失败。"),
        "meta": "随机种子 {seed} · {mode} · neuralab {version} · 总用时 {duration:.1f} 秒",
        "quick": "快速模式(小数据、小预算)",
        "full": "完整运行",
        "summary": "总结",
        "tally": "{m} 个结论中 {n} 个已复现。",
        "id": "编号",
        "claim": "论断",
        "verdict": "结论",
        "experiment": "实验",
        "seed_words": "原文:",
        "translation": "英文译文(docs/seed/CLAIMS.md):",
        "setup": "实验设置",
        "parameters": "参数",
        "figures": "图表",
        "numbers": "测量数据",
        "verdicts": "结论与判据",
        "criterion": "判据",
        "evidence": "证据",
        "name": "名称",
        "value": "数值",
        "yes": "是",
        "no": "否",
        "reproduced": "已复现",
        "not_reproduced": "未复现",
        "duration": "用时:{:.1f} 秒",
        "values": "共 {} 个值",
    },
}
"""The report's fixed text, per language."""
