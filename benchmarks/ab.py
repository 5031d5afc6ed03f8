"""A/B: neuralab from two source trees, interleaved, on workloads A and B of ``make bench``.

    .venv/bin/python benchmarks/ab.py OLD_SRC NEW_SRC [--repeats 11] [--epochs-a 2 --epochs-b 5]

Each repetition trains workload A and workload B once with each tree, alternating which tree
goes first, each in a fresh subprocess (the tree's ``src`` first on ``sys.path``) at one BLAS
thread, and reads the seconds per epoch it prints. Interleaving spreads the machine's drift
over both sides alike; the medians and their ratio are printed as a Markdown table. Pass the
same tree twice to see the noise between identical runs. Used to check that a refactoring of
the training path does not slow it down.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

_CHILD = """
import sys, time
sys.path.insert(0, {src!r})
from threadpoolctl import threadpool_limits
import neuralab as nl
from neuralab import bench
assert nl.__file__.startswith({src!r}), nl.__file__
sizes, batch, rows = bench.WORKLOADS[{name!r}]
data = nl.datasets.load({dataset!r}, seed=0)
x, y = data.x_train[:rows], data.y_train[:rows]
with threadpool_limits(1):
    net = nl.mlp(list(sizes), activation="relu", seed=0)
    net.fit(x, y, epochs=1, batch_size=batch, progress=False, seed=0)  # warm-up, JIT
    net = nl.mlp(list(sizes), activation="relu", seed=1)
    start = time.perf_counter()
    net.fit(x, y, epochs={epochs}, batch_size=batch, progress=False, seed=1)
    print((time.perf_counter() - start) / {epochs})
"""
_DATASETS = {"A": "mnist-5k", "B": "digits"}


def seconds_per_epoch(src: str, name: str, epochs: int) -> float:
    code = _CHILD.format(src=src, name=name, dataset=_DATASETS[name], epochs=epochs)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    return float(out.stdout.split()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="the src folder of the baseline tree")
    parser.add_argument("new", help="the src folder of the tree under test")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--epochs-a", type=int, default=2)
    parser.add_argument("--epochs-b", type=int, default=5)
    args = parser.parse_args(argv)
    epochs = {"A": args.epochs_a, "B": args.epochs_b}
    times: dict[tuple[str, str], list[float]] = {}
    for rep in range(args.repeats):
        order = [("old", args.old), ("new", args.new)]
        for side, src in order if rep % 2 == 0 else order[::-1]:
            for name in epochs:
                t = seconds_per_epoch(os.path.abspath(src), name, epochs[name])
                times.setdefault((name, side), []).append(t)
        print(f"repetition {rep + 1}/{args.repeats} done", file=sys.stderr)
    print("| workload | old ms/epoch (median) | new ms/epoch (median) | new / old |")
    print("| --- | ---: | ---: | ---: |")
    for name in epochs:
        old = statistics.median(times[(name, "old")]) * 1e3
        new = statistics.median(times[(name, "new")]) * 1e3
        print(f"| {name} | {old:.1f} | {new:.1f} | {new / old:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
