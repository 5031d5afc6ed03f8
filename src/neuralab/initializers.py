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

from neuralab import activations, checks
from neuralab.registry import Registry

__all__ = [
    "zeros",
    "standard_normal",
    "lecun_normal",
    "xavier_uniform",
    "xavier_normal",
    "he_normal",
    "he_uniform",
    "REGISTRY",
    "get",
    "names",
    "default_for",
]

#: Activations (registered names) whose negative side is (nearly) switched off: they get He
#: initialization.
RELU_FAMILY = frozenset({"relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "silu"})


def _prepare(fan_in, fan_out, rng, dtype):
    """Validate the common arguments; return (shape, Generator, float dtype)."""
    shape = (checks.integer(fan_in, "fan_in", minimum=1),
             checks.integer(fan_out, "fan_out", minimum=1))
    return shape, np.random.default_rng(rng), checks.float_dtype(dtype)


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


#: Every initializer by name (see :mod:`neuralab.registry`); the entries are the functions.
REGISTRY = Registry("initializer")
REGISTRY.register("zeros", zeros)
REGISTRY.register("standard_normal", standard_normal)
REGISTRY.register("lecun_normal", lecun_normal)
REGISTRY.register("xavier_uniform", xavier_uniform, aliases=("glorot_uniform",))
REGISTRY.register("xavier_normal", xavier_normal, aliases=("glorot_normal",))
REGISTRY.register("he_normal", he_normal, aliases=("kaiming_normal",))
REGISTRY.register("he_uniform", he_uniform, aliases=("kaiming_uniform",))


def names() -> list[str]:
    """The registered initializer names, sorted (aliases such as ``glorot_uniform`` left out)."""
    return REGISTRY.names()


def get(identifier):
    """The initializer function for a name, or a callable returned unchanged.

    Names follow the rules of :mod:`neuralab.registry` (case-insensitive, ``-`` = ``_``,
    aliases ``glorot_*`` and ``kaiming_*``); unlike the other families, ``get`` returns the
    function itself, not a call of it. A callable must follow ``init(fan_in, fan_out, rng,
    dtype)``. ``None`` is rejected: a layer's default depends on its activation, see
    ``default_for``.
    """
    if isinstance(identifier, str):
        return REGISTRY.entry(identifier)
    if callable(identifier):
        return identifier
    hint = " (use default_for(activation) to pick one)" if identifier is None else ""
    raise ValueError(f"cannot use {identifier!r} as an initializer{hint}: pass a name or a "
                     f"function init(fan_in, fan_out, rng, dtype); {REGISTRY.known()}")


def default_for(activation_name) -> str:
    """The default initializer name for a layer with this activation.

    ``"he_normal"`` for the ReLU family (relu, leaky_relu, elu, gelu, gelu_tanh, silu/swish),
    ``"xavier_uniform"`` for everything else (sigmoid, tanh, softmax, identity, None, ...).
    An Activation instance is accepted too (its ``.name`` is used); any spelling or alias that
    ``activations.get`` accepts counts as the activation it names.
    """
    name = getattr(activation_name, "name", activation_name)
    if name in activations.REGISTRY and activations.REGISTRY.canonical(name) in RELU_FAMILY:
        return "he_normal"
    return "xavier_uniform"
