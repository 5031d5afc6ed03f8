"""Loss functions (costs): how far the network's output ``a`` is from the target ``y``.

Every loss is a small class with one signature for all (``sample_weight`` is optional):

- ``value(a, y, sample_weight=None)`` → the cost C, a Python float;
- ``gradient(a, y, sample_weight=None)`` → ∂C/∂a, an array of a's shape and dtype;
- ``delta(z, a, y, activation, sample_weight=None)`` → ∂C/∂z for the output layer, where
  ``a = activation.forward(z)``. This is where backpropagation starts.
- ``value_and_delta(z, a, y, activation, sample_weight=None)`` → both at once, without the
  checks: what ``fit`` calls for every batch.

Class attributes say which output activation goes with a loss: ``default_output`` (what
``mlp`` puts there) and ``required_output`` (what the loss insists on, or None).
``one_hot(labels, k, dtype)`` and ``predicted_classes(a)`` turn class labels into targets and
outputs back into class labels.

Shapes: ``a`` is ``(n, k)`` (n samples, k outputs) and ``y`` has the same shape; for
``cross_entropy`` ``y`` may also be integer class labels of shape ``(n,)``, and for the other
losses a target vector of shape ``(n,)`` is read as a column when k = 1. Each loss is an average
over samples, C = 1/n Σᵢ ℓᵢ; with ``sample_weight`` w (shape ``(n,)``, non-negative, not all
zero) it is the weighted average C = Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ, so all-ones weights change nothing.

Validation is cheap (shape checks plus a min/max over the targets, no temporary arrays), so every
public method validates its inputs; ``check_targets`` runs the same checks alone, for a training
loop that wants to fail before its first epoch. Only the targets are checked for NaN/inf: a NaN
in ``a`` means training diverged, and it shows up as a NaN cost, as in PyTorch.

Probabilities are clipped to [eps, 1 − eps], eps = ``np.finfo(a.dtype).eps``, before any log
and in every gradient that divides by a or 1 − a.
"""

from __future__ import annotations

import numpy as np

from neuralab import checks
from neuralab.registry import Registry

__all__ = ["Loss", "Quadratic", "MSE", "BinaryCrossEntropy", "CrossEntropy", "REGISTRY", "get",
           "names", "one_hot", "predicted_classes"]


def _clip(p):
    """A new array: p clipped to [eps, 1 − eps] so that log(p), log(1 − p) and 1/p stay finite."""
    eps = np.finfo(p.dtype).eps
    out = np.maximum(p, eps)  # np.clip does the same with more per-call overhead
    return np.minimum(out, 1 - eps, out=out)


def _bounds(x, what):
    """(min, max) of x after checking that x holds no NaN or inf (NaN propagates into both)."""
    lo, hi = x.min(), x.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{what} contain NaN or inf; remove or impute those samples first")
    return lo, hi


def _scale(sample_weight, n, dtype):
    """Per-sample factors of the average: the number 1/n, or the column w / Σw of shape (n, 1)."""
    if sample_weight is None:
        return 1.0 / n
    w = checks.sample_weight(sample_weight, n)
    return (w / w.sum()).astype(dtype).reshape(n, 1)


