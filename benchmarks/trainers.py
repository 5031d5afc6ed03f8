"""The same training run in neuralab, scikit-learn and PyTorch, timed the same way.

Each ``train_*`` function builds a fresh model from ``seed``, trains it for ``epochs`` epochs on
the workload's training set (the clock covers exactly the training call or loop), and returns a
:class:`Run` with the seconds per epoch, the test accuracy and the trained model, whose
``predict`` feeds the inference benchmark.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from workloads import LR, Workload

import neuralab as nl


@dataclass
class Run:
    seconds_per_epoch: float
    accuracy: float
    predict: Any  # x (n, n_features) float32 -> class probabilities


def train_neuralab(workload: Workload, data, epochs: int, seed: int, fused=None) -> Run:
    """neuralab as installed: Adam runs as one compiled pass when numba is there (fused=None)."""
    net = nl.mlp(list(workload.sizes), activation="relu", seed=seed)
    optimizer = nl.optimizers.Adam(lr=LR, fused=fused)
    start = time.perf_counter()
    net.fit(data.x_train, data.y_train, epochs=epochs, batch_size=workload.batch_size,
            optimizer=optimizer, progress=False, seed=seed)
    seconds = time.perf_counter() - start
    accuracy = net.evaluate(data.x_test, data.y_test)["accuracy"]
    return Run(seconds / epochs, accuracy, net.predict)


def train_neuralab_numpy(workload: Workload, data, epochs: int, seed: int) -> Run:
    """neuralab without the compiled kernel: Adam as NumPy passes (what a plain install runs)."""
    return train_neuralab(workload, data, epochs, seed, fused=False)


def train_sklearn(workload: Workload, data, epochs: int, seed: int) -> Run:
    """MLPClassifier with the same layers, batch, lr; every epoch runs (tol=0, no early stop).

    alpha=0 switches off sklearn's default L2 penalty, so it solves the same problem as the
    others (and skips a pass over the weights: if anything this helps scikit-learn).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=workload.sizes[1:-1], activation="relu",
                        solver="adam", alpha=0.0, batch_size=workload.batch_size,
                        learning_rate_init=LR, max_iter=epochs, tol=0.0,
                        n_iter_no_change=10**9, shuffle=True, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is reached on purpose
        clf.fit(data.x_train, data.y_train)
    seconds = time.perf_counter() - start
    if clf.coefs_[0].dtype != np.float32:
        raise RuntimeError("scikit-learn did not train in float32; the comparison is void")
    return Run(seconds / epochs, clf.score(data.x_test, data.y_test), clf.predict_proba)


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _torch_model(sizes):
    """The same network as ``nl.mlp(sizes)``, initialised the same way.

    neuralab's defaults: He-normal weights for ReLU layers, Xavier-uniform for the softmax
    layer, zero biases. (PyTorch's own default, Kaiming-uniform with a = √5, starts smaller
    and reaches ~1 point lower accuracy after A's 10 epochs, which would blur the comparison.)
    """
    from torch import nn

    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        linear = nn.Linear(n_in, n_out)
        hidden = i < len(sizes) - 2
        if hidden:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_uniform_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.ReLU()] if hidden else [linear]
    return nn.Sequential(*layers)


def train_torch(workload: Workload, data, epochs: int, seed: int) -> Run:
    """A plain eager loop: shuffle, slice a batch, forward, CrossEntropyLoss, backward, Adam."""
    import torch

    torch.manual_seed(seed)
    model = _torch_model(workload.sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    gen = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        order, total = torch.randperm(len(x), generator=gen), 0.0
        for first in range(0, len(x), workload.batch_size):
            rows = order[first:first + workload.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[rows]), y[rows])
            loss.backward()
            optimizer.step()
            total += loss.item()  # a running loss, as neuralab and scikit-learn report one
    seconds = time.perf_counter() - start
    return Run(seconds / epochs, _torch_accuracy(model, data), _torch_predictor(model))


def _torch_predictor(model):
    import torch

    def predict(x):
        with torch.inference_mode():
            return torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()

    return predict


def _torch_accuracy(model, data) -> float:
    labels = np.argmax(_torch_predictor(model)(data.x_test), axis=1)
    return float(np.mean(labels == data.y_test))


TRAINERS = {"neuralab": train_neuralab, "neuralab-numpy": train_neuralab_numpy,
            "sklearn": train_sklearn, "torch": train_torch}


def images_per_second(predict, x, rounds: int) -> float:
    """Median over ``rounds`` of len(x) / (seconds for one ``predict(x)``), after a warm-up."""
    predict(x)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        predict(x)
        times.append(time.perf_counter() - start)
    return len(x) / float(np.median(times))
