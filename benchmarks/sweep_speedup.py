"""How much faster a sweep runs on each backend than serially, and what a run costs each backend.

    .venv/bin/python benchmarks/sweep_speedup.py               # 240 runs, 3 repetitions
    .venv/bin/python benchmarks/sweep_speedup.py --quick       # 48 runs, 1 repetition
    .venv/bin/python benchmarks/sweep_speedup.py --jobs 2 --json sweep.json

Speed-up: the same sweep — digits, 64-64-32-10 networks, 8 epochs (about 30 ms a run), a grid
of 3 activations x 4 learning rates x 20 seeds = 240 small runs — once serially and once on
each backend with ``--jobs`` workers (default: one per core). Its time is the wall time of
``sweep(...)`` with the workers already started (the loky pool warmed up, the Dask LocalCluster
started beforehand and given as the scheduler), so it measures the distribution of the runs,
not the start-up; the start-up is listed on its own. The aim: a speed-up of 0.8 x the number of
workers.

Overhead: ``--empty`` runs that do nothing (the backend's ``map`` with a function that only
returns), sent with the sweep's data; wall time / runs is what each run costs on that backend
beyond its own work. Every figure is the median over ``--repeat`` repetitions; the backends
take turns within each repetition.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402 (the benchmarks' own helper, next to this file)

SPACE = {"activation": ["sigmoid", "tanh", "relu"], "lr": [0.001, 0.003, 0.01, 0.03]}
FIXED = {"data": "digits", "hidden": [64, 32], "epochs": 8, "batch_size": 32}


def nothing(task, shared):
    """An empty run: what a backend costs per run, beyond the run itself."""
    return None


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def start_backends(jobs: int, want_ray: bool) -> dict:
    """Each backend's options and its start-up time (seconds), workers started."""
    from distributed import LocalCluster

    from neuralab.sweep.backends import open_backend

    backends: dict = {"serial": {"options": {"backend": "serial"}, "startup": 0.0}}
    start = time.perf_counter()
    with open_backend("loky", jobs) as engine:  # spawn the reusable pool's workers
        list(engine.map(nothing, list(range(jobs * 4))))
    backends["loky"] = {"options": {"backend": "loky", "n_jobs": jobs},
                        "startup": time.perf_counter() - start}
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    backends["dask"] = {"options": {"backend": "dask", "scheduler": cluster.scheduler_address},
                        "startup": time.perf_counter() - start, "cluster": cluster}
    if want_ray:
        backends["ray"] = {"options": {"backend": "ray", "n_jobs": jobs}, "startup": None}
    return backends


def overhead(options: dict, runs: int, data) -> float:
    """Seconds per empty run on the backend ``options`` describe."""
    from neuralab.sweep.backends import open_backend

    name = options["backend"]
    args = {k: v for k, v in options.items() if k != "backend"}
    with open_backend(name, args.get("n_jobs"), args.get("scheduler")) as engine:
        list(engine.map(nothing, list(range(2 * engine.workers)), data))  # data on each worker
        return timed(lambda: list(engine.map(nothing, list(range(runs)), data))) / runs


def measure(args) -> dict:
    from neuralab import datasets
    from neuralab.sweep import sweep

    seeds = args.seeds or (4 if args.quick else 20)
    machine = describe(1)
    backends = start_backends(args.jobs, args.ray)
    data = {("digits", 0): datasets.load("digits")}
    times: dict = {name: [] for name in backends}
    empty: dict = {name: [] for name in backends}
    for repetition in range(args.repeat):
        order = list(backends)[repetition % len(backends):] + \
            list(backends)[:repetition % len(backends)]
        for name in order:
            options = backends[name]["options"]
            times[name].append(timed(lambda o=options: sweep(
                SPACE, seeds=seeds, progress=False, **FIXED, **o)))
            empty[name].append(overhead(options, args.empty, data))
    if "dask" in backends:
        backends["dask"]["cluster"].close()
    serial = statistics.median(times["serial"])
    runs = len(SPACE["activation"]) * len(SPACE["lr"]) * seeds
    machine["load_average_after"] = os.getloadavg()[0]
    return {"machine": machine, "jobs": args.jobs, "runs": runs, "repeat": args.repeat,
            "backends": {name: {"seconds": statistics.median(times[name]),
                                "speedup": serial / statistics.median(times[name]),
                                "aim": 1.0 if name == "serial" else 0.8 * args.jobs,
                                "overhead_ms": 1000 * statistics.median(empty[name]),
                                "startup_s": backends[name]["startup"]}
                         for name in backends}}


def table(report: dict) -> str:
    machine = report["machine"]
    lines = [f"{report['runs']} runs (digits, 64-64-32-10, 8 epochs), {report['jobs']} workers, "
             f"median of {report['repeat']}; {machine['cpu']}, {machine['blas']}; load average "
             f"{machine['load_average_1min']:.1f} before, {machine['load_average_after']:.1f} "
             "after",
             f"{'backend':8} {'seconds':>8} {'speed-up':>9} {'aim':>5} {'ms/empty run':>13} "
             f"{'start-up s':>11}"]
    for name, row in report["backends"].items():
        startup = "-" if row["startup_s"] is None else f"{row['startup_s']:.2f}"
        lines.append(f"{name:8} {row['seconds']:8.2f} {row['speedup']:9.2f} {row['aim']:5.1f} "
                     f"{row['overhead_ms']:13.3f} {startup:>11}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="48 runs, 1 repetition")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)),
                        help="workers per backend (default: the cores this process may use)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="repetitions (default: 3, 1 with --quick)")
    parser.add_argument("--seeds", type=int, default=None,
                        help="seeds per configuration (default: 20, 4 with --quick)")
    parser.add_argument("--empty", type=int, default=500, help="empty runs per overhead figure")
    parser.add_argument("--ray", action="store_true", help="also Ray (needs neuralab[ray])")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    report = measure(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