class Loss:
    """Base class. Subclasses write ``_terms`` (summed per sample to ℓᵢ) and ``_grad`` (∂ℓ/∂a).

    Class attributes: ``name`` (registered name), ``aliases``, ``is_classification``,
    ``default_output`` (the output activation ``mlp`` gives a network with this loss),
    ``required_output`` (the output activation this loss needs, or None if any will do),
    ``target_range`` (allowed target values, or None), ``fused_with`` (the activation whose
    ∂C/∂z simplifies to (a − y)/n with this loss, or None).
    """

    name = "loss"
    aliases: tuple[str, ...] = ()
    is_classification = False
    default_output = "identity"
    required_output: str | None = None
    target_range: tuple[float, float] | None = None
    fused_with: str | None = None

    def value(self, a, y, sample_weight=None) -> float:
        """The cost C = Σᵢ sᵢ ℓᵢ with sᵢ = 1/n (or wᵢ/Σw)."""
        a, y, scale = self._prepare(a, y, sample_weight)
        return float(np.sum(self._terms(a, y) * scale))

    def gradient(self, a, y, sample_weight=None):
        """∂C/∂a, same shape and dtype as a."""
        a, y, scale = self._prepare(a, y, sample_weight)
        grad = self._grad(a, y)
        grad *= scale
        return grad

    def delta(self, z, a, y, activation, sample_weight=None):
        """∂C/∂z = activation.backward(z, a, ∂C/∂a), or (a − y)/n for the fused pair.

        For the fused pair (``activation.name == self.fused_with``) σ′ cancels analytically, so
        ``z`` is unused and the result stays exact when z saturates (claim C10).
        """
        if not hasattr(activation, "backward"):
            raise TypeError(
                f"activation must be an Activation object, got {activation!r}; "
                "use neuralab.activations.get(name)"
            )
        a, y, scale = self._prepare(a, y, sample_weight)
        if self.fused_with is not None and activation.name == self.fused_with:
            return self._fused_delta(a, y, scale)
        grad = self._grad(a, y)
        grad *= scale
        return activation.backward(z, a, grad)

    def value_and_delta(self, z, a, y, activation, sample_weight=None):
        """(C, δ) at once, δ = ∂C/∂z, for a and y that the caller has checked already.

        What ``fit`` calls once per batch: the same numbers as ``value`` and ``delta``, without
        their per-call checks of the targets (``check_targets`` runs them once per fit). For a
        fused pair δ = (a − y)/n; otherwise δ = activation.backward(z, a, ∂C/∂a), computed IN
        PLACE in the new ∂C/∂a array, so no second array is allocated.
        """
        scale = _scale(sample_weight, a.shape[0], a.dtype)
        value = float(np.sum(self._terms(a, y) * scale))
        if self.fused_with is not None and activation.name == self.fused_with:
            return value, self._fused_delta(a, y, scale)
        grad = self._grad(a, y)
        grad *= scale
        return value, activation.backward(z, a, grad, out=grad)

    def _terms(self, a, y):
        """Per-element terms of the cost, summed over a row to ℓᵢ (each loss writes its own)."""
        raise NotImplementedError

    def _grad(self, a, y):
        """n·∂C/∂a before the 1/n (or wᵢ/Σw) factor: ∂ℓᵢ/∂a (each loss writes its own)."""
        raise NotImplementedError

    def check_targets(self, a, y, sample_weight=None) -> None:
        """Raise ValueError if a, y (and sample_weight) do not fit this loss; else return None."""
        self._prepare(a, y, sample_weight)

    def _fused_delta(self, a, y, scale):
        grad = a - y
        grad *= scale
        return grad

    def _prepare(self, a, y, sample_weight):
        a = np.asarray(a)
        if a.dtype.kind in "biu":
            a = a.astype(np.float64)
        if a.dtype.kind != "f" or a.ndim != 2 or a.shape[0] == 0:
            raise ValueError(
                f"{self.name}: predictions a must be a non-empty float array of shape "
                f"(n_samples, n_outputs), got shape {a.shape} and dtype {a.dtype}; "
                "reshape a single output with a.reshape(-1, 1)"
            )
        y = self._targets(a, np.asarray(y))
        return a, y, _scale(sample_weight, a.shape[0], a.dtype)

    def _targets(self, a, y):
        """y checked against a and cast to a's dtype."""
        if y.shape == (a.shape[0],) and a.shape[1] == 1:
            y = y.reshape(a.shape)
        if y.shape != a.shape:
            raise ValueError(
                f"{self.name}: targets y have shape {y.shape} but predictions a have shape "
                f"{a.shape}; they must match"
            )
        if y.dtype.kind not in "biuf":
            raise ValueError(f"{self.name}: targets y must be numeric, got dtype {y.dtype}")
        y = y.astype(a.dtype, copy=False)
        lo, hi = _bounds(y, f"{self.name}: targets y")
        if self.target_range is not None:
            low, high = self.target_range
            if lo < low or hi > high:
                raise ValueError(
                    f"{self.name}: targets y must lie in [{low:g}, {high:g}] (probabilities), "
                    f"got values from {lo:g} to {hi:g}"
                )
        return y

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Quadratic(Loss):
    """The quadratic cost of the seed and of Nielsen: C = 1/(2n) Σᵢ ‖aᵢ − yᵢ‖².

    ∂C/∂a = (a − y)/n. With a sigmoid output, ∂C/∂z = (a − y) σ′(z)/n: the σ′ factor makes a
    saturated neuron learn slowly (claim C9).
    Reference: Nielsen, "Neural Networks and Deep Learning", ch. 1, eq. (6).
    """

    name = "quadratic"

    def _terms(self, a, y):
        return 0.5 * (a - y) ** 2

    def _grad(self, a, y):
        return a - y


