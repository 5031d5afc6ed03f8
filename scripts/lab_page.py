"""The "Lab report" page of the docs site, written from a lab run's ``results.json``.

``markdown(out)`` reads the folder ``neuralab lab --out`` wrote and gives one Markdown page:
when and how it ran, a table claim → verdict, then each experiment with its set-up, the
criterion behind each verdict, its tables and its figures (the PNGs sit beside the page).
"""

from __future__ import annotations

import json
from pathlib import Path

from neuralab.lab.claims import CLAIMS


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def _table(title: str, columns: list[str], rows: list[list]) -> list[str]:
    lines = [f"**{title}**", "", "| " + " | ".join(columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _experiment(e: dict) -> list[str]:
    lines = [f"## {e['title']['en']} {{#{e['id']}}}", "",
             f"Experiment `{e['id']}`, claims {', '.join(e['claims'])}, "
             f"{e['duration']:.1f} s.", "", e["setup"]["en"], ""]
    for v in e["verdicts"]:
        outcome = "reproduced" if v["reproduced"] else "**not reproduced**"
        lines += [f"- **{v['claim']}** {outcome}: {v['criterion']['en']}."]
    lines.append("")
    for table in e["tables"]:
        lines += _table(table["title"]["en"], [c["en"] if isinstance(c, dict) else c
                                               for c in table["columns"]], table["rows"])
    for figure in e["figures"]:
        lines += [f"![{figure['caption']['en']}]({figure['file']})", "",
                  f"*{figure['caption']['en']}*", ""]
    return lines


def markdown(out: Path) -> str:
    """The page for the lab run in folder ``out``."""
    results = json.loads((Path(out) / "results.json").read_text(encoding="utf-8"))
    meta, experiments = results["meta"], results["experiments"]
    lines = ["# Lab report (quick)", "",
             f"Made while this site was built: `neuralab lab --quick` with neuralab "
             f"{meta['version']} and NumPy {meta['numpy']}, seed {meta['seed']}, in "
             f"{meta['duration']:.0f} s. Every verdict below is computed from the numbers the "
             "experiment measured, by the criterion printed beside it. The same report as one "
             "self-contained file: [report.html](report.html); in Chinese: `neuralab lab "
             "--quick --lang zh`. The seed's claims are listed on "
             "[What the seed says](../seed/CLAIMS.md).", "",
             "| claim | the seed's claim | verdict | experiment |", "|---|---|---|---|"]
    for e in experiments:
        for v in e["verdicts"]:
            verdict = "reproduced" if v["reproduced"] else "**not reproduced**"
            short = CLAIMS[v["claim"]].short.en if v["claim"] in CLAIMS else ""
            lines.append(f"| {v['claim']} | {short} | {verdict} | [{e['id']}](#{e['id']}) |")
    lines.append("")
    for e in experiments:
        lines += _experiment(e)
    return "\n".join(lines)
