"""``neuralab lab``: run the lab, print claim → verdict, say where the report is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from neuralab.cli.common import add_command, integer

__all__ = ["add_parser", "run", "verdict_table"]

# The command's own words, per report language.
_HEAD = {"en": ("claim", "verdict", "experiment"), "zh": ("论断", "结论", "实验")}
_REPRODUCED = {"en": "reproduced", "zh": "已复现"}
_NOT_REPRODUCED = {"en": "not reproduced", "zh": "未复现"}
_REPORT = {"en": "report: {}", "zh": "报告:{}"}


def add_parser(subparsers):
    """Add the ``lab`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "lab", "run the seed's claims as experiments and write an HTML report",
        "Run each claim of docs/seed/CLAIMS.md as a measured experiment and write "
        "report.html (self-contained), results.json and the figures (PNG), then print each "
        "claim with its verdict.",
        "neuralab lab --quick --only dead_relu loss_slowdown --out lab-report")
    parser.add_argument("--quick", action="store_true",
                        help="small data and budgets: the whole lab in about a minute")
    parser.add_argument("--only", nargs="+", metavar="ID",
                        help="run only these experiments, by id as in the report "
                             "(default: all; an unknown id is an error that lists them)")
    parser.add_argument("--out", type=Path, default=Path("lab-report"), metavar="DIR",
                        help="folder for the report, results and figures")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the report")
    parser.add_argument("--seed", type=integer(0), default=0, metavar="N",
                        help="seed of every random generator")
    return parser


def run(args) -> int:
    """Run the lab as ``args`` asks, print the verdicts and the report's path; return 0."""
    from neuralab import lab

    for name in args.only or ():  # an unknown id stops here, before the folder is made
        lab.EXPERIMENTS.canonical(name)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"--out {args.out}: cannot create the folder: {error.strerror}") from None
    results = lab.run(args.only, quick=args.quick, seed=args.seed, out=args.out, lang=args.lang)
    print(verdict_table(results, args.lang))
    print(_REPORT[args.lang].format(args.out / "report.html"))
    return 0


def verdict_table(results, lang: str = "en") -> str:
    """A plain-text table: one line per verdict, claim → verdict → experiment, in claim order.

    ``results`` are the lab's experiment results (``.id``, ``.verdicts`` with ``.claim`` and
    ``.reproduced``).
    """
    from neuralab.lab.claims import CLAIMS

    rows = [
        (f"{v.claim} {CLAIMS[v.claim].short(lang)}",
         (_REPRODUCED if v.reproduced else _NOT_REPRODUCED)[lang], r.id)
        for r in results for v in r.verdicts
    ]
    rows.sort(key=lambda row: int(row[0].split()[0][1:]))
    rows.insert(0, _HEAD[lang])
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
        .rstrip()
        for row in rows
    )


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
