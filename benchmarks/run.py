"""Training and inference speed of neuralab against scikit-learn and PyTorch, side by side.

    .venv/bin/python benchmarks/run.py            # make bench: the full table
    .venv/bin/python benchmarks/run.py --quick    # make bench-quick: fewer epochs and repeats

Every library gets the same data, the same thread count and the same epochs. Within a workload
the libraries take turns, repetition by repetition (interleaved, the order rotated each time),
so a change in the machine's load hits all of them alike; the table shows medians over the
repetitions.

Threads: 1 unless --threads says otherwise (--threads 0: NumPy's BLAS default, one per core).
On the 2-core virtual machines this was written on, a second thread made workload A slower or
no faster for all three libraries, and made each run's times swing by up to 2.5x from one
minute to the next (benchmarks/README.md shows both); one thread gives numbers that repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
import report  # noqa: E402
import trainers  # noqa: E402
import workloads  # noqa: E402

from neuralab import bench, kernels  # noqa: E402


def _parse(argv):
    parser = argparse.ArgumentParser(description="neuralab vs scikit-learn vs PyTorch on the CPU")
    parser.add_argument("--quick", action="store_true", help="fewer epochs and repetitions")
    parser.add_argument("--repeats", type=int, help="interleaved repetitions (default 5, quick 3)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP/torch threads for everyone (default 1; 0: NumPy's)")
    parser.add_argument("--only", default="ABC", help="workloads to run, e.g. A or BC")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 5)
    if args.repeats < 1 or args.threads < 0 or not set(args.only) <= set(workloads.WORKLOADS):
        parser.error("--repeats must be >= 1, --threads >= 0 and --only a subset of ABC")
    return args


def _limit_threads(threads: int):
    """Hold every library to ``threads`` threads; returns the threadpoolctl limiter (or None)."""
    if trainers.torch_available():
        import torch

        torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        if threads != machine.default_threads():
            sys.exit("--threads needs threadpoolctl: pip install 'neuralab[bench]'")
        return None
    return threadpool_limits(threads)


def _libraries() -> list[str]:
    """neuralab, its NumPy-only form when numba makes the two differ, and the baselines."""
    ours = ["neuralab", "neuralab-numpy"] if kernels.available() else ["neuralab"]
    return ours + ["sklearn"] + (["torch"] if trainers.torch_available() else [])


def _summary(runs: list, flops: float, gemm: float) -> dict:
    seconds = [r.seconds_per_epoch for r in runs]
    median = float(np.median(seconds))
    return {"seconds_per_epoch": seconds, "accuracy": [r.accuracy for r in runs],
            "median_seconds": median,
            "median_accuracy": float(np.median([r.accuracy for r in runs])),
            "gflops": flops / median / 1e9, "fraction_of_gemm": flops / median / 1e9 / gemm}


def run_workload(workload, epochs: int, repeats: int) -> tuple[dict, dict]:
    """Time every library on one workload; (results, last trained predictor per library)."""
    data = workloads.data(workload.dataset)
    libraries = _libraries()
    for library in libraries:  # warm-up: first-call costs stay out of the clock
        trainers.TRAINERS[library](workload, data, 1, seed=0)
    runs = {library: [] for library in libraries}
    for rep in range(repeats):
        for library in libraries[rep % len(libraries):] + libraries[:rep % len(libraries)]:
            runs[library].append(trainers.TRAINERS[library](workload, data, epochs, seed=rep))
    flops = workloads.epoch_flops(workload, len(data.x_train))
    gemm = bench.gemm_rate(workload.sizes, workload.batch_size)
    ours = [r.seconds_per_epoch for r in runs["neuralab"]]
    ratios = {lib: float(np.median(np.divide(ours, [r.seconds_per_epoch for r in runs[lib]])))
              for lib in libraries if lib != "neuralab"}
    result = {"describe": workload.describe(), "epochs": epochs, "flops_per_epoch": flops,
              "gemm_gflops": gemm, "ratios": ratios,
              "runs": {lib: _summary(runs[lib], flops, gemm) for lib in libraries}}
    # neuralab-numpy predicts with the same code as neuralab: one inference row is enough
    return result, {lib: runs[lib][-1].predict for lib in libraries if lib != "neuralab-numpy"}


def run_inference(predictors: dict, x, rounds: int) -> dict:
    """Images per second of each library's ``predict`` on the batch ``x``, rounds interleaved."""
    times = {lib: [] for lib in predictors}
    for predict in predictors.values():
        predict(x)
    for _ in range(rounds):
        for lib, predict in predictors.items():
            start = time.perf_counter()
            predict(x)
            times[lib].append(time.perf_counter() - start)
    rates = {lib: len(x) / float(np.median(t)) for lib, t in times.items()}
    return {"batch": len(x), "rounds": rounds, "images_per_second": rates,
            "ratios": {lib: rates["neuralab"] / rate for lib, rate in rates.items()
                       if lib != "neuralab"}}


def run_memory(threads: int) -> dict:
    """memory.py in a fresh process, held to the same number of threads."""
    command = [sys.executable, str(HERE / "memory.py")]
    command += ["--threads", str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    args = _parse(argv)
    threads = args.threads or machine.default_threads()  # 0 means NumPy's own count
    _limit_threads(threads)
    results = {"machine": machine.describe(threads),
               "settings": {"quick": args.quick, "repetitions": args.repeats,
                            "threads": threads, "command": " ".join(sys.argv)},
               "workloads": {}}
    predictors = None
    for name in args.only:
        workload = workloads.WORKLOADS[name]
        epochs = workload.quick_epochs if args.quick else workload.epochs
        results["workloads"][name], trained = run_workload(workload, epochs, args.repeats)
        predictors = trained if name == "A" else predictors
    if predictors is not None:
        x = workloads.data("mnist-5k").x_test[:1000]
        results["inference"] = run_inference(predictors, x, rounds=10 if args.quick else 30)
    if not args.no_memory:
        results["memory"] = run_memory(threads)
    results["machine"]["load_average_1min_end"] = os.getloadavg()[0]
    results["targets"] = report.targets(results)
    print(report.table(results))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
