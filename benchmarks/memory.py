"""Peak memory of training on MNIST-sized data, measured in a fresh process.

Run as a script (``run.py`` does, in a subprocess, so that nothing else is in memory): it makes
60,000 × 784 float32 inputs and int64 labels, trains workload A's network for one epoch, and
prints one JSON line with the data's size and two peaks, each also as a multiple of that size:

- ``tracemalloc``: the largest total of live allocations traced from before the data was made
  (NumPy reports its array buffers to tracemalloc), so it counts the data itself;
- ``maxrss``: the growth of the process's peak resident memory (VmHWM, or ``ru_maxrss``) from
  just before the data was made.

The target of issue 6 is a peak ≤ 2.5× the data's size. Before the baseline is taken, the same
network trains on a few rows, so that what is loaded once per process and does not grow with
the data — numba compiling (or loading) the Adam kernel, when it is installed — stays out of
the ratio; its cost is reported on its own as ``setup_maxrss_bytes``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tracemalloc

from workloads import LR, WORKLOADS, synthetic

import neuralab as nl

ROWS, FEATURES, CLASSES = 60_000, 784, 10


def _maxrss_bytes() -> int:
    """Peak resident memory of this process: VmHWM on Linux, else ru_maxrss.

    Linux carries ru_maxrss over from the parent across fork and exec, so a child started by
    a big parent would see the parent's peak; VmHWM belongs to this process's memory alone.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes, others KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _warm_up(workload, seed: int) -> int:
    """Train on 64 rows once (compiles the kernels); the growth of peak RSS this caused."""
    rss_before = _maxrss_bytes()
    x, y = synthetic(64, FEATURES, CLASSES, seed)
    nl.mlp(list(workload.sizes), seed=seed).fit(x, y, epochs=1, batch_size=workload.batch_size,
                                                lr=LR, progress=False, seed=seed)
    return _maxrss_bytes() - rss_before


def measure(epochs: int, seed: int = 0) -> dict:
    workload = WORKLOADS["A"]
    setup = _warm_up(workload, seed)
    net = nl.mlp(list(workload.sizes), seed=seed)
    rss_before = _maxrss_bytes()
    tracemalloc.start()
    x, y = synthetic(ROWS, FEATURES, CLASSES, seed)
    net.fit(x, y, epochs=epochs, batch_size=workload.batch_size, lr=LR, progress=False,
            seed=seed)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    data_bytes = x.nbytes + y.nbytes
    rss_growth = _maxrss_bytes() - rss_before
    return {"rows": ROWS, "features": FEATURES, "epochs": epochs, "data_bytes": data_bytes,
            "tracemalloc_peak_bytes": traced_peak, "tracemalloc_ratio": traced_peak / data_bytes,
            "maxrss_growth_bytes": rss_growth, "maxrss_ratio": rss_growth / data_bytes,
            "setup_maxrss_bytes": setup}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, help="BLAS threads (default: NumPy's)")
    args = parser.parse_args(argv)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)
    print(json.dumps(measure(args.epochs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
