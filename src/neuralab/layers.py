"""Layers: Parameter, Dense, Dropout.

A layer maps a batch ``x`` of shape ``(n, in_features)`` to an output of shape
``(n, out_features)``. Each one has the same small interface:

- ``forward(x, training=False)`` computes the output and keeps what ``backward`` needs;
- ``backward(grad_out)`` takes ∂C/∂output, ADDS ∂C/∂parameter into each Parameter's ``.grad``
  and returns ∂C/∂x, the gradient for the layer below (the chain rule, one layer at a time);
- ``parameters()`` lists the layer's Parameters.

These are the very methods ``Network.fit`` trains with. For speed, ``fit`` hands each layer a
:class:`Workspace`: arrays the layer writes into instead of allocating new ones for every batch,
and ``accumulate=False`` so that gradients are overwritten rather than added (fit would zero them
first anyway). The arithmetic is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralab import activations, checks, initializers

__all__ = ["Parameter", "Dense", "Dropout", "Workspace", "weight_bytes"]


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    Attributes:
        value: the array itself; optimizers update it in place.
        grad: ∂C/∂value, same shape and dtype, filled by ``backward``.
        name: a label such as ``"layers.0.weight"``.

    ``Parameter(value, grad=g)`` uses the arrays as they are (no copy); without ``grad`` the
    gradient starts at zeros. Assigning ``param.value = array`` (or ``param.grad = array``) copies
    into the existing storage, so a Parameter that is a view into a Network's flat buffer stays
    one; an array of another shape raises ``ValueError``.
    """

    def __init__(self, value, name: str = "", grad=None):
        self._value = np.asarray(value)
        self._grad = np.zeros_like(self._value) if grad is None else np.asarray(grad)
        if self._grad.shape != self._value.shape:
            raise ValueError(f"grad has shape {self._grad.shape}, value has {self._value.shape}")
        self.name = name

    def move_to(self, value: np.ndarray, grad: np.ndarray) -> None:
        """Keep the numbers, but live from now on in ``value`` and ``grad`` (same shapes).

        ``Network`` uses this to move every parameter into views of its two flat buffers.
        """
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


@dataclass
class Workspace:
    """Arrays a Dense layer writes into during ``fit``, reused batch after batch.

    Each holds ``batch_size`` rows; a batch of n rows uses rows [:n], so the last, shorter batch
    of an epoch fits too. ``grad_in`` is None where nobody needs ∂C/∂x (below the first Dense
    layer there is only the data).
    """

    z: np.ndarray
    a: np.ndarray
    grad_in: np.ndarray | None


def weight_bytes(in_features: int, out_features: int, dtype) -> int:
    """Memory a Dense layer's weights take while being built and trained: the float64 draw,
    the value and its gradient, and their copies in a Network's flat buffers."""
    return in_features * out_features * (8 + 4 * np.dtype(dtype).itemsize)


