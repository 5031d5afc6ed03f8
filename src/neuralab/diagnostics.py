"""Looking inside a network: per-layer statistics and a check of backpropagation.

``layer_stats`` measures, for each Dense layer, the numbers the seed's claims are about: how fast
the layer learns (the norm of its gradient, Nielsen's "speed of learning", claims C4, C7), where
its activations sit (mean and spread, C5, C6), how many units are saturated (C3) and how many are
dead (C8). ``gradient_check`` compares every gradient backpropagation computes with a central
difference of the loss, the standard test that backprop is right.
"""

from __future__ import annotations

import numpy as np

from neuralab import checks, gradcheck
from neuralab.callbacks import Callback
from neuralab.layers import Dense
from neuralab.network import CHUNK

__all__ = [
    "layer_stats", "LayerStats", "current_stats", "BatchStats", "history_logs", "gradient_check",
    "STATS",
    "SATURATION_THRESHOLD",
]

#: The statistics of each layer, in the order ``layer_stats`` gives them.
STATS = ("grad_norm_weight", "grad_norm_bias", "activation_mean", "activation_std",
         "saturated_fraction", "dead_fraction", "frozen_fraction")
#: A unit is saturated where |f′(z)| < SATURATION_THRESHOLD × max |f′|.
SATURATION_THRESHOLD = 0.01


def layer_stats(net, x, y, *, check: bool = True) -> LayerStats:
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
        frozen_fraction: the fraction of units whose |f′(z)| is below 1% of its maximum for
            every sample of x: saturated everywhere (a sigmoid pinned at 0 or 1, an ELU deep in
            its left tail, and a dead ReLU too), so no gradient reaches their inputs. None for
            softmax.

    Runs 1,024 rows at a time (dropout off): ``net.forward``, a look at each layer's z and a,
    then ``net.backward``. Leaves the gradients of the mean loss over x in every ``.grad``, as
    ``net.backward`` would. ``check=False`` takes x and y as ``fit`` prepared them.
    """
    if check:
        x = net.check_inputs(x)
        y, _ = net.prepare_targets(y, len(x))
    dense = [(i, layer) for i, layer in enumerate(net.layers) if isinstance(layer, Dense)]
    tallies = {i: _Tally(layer) for i, layer in dense}
    total = np.zeros_like(net.flat.grad)
    for start in range(0, len(x), CHUNK):
        rows = slice(start, start + CHUNK)
        net.zero_grad()
        net.forward(x[rows], check=False)
        for i, layer in dense:
            tallies[i].add(layer)
        net.backward(y[rows], check=False)
        total += net.flat.grad * (len(x[rows]) / len(x))  # chunk mean → mean over all of x
    net.flat.grad[...] = total
    return LayerStats(tallies[i].result(i, layer) for i, layer in dense)


class LayerStats(list):
    """What ``layer_stats`` returns: a list of one dict per layer that Jupyter shows as a
    bar chart of each layer's speed of learning and a table (``_repr_html_``)."""

    def _repr_html_(self) -> str:
        from neuralab import display  # the drawing is an application's: imported when shown

        return display.stats_html(self)


def current_stats(net) -> list[dict]:
    """``layer_stats`` of the batch the network saw last, read from what its layers kept.

    No new pass: after a ``forward`` and ``backward`` (one step of ``fit``, say), each Dense
    layer still holds that batch's z and a and each ``.grad`` that batch's gradient, so this
    costs one look at them. ``dead_fraction`` is then "dead on this batch".
    """
    dense = [(i, layer) for i, layer in enumerate(net.layers) if isinstance(layer, Dense)]
    if any(layer.a is None for _, layer in dense):
        raise ValueError("current_stats reads the last forward pass: call net.forward first")
    stats = []
    for i, layer in dense:
        tally = _Tally(layer)
        tally.add(layer)
        stats.append(tally.result(i, layer))
    return stats


class BatchStats(Callback):
    """A callback that keeps ``current_stats`` after every optimizer step of ``fit``.

    ``stats`` is a list with one entry per step: the per-layer dicts of that step's batch
    (its activations and the gradient the step used). ``every=k`` keeps every k-th step.
    """

    def __init__(self, every: int = 1):
        self.every = checks.integer(every, "every", minimum=1)
        self.stats: list[list[dict]] = []
        self._step = 0

    def on_batch_end(self, batch, logs=None):
        if self._step % self.every == 0:
            self.stats.append(current_stats(self.network))
        self._step += 1


def history_logs(stats: list[dict]) -> dict:
    """``layer_stats`` flattened for History: {"layers.0.grad_norm_weight": …, …}."""
    return {f"layers.{s['layer']}.{key}": s[key] for s in stats for key in STATS}


class _Tally:
    """Running sums of one layer's activations over the chunks of the data."""

    def __init__(self, layer: Dense):
        self.count = self.total = self.squares = self.saturated = 0.0
        self.alive = np.zeros(layer.out_features, bool)
        self.sloped = np.zeros(layer.out_features, bool)  # |f′| above the threshold somewhere
        max_derivative = layer.activation.max_derivative
        self.threshold = None if max_derivative is None else SATURATION_THRESHOLD * max_derivative

    def add(self, layer: Dense) -> None:
        a = layer.a
        self.count += a.size
        self.total += float(np.sum(a, dtype=np.float64))
        self.squares += float(np.sum(np.square(a, dtype=np.float64)))
        self.alive |= (a != 0).any(axis=0)
        if self.threshold is not None:
            flat = np.abs(layer.activation.derivative(layer.z)) < self.threshold
            self.saturated += np.count_nonzero(flat)
            self.sloped |= ~flat.all(axis=0)

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
            "frozen_fraction": (None if self.threshold is None
                                else float(np.mean(~self.sloped))),
        }


def gradient_check(net, x, y, eps=1e-6) -> float:
    """The largest relative error between backprop's gradients and central differences.

    For every parameter θ (every element of every weight and bias), ``gradcheck`` compares
    g = ∂C/∂θ from ``net.backward`` with (C(θ + ε) − C(θ − ε)) / 2ε by
    ``gradcheck.relative_error``: |g − numeric| / (|g| + |numeric|), entries where both are
    at rounding-noise level (below 1e-9·C/ε) measured as absolute errors. The result is the
    worst entry. Below 1e-7 backprop is right; a bug gives errors of order 1 (CS231n,
    "Gradient checks"). Needs a float64 network: in float32 central differences are only good
    to ~1e-3. Costs two forward passes per parameter, so use a small net and a few samples.
    Dropout is off. The ``.grad`` arrays end holding backprop's gradients.
    """
    if net.dtype != np.float64:
        raise ValueError("gradient_check needs a float64 network, e.g. mlp(..., dtype='float64'); "
                         "central differences in float32 are accurate to about 1e-3 only")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    x = net.check_inputs(x)
    targets, _ = net.prepare_targets(y, len(x))
    net.zero_grad()
    net.forward(x, check=False)
    cost = net.backward(targets, check=False)
    worst = 0.0
    for param in net.parameters():
        def cost_at(values, param=param):
            param.value = values
            return net.loss.value(net.forward(x, check=False), targets)

        saved = param.value.copy()
        numeric = gradcheck.numerical_gradient(cost_at, saved, eps)
        param.value = saved
        floor = gradcheck.rounding_floor(cost, eps)
        worst = max(worst, gradcheck.relative_error(param.grad, numeric, floor))
    return worst
