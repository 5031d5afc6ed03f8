"""``neuralab sweep``: run the sweep a TOML config describes; print the summary; write a report."""

from __future__ import annotations

from pathlib import Path

from neuralab.cli.common import add_command, format_table, integer

__all__ = ["add_parser", "run"]

BACKENDS = ("loky", "dask", "ray", "serial")  # as neuralab.sweep.backends.BACKENDS, no import


def add_parser(subparsers):
    """Add the ``sweep`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "sweep", "train every configuration of a grid or random search, many seeds",
        "Train every configuration a TOML config describes (a grid, seeded random draws, or "
        "both) with each seed, on local processes or a Dask or Ray cluster, then print the "
        "summary (mean and spread over seeds per configuration) and write report.html (figures "
        "embedded), runs.csv and the results file into --out.\n\n"
        "Each finished run is appended to the results file at once (JSON Lines): stop the "
        "sweep at any moment and run the same command again, and only the missing runs are "
        "run. The config's keys and the distributions of [random] are in docs/sweeps.md.",
        "neuralab sweep activations.toml --jobs 2 --out activations-sweep")
    add = parser.add_argument
    add("config", type=Path, metavar="CONFIG.toml", help="the sweep's config file")
    add("--backend", choices=BACKENDS, default="loky",
        help="where the runs are computed: loky (local processes), dask (a cluster, or a local "
             "one), ray (needs neuralab[ray]), serial (this process)")
    add("--scheduler", default=None, metavar="ADDRESS",
        help="the cluster's scheduler, e.g. tcp://10.0.0.5:8786 for dask (default: "
             "$DASK_SCHEDULER_ADDRESS, else a local cluster)")
    add("--jobs", type=integer(1), default=None, metavar="N",
        help="local worker processes (default: one per core)")
    add("--out", type=Path, default=None, metavar="DIR",
        help="folder for report.html, runs.csv and the results (default: CONFIG's name + "
             "'-sweep', next to it)")
    add("--results", type=Path, default=None, metavar="FILE",
        help="the results file to append to and resume from (default: DIR/results.jsonl)")
    add("--retry-failed", action="store_true", help="run the failed runs of the file again")
    add("--no-progress", action="store_true",
        help="no progress bar (it is shown only when stderr is a terminal anyway)")
    return parser


def _out(args) -> Path:
    out = args.out or args.config.with_name(f"{args.config.stem}-sweep")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"--out {out}: cannot create the folder: {error.strerror}") from None
    return out


def run(args) -> int:
    """Run the sweep, print its summary and the best configuration; return 0."""
    from neuralab.sweep import sweep
    from neuralab.sweep.config import load_config
    from neuralab.sweep.report import summary_table, write_report

    config = load_config(args.config)
    out = _out(args)
    results = args.results or out / "results.jsonl"
    result = sweep(config.space, data=config.data, seeds=config.seeds, backend=args.backend,
                   n_jobs=args.jobs, scheduler=args.scheduler, results=results,
                   progress=False if args.no_progress else None,
                   retry_failed=args.retry_failed, **config.fixed)
    header, rows = summary_table(result, config.metric)
    print(format_table(rows, header))
    failed = len(result.failed)
    if failed:
        print(f"\n{failed} of {len(result)} runs failed; their errors are in the report")
    try:
        best = result.best(config.metric)
    except ValueError as error:
        print(f"\nno best configuration: {error}")
    else:
        stats = best["metrics"][config.metric]
        chosen = ", ".join(f"{k}={v!r}" for k, v in best["params"].items())
        print(f"\nbest {config.metric}: {stats['mean']:.4f} ± {stats['std']:.4f} with {chosen}")
    setup = {"data": config.data, "seeds": config.seeds, **config.fixed,
             "swept": ", ".join(result.swept), "backend": args.backend,
             "results file": str(results)}
    report = write_report(result, out, metric=config.metric, setup=setup)
    print(f"report: {report}\nresults: {results}")
    return 0