def _no_forward() -> ValueError:
    return ValueError("call forward(x) before backward: Dense keeps x, z and a there")


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

    Attributes ``x``, ``z``, ``a``: the input, pre-activation and output of the last
    ``forward`` (None before the first), which ``backward`` reads and diagnostics look at.

    Reference: Nielsen, "Neural Networks and Deep Learning", ch. 2, equations (BP1)–(BP4).
    """

    def __init__(self, in_features, out_features, activation=None, init=None, bias=True,
                 dtype="float32", seed=None):
        self.in_features = checks.integer(in_features, "in_features", minimum=1)
        self.out_features = checks.integer(out_features, "out_features", minimum=1)
        self.activation = activations.get(activation)
        self.dtype = checks.float_dtype(dtype)
        checks.fits_in_memory(weight_bytes(self.in_features, self.out_features, self.dtype),
                              f"a Dense({self.in_features}, {self.out_features}) layer")
        init_fn = initializers.get(init if init is not None
                                   else initializers.default_for(self.activation.name))
        weight = init_fn(self.in_features, self.out_features, np.random.default_rng(seed),
                         self.dtype)
        self.weight = Parameter(np.asarray(weight, dtype=self.dtype), "weight")
        self.bias = Parameter(np.zeros(self.out_features, self.dtype), "bias") if bias else None
        self.x = self.z = self.a = None

    def parameters(self) -> list[Parameter]:
        """[weight, bias] (just [weight] without a bias)."""
        return [self.weight] if self.bias is None else [self.weight, self.bias]

    def forward(self, x, training: bool = False, work: Workspace | None = None) -> np.ndarray:
        """a = f(x @ W + b), keeping x, z and a for ``backward``. ``training`` is unused.

        With a ``work`` space, z and a are written into its arrays instead of new ones.
        """
        n = len(x)
        z_out, a_out = (None, None) if work is None else (work.z[:n], work.a[:n])
        z = np.matmul(x, self.weight.value, out=z_out)
        if self.bias is not None:
            z += self.bias.value
        self.x, self.z = x, z
        self.a = self.activation.forward(z, out=a_out)
        return self.a

    def backward(self, grad_out, work: Workspace | None = None, accumulate: bool = True):
        """Take ∂C/∂a; put ∂C/∂W and ∂C/∂b into ``.grad``; return ∂C/∂x.

        δ = f.backward(z, a, ∂C/∂a), then ``backward_delta(δ)``. With a ``work`` space δ is
        computed in place, over ``grad_out`` (a buffer of the layer above in ``fit``).
        """
        if self.z is None:
            raise _no_forward()
        delta = self.activation.backward(self.z, self.a, grad_out,
                                         out=None if work is None else grad_out)
        return self.backward_delta(delta, work, accumulate)

    def backward_delta(self, delta, work: Workspace | None = None, accumulate: bool = True):
        """``backward`` from δ = ∂C/∂z directly (the output layer's fused δ from the loss).

        ``accumulate=True`` ADDS xᵀδ and Σδ into ``.grad`` (as ``loss.backward()`` does in
        PyTorch); ``False`` overwrites them. Returns ∂C/∂x = δ Wᵀ, written into ``work.grad_in``
        when a work space is given, or None when that work space needs no ∂C/∂x.
        """
        if self.z is None:
            raise _no_forward()
        if accumulate:
            self.weight.grad += self.x.T @ delta
            if self.bias is not None:
                self.bias.grad += delta.sum(axis=0)
        else:
            np.matmul(self.x.T, delta, out=self.weight.grad)
            if self.bias is not None:
                np.add.reduce(delta, axis=0, out=self.bias.grad)
        if work is None:
            return delta @ self.weight.value.T
        if work.grad_in is None:
            return None
        return np.matmul(delta, self.weight.value.T, out=work.grad_in[: len(delta)])

    def workspace(self, batch_size: int, need_input_grad: bool = True) -> Workspace:
        """Arrays for batches of up to ``batch_size`` rows (see :class:`Workspace`)."""
        shape, dtype = (batch_size, self.out_features), self.dtype
        grad_in = np.empty((batch_size, self.in_features), dtype) if need_input_grad else None
        return Workspace(np.empty(shape, dtype), np.empty(shape, dtype), grad_in)

    def clear(self) -> None:
        """Forget the last forward's x, z and a (they may hold a whole batch of data)."""
        self.x = self.z = self.a = None

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
        self.rate = checks.real(rate, "Dropout rate", minimum=0, maximum=1,
                                include_maximum=False)
        self.rng = np.random.default_rng(seed)
        self.mask = None  # m / (1 − rate), or None when the last forward was not training

    def parameters(self) -> list[Parameter]:
        """Dropout has no parameters: []."""
        return []

    def forward(self, x, training: bool = False, work: None = None) -> np.ndarray:
        """x * m / (1 − rate) in training (a new mask each call), x itself otherwise."""
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape, dtype=x.dtype) >= self.rate
        self.mask = keep * x.dtype.type(1 / (1 - self.rate))
        return x * self.mask

    def backward(self, grad_out, work: None = None, accumulate: bool = True):
        """∂C/∂x = ∂C/∂a * m / (1 − rate) (the identity if the forward was not training)."""
        return grad_out if self.mask is None else grad_out * self.mask

    def workspace(self, batch_size: int, need_input_grad: bool = True) -> None:
        """Dropout draws a new mask per batch and keeps no arrays: no workspace (None)."""
        return None

    def clear(self) -> None:
        """Forget the last mask."""
        self.mask = None

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"
