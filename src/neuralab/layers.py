"""Layers: Parameter, Dense, Dropout.

A layer maps a batch ``x`` of shape ``(n, in_features)`` to an output of shape
``(n, out_features)``. Each one has the same small interface:

- ``forward(x, training=False)`` computes the output and caches what ``backward`` needs;
- ``backward(grad_out)`` takes ∂C/∂output, ADDS ∂C/∂parameter into each Parameter's ``.grad``
  and returns ∂C/∂x, the gradient for the layer below (the chain rule, one layer at a time);
- ``parameters()`` lists the layer's Parameters.

``Network.fit`` does not use ``backward``: it calls the private ``_train_forward`` and
``_train_backward``, which reuse preallocated buffers, overwrite ``.grad`` instead of adding to
it, and skip ∂C/∂x for the first layer, where nobody needs it.
"""

from __future__ import annotations

import numpy as np

from neuralab import activations, initializers

__all__ = ["Parameter", "Dense", "Dropout"]


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    Attributes:
        value: the array itself; optimizers update it in place.
        grad: ∂C/∂value, same shape and dtype, filled by ``backward``.
        name: a label such as ``"dense_0.weight"``.

    Assigning ``param.value = array`` (or ``param.grad = array``) copies into the existing
    storage, so a Parameter that is a view into a Network's flat buffer stays one; an array of
    another shape raises ``ValueError``.
    """

    def __init__(self, value, name: str = ""):
        self._value = np.asarray(value)
        self._grad = np.zeros_like(self._value)
        self.name = name

    @classmethod
    def _wrap(cls, value: np.ndarray, grad: np.ndarray, name: str = "") -> Parameter:
        """A Parameter over existing arrays, without copying (used for the flat buffers)."""
        param = cls.__new__(cls)
        param._value, param._grad, param.name = value, grad, name
        return param

    def _rebind(self, value: np.ndarray, grad: np.ndarray) -> None:
        """Move into new storage (views into a flat buffer), keeping the current numbers."""
        value[...] = self._value
        grad[...] = self._grad
        self._value, self._grad = value, grad

    @property
    def value(self) -> np.ndarray:
        return self._value

    @value.setter
    def value(self, array) -> None:
        self._assign(self._value, array, "value")

    @property
    def grad(self) -> np.ndarray:
        return self._grad

    @grad.setter
    def grad(self, array) -> None:
        self._assign(self._grad, array, "grad")

    def _assign(self, storage: np.ndarray, array, what: str) -> None:
        if array is storage:  # `p.value -= step` hands back the same array: nothing to copy
            return
        array = np.asarray(array)
        if array.shape != storage.shape:
            raise ValueError(
                f"cannot set {self.name or 'parameter'}.{what} of shape {storage.shape} "
                f"to an array of shape {array.shape}"
            )
        storage[...] = array

    @property
    def size(self) -> int:
        """Number of scalars in the parameter."""
        return self._value.size

    def __repr__(self) -> str:
        return f"Parameter(name={self.name!r}, shape={self.value.shape}, dtype={self.value.dtype})"


def _check_dtype(dtype) -> np.dtype:
    if str(np.dtype(dtype)) not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return np.dtype(dtype)


def _check_size(label: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{label} must be a positive integer, got {value!r}")
    return int(value)


class Dense:
    """A fully connected layer: a = f(z), z = x @ W + b.

    Shapes: x (n, in_features), W (in_features, out_features), b (out_features,),
    z and a (n, out_features). With δ = ∂C/∂z (the "error" of Nielsen's chapter 2):

        ∂C/∂W = xᵀ δ,   ∂C/∂b = Σₙ δ,   ∂C/∂x = δ Wᵀ,   δ = f.backward(z, a, ∂C/∂a).

    Args:
        in_features, out_features: sizes of the input and the output.
        activation: anything ``activations.get`` takes; None is the identity.
        init: anything ``initializers.get`` takes; None picks ``initializers.default_for``
            the activation (He for the ReLU family, Xavier otherwise). Biases start at 0.
        bias: whether to add b.
        dtype: "float32" (default) or "float64".
        seed: an int or a ``numpy.random.Generator`` for the initial weights.

    Reference: Nielsen, "Neural Networks and Deep Learning", ch. 2, equations (BP1)–(BP4).
    """

    def __init__(self, in_features, out_features, activation=None, init=None, bias=True,
                 dtype="float32", seed=None):
        self.in_features = _check_size("in_features", in_features)
        self.out_features = _check_size("out_features", out_features)
        self.activation = activations.get(activation)
        self.dtype = _check_dtype(dtype)
        init_fn = initializers.get(init if init is not None
                                   else initializers.default_for(self.activation.name))
        weight = init_fn(self.in_features, self.out_features, np.random.default_rng(seed),
                         self.dtype)
        self.weight = Parameter(np.asarray(weight, dtype=self.dtype), "weight")
        self.bias = Parameter(np.zeros(self.out_features, self.dtype), "bias") if bias else None
        self._x = self._z = self._a = None
        self._buffers = None

    def parameters(self) -> list[Parameter]:
        """[weight, bias] (just [weight] without a bias)."""
        return [self.weight] if self.bias is None else [self.weight, self.bias]

    def forward(self, x, training: bool = False) -> np.ndarray:
        """a = f(x @ W + b), caching x, z and a for ``backward``. ``training`` is unused."""
        z = x @ self.weight.value
        if self.bias is not None:
            z += self.bias.value
        self._x, self._z, self._a = x, z, self.activation.forward(z)
        return self._a

    def backward(self, grad_out) -> np.ndarray:
        """Take ∂C/∂a, add ∂C/∂W and ∂C/∂b into ``.grad``, return ∂C/∂x."""
        self._require_forward()
        delta = self.activation.backward(self._z, self._a, grad_out)
        return self._backward_delta(delta)

    def _backward_delta(self, delta) -> np.ndarray:
        """Like ``backward`` but from δ = ∂C/∂z (the loss's fused output delta)."""
        self._require_forward()
        self.weight.grad += self._x.T @ delta
        if self.bias is not None:
            self.bias.grad += delta.sum(axis=0)
        return delta @ self.weight.value.T

    def _require_forward(self):
        if self._z is None:
            raise ValueError("call forward(x) before backward: Dense caches x, z and a there")

    # --- the training fast path: preallocated buffers, gradients overwritten --------------

    def _allocate(self, batch_size: int | None, need_input_grad: bool) -> None:
        """Make work buffers for batches of up to ``batch_size`` rows; None frees everything."""
        if batch_size is None:
            self._buffers = self._x = self._z = self._a = None
            return
        shape, dtype = (batch_size, self.out_features), self.dtype
        grad_in = np.empty((batch_size, self.in_features), dtype) if need_input_grad else None
        self._buffers = (np.empty(shape, dtype), np.empty(shape, dtype), grad_in)

    def _train_forward(self, x) -> np.ndarray:
        """Forward into the work buffers (rows [:n] of each, so the last batch may be short)."""
        z_buf, a_buf, _ = self._buffers
        n = len(x)
        z = np.matmul(x, self.weight.value, out=z_buf[:n])
        if self.bias is not None:
            z += self.bias.value
        self._x, self._z = x, z
        self._a = self.activation._forward(z, a_buf[:n])  # z is checked already: no re-check
        return self._a

    def _train_backward(self, grad, is_delta: bool = False):
        """Overwrite ``.grad`` from ∂C/∂a (or δ when ``is_delta``); return ∂C/∂x or None.

        ∂C/∂a is turned into δ in place, so ``grad`` (a buffer of the layer above) is clobbered.
        """
        delta = grad if is_delta else self.activation._backward(self._z, self._a, grad, grad)
        np.matmul(self._x.T, delta, out=self.weight.grad)
        if self.bias is not None:
            np.add.reduce(delta, axis=0, out=self.bias.grad)
        grad_in = self._buffers[2]
        if grad_in is None:
            return None
        return np.matmul(delta, self.weight.value.T, out=grad_in[: len(delta)])

    def __repr__(self) -> str:
        return (f"Dense({self.in_features}, {self.out_features}, "
                f"activation={self.activation.name!r}, bias={self.bias is not None}, "
                f"dtype={self.dtype.name!r})")


class Dropout:
    """Inverted dropout: in training, zero each input with probability ``rate``, scale the rest.

    Training: a = x * m / (1 − rate) with m ~ Bernoulli(1 − rate) drawn per element and per
    batch, so E[a] = x and nothing changes at prediction time. Outside training a = x.
    Derivative: ∂C/∂x = ∂C/∂a * m / (1 − rate).

    Args:
        rate: probability of dropping a unit, in [0, 1).
        seed: an int or a ``numpy.random.Generator`` for the masks.

    Reference: Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
    Overfitting" (JMLR 2014); equals torch.nn.Dropout.
    """

    def __init__(self, rate=0.5, seed=None):
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be a number in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self._rng = np.random.default_rng(seed)
        self._mask = None  # m / (1 − rate), or None when the last forward was not training

    def parameters(self) -> list[Parameter]:
        """Dropout has no parameters: []."""
        return []

    def forward(self, x, training: bool = False) -> np.ndarray:
        """x * m / (1 − rate) in training (a new mask each call), x itself otherwise."""
        if not training or self.rate == 0:
            self._mask = None
            return x
        keep = self._rng.random(x.shape, dtype=x.dtype) >= self.rate
        self._mask = keep * x.dtype.type(1 / (1 - self.rate))
        return x * self._mask

    def backward(self, grad_out) -> np.ndarray:
        """∂C/∂x = ∂C/∂a * m / (1 − rate) (the identity if the forward was not training)."""
        return grad_out if self._mask is None else grad_out * self._mask

    def _allocate(self, batch_size: int | None, need_input_grad: bool) -> None:
        """Dropout draws a new mask per batch: nothing to prepare; None drops the last mask."""
        if batch_size is None:
            self._mask = None

    def _train_forward(self, x) -> np.ndarray:
        return self.forward(x, training=True)

    def _train_backward(self, grad, is_delta: bool = False):
        if self._mask is not None:
            grad *= self._mask
        return grad

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"
