"""``neuralab bench``: how fast neuralab trains and predicts on this machine.

It trains the networks of the project's speed benchmark on random data of the same shapes (so
it needs no download), and for each reports the time per epoch, the GFLOP/s of its matrix
products, and that rate as a fraction of the ceiling: the same matrix products timed alone
with NumPy on this machine's BLAS. The gap between the two is everything a training step does
besides multiplying matrices (activations, the loss, the optimizer, Python).

    workload  network            batch  rows
    A         784-256-128-10     64     4,000   (MNIST-sized images, the headline)
    B         64-32-10           32     1,437   (the 8×8 digits)
    C         784-512-512-10     256    4,000   (wider, larger batches)

FLOPs count each matrix product of a step as 2·m·k·n: z = xW for every layer, ∂C/∂W = xᵀδ, and
∂C/∂x = δWᵀ for every layer but the first (no one needs the input's gradient).

The comparison with scikit-learn and PyTorch lives in the source tree's ``benchmarks/``
(``make bench``), which builds on the functions here.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["WORKLOADS", "step_matmuls", "matmul_flops", "epoch_flops", "gemm_rate",
           "seconds_per_epoch", "images_per_second", "adam_path"]

#: name → (layer sizes, batch size, training rows)
WORKLOADS = {
    "A": ((784, 256, 128, 10), 64, 4000),
    "B": ((64, 32, 10), 32, 1437),
    "C": ((784, 512, 512, 10), 256, 4000),
}
LR = 1e-3


def step_matmuls(sizes, batch: int) -> list[tuple[int, int, int, str]]:
    """(m, k, n, transposed) of every matrix product of one training step on ``batch`` rows.

    Layer (i → o) multiplies (b×i)(i×o) forward; (i×b)(b×o) for ∂C/∂W = xᵀδ, whose left
    operand is a transposed view ("a"); and (b×o)(o×i) for ∂C/∂x = δWᵀ, right operand
    transposed ("b"), in every layer but the first.
    """
    shapes = []
    for layer, (i, o) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        shapes += [(batch, i, o, ""), (i, batch, o, "a")]
        if layer > 0:
            shapes.append((batch, o, i, "b"))
    return shapes


def matmul_flops(shapes) -> int:
    """2·m·k·n floating-point operations per product (a multiply and an add per term)."""
    return sum(2 * m * k * n for m, k, n, _ in shapes)


def epoch_flops(sizes, batch: int, n_rows: int) -> int:
    """Matrix-product FLOPs of one epoch over ``n_rows`` rows, the short last batch included."""
    full, rest = divmod(n_rows, batch)
    total = full * matmul_flops(step_matmuls(sizes, batch))
    return total + (matmul_flops(step_matmuls(sizes, rest)) if rest else 0)


def _operands(shapes, rng):
    """(a, b, out) per product, float32; a transposed operand is stored the other way round."""
    ops = []
    for m, k, n, transposed in shapes:
        a = rng.random((k, m) if transposed == "a" else (m, k), dtype=np.float32)
        b = rng.random((n, k) if transposed == "b" else (k, n), dtype=np.float32)
        ops.append((a.T if transposed == "a" else a, b.T if transposed == "b" else b,
                    np.empty((m, n), np.float32)))
    return ops


def gemm_rate(sizes, batch: int, min_seconds: float = 0.2, rounds: int = 5) -> float:
    """GFLOP/s of one step's float32 products run back to back (median of ``rounds``)."""
    shapes = step_matmuls(sizes, batch)
    ops = _operands(shapes, np.random.default_rng(0))

    def one_step():
        for a, b, out in ops:
            np.matmul(a, b, out=out)

    calls = max(1, int(min_seconds / max(_seconds(one_step, 3) / 3, 1e-7)))
    rates = [matmul_flops(shapes) * calls / _seconds(one_step, calls) / 1e9
             for _ in range(rounds)]
    return float(np.median(rates))


def _seconds(fn, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return time.perf_counter() - start


def _data(sizes, n_rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return (rng.random((n_rows, sizes[0]), dtype=np.float32),
            rng.integers(0, sizes[-1], n_rows))


def seconds_per_epoch(sizes, batch: int, n_rows: int, epochs: int, repeats: int) -> float:
    """Median over ``repeats`` fresh networks of fit's seconds per epoch (Adam, lr 1e-3)."""
    from neuralab.network import mlp

    x, y = _data(sizes, n_rows)
    times = []
    for seed in range(repeats + 1):  # the first run warms up and is not counted
        net = mlp(list(sizes), seed=seed)
        start = time.perf_counter()
        net.fit(x, y, epochs=epochs, batch_size=batch, lr=LR, progress=False, seed=seed)
        times.append((time.perf_counter() - start) / epochs)
    return float(np.median(times[1:]))


def images_per_second(sizes, batch: int = 1000, rounds: int = 10) -> float:
    """Rows per second through ``predict`` for batches of ``batch`` rows (median of rounds)."""
    from neuralab.network import mlp

    net = mlp(list(sizes), seed=0)
    x, _ = _data(sizes, batch)
    net.predict(x)
    return batch / float(np.median([_seconds(lambda: net.predict(x), 1) for _ in range(rounds)]))


def adam_path() -> str:
    """How Adam's update runs here: one compiled pass (numba) or NumPy's passes."""
    from . import kernels

    if kernels.available():
        import numba

        return (f"one compiled pass (numba {numba.__version__}) for networks of "
                f"{kernels.MIN_AUTO_SIZE:,}+ parameters, NumPy's passes below that")
    return "12 NumPy passes (pip install 'neuralab[fast]' for the one-pass kernel)"
