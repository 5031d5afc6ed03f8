"""Network: a stack of layers and a loss; ``mlp()`` to build one; ``save``/``load`` to keep one.

    >>> import neuralab as nl
    >>> data = nl.datasets.load("digits")
    >>> net = nl.mlp([64, 64, 10], activation="relu", seed=0)
    >>> history = net.fit(data.x_train, data.y_train, epochs=20)
    >>> net.evaluate(data.x_test, data.y_test)["accuracy"] > 0.95
    True

All parameters of a Network live in ONE contiguous array and all gradients in a second one: each
layer's ``weight.value`` / ``.grad`` is a view into them. Users and layers see per-layer
Parameters (``net.parameters()``); the optimizer is handed one flat Parameter over the two
buffers, so each step is a few vectorized passes over the whole network instead of a Python loop
over layers.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as tensors_from_bytes
from safetensors.numpy import save as tensors_to_bytes

from neuralab import activations, losses, training
from neuralab.layers import Dense, Dropout, Parameter

__all__ = ["Network", "mlp", "load", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "neuralab"
FORMAT_VERSION = 1
_OUTPUT_FOR_LOSS = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}


class Network:
    """Layers applied in order, trained against a loss.

    Args:
        layers: Dense and Dropout layers; the last one must be Dense. All must share one dtype.
        loss: anything ``losses.get`` takes. cross_entropy needs a softmax output with at least
            two units, binary_cross_entropy a sigmoid output; quadratic and mse take any.

    Attributes: ``layers``, ``loss``, ``dtype``, ``n_inputs``, ``n_outputs``,
    ``stop_training`` (a callback sets it to end ``fit`` after the current epoch).

    The layers' Parameters move into this network's flat buffers: give each layer to one
    Network only.
    """

    def __init__(self, layers, loss="cross_entropy"):
        self.layers = list(layers)
        self.loss = losses.get(loss)
        self.dtype = _check_layers(self.layers)
        _check_output(self.layers[-1], self.loss)
        self._flat = _flatten(self.layers, self.dtype)
        self.stop_training = False

    def __setstate__(self, state: dict) -> None:
        """Unpickling (joblib, ``copy.deepcopy``) copies each layer's views apart: rejoin them.

        Without this, training an unpickled network would step a flat buffer that no layer
        reads any more, and its weights would silently stay where they were.
        """
        self.__dict__.update(state)
        self._flat = _flatten(self.layers, self.dtype)

    @property
    def n_inputs(self) -> int:
        """Number of input features (the first Dense layer's in_features)."""
        return next(layer for layer in self.layers if isinstance(layer, Dense)).in_features

    @property
    def n_outputs(self) -> int:
        """Number of outputs (the last layer's out_features)."""
        return self.layers[-1].out_features

    def parameters(self) -> list[Parameter]:
        """Every layer's Parameters, in order (views into the flat buffers)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set every ``.grad`` to 0 (one fill of the flat gradient buffer)."""
        self._flat.grad.fill(0)

    # --- forward and backward -------------------------------------------------------------

    def forward(self, x, training: bool = False) -> np.ndarray:
        """The output a of the last layer for inputs x of shape (n, n_inputs).

        ``training=True`` switches Dropout on. Each layer caches what ``backward`` needs.
        """
        return self._forward(self._inputs(x), training)

    def _forward(self, x, training=False):
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, y, sample_weight=None) -> float:
        """Backpropagate from the last ``forward``: ADD ∂C/∂θ into every ``.grad``; return C.

        The output layer starts from ``loss.delta`` (the fused (a − y)/n for softmax +
        cross-entropy and sigmoid + binary cross-entropy), then each layer passes ∂C/∂x down.
        """
        last = self.layers[-1]
        if last._a is None:
            raise ValueError("call net.forward(x) before net.backward(y)")
        targets, _ = self._targets(y, len(last._a))
        return self._backward(targets, sample_weight)

    def _backward(self, targets, sample_weight=None) -> float:
        """``backward`` for targets already checked by ``training.prepare_targets``."""
        last = self.layers[-1]
        value = self.loss.value(last._a, targets, sample_weight)
        grad = last._backward_delta(self.loss.delta(last._z, last._a, targets, last.activation,
                                                    sample_weight))
        for layer in reversed(self.layers[:-1]):
            grad = layer.backward(grad)
        return value

    def _train_step(self, x, y, sample_weight):
        """One forward + backward on a batch through the work buffers; (loss value, output).

        Gradients are OVERWRITTEN (not accumulated) and ∂C/∂x of the first layer is skipped.
        """
        out = x
        for layer in self.layers:
            out = layer._train_forward(out)
        last = self.layers[-1]
        value, grad = self.loss._value_and_delta(last._z, out, y, last.activation, sample_weight)
        is_delta = True
        for layer in reversed(self.layers):
            grad = layer._train_backward(grad, is_delta)
            is_delta = False
            if grad is None:
                break
        return value, out

    def _allocate(self, batch_size: int | None) -> None:
        """Give each layer work buffers for batches of ``batch_size`` rows.

        ``None`` frees the buffers and the layers' caches (which may point into the data).
        """
        seen_dense = False
        for layer in self.layers:
            layer._allocate(batch_size, need_input_grad=seen_dense)
            seen_dense = seen_dense or isinstance(layer, Dense)

    # --- prediction and evaluation ----------------------------------------------------------

    def predict(self, x) -> np.ndarray:
        """Outputs for x (class probabilities for a classifier), computed 1,024 rows at a time."""
        x = self._inputs(x)
        out = np.empty((len(x), self.n_outputs), self.dtype)
        for start in range(0, len(x), training.CHUNK):
            rows = slice(start, start + training.CHUNK)
            out[rows] = self._forward(x[rows])
        return out

    def predict_classes(self, x) -> np.ndarray:
        """Class labels: argmax of the outputs, or ``a > 0.5`` for a single output unit."""
        return training.classes_from_outputs(self.predict(x))

    def evaluate(self, x, y, sample_weight=None) -> dict:
        """``{"loss": C, "accuracy": …}`` on (x, y); accuracy for classifiers or class labels.

        C is the (sample-weighted) mean over all rows, computed 1,024 rows at a time.
        """
        x = self._inputs(x)
        targets, labels = self._targets(y, len(x))
        weights = training.check_sample_weight(sample_weight, len(x))
        return training.evaluate_prepared(self, x, targets, labels, weights, training.CHUNK)

    def _inputs(self, x):
        return training.check_inputs(self, x)

    def _targets(self, y, n: int):
        return training.prepare_targets(self, y, n)

    def fit(self, x, y, epochs=10, batch_size=32, optimizer="adam", lr=None,
            validation_data=None, shuffle=True, callbacks=(), monitor=False, progress=None,
            seed=None, schedule=None, sample_weight=None) -> training.History:
        """Train with mini-batches; return a History. See ``neuralab.training.fit``."""
        return training.fit(self, x, y, epochs=epochs, batch_size=batch_size,
                            optimizer=optimizer, lr=lr, validation_data=validation_data,
                            shuffle=shuffle, callbacks=callbacks, monitor=monitor,
                            progress=progress, seed=seed, schedule=schedule,
                            sample_weight=sample_weight)

    # --- weights in and out -----------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of the parameters by name: ``{"layers.0.weight": W, "layers.0.bias": b, …}``."""
        return {p.name: p.value.copy() for p in self.parameters()}

    def load_state_dict(self, state: dict) -> None:
        """Copy arrays named as in ``state_dict()`` into the parameters (shapes must match)."""
        params = {p.name: p for p in self.parameters()}
        missing, extra = sorted(set(params) - set(state)), sorted(set(state) - set(params))
        if missing or extra:
            raise ValueError(f"state does not fit this network: missing {missing}, "
                             f"unexpected {extra}")
        for name, param in params.items():
            param.value = state[name]

    def description(self) -> dict:
        """The JSON-able architecture: what ``save`` writes beside the weights."""
        return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "dtype": self.dtype.name, "loss": self.loss.name,
                "layers": [_layer_config(layer) for layer in self.layers]}

    def save(self, path) -> None:
        """Write the network to one ``.safetensors`` file (weights + JSON description).

        The bytes go to a temporary file in the same folder, which then replaces ``path`` in
        one ``os.replace``: a crash mid-way leaves any previous file untouched.
        """
        metadata = {"format": FORMAT_NAME, "neuralab": json.dumps(self.description())}
        _write_atomic(os.fspath(path), tensors_to_bytes(self.state_dict(), metadata=metadata))

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Network([\n  {inner}\n], loss={self.loss.name!r})"


