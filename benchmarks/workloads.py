"""The benchmark workloads of issue 6: network shapes, data sets, batch sizes, epochs.

A workload is a network shape, a data set and a batch size; every implementation (neuralab,
scikit-learn, PyTorch) trains it with Adam (lr 1e-3), ReLU hidden layers and softmax +
cross-entropy, in float32, for the same number of epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import neuralab as nl
from neuralab import bench

LR = 1e-3


@dataclass(frozen=True)
class Workload:
    """One row of the table: ``sizes`` like [784, 256, 128, 10], trained on ``dataset``."""

    name: str
    sizes: tuple[int, ...]
    dataset: str
    batch_size: int
    epochs: int  # per timed repetition in the full run
    quick_epochs: int  # per timed repetition with --quick

    def describe(self) -> str:
        shape = "-".join(map(str, self.sizes))
        return f"{shape} on {self.dataset}, batch {self.batch_size}"


_EPOCHS = {"A": (10, 2), "B": (20, 5), "C": (5, 2)}  # (full run, --quick) per repetition
_DATASETS = {"A": "mnist-5k", "B": "digits", "C": "mnist-5k"}
WORKLOADS = {name: Workload(name, sizes, _DATASETS[name], batch, *_EPOCHS[name])
             for name, (sizes, batch, _) in bench.WORKLOADS.items()}

_DATA: dict[str, nl.datasets.Dataset] = {}


def data(name: str) -> nl.datasets.Dataset:
    """The float32 data set ``name`` (seed 0), loaded once per process."""
    if name not in _DATA:
        _DATA[name] = nl.datasets.load(name, seed=0)
    return _DATA[name]


def epoch_flops(workload: Workload, n_rows: int) -> int:
    """Matrix-product FLOPs of one epoch over ``n_rows`` rows (see ``neuralab.bench``)."""
    return bench.epoch_flops(workload.sizes, workload.batch_size, n_rows)


def synthetic(n_rows: int, n_features: int, n_classes: int, seed: int = 0):
    """Random float32 inputs in [0, 1) and int64 labels: MNIST-sized data without a download."""
    rng = np.random.default_rng(seed)
    x = rng.random((n_rows, n_features), dtype=np.float32)
    y = rng.integers(0, n_classes, n_rows)
    return x, y
