"""``neuralab bench``: how fast neuralab trains and predicts on this machine.

The measuring is :mod:`neuralab.bench`'s; this module reads the options and prints.
"""

from __future__ import annotations

import json
from pathlib import Path

from neuralab.cli.common import add_command, integer

__all__ = ["add_parser", "run"]


def add_parser(subparsers):
    """Add the ``bench`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "bench",
        "time training and prediction against this machine's matrix-product rate",
        "Train the networks of the project's speed benchmark on random data of their shapes "
        "(no download) and print, per workload, the seconds per epoch, the GFLOP/s of its "
        "matrix products, and that rate as a share of the ceiling: the same products timed "
        "alone with NumPy on this machine's BLAS. Then the rate of prediction.\n\n"
        "Workloads: A (MNIST-sized, the headline), B (the 8x8 digits), C (wider, larger "
        "batches); each line of the output names its network and batch size.",
        "neuralab bench --quick --only A --threads 1")
    parser.add_argument("--quick", action="store_true", help="1 epoch, 2 repeats per workload")
    parser.add_argument("--only", nargs="+", type=str.upper, metavar="W",
                        help="workloads to run: A, B, C (default: all)")
    parser.add_argument("--threads", type=integer(1), metavar="N",
                        help="BLAS threads (needs threadpoolctl; default: the BLAS's own)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results here")
    return parser


def _limit_threads(threads):
    if threads is None:
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise ValueError("--threads needs threadpoolctl: pip install 'neuralab[bench]'") from None
    threadpool_limits(threads)


def _workloads(only, known) -> list[str]:
    """The workloads ``--only`` names (all when not given), checked against ``known``."""
    if only is None:
        return sorted(known)
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ValueError(f"--only: unknown workload {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(sorted(known))}")
    return only


def run(args) -> int:
    """Time each workload, print one line per workload and the inference rate; return 0."""
    from neuralab import bench

    names = _workloads(args.only, bench.WORKLOADS)
    _limit_threads(args.threads)
    epochs, repeats = (1, 2) if args.quick else (3, 5)
    results: dict[str, object] = {"adam": bench.adam_path()}
    print(f"Adam's update: {results['adam']}")
    print(f"{'workload':<28}{'s/epoch':>9}{'GFLOP/s':>9}{'ceiling':>9}{'of ceiling':>12}")
    for name in names:
        sizes, batch, rows = bench.WORKLOADS[name]
        seconds = bench.seconds_per_epoch(sizes, batch, rows, epochs, repeats)
        rate = bench.epoch_flops(sizes, batch, rows) / seconds / 1e9
        ceiling = bench.gemm_rate(sizes, batch)
        results[name] = {"sizes": sizes, "batch": batch, "rows": rows, "seconds": seconds,
                         "gflops": rate, "gemm_gflops": ceiling}
        label = f"{name} {'-'.join(map(str, sizes))} b{batch}"
        print(f"{label:<28}{seconds:>9.4f}{rate:>9.1f}{ceiling:>9.1f}{rate / ceiling:>12.0%}")
    sizes = bench.WORKLOADS["A"][0]
    images_per_second = bench.images_per_second(sizes)
    results["inference_images_per_second"] = images_per_second
    print(f"prediction, {'-'.join(map(str, sizes))}, batch 1000: "
          f"{images_per_second:,.0f} images/s")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0