class MSE(Loss):
    """Mean squared error over every element: C = 1/(n·k) Σᵢⱼ (aᵢⱼ − yᵢⱼ)².

    ∂C/∂a = 2(a − y)/(n·k). Equals ``torch.nn.MSELoss(reduction="mean")``; it is twice the
    quadratic cost divided by k.
    """

    name = "mse"
    aliases = ("mean_squared_error",)

    def _terms(self, a, y):
        return (a - y) ** 2 / a.shape[1]

    def _grad(self, a, y):
        return (a - y) * (2 / a.shape[1])


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy: C = −1/n Σᵢ Σⱼ [y ln a + (1 − y) ln(1 − a)], a and y in [0, 1].

    ∂C/∂a = (a − y) / (a(1 − a)) / n. With a sigmoid output σ′(z) = a(1 − a) cancels and
    ∂C/∂z = (a − y)/n (claims C10, C11). Each of the k outputs is an independent yes/no
    probability (multi-label). Equals ``torch.nn.BCELoss(reduction="sum") / n`` (except at a = 0
    or 1, where torch clamps the log at −100 instead of clipping a).
    """

    name = "binary_cross_entropy"
    aliases = ("bce", "binary_crossentropy")
    is_classification = True
    default_output = "sigmoid"
    required_output = "sigmoid"
    target_range = (0.0, 1.0)
    fused_with = "sigmoid"

    def _terms(self, a, y):
        a = _clip(a)
        return -(y * np.log(a) + (1 - y) * np.log1p(-a))

    def _grad(self, a, y):
        p = _clip(a)
        return (a - y) / (p * (1 - p))


class CrossEntropy(Loss):
    """Categorical cross-entropy: C = −1/n Σᵢ Σⱼ yᵢⱼ ln aᵢⱼ, each row of y a distribution.

    With integer labels cᵢ (y of shape (n,)) this is C = −1/n Σᵢ ln aᵢ,cᵢ.
    ∂C/∂a = −y/(n a). With a softmax output the Jacobian collapses and ∂C/∂z = (a − y)/n when
    each row of y sums to 1 (in general (a·Σⱼyⱼ − y)/n, which is what ``delta`` computes).
    Softmax followed by this loss equals ``torch.nn.CrossEntropyLoss`` applied to z.
    Reference: Nielsen, ch. 3, "Softmax".
    """

    name = "cross_entropy"
    aliases = ("categorical_cross_entropy", "categorical_crossentropy")
    is_classification = True
    default_output = "softmax"
    required_output = "softmax"
    target_range = (0.0, 1.0)
    fused_with = "softmax"

    def _terms(self, a, y):
        if y.ndim == 1:
            return -np.log(_clip(a[np.arange(a.shape[0]), y]))[:, None]
        return -y * np.log(_clip(a))

    def _grad(self, a, y):
        if y.ndim == 1:
            rows = np.arange(a.shape[0])
            grad = np.zeros_like(a)
            grad[rows, y] = -1 / _clip(a[rows, y])
            return grad
        return -y / _clip(a)

    def _fused_delta(self, a, y, scale):
        """(a·Σⱼyⱼ − y)·s: a − y for one-hot or probability rows, exact for any other targets."""
        if y.ndim == 2:
            grad = a * y.sum(axis=1, keepdims=True)
            grad -= y
            grad *= scale
            return grad
        grad = a * scale  # (a − onehot(y)) · s without building the one-hot matrix
        # s is a Python float (1/n) or a column of a's dtype: no float64 array enters here
        grad[np.arange(a.shape[0]), y] -= scale if np.ndim(scale) == 0 else scale[:, 0]
        return grad

    def _targets(self, a, y):
        if y.shape != (a.shape[0],):
            return super()._targets(a, y)
        if y.dtype.kind == "f":
            _bounds(y, "cross_entropy: class labels y")
            if np.any(y != np.round(y)):
                raise ValueError("cross_entropy: class labels y must be whole numbers")
        if y.dtype.kind in "bf":
            y = y.astype(np.intp)
        if y.dtype.kind not in "iu":
            raise ValueError(f"cross_entropy: class labels y must be integers, got {y.dtype}")
        k = a.shape[1]
        lo, hi = y.min(), y.max()
        if lo < 0 or hi >= k:
            raise ValueError(
                f"cross_entropy: class labels y must lie in [0, {k}) for {k} outputs, got "
                f"labels from {lo} to {hi}; is the output layer too small?"
            )
        return y


#: Every loss by name (see :mod:`neuralab.registry`); ``get`` and ``names`` read it.
REGISTRY = Registry("loss", base=Loss)
for _cls in (Quadratic, MSE, BinaryCrossEntropy, CrossEntropy):
    REGISTRY.register(_cls.name, _cls, aliases=_cls.aliases)


def names() -> list[str]:
    """The registered loss names, sorted (aliases not included)."""
    return REGISTRY.names()


def get(identifier) -> Loss:
    """A Loss instance from a name, a Loss class or a Loss instance (returned as it is).

    The rules of :mod:`neuralab.registry`: names are case-insensitive and ``-`` equals ``_``.
    ``None`` raises ValueError: a network needs a loss, and silently picking one would hide a
    mistake.
    """
    return REGISTRY.get(identifier)


# --- class labels: one-hot targets in, predicted classes out --------------------------------


def one_hot(labels, k: int, dtype) -> np.ndarray:
    """Class labels (n,) → one-hot rows (n, k) of ``dtype``: row i is 1 at ``labels[i]``, else 0.

    ``labels`` must already be integers in 0..k−1 (``checks.class_labels`` makes them so).
    """
    out = np.zeros((len(labels), k), dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


def predicted_classes(a, out=None) -> np.ndarray:
    """The class each row of the outputs ``a`` (n, k) predicts: argmax of the row, or a > 0.5
    for a single column (a sigmoid's probability of class 1).

    With ``out`` (an intp array of shape (n,)) the labels are written into it, no allocation.
    """
    if a.shape[1] == 1:
        if out is None:
            return (a[:, 0] > 0.5).astype(np.intp)
        np.greater(a[:, 0], 0.5, out=out, casting="unsafe")
        return out
    return np.argmax(a, axis=1, out=out)
