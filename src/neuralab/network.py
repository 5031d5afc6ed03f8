"""Network: a stack of layers and a loss; ``mlp()`` builds one.

    >>> import neuralab as nl
    >>> data = nl.datasets.load("digits")
    >>> net = nl.mlp([64, 64, 10], activation="relu", seed=0)
    >>> history = net.fit(data.x_train, data.y_train, epochs=20)
    >>> net.evaluate(data.x_test, data.y_test)["accuracy"] > 0.95
    True

One training step is ``forward`` then ``backward`` (then the optimizer):

    a = net.forward(x)          # every layer's forward, in order; each keeps x, z, a
    C = net.backward(y)         # δ = ∂C/∂z from the loss, then every layer's backward, in reverse

All parameters of a Network live in ONE contiguous array and all gradients in a second one
(``net.flat``): each layer's ``weight.value`` / ``.grad`` is a view into them. Users and layers
see per-layer Parameters (``net.parameters()``); ``fit`` hands the optimizer the one flat
Parameter, so each step is a few vectorized passes over the whole network instead of a Python
loop over layers, and a solver that wants one vector (L-BFGS) reads and writes ``net.flat``.
"""

from __future__ import annotations

import numpy as np

from neuralab import activations, checks, losses
from neuralab.layers import Dense, Dropout, Parameter, Workspace, weight_bytes

__all__ = ["Network", "mlp", "CHUNK"]

#: Rows per forward pass in predict/evaluate, to keep memory low on big inputs.
CHUNK = 1024


