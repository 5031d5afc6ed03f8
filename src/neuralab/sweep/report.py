"""The sweep's report: ``report.html`` (self-contained, figures embedded) and ``runs.csv``.

The HTML has the set-up (data, seeds, fixed and swept parameters, where the runs ran), the
summary table — one row per configuration, best first, the metric's mean ± standard deviation
over seeds — the figures of :mod:`neuralab.sweep.figures`, the failed runs with their errors,
and the machines the runs were computed on (neuralab, NumPy, BLAS, CPU, threads), since bit
identity holds per machine.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from .figures import draw_all
from .result import SweepResult, rank

__all__ = ["summary_table", "write_report"]

CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1em 2em; color: #222; }
h2 { border-bottom: 2px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0 1em; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best { background: #eaf6ec; } figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; } figcaption { color: #444; }
.meta { color: #666; font-size: .9em; }
"""


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return value if isinstance(value, str) else json.dumps(value)


def summary_table(result: SweepResult, metric: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows): one row per configuration, best ``metric`` first, as text cells."""
    rows = sorted(result.summary(), key=lambda row: rank(row, metric), reverse=True)
    header = [*result.swept, f"{metric} mean", "± std", "min", "max", "runs", "failed"]
    body = []
    for row in rows:
        stats = row["metrics"].get(metric)
        numbers = ([f"{stats[k]:.4f}" for k in ("mean", "std", "min", "max")] if stats
                   else ["-"] * 4)
        body.append([*(_text(row["params"][k]) for k in result.swept), *numbers,
                     str(row["runs"]), str(row["failed"])])
    return header, body


def _html_table(header: list[str] | None, rows: list[list[str]], best: int | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header or ())
    lines = []
    for i, row in enumerate(rows):
        cells = "".join(
            f'<td class="num">{html.escape(c)}</td>' if _is_number(c)
            else f"<td>{html.escape(c)}</td>" for c in row)
        lines.append(f'<tr{" class=best" if i == best else ""}>{cells}</tr>')
    return f"<table>{f'<tr>{head}</tr>' if head else ''}{''.join(lines)}</table>"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _machines(result: SweepResult) -> str:
    seen = {json.dumps(r.machine, sort_keys=True): r.machine for r in result.runs if r.machine}
    items = []
    for machine in seen.values():
        blas = ", ".join(f"{b.get('library')} {b.get('version')} ({b.get('threads')} thread"
                         f"{'s' if b.get('threads') != 1 else ''})"
                         for b in machine.get("blas", []))
        items.append(f"<li>neuralab {machine.get('neuralab')}, NumPy {machine.get('numpy')}, "
                     f"Python {machine.get('python')}, BLAS {html.escape(blas or '?')}, CPU "
                     f"{html.escape(str(machine.get('cpu')))} ({machine.get('cpu_count')} cores)"
                     "</li>")
    return f"<ul class=meta>{''.join(items)}</ul>"


def _setup(result: SweepResult, setup: dict[str, Any]) -> str:
    done = sum(r.ok for r in result.runs)
    items = {**setup, "runs": f"{len(result.runs)} ({done} finished, "
                              f"{len(result.runs) - done} failed)"}
    rows = [[k, _text(v)] for k, v in items.items()]
    return _html_table(None, rows)


def _failures(result: SweepResult) -> str:
    failed = result.failed[:50]
    if not failed:
        return ""
    rows = [[", ".join(f"{k}={_text(r.params.get(k))}" for k in result.swept), str(r.seed),
             r.error or ""] for r in failed]
    return "<h2>Failed runs</h2>" + _html_table(["configuration", "seed", "error"], rows)


def write_report(result: SweepResult, out_dir: str | Path, *, metric: str,
                 setup: dict[str, Any]) -> Path:
    """Write ``report.html``, its figures and ``runs.csv`` into ``out_dir``; return the HTML.

    ``setup`` lists what the reader should know about the sweep (data, seeds, fixed
    parameters, backend), shown as a table.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result.to_csv(out_dir / "runs.csv")
    header, rows = summary_table(result, metric)
    figures = "".join(_figure(p, c) for p, c in draw_all(result, metric, out_dir))
    page = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>Sweep: {html.escape(str(setup.get('data', '')))}</title>"
            f"<style>{CSS}</style></head><body>"
            f"<h1>Sweep on {html.escape(str(setup.get('data', '')))}</h1>"
            f"<h2>Set-up</h2>{_setup(result, setup)}"
            f"<h2>Summary</h2><p>One row per configuration, the best {html.escape(metric)} "
            f"first: mean ± standard deviation over seeds.</p>"
            f"{_html_table(header, rows, best=0 if rows else None)}"
            f"<h2>Figures</h2>{figures}{_failures(result)}"
            f"<h2>Machines</h2>{_machines(result)}</body></html>")
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
