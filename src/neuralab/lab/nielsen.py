"""Nielsen's chapter-5 networks, as the ``vanishing_gradient`` experiment builds and trains them.

His ``network2`` networks — sigmoid layers of 30 units, weights N(0, 1/fan_in), biases N(0, 1),
sigmoid outputs and the binary cross-entropy — and the same shapes with tanh and ReLU units and
with modern initialisation; full-batch gradient descent with his L2 term, recording the speed of
learning ‖∂C/∂bˡ‖ of every hidden layer at every step, as his ``fig/generate_gradient.py`` does.
"""

from __future__ import annotations

import numpy as np

from neuralab import diagnostics
from neuralab.network import mlp
from neuralab.training import Callback

SETUPS = {
    "sigmoid-nielsen": ("sigmoid", "lecun_normal", True),
    "tanh-nielsen": ("tanh", "lecun_normal", True),
    "relu-nielsen": ("relu", "lecun_normal", True),
    "sigmoid-xavier": ("sigmoid", "xavier_uniform", False),
    "tanh-xavier": ("tanh", "xavier_uniform", False),
    "relu-he": ("relu", "he_normal", False),
}
"""Set-up → (hidden activation, weight initializer, biases N(0, 1) as Nielsen's, else 0)."""
HIDDEN = 30
"""Units per hidden layer."""
KEEP_EVERY = 10
"""Epochs between the speeds kept in results.json (the figures use every epoch)."""


def build(key: str, depth: int, n_inputs: int, seed: int):
    """The network of set-up ``key`` with ``depth`` hidden layers, drawn from ``seed``."""
    activation, init, nielsen_biases = SETUPS[key]
    rng = np.random.default_rng(seed)
    net = mlp([n_inputs, *[HIDDEN] * depth, 10], activation, output="sigmoid",
              loss="binary_cross_entropy", init=init, seed=rng)
    if nielsen_biases:
        for layer in net.layers:
            layer.bias.value = rng.standard_normal(layer.out_features).astype(net.dtype)
    return net


def initial_speeds(key: str, depth: int, x, y, seed: int) -> list[float]:
    """‖∂C/∂bˡ‖ of each hidden layer l of a freshly initialised network, over (x, y)."""
    stats = diagnostics.layer_stats(build(key, depth, x.shape[1], seed), x, y)
    return [s["grad_norm_bias"] for s in stats[:-1]]


def _geomean(values) -> float:
    return float(np.exp(np.mean(np.log(values))))


def summarise_initial(per_seed: list[list[float]]) -> dict:
    """Geometric means over seeds: speed per layer, last/first ratio, fastest/slowest spread."""
    speeds = np.asarray(per_seed, dtype=np.float64)
    return {"speed": [_geomean(col) for col in speeds.T],
            "ratio": _geomean(speeds[:, -1] / speeds[:, 0]),
            "spread": _geomean(speeds.max(axis=1) / speeds.min(axis=1))}


class SpeedRecorder(Callback):
    """Records ‖∂C/∂b‖ of every hidden layer after each step of ``fit``.

    With full-batch training there is one step per epoch, and the gradient left in ``.grad``
    after the step is the one the step used: the speed at the start of that epoch (the L2 term
    touches only the weights' gradients).
    """

    def __init__(self):
        self.speeds: list[list[float]] = []

    def on_batch_end(self, batch, logs=None):
        hidden = self.network.layers[:-1]
        self.speeds.append([float(np.linalg.norm(layer.bias.grad)) for layer in hidden])


def train(key: str, depth: int, data, p: dict, seed: int) -> dict:
    """Full-batch GD with Nielsen's L2 term for ``p["epochs"]`` epochs; speeds per epoch, the
    last/first ratio at the last epoch, loss and accuracies."""
    x, y, x_test, y_test = data
    net = build(key, depth, x.shape[1], seed)
    recorder = SpeedRecorder()
    history = net.fit(x, y, epochs=p["epochs"], batch_size=None, optimizer=p["optimizer"],
                      lr=p["lr"], l2=p["l2_lambda"] / len(x), shuffle=False,
                      callbacks=[recorder], progress=False)
    speeds = np.asarray(recorder.speeds)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.max(speeds, axis=1) / np.min(speeds, axis=1)
        final_ratio = speeds[-1, -1] / speeds[-1, 0]
    return {"speeds": speeds, "max_spread": float(np.max(spread)),
            "final_ratio": float(final_ratio),
            "final_loss": float(history.history["loss"][-1]),
            "train_accuracy": float(history.history["accuracy"][-1]),
            "test_accuracy": float(net.evaluate(x_test, y_test)["accuracy"])}


def kept(run: dict) -> dict:
    """A run for results.json: the speeds of every ``KEEP_EVERY``-th epoch and of the last,
    and the summaries."""
    epochs = sorted({*range(0, len(run["speeds"]), KEEP_EVERY), len(run["speeds"]) - 1})
    return {"epochs": epochs, "speed": run["speeds"][epochs].tolist(),
            **{k: v for k, v in run.items() if k != "speeds"}}
