"""Per-op cost of one training step of a workload, each op timed alone on arrays of its shape.

    .venv/bin/python benchmarks/breakdown.py              # workload A, 1 thread
    .venv/bin/python benchmarks/breakdown.py --workload C --threads 2

The ops are the ones ``Network._train_step`` and ``Adam.step`` run, called through neuralab's
own activations, loss and optimizer, so the table shows where an epoch's time goes (in ms per
epoch: the per-step cost times the steps in an epoch) next to the measured epoch time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads  # noqa: E402

import neuralab as nl  # noqa: E402


def _per_call(fn, min_seconds=0.05) -> float:
    """Median seconds per call of ``fn`` over 5 rounds of enough calls to last min_seconds."""
    fn()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < min_seconds / 5:
        fn()
        calls += 1
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls)
    return float(np.median(rounds))


def _layer_ops(net, x, y) -> dict:
    """Timed closures for every op of a step, keyed by a readable name."""
    ops, a = {}, x
    for i, layer in enumerate(net.layers):
        w, b, act = layer.weight.value, layer.bias.value, layer.activation
        z = a @ w
        out = act.forward(z)
        ops[f"forward matmul {i} x@W"] = lambda a=a, w=w, z=z: np.matmul(a, w, out=z)
        ops[f"forward bias add {i}"] = lambda z=z, b=b: np.add(z, b, out=z)
        ops[f"forward {act.name} {i}"] = lambda z=z, act=act, out=out: act.forward(z, out=out)
        ops[f"grad matmul {i} x.T@delta"] = lambda a=a, z=z, g=layer.weight.grad: np.matmul(
            a.T, z, out=g)
        ops[f"grad bias sum {i}"] = lambda z=z, g=layer.bias.grad: np.sum(z, axis=0, out=g)
        if i > 0:
            grad_in = np.empty_like(a)
            ops[f"input-grad matmul {i} delta@W.T"] = lambda z=z, w=w, g=grad_in: np.matmul(
                z, w.T, out=g)
        if i < len(net.layers) - 1:
            grad = np.ones_like(z)
            ops[f"backward {act.name} {i}"] = lambda z=z, o=out, g=grad, act=act: act.backward(
                z, o, g, out=g)
        a = out
    last = net.layers[-1]
    ops["loss value + fused softmax+CE delta"] = lambda: net.loss.value_and_delta(
        None, a, y, last.activation)  # z: unused by the fused pair
    return ops


def breakdown(workload, threads: int) -> tuple[list, float, int]:
    """[(op, ms per epoch)], the measured ms per epoch of fit, and the steps per epoch."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads)
    data = workloads.data(workload.dataset)
    n, batch = len(data.x_train), workload.batch_size
    steps = -(-n // batch)
    net = nl.mlp(list(workload.sizes), seed=0)
    ops = _layer_ops(net, data.x_train[:batch].copy(), data.y_train[:batch])
    adam = nl.optimizers.get("adam", lr=workloads.LR)
    ops["Adam step (whole network)"] = lambda: adam.step([net.flat])
    rows = [(name, _per_call(fn) * steps * 1e3) for name, fn in ops.items()]
    order = np.random.default_rng(0).permutation(n)[:batch]
    batch_x = np.empty((batch, data.x_train.shape[1]), data.x_train.dtype)
    rows.append(("gather the batch's rows", _per_call(
        lambda: np.take(data.x_train, order, axis=0, out=batch_x, mode="clip")) * steps * 1e3))

    def fit():
        net.fit(data.x_train, data.y_train, epochs=2, batch_size=batch, lr=workloads.LR,
                progress=False, seed=0)

    return rows, _per_call(fit, min_seconds=1.0) / 2 * 1e3, steps


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="A", choices=sorted(workloads.WORKLOADS))
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    workload = workloads.WORKLOADS[args.workload]
    rows, epoch_ms, steps = breakdown(workload, args.threads)
    total = sum(ms for _, ms in rows)
    print(f"workload {args.workload} ({workload.describe()}), {args.threads} thread(s), "
          f"{steps} steps per epoch; ms per epoch:")
    for name, ms in sorted(rows, key=lambda r: -r[1]):
        print(f"  {name:<36}{ms:8.2f}  {ms / total:6.1%}")
    matmuls = sum(ms for name, ms in rows if "matmul" in name)
    print(f"  {'sum of the ops':<36}{total:8.2f}   (matrix products {matmuls:.2f})")
    print(f"  {'measured: fit, per epoch':<36}{epoch_ms:8.2f}   (Python glue and the rest "
          f"{epoch_ms - total:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
