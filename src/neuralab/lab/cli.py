"""``neuralab lab``: run the lab, print claim → verdict, say where the report is.

``neuralab.cli`` calls :func:`add_lab_parser` on its sub-command parsers and :func:`run_lab`
with the parsed arguments.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from . import EXPERIMENTS, run
from .base import ExperimentResult, Text
from .claims import CLAIMS

_HEAD = (Text("claim", "论断"), Text("verdict", "结论"), Text("experiment", "实验"))
_REPRODUCED = Text("reproduced", "已复现")
_NOT_REPRODUCED = Text("not reproduced", "未复现")
_REPORT = Text("report: {}", "报告:{}")


def add_lab_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``lab`` sub-command to ``subparsers`` (from ``add_subparsers()``); return it."""
    parser = subparsers.add_parser(
        "lab",
        help="run the seed's claims as experiments and write an HTML report",
        description="Run each claim of docs/seed/CLAIMS.md as a measured experiment and write "
        "report.html (self-contained), results.json and the figures (PNG).",
    )
    parser.add_argument("--quick", action="store_true",
                        help="small data and budgets: the whole lab in about a minute")
    parser.add_argument("--only", nargs="+", metavar="ID", choices=list(EXPERIMENTS),
                        help=f"run only these experiments: {', '.join(EXPERIMENTS)}")
    parser.add_argument("--out", type=Path, default=Path("lab-report"), metavar="DIR",
                        help="folder for the report, results and figures (default: lab-report)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the report (default: en)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed of every random generator (default: 0)")
    return parser


def run_lab(args: argparse.Namespace) -> int:
    """Run the lab as ``args`` asks, print the verdicts and the report's path; return 0.

    An output folder that cannot be created ends with one line on stderr and status 2.
    """
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"neuralab lab: cannot create --out folder {args.out}: {error.strerror}",
              file=sys.stderr)
        return 2
    results = run(args.only, quick=args.quick, seed=args.seed, out=args.out, lang=args.lang)
    print(verdict_table(results, args.lang))
    print(_REPORT(args.lang).format(args.out / "report.html"))
    return 0


def verdict_table(results: list[ExperimentResult], lang: str = "en") -> str:
    """A plain-text table: one line per verdict, claim → verdict → experiment, in claim order."""
    rows = [
        (f"{v.claim} {CLAIMS[v.claim].short(lang)}",
         (_REPRODUCED if v.reproduced else _NOT_REPRODUCED)(lang), r.id)
        for r in results for v in r.verdicts
    ]
    rows.sort(key=lambda row: int(row[0].split()[0][1:]))
    rows.insert(0, tuple(text(lang) for text in _HEAD))
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
        .rstrip()
        for row in rows
    )


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
