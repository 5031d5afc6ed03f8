"""The network behind the estimators: built as scikit-learn builds its MLP, trained on batches.

- :func:`build_network`: Dense layers with scikit-learn's initial weights, drawn from the same
  ``RandomState`` in the same order, so that ``random_state=0`` starts both libraries at the
  same point.
- :class:`Objective`: scikit-learn's cost of one batch and its gradient in ``net.flat.grad``;
  the stochastic solvers call it per batch, L-BFGS on the whole set.
- :class:`L2Gradient`: the penalty's gradient, handed to scikit-learn's SGD step to add in its
  own pass over the parameters.
- :func:`take_rows`, :func:`outputs`: dense or sparse rows in, dense float arrays out, a batch
  at a time (a sparse matrix is never densified whole).
- :class:`LayerArrays`: ``coefs_`` and ``intercepts_`` as lists of views into the network.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from neuralab import activations
from neuralab.layers import Dense
from neuralab.network import CHUNK, Network
from neuralab.sklearn import kernels
from neuralab.sklearn.poisson import Exp, HalfPoissonDeviance
from neuralab.training import TrainingDivergedError

__all__ = ["build_network", "Objective", "L2Gradient", "take_rows", "outputs", "LayerArrays",
           "OUTPUTS", "check_finite"]

#: scikit-learn's ``out_activation_`` → (neuralab output activation, the loss it is trained with).
OUTPUTS = {
    "logistic": ("sigmoid", "binary_cross_entropy"),
    "softmax": ("softmax", "cross_entropy"),
    "identity": ("identity", "quadratic"),
    "exp": (Exp(), HalfPoissonDeviance()),
}


def build_network(sizes, activation: str, out_activation: str, dtype, random_state) -> Network:
    """An MLP of ``sizes`` (inputs, hidden…, outputs) initialised as scikit-learn's.

    Glorot & Bengio's uniform initialisation, for the weights AND the biases of each layer in
    turn: U(−r, r) with r = √(6 / (fan_in + fan_out)), or √(2 / (fan_in + fan_out)) for a
    logistic hidden activation. The draws come from ``random_state`` (a ``RandomState``) in
    float64 and are rounded to ``dtype``, exactly as in ``MLPClassifier._init_coef``.
    ``random_state=None`` leaves every parameter at 0 (for weights about to be loaded).
    """
    factor = 2.0 if activations.get(activation).name == "sigmoid" else 6.0
    output, loss = OUTPUTS[out_activation]
    layers = []
    for i, (fan_in, fan_out) in enumerate(pairwise(sizes)):
        hidden = i < len(sizes) - 2
        layer = Dense(fan_in, fan_out, activation if hidden else output, init="zeros",
                      dtype=dtype)
        if random_state is not None:
            bound = np.sqrt(factor / (fan_in + fan_out))
            layer.weight.value = random_state.uniform(-bound, bound, (fan_in, fan_out))
            layer.bias.value = random_state.uniform(-bound, bound, fan_out)
        layers.append(layer)
    return Network(layers, loss=loss)


class Objective:
    """scikit-learn's cost of a batch, C + P, with its gradient written into ``net.flat.grad``.

        C = the loss of the batch (its sample-weighted mean; for squared error also averaged
            over the outputs, as ``sklearn.neural_network._base.squared_loss`` reports it)
        P = α/(2·n_b)·Σ‖W‖²,   ∂P/∂W = (α/n_b)·W,   biases not penalised

    with n_b the batch's size (its total sample weight when weighted). The gradient of C is
    the network's own backward pass: ∂C/∂z = (a − y)/n_b at the output for each of the canonical
    pairs (sigmoid + log-loss, softmax + log-loss, identity + squared error, exp + Poisson).
    ∂P/∂θ is added to the gradient too, unless :meth:`defer_penalty_gradient` gave it to the
    optimizer (scikit-learn's SGD adds it inside its one pass over θ).

    Args:
        net: the Network. alpha: the L2 strength. batch_size: the most rows of one call.
        value_scale: factor of the reported loss value (1 / n_outputs for squared error).
    """

    def __init__(self, net: Network, alpha: float, batch_size: int, value_scale: float = 1.0):
        self.net, self.alpha, self.value_scale = net, alpha, value_scale
        self.workspace = net.workspace(batch_size)
        self.weights = [layer.weight for layer in net.layers]
        self.scratch = [np.empty_like(w.value) for w in self.weights] if alpha else []
        self.deferred: L2Gradient | None = None

    def defer_penalty_gradient(self) -> L2Gradient:
        """From now on, leave ∂P/∂θ out of ``net.flat.grad``: the returned
        :class:`L2Gradient` carries it to the optimizer, which adds it in its own pass."""
        self.deferred = L2Gradient.for_network(self.net)
        return self.deferred

    def __call__(self, x, targets, sample_weight=None) -> float:
        """C + P for the batch (x, targets); ∂(C + P)/∂θ overwrites ``net.flat.grad`` (∂C/∂θ
        alone once the penalty's gradient is deferred)."""
        value = self.data_term(x, targets, sample_weight)
        if self.alpha:
            value += self.penalty(len(x) if sample_weight is None
                                  else float(sample_weight.sum()))
        return value

    def data_term(self, x, targets, sample_weight=None) -> float:
        """C alone; ∂C/∂θ overwrites ``net.flat.grad`` (one forward and one backward pass)."""
        self.net.forward(x, training=True, check=False, workspace=self.workspace)
        value = self.net.backward(targets, sample_weight, check=False, workspace=self.workspace)
        return value * self.value_scale

    def penalty(self, size: float) -> float:
        """Add (α/n_b)·W to each weight's gradient (or hand α/n_b to the deferred gradient);
        return P = α/(2·n_b)·Σ‖W‖²."""
        if not self.alpha:
            return 0.0
        squares = sum(float(np.dot(w.value.reshape(-1), w.value.reshape(-1)))
                      for w in self.weights)
        if self.deferred is not None:
            self.deferred.factor = self.alpha / size
            return 0.5 * self.alpha * squares / size
        for w, scratch in zip(self.weights, self.scratch, strict=True):
            if kernels.usable(w.grad, w.value):  # the same numbers in one pass
                kernels.add_decay(w.grad, w.value, self.alpha / size)
                continue
            np.multiply(w.value, self.alpha / size, out=scratch)
            np.add(w.grad, scratch, out=w.grad)
        return 0.5 * self.alpha * squares / size


class L2Gradient:
    """The L2 penalty's gradient, (α/n_b)·W on every weight matrix and 0 on the biases, kept
    apart so that the optimizer adds it during its own pass over θ (one pass fewer per batch).

    ``segments``: int64 rows (start, stop, penalised) covering ``net.flat`` in order — one per
    weight matrix (penalised) and per bias vector (not). ``factor``: α/n_b of the last batch.
    """

    def __init__(self, segments):
        self.segments = np.array(segments, np.int64).reshape(-1, 3)
        starts, stops = self.segments[:, 0], self.segments[:, 1]
        if starts[0] != 0 or np.any(starts[1:] != stops[:-1]) or np.any(stops < starts):
            raise ValueError(f"segments must follow each other from 0: got {segments!r}")
        self.factor = 0.0

    @classmethod
    def for_network(cls, net: Network) -> L2Gradient:
        """The segments of ``net.flat``: its weight matrices penalised, its biases not."""
        rows, start = [], 0
        for param in net.parameters():
            rows.append((start, start + param.size, param.name.endswith(".weight")))
            start += param.size
        return cls(rows)

    def check_covers(self, value) -> None:
        """ValueError unless the segments end where the flat vector ``value`` ends."""
        if self.segments[-1, 1] != value.size:
            raise ValueError(f"the penalty's segments cover {self.segments[-1, 1]} parameters, "
                             f"the vector stepped has {value.size}: step net.flat, the vector "
                             "they were made for")

    def added_to(self, grad, value, out: np.ndarray) -> np.ndarray:
        """g + factor·θ on the penalised segments, g elsewhere, written into ``out``."""
        np.copyto(out, grad)
        factor = value.dtype.type(self.factor)
        if factor:  # in θ's dtype, as the compiled loop tests it
            for start, stop, penalised in self.segments:
                if penalised:
                    out[start:stop] += value[start:stop] * factor
        return out


def take_rows(x, rows, out: np.ndarray | None) -> np.ndarray:
    """Rows ``rows`` (a slice or an index array) of x as a dense array.

    A dense x gives a view for a slice, or the rows gathered into ``out``; a sparse (CSR) x is
    densified into ``out``, one batch only. ``out`` has at least as many rows as asked for
    (it may be None for a dense x and a slice).
    """
    if isinstance(rows, slice) and not sp.issparse(x):
        return x[rows]
    assert out is not None, "take_rows needs a buffer to gather rows into"
    if sp.issparse(x):
        part = x[rows]
        return part.toarray(out=out[: part.shape[0]])
    return np.take(x, rows, axis=0, out=out[: len(rows)], mode="clip")


def outputs(net: Network, x) -> np.ndarray:
    """The network's outputs for x (dense, or sparse densified 1,024 rows at a time)."""
    if not sp.issparse(x):
        return net.predict(x)
    x = x.tocsr().astype(net.dtype)
    out = np.empty((x.shape[0], net.n_outputs), net.dtype)
    buffer = np.empty((min(CHUNK, x.shape[0]), x.shape[1]), net.dtype)
    for start in range(0, x.shape[0], CHUNK):
        rows = slice(start, start + CHUNK)
        out[rows] = net.forward(take_rows(x, rows, buffer), check=False)
    net.clear()
    return out


def check_finite(net: Network, iteration: int, loss: float | None = None) -> None:
    """TrainingDivergedError (a ValueError) if the weights, or the loss, are not finite.

    The message keeps scikit-learn's sentences ("Solver produced non-finite parameter weights.
    The input data may contain large values and need to be preprocessed.") and adds the
    iteration and what to do.
    """
    finite = bool(np.isfinite(net.flat.value).all())
    if finite and (loss is None or np.isfinite(loss)):
        return
    head = ("Solver produced non-finite parameter weights." if not finite
            else f"Solver produced a non-finite loss ({loss}).")
    raise TrainingDivergedError(
        f"{head} The input data may contain large values and need to be preprocessed. "
        f"(Iteration {iteration}: scale X, and y for regression, e.g. with "
        "sklearn.preprocessing.StandardScaler, or lower learning_rate_init.)",
        max(iteration - 1, 0))


class LayerArrays(list):
    """``coefs_`` or ``intercepts_``: one array per layer, each a view into the network.

    Writing into an array (``clf.coefs_[0][:] = W``) or assigning an item
    (``clf.coefs_[0] = W``) changes the network itself, as it changes scikit-learn's MLP.
    """

    def __setitem__(self, index, value) -> None:
        if not isinstance(index, int | np.integer):
            raise TypeError("assign one layer at a time: coefs_[i] = array")
        view = self[index]
        value = np.asarray(value)
        if value.shape != view.shape:
            raise ValueError(f"layer {index} has shape {view.shape}; got an array of shape "
                             f"{value.shape}")
        view[...] = value