class Network:
    """Layers applied in order, trained against a loss.

    Args:
        layers: Dense and Dropout layers; the last one must be Dense. All must share one dtype.
        loss: anything ``losses.get`` takes. cross_entropy needs a softmax output with at least
            two units, binary_cross_entropy a sigmoid output; quadratic and mse take any.

    Attributes: ``layers``, ``loss``, ``dtype``, ``n_inputs``, ``n_outputs``, ``flat``,
    ``stop_training`` (a callback sets it to end ``fit`` after the current epoch).

    The layers' Parameters move into this network's flat buffers: give each layer to one
    Network only.
    """

    def __init__(self, layers, loss="cross_entropy"):
        self.layers = list(layers)
        self.loss = losses.get(loss)
        self.dtype = _check_layers(self.layers)
        _check_output(self.layers[-1], self.loss)
        self.flat = _flatten(self.layers, self.dtype)
        self.stop_training = False

    def __setstate__(self, state: dict) -> None:
        """Unpickling (joblib, ``copy.deepcopy``) copies each layer's views apart: rejoin them.

        Without this, training an unpickled network would step a flat buffer that no layer
        reads any more, and its weights would silently stay where they were.
        """
        self.__dict__.update(state)
        self.flat = _flatten(self.layers, self.dtype)

    @property
    def n_inputs(self) -> int:
        """Number of input features (the first Dense layer's in_features)."""
        return self._first_dense()[1].in_features

    @property
    def n_outputs(self) -> int:
        """Number of outputs (the last layer's out_features)."""
        return self.layers[-1].out_features

    def _first_dense(self) -> tuple[int, Dense]:
        """(1-based position, layer) of the first Dense layer, which reads the inputs."""
        return next((i, layer) for i, layer in enumerate(self.layers, 1)
                    if isinstance(layer, Dense))

    def parameters(self) -> list[Parameter]:
        """Every layer's Parameters, in order (views into the flat buffers)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:
        """Set every ``.grad`` to 0 (one fill of the flat gradient buffer)."""
        self.flat.grad.fill(0)

    # --- forward and backward -------------------------------------------------------------

    def forward(self, x, training: bool = False, *, check: bool = True,
                workspace: list[Workspace | None] | None = None) -> np.ndarray:
        """The output a of the last layer for inputs x of shape (n, n_inputs).

        ``training=True`` switches Dropout on. Each layer keeps what ``backward`` needs.
        ``check=False`` skips the checks of x (``fit`` checks its data once, not per batch);
        ``workspace`` (from :meth:`workspace`) gives the layers arrays to write into.
        """
        if check:
            x = self.check_inputs(x)
        for i, layer in enumerate(self.layers):
            x = layer.forward(x, training, None if workspace is None else workspace[i])
        return x

    def backward(self, y, sample_weight=None, *, check: bool = True,
                 workspace: list[Workspace | None] | None = None) -> float:
        """Backpropagate from the last ``forward``: ADD ∂C/∂θ into every ``.grad``; return C.

        The output layer starts from ``loss.value_and_delta`` (the fused (a − y)/n for softmax
        + cross-entropy and sigmoid + binary cross-entropy), then each layer passes ∂C/∂x down.
        With a ``workspace`` (``fit``), gradients are OVERWRITTEN instead of added, the layers
        write into its arrays, and ∂C/∂x of the first Dense layer is not computed.
        ``check=False`` takes ``y`` as already prepared by :meth:`prepare_targets`.
        """
        last = self.layers[-1]
        if last.a is None:
            raise ValueError("call net.forward(x) before net.backward(y)")
        if check:
            y, _ = self.prepare_targets(y, len(last.a))
            sample_weight = checks.sample_weight(sample_weight, len(last.a))
        value, grad = self.loss.value_and_delta(last.z, last.a, y, last.activation,
                                                sample_weight)
        accumulate = workspace is None
        works = [None] * len(self.layers) if workspace is None else workspace
        grad = last.backward_delta(grad, works[-1], accumulate)
        for i in range(len(self.layers) - 2, -1, -1):
            if grad is None:  # below the first Dense layer: nobody needs ∂C/∂x
                break
            grad = self.layers[i].backward(grad, works[i], accumulate)
        return value

    def workspace(self, batch_size: int) -> list[Workspace | None]:
        """One :class:`~neuralab.layers.Workspace` per layer for batches of ``batch_size``.

        Dropout layers need none (None). The first Dense layer gets no array for ∂C/∂x: below
        it there is only the data.
        """
        works: list[Workspace | None] = []
        seen_dense = False
        for layer in self.layers:
            works.append(layer.workspace(batch_size, need_input_grad=seen_dense))
            seen_dense = seen_dense or isinstance(layer, Dense)
        return works

    def clear(self) -> None:
        """Forget what the last forward kept in each layer (it may hold a batch of data)."""
        for layer in self.layers:
            layer.clear()

    # --- the data a network takes ---------------------------------------------------------

    def check_inputs(self, x, name: str = "x") -> np.ndarray:
        """x as a C-contiguous array of the network's dtype, shape (n, n_inputs), all finite."""
        return checks.features(x, self.n_inputs, self.dtype, name=name,
                               layer=self._first_dense()[0])

    def prepare_targets(self, y, n: int, name: str = "y"):
        """(targets for the loss, class labels for accuracy or None), checked against the net.

        ``y`` may be class labels of shape (n,) (kept as integers for cross_entropy, one-hot
        for the other losses), or targets of shape (n, n_outputs); with one output, shape (n,)
        is a column. Labels are returned for classification losses and whenever ``y`` holds
        class labels.
        """
        y = np.asarray(y)
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers, got dtype {y.dtype}; encode class names "
                            "as integers 0..k−1 (e.g. sklearn.preprocessing.LabelEncoder)")
        if y.ndim not in (1, 2) or len(y) != n:
            raise ValueError(f"{name} must have one target per row of x ({n} rows), got shape "
                             f"{y.shape}")
        k = self.n_outputs
        if y.ndim == 2 and y.shape[1] != k:
            raise ValueError(f"{name} has {y.shape[1]} columns but the network has {k} outputs")
        if y.ndim == 1 and k > 1:
            labels = checks.class_labels(y, k, name)
            if self.loss.name == "cross_entropy":
                return labels, labels
            return losses.one_hot(labels, k, self.dtype), labels
        targets = np.ascontiguousarray(y.reshape(n, k), dtype=self.dtype)
        self.loss.check_targets(np.broadcast_to(np.zeros((), self.dtype), (n, k)), targets)
        if not self.loss.is_classification:
            return targets, None
        return targets, losses.predicted_classes(targets)

    # --- prediction and evaluation ----------------------------------------------------------

    def predict(self, x) -> np.ndarray:
        """Outputs for x (class probabilities for a classifier), computed 1,024 rows at a time."""
        x = self.check_inputs(x)
        out = np.empty((len(x), self.n_outputs), self.dtype)
        for start in range(0, len(x), CHUNK):
            rows = slice(start, start + CHUNK)
            out[rows] = self.forward(x[rows], check=False)
        return out

    def predict_classes(self, x) -> np.ndarray:
        """Class labels: argmax of the outputs, or ``a > 0.5`` for a single output unit."""
        return losses.predicted_classes(self.predict(x))

    def evaluate(self, x, y, sample_weight=None, *, check: bool = True) -> dict:
        """``{"loss": C, "accuracy": …}`` on (x, y); accuracy for classifiers or class labels.

        C is the (sample-weighted) mean over all rows, computed 1,024 rows at a time.
        ``check=False`` takes x as checked and y as the pair (targets, labels) that
        :meth:`prepare_targets` returned (``fit`` does this for the validation data each epoch).
        """
        if check:
            x = self.check_inputs(x)
            y = self.prepare_targets(y, len(x))
            sample_weight = checks.sample_weight(sample_weight, len(x))
        targets, labels = y
        loss_sum = weight_sum = correct = 0.0
        for start in range(0, len(x), CHUNK):
            rows = slice(start, start + CHUNK)
            w = None if sample_weight is None else sample_weight[rows]
            size = len(x[rows]) if w is None else float(w.sum())
            if size == 0:
                continue
            out = self.forward(x[rows], check=False)
            loss_sum += self.loss.value(out, targets[rows], w) * size
            weight_sum += size
            if labels is not None:
                hits = losses.predicted_classes(out) == labels[rows]
                correct += float(hits.sum() if w is None else w[hits].sum())
        logs = {"loss": loss_sum / weight_sum}
        if labels is not None:
            logs["accuracy"] = correct / weight_sum
        return logs

    def fit(self, x, y, epochs=10, batch_size=32, optimizer="adam", lr=None,
            validation_data=None, shuffle=True, callbacks=(), monitor=False, progress=None,
            seed=None, schedule=None, sample_weight=None, l1=0.0, l2=0.0, checkpoint=None):
        """Train with mini-batches; return a History. See :func:`neuralab.training.fit`."""
        from neuralab import training  # the layer above: fit is a convenience that calls it

        return training.fit(self, x, y, epochs=epochs, batch_size=batch_size,
                            optimizer=optimizer, lr=lr, validation_data=validation_data,
                            shuffle=shuffle, callbacks=callbacks, monitor=monitor,
                            progress=progress, seed=seed, schedule=schedule,
                            sample_weight=sample_weight, l1=l1, l2=l2, checkpoint=checkpoint)

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
        from neuralab import modelfile  # the file format builds Networks: imported when used

        return modelfile.description(self)

    def save(self, path) -> None:
        """Write the network to one ``.safetensors`` file; see :func:`neuralab.modelfile.save`."""
        from neuralab import modelfile

        modelfile.save(self, path)

    def to_onnx(self, path=None, **options):
        """Export to ONNX (one Gemm per Dense layer); see :func:`neuralab.export.to_onnx`."""
        from neuralab import export  # an application of the network: imported when used

        return export.to_onnx(self, path, **options)

    # --- display ------------------------------------------------------------------------------

    def summary(self) -> None:
        """Print a table of the layers: shapes, activations, parameter counts (as Keras)."""
        from neuralab import display

        print(display.summary_text(self))

    def _repr_html_(self) -> str:
        """The summary table as HTML: what Jupyter shows for a Network."""
        from neuralab import display

        return display.summary_html(self)

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
    _check_memory(sizes, dtype)
    rng = np.random.default_rng(seed)
    layers = [Dense(n_in, n_out, activation if i < len(sizes) - 2 else output, init=init,
                    dtype=dtype, seed=rng)
              for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))]
    return Network(layers, loss)


# --- construction checks --------------------------------------------------------------------


def _check_memory(sizes, dtype) -> None:
    """MemoryError, before any layer is built, if all the layers' weights cannot fit."""
    sizes = [checks.integer(n, "each layer size", minimum=1) for n in sizes]
    total = sum(weight_bytes(n_in, n_out, checks.float_dtype(dtype))
                for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))
    checks.fits_in_memory(total, f"the network {'-'.join(map(str, sizes))}")


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
    needed = loss.required_output
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
        p.move_to(values[offset:end].reshape(shape), grads[offset:end].reshape(shape))
        offset = end
    return Parameter(values, "all", grad=grads)
