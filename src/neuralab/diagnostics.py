"""Looking inside a network: per-layer statistics and a check of backpropagation.

``layer_stats`` measures, for each Dense layer, the numbers the seed's claims are about: how fast
the layer learns (the norm of its gradient, Nielsen's "speed of learning", claims C4, C7), where
its activations sit (mean and spread, C5, C6), how many units are saturated (C3) and how many are
dead (C8). ``gradient_check`` compares every gradient backpropagation computes with a central
difference of the loss, the standard test that backprop is right.
"""

from __future__ import annotations

import numpy as np

from neuralab.layers import Dense

__all__ = ["layer_stats", "gradient_check", "STATS", "SATURATION_THRESHOLD"]

#: The statistics of each layer, in the order ``layer_stats`` gives them.
STATS = ("grad_norm_weight", "grad_norm_bias", "activation_mean", "activation_std",
         "saturated_fraction", "dead_fraction")
#: A unit is saturated where |f′(z)| < SATURATION_THRESHOLD × max |f′|.
SATURATION_THRESHOLD = 0.01
_CHUNK = 1024


def layer_stats(net, x, y) -> list[dict]:
    """Statistics of every Dense layer of ``net`` on the data (x, y); one dict per layer.

    Keys of each dict:
        layer: the layer's index in ``net.layers``; activation: its activation's name.
        grad_norm_weight, grad_norm_bias: ‖∂C/∂W‖ and ‖∂C/∂b‖ (Frobenius/Euclidean norms) of
            the mean loss over all of x: how fast the layer learns (Nielsen, ch. 5). None for
            a layer without bias.
        activation_mean, activation_std: mean and standard deviation of a over samples and units.
        saturated_fraction: the fraction of (sample, unit) pairs with |f′(z)| below 1% of f′'s
            maximum (``activation.max_derivative``): for sigmoid/tanh the flat tails, for ReLU
            every z ≤ 0. None for softmax, whose derivative is not elementwise.
        dead_fraction: the fraction of units whose output is exactly 0 for every sample of x
            (a dead ReLU, claim C8); 0 for activations that are never exactly 0.

    Runs 1,024 rows at a time (dropout off). Leaves the gradients of the mean loss over x in
    every ``.grad``, as ``net.backward`` would.
    """
    x = net._inputs(x)
    targets, _ = net._targets(y, len(x))
    return _layer_stats(net, x, targets)


def _layer_stats(net, x, targets) -> list[dict]:
    """``layer_stats`` for data already checked by ``training``."""
    dense = [(i, layer) for i, layer in enumerate(net.layers) if isinstance(layer, Dense)]
    tallies = {i: _Tally(layer) for i, layer in dense}
    total = np.zeros_like(net._flat.grad)
    for start in range(0, len(x), _CHUNK):
        rows = slice(start, start + _CHUNK)
        net.zero_grad()
        net._forward(x[rows])
        for i, layer in dense:
            tallies[i].add(layer)
        net._backward(targets[rows])
        total += net._flat.grad * (len(x[rows]) / len(x))  # chunk mean → mean over all of x
    net._flat.grad[...] = total
    return [tallies[i].result(i, layer) for i, layer in dense]


class _Tally:
    """Running sums of one layer's activations over the chunks of the data."""

    def __init__(self, layer: Dense):
        self.count = self.total = self.squares = self.saturated = 0.0
        self.alive = np.zeros(layer.out_features, bool)
        max_derivative = layer.activation.max_derivative
        self.threshold = None if max_derivative is None else SATURATION_THRESHOLD * max_derivative

    def add(self, layer: Dense) -> None:
        a = layer._a
        self.count += a.size
        self.total += float(np.sum(a, dtype=np.float64))
        self.squares += float(np.sum(np.square(a, dtype=np.float64)))
        self.alive |= (a != 0).any(axis=0)
        if self.threshold is not None:
            slope = np.abs(layer.activation.derivative(layer._z))
            self.saturated += np.count_nonzero(slope < self.threshold)

    def result(self, index: int, layer: Dense) -> dict:
        mean = self.total / self.count
        bias = layer.bias
        return {
            "layer": index,
            "activation": layer.activation.name,
            "grad_norm_weight": float(np.linalg.norm(layer.weight.grad)),
            "grad_norm_bias": None if bias is None else float(np.linalg.norm(bias.grad)),
            "activation_mean": mean,
            "activation_std": max(self.squares / self.count - mean * mean, 0.0) ** 0.5,
            "saturated_fraction": (None if self.threshold is None
                                   else float(self.saturated) / self.count),
            "dead_fraction": float(np.mean(~self.alive)),
        }


def _monitor_logs(net, x, targets) -> dict:
    """``layer_stats`` flattened for History: {"layers.0.grad_norm_weight": …, …}."""
    return {f"layers.{stats['layer']}.{key}": stats[key]
            for stats in _layer_stats(net, x, targets) for key in STATS}


def gradient_check(net, x, y, eps=1e-6) -> float:
    """The largest relative error between backprop's gradients and central differences.

    For every parameter θ (every element of every weight and bias):

        numeric = (C(θ + ε) − C(θ − ε)) / 2ε,     error = ‖g − numeric‖ / (‖g‖ + ‖numeric‖)

    per Parameter array, where g is what ``net.backward`` computed; the result is the worst
    array. Below 1e-7 backprop is right; a bug gives errors of order 1 (CS231n, "Gradient
    checks"). Needs a float64 network: in float32 central differences are only good to ~1e-3.
    Costs two forward passes per parameter, so use a small net and a few samples. Dropout is
    off. The ``.grad`` arrays end holding backprop's gradients.
    """
    if net.dtype != np.float64:
        raise ValueError("gradient_check needs a float64 network, e.g. mlp(..., dtype='float64'); "
                         "central differences in float32 are accurate to about 1e-3 only")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    x = net._inputs(x)
    targets, _ = net._targets(y, len(x))
    net.zero_grad()
    net._forward(x)
    net._backward(targets)
    worst = 0.0
    for param in net.parameters():
        numeric = _central_differences(net, x, targets, param, eps)
        gap = np.linalg.norm(param.grad - numeric)
        scale = np.linalg.norm(param.grad) + np.linalg.norm(numeric)
        worst = max(worst, float(gap / scale) if scale > 0 else 0.0)
    return worst


def _central_differences(net, x, targets, param, eps) -> np.ndarray:
    values = param.value.reshape(-1)  # a view: writing it moves the parameter
    numeric = np.empty_like(values)
    for j in range(values.size):
        saved = values[j]
        values[j] = saved + eps
        plus = net.loss.value(net._forward(x), targets)
        values[j] = saved - eps
        minus = net.loss.value(net._forward(x), targets)
        values[j] = saved
        numeric[j] = (plus - minus) / (2 * eps)
    return numeric.reshape(param.value.shape)
