"""``neuralab lab``: run the lab, print claim → verdict, say where the report is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from neuralab.cli.common import add_command, integer

__all__ = ["add_parser", "run", "verdict_table"]

# The command's own words, per report language.
_HEAD = {"en": ("claim", "verdict", "experiment"), "zh": ("论断", "结论", "实验")}
_OUTCOMES = {"reproduced": {"en": "reproduced", "zh": "已复现"},
             "qualified": {"en": "reproduced, but …", "zh": "已复现,但……"},
             "not_reproduced": {"en": "not reproduced", "zh": "未复现"}}
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
    parser.add_argument("--backend", choices=("serial", "loky", "dask", "ray"),
                        default="serial",
                        help="where the trainings run: here one after the other (serial), on "
                             "local processes (loky), or on a Dask or Ray cluster, as in "
                             "'neuralab sweep'; the numbers are the same")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="the cluster's scheduler for --backend dask or ray, e.g. "
                             "tcp://10.0.0.5:8786 (default: $DASK_SCHEDULER_ADDRESS, else a "
                             "local cluster)")
    parser.add_argument("--jobs", type=integer(1), default=None, metavar="N",
                        help="local worker processes for loky or a local cluster (default: "
                             "one per core)")
    parser.add_argument("--set", nargs="+", default=None, metavar="KEY=VALUE", dest="changes",
                        help="change parameters of the one experiment --only names, e.g. "
                             "--only zero_mean --set lr=0.5 epochs=40 (nested ones with a dot: "
                             "neuron.lr=0.3); each value is checked against the declared one, "
                             "and the report lists the changes. --list-params shows what can "
                             "be set")
    parser.add_argument("--list-params", action="store_true",
                        help="list the parameters each experiment (or those --only names) "
                             "lets --set change, with their quick and full values, and exit")
    return parser


def run(args) -> int:
    """Run the lab as ``args`` asks, print the verdicts and the report's path; return 0."""
    from neuralab import lab

    for name in args.only or ():  # an unknown id stops here, before the folder is made
        lab.EXPERIMENTS.canonical(name)
    if args.list_params:
        print(params_table(args.only))
        return 0
    params = _changes(args.only, args.changes)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"--out {args.out}: cannot create the folder: {error.strerror}") from None
    results = lab.run(args.only, quick=args.quick, seed=args.seed, out=args.out, lang=args.lang,
                      backend=args.backend, n_jobs=args.jobs, scheduler=args.scheduler,
                      params=params)
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
        (f"{v.claim} {CLAIMS[v.claim].short(lang)}", _OUTCOMES[v.outcome][lang], r.id)
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


def _changes(only, changes) -> dict | None:
    """``--set`` as ``{experiment id: {key: text}}``; it needs --only with one experiment."""
    if not changes:
        return None
    from neuralab.lab.settings import parse_assignments

    if not only or len(only) != 1:
        raise ValueError("--set changes the parameters of one experiment: name it with --only "
                         "ID (neuralab lab --list-params shows each experiment's)")
    return {only[0]: parse_assignments(changes)}


def params_table(only=None) -> str:
    """The parameters ``--set`` may change, per experiment: key, quick value, full value."""
    from neuralab.cli.common import format_table
    from neuralab.lab.experiment import selected
    from neuralab.lab.settings import describe

    rows = [(exp.id, key, _short(quick), _short(full))
            for exp in selected(only) for key, quick, full in describe(exp)]
    return format_table(rows, header=("experiment", "parameter", "quick", "full"))


def _short(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
