"""Weight initializers: the random starting point of a Dense layer's weight matrix.

Every initializer has one signature, ``init(fan_in, fan_out, rng, dtype="float32")``, and returns
a new array of shape ``(fan_in, fan_out)`` (a Dense weight: ``z = x @ W + b``) in ``dtype``.
``rng`` is a ``numpy.random.Generator`` (an int seed is accepted too and turned into one), so the
same seed gives the same weights and nothing touches NumPy's global random state.

The scaled initializers keep the variance of ``z`` about the same from layer to layer. With
``fan_in`` inputs of unit variance, ``Var(z_j) = fan_in * Var(W)``:

- ``lecun_normal``: Var(W) = 1/fan_in, so Var(z) ≈ 1 (LeCun et al. 1998; Nielsen's default).
- ``xavier_*``: Var(W) = 2/(fan_in + fan_out), a compromise between the forward pass (fan_in)
  and the backward pass (fan_out) for tanh/sigmoid-like units (Glorot & Bengio 2010).
- ``he_*``: Var(W) = 2/fan_in; ReLU zeroes half of its inputs, so twice the variance keeps the
  signal from shrinking layer after layer (He et al. 2015).

The definitions equal torch.nn.init's with gain 1 for Xavier and, for He, ``mode="fan_in"`` and
gain √2 (``nonlinearity="relu"``); see https://pytorch.org/docs/stable/nn.init.html. A uniform
U(−b, b) has variance b²/3, which is how each uniform bound below matches its normal sibling.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "zeros",
    "standard_normal",
    "lecun_normal",
    "xavier_uniform",
    "xavier_normal",
    "he_normal",
    "he_uniform",
    "get",
    "names",
    "default_for",
]

# Activations whose negative side is (nearly) switched off: they get He initialization.
RELU_FAMILY = frozenset({"relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "silu", "swish"})


def _prepare(fan_in, fan_out, rng, dtype):
    """Validate the common arguments; return (shape, Generator, float dtype)."""
    for label, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{label} must be a positive integer, got {value!r}")
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"dtype must be a floating type such as 'float32', got {dtype}")
    return (int(fan_in), int(fan_out)), np.random.default_rng(rng), dtype


def _normal(fan_in, fan_out, rng, dtype, variance):
    """Draw N(0, variance(fan_in, fan_out)) after validating the arguments."""
    shape, rng, dtype = _prepare(fan_in, fan_out, rng, dtype)
    std = math.sqrt(variance(*shape))
    return rng.standard_normal(shape, dtype=dtype) * dtype.type(std)


def _uniform(fan_in, fan_out, rng, dtype, variance):
    """Draw U(−b, b) with b = √(3·variance), whose variance is b²/3 = variance(fan_in, fan_out)."""
    shape, rng, dtype = _prepare(fan_in, fan_out, rng, dtype)
    bound = math.sqrt(3 * variance(*shape))
    return (rng.random(shape, dtype=dtype) * 2 - 1) * dtype.type(bound)


def zeros(fan_in, fan_out, rng=None, dtype="float32"):
    """All zeros. ``rng`` is unused (one signature for every initializer).

    Fine for biases; for weights it makes every unit of a layer compute the same thing forever
    (the symmetry is never broken), which is the point of comparing it with the others.
    """
    shape, _, dtype = _prepare(fan_in, fan_out, None, dtype)
    return np.zeros(shape, dtype=dtype)


def standard_normal(fan_in, fan_out, rng, dtype="float32"):
    """W ~ N(0, 1), whatever the fan-in: Nielsen's "large weight" initializer.

    With many inputs, z has variance fan_in, so sigmoid units start saturated (claims C3, C9).
    """
    return _normal(fan_in, fan_out, rng, dtype, lambda i, o: 1.0)


def lecun_normal(fan_in, fan_out, rng, dtype="float32"):
    """W ~ N(0, 1/fan_in): Nielsen's default ``randn(...)/sqrt(fan_in)``.

    Reference: LeCun, Bottou, Orr, Müller, "Efficient BackProp" (1998). Keras' lecun_normal draws
    from a truncated normal; this one is the plain normal Nielsen uses.
    """
    return _normal(fan_in, fan_out, rng, dtype, lambda i, o: 1 / i)


def xavier_uniform(fan_in, fan_out, rng, dtype="float32"):
    """W ~ U(−b, b) with b = √(6 / (fan_in + fan_out)), so Var(W) = 2/(fan_in + fan_out).

    Equals ``torch.nn.init.xavier_uniform_`` (gain 1). Reference: Glorot & Bengio,
    "Understanding the difficulty of training deep feedforward neural networks" (2010).
    """
    return _uniform(fan_in, fan_out, rng, dtype, lambda i, o: 2 / (i + o))


def xavier_normal(fan_in, fan_out, rng, dtype="float32"):
    """W ~ N(0, 2/(fan_in + fan_out)). Equals ``torch.nn.init.xavier_normal_`` (gain 1)."""
    return _normal(fan_in, fan_out, rng, dtype, lambda i, o: 2 / (i + o))


def he_normal(fan_in, fan_out, rng, dtype="float32"):
    """W ~ N(0, 2/fan_in). Equals ``torch.nn.init.kaiming_normal_(mode="fan_in", "relu")``.

    Reference: He, Zhang, Ren, Sun, "Delving Deep into Rectifiers" (2015).
    """
    return _normal(fan_in, fan_out, rng, dtype, lambda i, o: 2 / i)


def he_uniform(fan_in, fan_out, rng, dtype="float32"):
    """W ~ U(−b, b) with b = √(6/fan_in), so Var(W) = 2/fan_in.

    Equals ``torch.nn.init.kaiming_uniform_(mode="fan_in", nonlinearity="relu")``.
    """
    return _uniform(fan_in, fan_out, rng, dtype, lambda i, o: 2 / i)


_REGISTRY = {
    f.__name__: f
    for f in (
        zeros,
        standard_normal,
        lecun_normal,
        xavier_uniform,
        xavier_normal,
        he_normal,
        he_uniform,
    )
}
_ALIASES = {
    "glorot_uniform": "xavier_uniform",
    "glorot_normal": "xavier_normal",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
}


def names() -> list[str]:
    """The registered initializer names (aliases such as ``glorot_uniform`` not included)."""
    return list(_REGISTRY)


def _normalize(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    return _ALIASES.get(key, key)


def get(identifier):
    """Return the initializer for a name (case-insensitive, ``-`` = ``_``) or a callable.

    A callable is returned unchanged; it must follow ``init(fan_in, fan_out, rng, dtype)``.
    ``None`` is rejected: a layer's default depends on its activation, see ``default_for``.
    """
    if isinstance(identifier, str):
        key = _normalize(identifier)
        if key in _REGISTRY:
            return _REGISTRY[key]
    elif callable(identifier):
        return identifier
    known = ", ".join(names() + sorted(_ALIASES))
    hint = " (use default_for(activation) to pick one)" if identifier is None else ""
    raise ValueError(f"unknown initializer {identifier!r}{hint}; known names: {known}")


def default_for(activation_name) -> str:
    """The default initializer name for a layer with this activation.

    ``"he_normal"`` for the ReLU family (relu, leaky_relu, elu, gelu, gelu_tanh, silu/swish),
    ``"xavier_uniform"`` for everything else (sigmoid, tanh, softmax, identity, None, ...).
    An Activation instance is accepted too (its ``.name`` is used).
    """
    name = getattr(activation_name, "name", activation_name)
    if isinstance(name, str) and name.strip().lower().replace("-", "_") in RELU_FAMILY:
        return "he_normal"
    return "xavier_uniform"
