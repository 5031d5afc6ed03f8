"""Where one epoch of a workload's training goes: a cProfile breakdown by function.

    .venv/bin/python benchmarks/profile_step.py            # workload A, 5 epochs, 1 thread
    .venv/bin/python benchmarks/profile_step.py --workload C --threads 2

NumPy's ufuncs do not show up in cProfile as functions of their own: their time counts as
the "own time" of the Python function that calls them (``_update`` of the optimizer, a
layer's ``_train_forward``, …), which is what the table lists, together with the BLAS calls
(``numpy.matmul``) and reductions, which do show up by name.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads  # noqa: E402

import neuralab as nl  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="A", choices=sorted(workloads.WORKLOADS))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)
    workload = workloads.WORKLOADS[args.workload]
    data = workloads.data(workload.dataset)
    net = nl.mlp(list(workload.sizes), seed=0)

    def train(epochs):
        net.fit(data.x_train, data.y_train, epochs=epochs, batch_size=workload.batch_size,
                lr=workloads.LR, progress=False, seed=0)

    train(1)  # warm-up
    start = time.perf_counter()
    train(args.epochs)
    plain = (time.perf_counter() - start) / args.epochs
    profiler = cProfile.Profile()
    profiler.runcall(train, args.epochs)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
    print(f"workload {args.workload} ({workload.describe()}), {args.threads} thread(s): "
          f"{plain * 1000:.1f} ms per epoch without the profiler")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
