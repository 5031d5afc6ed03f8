"""What one frame shows, computed from a tab's session: the binary ``frame`` and ``data`` messages.

A frame holds:

- the losses (and accuracies for classes) on the training and test sets;
- the seed's diagnostics of each Dense layer on the training set, from
  ``neuralab.diagnostics.layer_stats``: the speed of learning ‖∂C/∂b‖ (C4, C7), the saturated
  fraction (C3, C9), the dead-unit fraction (C8), the mean activation (C5, C6);
- the output over a GRID × GRID square of inputs (the heatmap), one byte per point;
- every hidden neuron's output over the same square, every second point (the thumbnails), one
  byte per point scaled between the neuron's own minimum and maximum (sent beside it);
- the weights and biases, for the connections the page draws.

One forward pass over the grid gives the heatmap and every thumbnail: each Dense layer keeps its
output ``a`` of the last forward pass.
"""

from __future__ import annotations

import functools

import numpy as np

from neuralab import diagnostics, losses
from neuralab.layers import Dense
from neuralab.play import limits, model, protocol

__all__ = ["frame", "data_message", "grid_points", "quantize", "scores", "layer_diagnostics"]

_NOT_FINITE = ("the network's outputs are no longer finite numbers (a weight is too large)."
               " Press reset, or lower the learning rate.")


@functools.lru_cache(maxsize=16)
def grid_points(domain: float, size: int = limits.GRID) -> np.ndarray:
    """(size², 2) points of the square [−domain, domain]², row by row from the top (x₂ = +d)
    down, each row from left (x₁ = −d) to right: the pixel order of the page's canvas."""
    ticks = np.linspace(-domain, domain, size, dtype=np.float32)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    points = np.column_stack([x1.ravel(), x2.ravel()])
    points.setflags(write=False)
    return points


def quantize(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``values`` mapped from [low, high] to bytes 0 … 255 (clipped; NaN → 0)."""
    span = high - low if high > low else 1.0
    scaled = np.nan_to_num((values - low) * (255.0 / span), nan=0.0, posinf=255.0, neginf=0.0)
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def scores(net, x, t, y, classes: int) -> tuple[float, float | None]:
    """(loss, accuracy) of ``net`` on features x, targets t, labels y (accuracy None for real
    targets)."""
    out = net.predict(x)
    loss = float(net.loss.value(out, t))
    accuracy = None if classes == 0 else float(np.mean(losses.predicted_classes(out) == y))
    return loss, accuracy


def layer_diagnostics(session) -> list[dict]:
    """The seed's statistics of each Dense layer on the training set (the last is the output)."""
    stats = diagnostics.layer_stats(session.net, session.x_train, session.t_train)
    return [{"activation": s["activation"], "speed": s["grad_norm_bias"],
             "weight_speed": s["grad_norm_weight"], "saturated": s["saturated_fraction"],
             "dead": s["dead_fraction"], "mean": s["activation_mean"],
             "std": s["activation_std"]} for s in stats]


def _pictures(session) -> dict[str, np.ndarray]:
    """The heatmap and the neuron thumbnails from one forward pass over the grid."""
    size, stride = limits.GRID, limits.THUMB_STRIDE
    grid = model.features(grid_points(session.data.domain), session.config.features)
    out = session.net.forward(grid, check=False)
    if not np.isfinite(out).all():
        session.diverged = session.diverged or _NOT_FINITE
    hidden = [layer.a for layer in session.net.layers if isinstance(layer, Dense)][:-1]
    arrays = _output_map(out, session.config.classes)
    if hidden:
        a = np.concatenate(hidden, axis=1).reshape(size, size, -1)[::stride, ::stride]
        a = np.moveaxis(a, 2, 0)  # (neurons, size / stride, size / stride)
        with np.errstate(invalid="ignore"):
            low, high = np.nanmin(a, axis=(1, 2)), np.nanmax(a, axis=(1, 2))
        arrays["neurons"] = np.stack([quantize(n, lo, hi) for n, lo, hi in zip(a, low, high,
                                                                                strict=True)])
        arrays["neuron_range"] = np.column_stack([low, high]).astype(np.float32)
    return arrays


def _output_map(out: np.ndarray, classes: int) -> dict[str, np.ndarray]:
    """The heatmap bytes: a regression's value over [−1, 1], the probability of class 1, or for
    k > 2 classes the predicted class and its probability."""
    size = limits.GRID
    if classes == 0:
        return {"output": quantize(out[:, 0], -1.0, 1.0).reshape(size, size)}
    if classes == 2:
        p1 = out[:, 0] if out.shape[1] == 1 else out[:, 1]
        return {"output": quantize(p1, 0.0, 1.0).reshape(size, size)}
    predicted = np.nan_to_num(out).argmax(axis=1).astype(np.uint8)
    return {"output": predicted.reshape(size, size),
            "confidence": quantize(out.max(axis=1), 0.0, 1.0).reshape(size, size)}


def _weights(net) -> dict[str, np.ndarray]:
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    return {"weights": np.concatenate([d.weight.value.ravel() for d in dense]).astype(np.float32),
            "biases": np.concatenate([d.bias.value for d in dense]).astype(np.float32)}


def frame(session, race=None, playing: bool = False) -> bytes:
    """The ``frame`` message for the session as it is now (and the race's state, if one runs);
    ``playing`` tells the page whether training goes on (it stops when the network diverges)."""
    data = session.data
    classes = session.config.classes
    with np.errstate(all="ignore"):
        train = scores(session.net, session.x_train, session.t_train, data.y_train, classes)
        test = scores(session.net, session.x_test, session.t_test, data.y_test, classes)
        arrays = {**_pictures(session), **_weights(session.net)}
        diagnostic = layer_diagnostics(session) if session.diverged is None else []
    dense = [layer for layer in session.net.layers if isinstance(layer, Dense)]
    header = {"type": "frame", "epoch": session.epoch, "generation": session.generation,
              "shape": session.shape(), "features": list(session.config.features),
              "activations": [layer.activation.name for layer in dense[:-1]],
              "lr": session.optimizer.lr,
              "train_loss": train[0], "test_loss": test[0], "train_accuracy": train[1],
              "test_accuracy": test[1], "diagnostics": diagnostic, "diverged": session.diverged,
              "playing": playing}
    if race is not None:
        header["race"] = race.state()
    return protocol.pack(header, arrays)


def data_message(session) -> bytes:
    """The ``data`` message: training and test points with their labels, and the square shown."""
    d = session.data
    header = {"type": "data", "classes": d.classes, "domain": d.domain,
              "dataset": session.config.dataset, "generation": session.generation}
    return protocol.pack(header, {"x_train": d.x_train.astype(np.float32),
                                  "y_train": d.y_train.astype(np.float32),
                                  "x_test": d.x_test.astype(np.float32),
                                  "y_test": d.y_test.astype(np.float32)})