def mlp(sizes, activation="relu", output=None, loss="cross_entropy", init=None, seed=None,
        dtype="float32") -> Network:
    """A multilayer perceptron of Dense layers, like Nielsen's ``Network([784, 30, 10])``.

    Args:
        sizes: [n_inputs, hidden…, n_outputs], at least two positive ints.
        activation: hidden-layer activation. output: output activation; None picks the loss's
            ``default_output`` (softmax for cross_entropy, sigmoid for binary_cross_entropy,
            identity otherwise).
        init: initializer for every layer; None picks ``initializers.default_for`` each layer's
            activation. seed: one Generator draws all layers in order. dtype: float32/float64.
    """
    if isinstance(sizes, str | bytes) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes!r}")
    loss = losses.get(loss)
    activation = activations.get(activation)  # a bad name fails even with no hidden layer
    output = loss.default_output if output is None else output
    rng = np.random.default_rng(seed)
    layers = [Dense(n_in, n_out, activation if i < len(sizes) - 2 else output, init=init,
                    dtype=dtype, seed=rng)
              for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))]
    return Network(layers, loss)


def load(path) -> Network:
    """Read a Network written by ``Network.save``. Never executes anything from the file.

    Raises ValueError naming the problem for an empty, truncated or foreign file, a newer
    format version, or arrays that do not match the description (name, shape, dtype).
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    tensors, description = _read_safetensors(path, data)
    net = _build(path, description)
    _check_tensors(path, net, tensors)
    net.load_state_dict(tensors)
    return net


# --- construction checks --------------------------------------------------------------------


def _check_layers(layers) -> np.dtype:
    """Check kinds, sizes and dtypes of a layer list; return the shared dtype."""
    if not layers:
        raise ValueError("a Network needs at least one layer")
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, Dense | Dropout):
            raise TypeError(f"layer {i} is {type(layer).__name__}; use Dense or Dropout layers")
    if not isinstance(layers[-1], Dense):
        raise ValueError("the last layer must be Dense (it produces the network's output)")
    dense = [(i, layer) for i, layer in enumerate(layers, 1) if isinstance(layer, Dense)]
    for (i, prev), (j, layer) in zip(dense[:-1], dense[1:], strict=True):
        if layer.in_features != prev.out_features:
            raise ValueError(f"layer {j} expects {layer.in_features} input features but layer "
                             f"{i} gives {prev.out_features}")
    dtypes = {layer.dtype for _, layer in dense}
    if len(dtypes) > 1:
        raise ValueError(f"all layers must share one dtype, got {sorted(map(str, dtypes))}")
    return dtypes.pop()


def _check_output(last: Dense, loss) -> None:
    needed = _OUTPUT_FOR_LOSS.get(loss.name)
    if needed is not None and last.activation.name != needed:
        raise ValueError(
            f"loss {loss.name!r} needs a {needed!r} output layer, got "
            f"{last.activation.name!r}; use output={needed!r} (or a quadratic/mse loss)")
    if loss.name == "cross_entropy" and last.out_features < 2:
        raise ValueError("cross_entropy with softmax needs at least 2 output units; for a yes/no "
                         "output use 1 sigmoid unit with loss='binary_cross_entropy'")


def _flatten(layers, dtype) -> Parameter:
    """Move every parameter into one value buffer and one grad buffer; return a flat Parameter."""
    params = []
    for i, layer in enumerate(layers):
        for kind, param in zip(("weight", "bias"), layer.parameters(), strict=False):
            param.name = f"layers.{i}.{kind}"
            params.append(param)
    total = sum(p.size for p in params)
    values, grads = np.empty(total, dtype), np.zeros(total, dtype)
    offset = 0
    for p in params:
        shape, end = p.value.shape, offset + p.size
        p._rebind(values[offset:end].reshape(shape), grads[offset:end].reshape(shape))
        offset = end
    return Parameter._wrap(values, grads, "all")


# --- the file format ------------------------------------------------------------------------


def _layer_config(layer) -> dict:
    if isinstance(layer, Dropout):
        return {"type": "Dropout", "rate": layer.rate}
    return {"type": "Dense", "in_features": layer.in_features,
            "out_features": layer.out_features, "bias": layer.bias is not None,
            "activation": {"name": layer.activation.name,
                           "config": layer.activation.get_config()}}


def _write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it onto ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".neuralab-", suffix=".tmp")
    try:  # mkstemp makes the file private (0600); keep the old file's mode, or use 0644
        os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _read_safetensors(path: str, data: bytes):
    """(tensors, description) from the bytes of a file, with a clear error for bad files."""
    not_model = f"{path} is not a neuralab model file"
    if not data:
        raise ValueError(f"{not_model}: the file is empty")
    try:
        tensors = tensors_from_bytes(data)
        header_len = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + header_len])
    except (SafetensorError, ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{not_model}: not a complete safetensors file ({err}); it may be "
                         "truncated or corrupted") from None
    metadata = header.get("__metadata__") or {}
    if metadata.get("format") != FORMAT_NAME or "neuralab" not in metadata:
        raise ValueError(f"{not_model}: it is a safetensors file without neuralab's description "
                         "(written by another program?)")
    try:
        description = json.loads(metadata["neuralab"])
    except ValueError:
        raise ValueError(f"{not_model}: its description is not valid JSON") from None
    return tensors, description


def _build(path: str, description) -> Network:
    """A Network from a description dict, checking each field before using it."""
    bad = f"{path}: invalid neuralab description"
    if not isinstance(description, dict) or description.get("format") != FORMAT_NAME:
        raise ValueError(f"{bad}: format is not {FORMAT_NAME!r}")
    version = description.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{bad}: format_version must be a positive int, got {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(f"{path} was written in neuralab format version {version}; this "
                         f"neuralab reads up to version {FORMAT_VERSION}: upgrade neuralab")
    dtype, layers = description.get("dtype"), description.get("layers")
    if dtype not in ("float32", "float64") or not isinstance(layers, list) or not layers:
        raise ValueError(f"{bad}: needs dtype float32/float64 and a non-empty layer list")
    try:
        return Network([_build_layer(cfg, dtype) for cfg in layers],
                       loss=str(description.get("loss")))
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"{bad}: {err}") from None


def _build_layer(cfg, dtype):
    if not isinstance(cfg, dict) or cfg.get("type") not in ("Dense", "Dropout"):
        raise ValueError(f"unknown layer {cfg!r}; expected type Dense or Dropout")
    if cfg["type"] == "Dropout":
        return Dropout(cfg["rate"])
    if not isinstance(cfg["bias"], bool):
        raise ValueError(f"Dense bias must be true or false, got {cfg['bias']!r}")
    return Dense(cfg["in_features"], cfg["out_features"],
                 _activation(cfg["activation"]), init="zeros", bias=cfg["bias"], dtype=dtype)


def _activation(cfg):
    """An Activation from ``{"name": registered name, "config": constructor arguments}``."""
    if not isinstance(cfg, dict) or not isinstance(cfg.get("config"), dict):
        raise ValueError(f"activation must be {{'name': ..., 'config': {{...}}}}, got {cfg!r}")
    return type(activations.get(str(cfg["name"])))(**cfg["config"])


def _check_tensors(path: str, net: Network, tensors: dict) -> None:
    """Every array the description implies is present, with its shape and dtype; no extras."""
    expected = {p.name: p.value for p in net.parameters()}
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise ValueError(f"{path}: arrays do not match the description: missing {missing}, "
                         f"unexpected {extra}")
    for name, ref in expected.items():
        got = tensors[name]
        if got.shape != ref.shape or got.dtype != ref.dtype:
            raise ValueError(f"{path}: array {name} has shape {got.shape} and dtype {got.dtype}; "
                             f"the description says {ref.shape} {ref.dtype}")
