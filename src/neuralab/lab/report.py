"""Write the lab's results as ``report.html`` (self-contained) and ``results.json``.

The HTML has a summary (claim → verdict → what we found → experiment), one section per
experiment — the seed's words with their translation, the set-up, the parameters, the figures
(PNG embedded as base64 data URIs, so the file opens from disk with no network), the tables of
measured numbers, each verdict with its finding, its criterion, its evidence and a link to its
derivation in the docs — then the seed's points no experiment measures, and a glossary of the
terms in both languages. All fixed text is in :mod:`neuralab.lab.report_text`, per language, so
``lang="zh"`` gives the whole report in Chinese. ``results.json`` holds the same content as data.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .base import ExperimentResult, Table, Verdict
from .claims import CLAIMS
from .report_text import CSS, GLOSSARY, SEED_POINTS, TEXT
from .text import Text

IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:[_\-.][a-z0-9]+)+|[a-z]{2,}")
"""A value that is a name from the code ("binary_cross_entropy", "mnist-5k", "adam"): shown as
code, in either language."""


def write_report(
    results: list[ExperimentResult], out_dir: str | Path, *, lang: str = "en", meta: dict
) -> Path:
    """Write ``report.html`` and ``results.json`` into ``out_dir``; return the HTML's path.

    ``meta`` describes the run: ``seed``, ``quick``, ``version``, ``duration`` (seconds),
    ``figure_lang`` (the language the figures could be drawn in), ``changed`` (parameters
    set by the user), and anything else worth recording in ``results.json``.
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
            {"claim": v.claim, "reproduced": v.reproduced, "outcome": v.outcome,
             "finding": v.finding, "criterion": v.criterion, "derivation": v.derivation,
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
    line = _t("meta")(lang).format(mode=mode, seed=meta.get("seed", 0),
                                   version=meta.get("version", "?"),
                                   duration=meta.get("duration", 0.0))
    notes = []  # HTML
    if lang == "zh" and meta.get("figure_lang") == "en":
        notes.append(_e(_t("no_cjk_font")(lang)).format(
            "<code>apt-get install fonts-noto-cjk</code>"))
    if meta.get("changed"):
        notes.append(_e(_t("changed")(lang)).format(", ".join(
            f"<code>{_e(e)} {_e(k)}={_e(v)}</code>"
            for e, c in meta["changed"].items() for k, v in c.items())))
    parts = [
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">',
        f"<title>{_e(_t('title')(lang))}</title>\n<style>{CSS}</style>\n</head>\n<body>",
        f"<header><h1>{_e(_t('title')(lang))}</h1>\n<p class=\"meta\">{_e(line)}</p>",
        f"<p>{_e(_t('intro')(lang))}</p>",
        *(f'<p class="note">{note}</p>' for note in notes),
        "</header>",
        _summary(results, lang),
        *(_section(result, lang) for result in results),
        _seed_points(lang),
        _glossary(lang),
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
        f"<td>{_badge(v, lang)}</td><td>{_e(v.finding(lang) if v.finding else '')}</td>"
        f'<td><a href="#{_e(r.id)}">{_e(r.title(lang))}</a> (<code>{_e(r.id)}</code>)</td></tr>'
        for v, r in rows
    )
    n = sum(v.reproduced for v, _ in rows)
    but = sum(v.outcome == "qualified" for v, _ in rows)
    head = "".join(f"<th>{_e(_t(k)(lang))}</th>"
                   for k in ("id", "claim", "verdict", "finding", "experiment"))
    return (
        f'<section id="summary"><h2>{_e(_t("summary")(lang))}</h2>\n'
        f"<p>{_e(_t('tally')(lang).format(n=n, m=len(rows), but=but))}</p>\n"
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
    finding = (f"<p><strong>{_e(_t('finding')(lang))}:</strong> {_e(v.finding(lang))}</p>"
               if v.finding else "")
    return (
        f'<div class="verdict {v.outcome}"><p><strong>{_e(v.claim)}</strong> '
        f"{_e(_claim_name(v.claim, lang))}: {_badge(v, lang)}</p>{finding}"
        f"<p><strong>{_e(_t('criterion')(lang))}:</strong> {_e(v.criterion(lang))}</p>"
        f"{_derivation(v.derivation, lang)}{_table(evidence, lang)}</div>"
    )


def _derivation(target: str | None, lang: str) -> str:
    """A link to where the docs derive the claim: ``page.md#anchor`` under ``docs/``, on the
    documentation site (MkDocs' address of a page is its name and a slash)."""
    if not target:
        return ""
    page, _, anchor = target.partition("#")
    href = f"{docs_url()}/{page.removesuffix('.md')}/" + (f"#{anchor}" if anchor else "")
    return (f'<p class="derivation">{_e(_t("derivation")(lang))}: <a href="{_e(href)}">'
            f"<code>docs/{_e(target)}</code></a></p>")


@cache
def docs_url() -> str:
    """The documentation site's address, from the package's metadata (``Documentation``)."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("neuralab").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    found = [u.split(",", 1)[1].strip() for u in urls if u.lower().startswith("documentation")]
    return (found[0] if found else "https://neuralab.readthedocs.io").rstrip("/")


def _seed_points(lang: str) -> str:
    """The seed's points that no experiment measures, a paragraph each."""
    body = "".join(f"<h3>{_e(point['title'][lang])}</h3><p>{_e(point['text'][lang])}</p>"
                   for point in SEED_POINTS)
    return (f'<section id="seed-points"><h2>{_e(_t("seed_points")(lang))}</h2>'
            f"<p>{_e(_t('seed_points_intro')(lang))}</p>{body}</section>")


def _glossary(lang: str) -> str:
    rows = "".join(f'<tr><td lang="zh">{_e(zh)}</td><td lang="en">{_e(en)}</td></tr>'
                   for zh, en in GLOSSARY)
    return (f'<section id="glossary"><h2>{_e(_t("glossary")(lang))}</h2>'
            f"<table><tr><th>中文</th><th lang=\"en\">English</th></tr>{rows}</table></section>")


def _key_values(title: Text, values: dict[str, Any]) -> Table:
    return Table(title, [_t("name"), _t("value")],
                 [[Code(key), value] for key, value in values.items()])


class Code(str):
    """A table cell that is a name from the code, shown as ``<code>`` in either language."""


def _table(table: Table, lang: str) -> str:
    head = "".join(f"<th>{_e(format_value(c, lang))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(_cell(cell, lang) for cell in row) + "</tr>" for row in table.rows
    )
    return f"<table><caption>{_e(table.title(lang))}</caption><tr>{head}</tr>{body}</table>"


def _cell(value: Any, lang: str) -> str:
    numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    css = ' class="num"' if numeric else ""
    if _is_code(value):
        return f"<td><code>{_e(format_value(value, lang))}</code></td>"
    return f"<td{css}>{_e(format_value(value, lang))}</td>"


def _is_code(value: Any) -> bool:
    """Whether a cell shows names from the code: a :class:`Code`, an identifier, a structure
    of settings (a dict), or a list of identifiers."""
    if isinstance(value, Code) or isinstance(value, dict):
        return True
    if isinstance(value, str):
        return IDENTIFIER.fullmatch(value) is not None
    if isinstance(value, list | tuple) and value:
        return all(isinstance(item, str) and IDENTIFIER.fullmatch(item) for item in value)
    return False


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
    css = {"reproduced": "yes", "qualified": "but", "not_reproduced": "no"}[v.outcome]
    return f'<span class="badge {css}">{_e(_t(v.outcome)(lang))}</span>'


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
