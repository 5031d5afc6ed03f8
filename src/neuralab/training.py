"""The training loop (``Network.fit``) and the checks on user data.

One epoch of mini-batch gradient descent:

    draw a random order of the rows
    for each batch of ``batch_size`` consecutive positions in that order:
        gather the batch's rows into one reused buffer (no shuffled copy of the data)
        forward through every layer, into preallocated buffers
        δ = loss.delta(...)                  # fused (a − y)/n for softmax + cross-entropy
        backward: ∂C/∂W = xᵀδ, ∂C/∂b = Σδ    # written straight into the flat gradient buffer
        optimizer.step([all parameters])     # one vectorized update of the whole network

Inputs are checked ONCE per ``fit`` (shapes, dtype, NaN/inf, labels), not per batch; everything
runs in the network's dtype (float32 by default) end to end. The hooks that ``fit`` calls
around this loop (History, EarlyStopping, the progress bar) live in ``neuralab.callbacks``;
they are imported here too, so ``from neuralab.training import EarlyStopping`` keeps working.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab import diagnostics, optimizers, schedules
from neuralab.callbacks import Callback, EarlyStopping, History, ProgressBar, callback_list
from neuralab.layers import Dense

__all__ = [
    "fit", "History", "Callback", "EarlyStopping", "ProgressBar", "TrainingDivergedError",
    "check_inputs", "prepare_targets", "check_sample_weight", "classes_from_outputs",
]  # fmt: skip


#: Rows per forward pass in predict/evaluate/validation, to keep memory low.
CHUNK = 1024


class TrainingDivergedError(ValueError):
    """The loss became NaN or infinite; ``epoch`` is the 0-based epoch where it happened."""

    def __init__(self, message: str, epoch: int):
        super().__init__(message)
        self.epoch = epoch


# --- checks on user data (run once per call) ------------------------------------------------


def check_inputs(net, x, name: str = "x") -> np.ndarray:
    """x as a C-contiguous array of the network's dtype, shape (n, n_inputs), all finite."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {x.dtype}")
    if x.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {x.shape}; "
                         "reshape a single sample with x.reshape(1, -1)")
    if x.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has 0 samples")
    if x.shape[1] != net.n_inputs:
        first = next(i for i, layer in enumerate(net.layers, 1) if isinstance(layer, Dense))
        raise ValueError(f"layer {first} expects {net.n_inputs} input features, got "
                         f"{x.shape[1]} in {name}")
    with np.errstate(over="ignore"):  # a float64 too large for float32 becomes inf: caught below
        x = np.ascontiguousarray(x, dtype=net.dtype)
    if not _all_finite(x):
        row = int(np.flatnonzero(~np.isfinite(x).all(axis=1))[0])
        raise ValueError(f"{name} contains NaN or infinite values (first in row {row}); "
                         "remove or impute them")
    return x


def _all_finite(x) -> bool:
    """True if x has no NaN/inf. A float64 sum propagates them without a temporary array."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(x, dtype=np.float64)):
            return True
    return all(np.isfinite(x[i:i + 4096]).all() for i in range(0, len(x), 4096))


def prepare_targets(net, y, n: int, name: str = "y"):
    """(targets for the loss, class labels for accuracy or None), checked against the network.

    ``y`` may be class labels of shape (n,) (kept as integers for cross_entropy, one-hot for the
    other losses), or targets of shape (n, n_outputs); with one output, shape (n,) is a column.
    Labels are returned for classification losses and whenever ``y`` holds class labels.
    """
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {y.dtype}; encode class names as "
                        "integers 0..k−1 (e.g. sklearn.preprocessing.LabelEncoder)")
    if y.ndim not in (1, 2) or len(y) != n:
        raise ValueError(f"{name} must have one target per row of x ({n} rows), got shape "
                         f"{y.shape}")
    k = net.n_outputs
    if y.ndim == 2 and y.shape[1] != k:
        raise ValueError(f"{name} has {y.shape[1]} columns but the network has {k} outputs")
    if y.ndim == 1 and k > 1:
        labels = _class_labels(y, k, name)
        targets = labels if net.loss.name == "cross_entropy" else _one_hot(labels, k, net.dtype)
        return targets, labels
    targets = np.ascontiguousarray(y.reshape(n, k), dtype=net.dtype)
    net.loss.check_targets(np.broadcast_to(np.zeros((), net.dtype), (n, k)), targets)
    if not net.loss.is_classification:
        return targets, None
    return targets, classes_from_outputs(targets)


def _class_labels(y, k: int, name: str) -> np.ndarray:
    if y.dtype.kind == "f" and not (_all_finite(y) and np.all(y == np.round(y))):
        raise ValueError(f"{name} holds class labels, which must be whole numbers 0..{k - 1}; "
                         "for real-valued targets give shape (n, n_outputs)")
    lo, hi = y.min(), y.max()
    if lo < 0 or hi >= k:
        raise ValueError(f"{name} has class labels from {lo:g} to {hi:g}, but the network has "
                         f"{k} outputs, so labels must lie in 0..{k - 1}")
    return y.astype(np.intp)


def _one_hot(labels, k: int, dtype) -> np.ndarray:
    out = np.zeros((len(labels), k), dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


def check_sample_weight(sample_weight, n: int):
    """None, or the weights as a float64 array of shape (n,): finite, ≥ 0, not all zero."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,) or not _all_finite(w) or (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"sample_weight must be {n} finite non-negative numbers (one per row "
                         "of x), not all zero")
    return w


def classes_from_outputs(a) -> np.ndarray:
    """Class labels from outputs: argmax of each row, or ``a > 0.5`` for a single column."""
    if a.shape[1] == 1:
        return (a[:, 0] > 0.5).astype(np.intp)
    return np.argmax(a, axis=1)


def evaluate_prepared(net, x, targets, labels, weights, chunk: int) -> dict:
    """Loss (and accuracy) over checked data, ``chunk`` rows per forward pass."""
    loss_sum = weight_sum = correct = 0.0
    for start in range(0, len(x), chunk):
        rows = slice(start, start + chunk)
        w = None if weights is None else weights[rows]
        size = len(x[rows]) if w is None else float(w.sum())
        if size == 0:
            continue
        out = net._forward(x[rows])
        loss_sum += net.loss.value(out, targets[rows], w) * size
        weight_sum += size
        if labels is not None:
            hits = classes_from_outputs(out) == labels[rows]
            correct += float(hits.sum() if w is None else w[hits].sum())
    logs = {"loss": loss_sum / weight_sum}
    if labels is not None:
        logs["accuracy"] = correct / weight_sum
    return logs


# --- the fit loop ---------------------------------------------------------------------------


def fit(net, x, y, epochs=10, batch_size=32, optimizer="adam", lr=None, validation_data=None,
        shuffle=True, callbacks=(), monitor=False, progress=None, seed=None, schedule=None,
        sample_weight=None) -> History:
    """Train ``net`` on (x, y) with mini-batch gradient descent; return a History.

    Args:
        x: (n, n_inputs). y: class labels (n,) or targets/one-hot (n, n_outputs).
        epochs: passes over the data. batch_size: rows per step; None = full batch (GD).
        optimizer: a name (a new optimizer, ``lr`` or its default) or an Optimizer instance,
            whose state then carries over between fit calls. lr: overrides the learning rate.
        validation_data: (x_val, y_val), evaluated after each epoch ("val_loss", …).
        shuffle: reshuffle the rows each epoch (seeded by ``seed``).
        callbacks: Callback objects. monitor: record ``diagnostics.layer_stats`` on the
            training data after each epoch. progress: the tqdm bar; None = when stderr is a tty.
        schedule: a Schedule or its name; sets ``optimizer.lr`` each epoch or step.
        sample_weight: (n,) non-negative weights of the rows in the loss and the metrics.

    "loss" and "accuracy" are the weighted means over the epoch's batches, measured during
    the epoch (as Keras does). If the loss becomes NaN/inf, fit puts back the weights from the
    start of that epoch and raises ``TrainingDivergedError`` naming the epoch.
    """
    epochs = _count("epochs", epochs, minimum=0)
    x = check_inputs(net, x)
    targets, labels = prepare_targets(net, y, len(x))
    weights = check_sample_weight(sample_weight, len(x))
    batch_size = len(x) if batch_size is None else min(_count("batch_size", batch_size), len(x))
    validation = _validation(net, validation_data)
    history = History()
    cbs = callback_list(history, callbacks, progress)
    loop = _Loop(net, (x, targets, labels, weights), batch_size, _optimizer(optimizer, lr),
                 schedules.get(schedule) if schedule is not None else None,
                 np.random.default_rng(seed) if shuffle else None, cbs)
    params = {"epochs": epochs, "batch_size": batch_size, "samples": len(x),
              "steps": -(-len(x) // batch_size)}
    for cb in cbs:
        cb.set_network(net)
        cb.set_params(params)
    _run(loop, cbs, epochs, validation, monitor)
    return history


def _run(loop, cbs, epochs: int, validation, monitor: bool) -> None:
    """The epochs, with the callbacks around them; buffers are freed however it ends."""
    net = loop.net
    net.stop_training = False
    net._allocate(loop.batch_size)
    try:
        _each(cbs, "on_train_begin", {})
        for epoch in range(epochs):
            _each(cbs, "on_epoch_begin", epoch, {})
            logs = loop.run_epoch(epoch)
            if validation is not None:
                val = evaluate_prepared(net, *validation, chunk=CHUNK)
                logs.update({f"val_{key}": value for key, value in val.items()})
            if monitor:
                logs.update(diagnostics._monitor_logs(net, loop.data[0], loop.data[1]))
            loop.end_epoch(logs)
            _each(cbs, "on_epoch_end", epoch, logs)
            if net.stop_training:
                break
    finally:
        net._allocate(None)
        loop.restore_lr()
        _each(cbs, "on_train_end", {})


def _each(callbacks, hook: str, *args) -> None:
    for cb in callbacks:
        getattr(cb, hook)(*args)


def _count(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _validation(net, validation_data):
    """(x, targets, labels, weights) for the validation set, or None."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    x_val = check_inputs(net, validation_data[0], "x_val")
    return (x_val, *prepare_targets(net, validation_data[1], len(x_val), "y_val"), None)


def _optimizer(optimizer, lr):
    """A new optimizer from a name or class (with ``lr`` if given), or the instance itself."""
    if lr is None:
        return optimizers.get(optimizer)
    if isinstance(optimizer, optimizers.Optimizer):
        optimizer.lr = lr  # validated by the optimizer
        return optimizer
    return optimizers.get(optimizer, lr=lr)


class _Loop:
    """The state of one ``fit`` call: data, shuffled buffers, optimizer, schedule, step count."""

    def __init__(self, net, data, batch_size, optimizer, schedule, rng, callbacks):
        self.net, self.data, self.batch_size = net, data, batch_size
        self.optimizer, self.schedule, self.rng = optimizer, schedule, rng
        self.base_lr, self.step = optimizer.lr, 0
        self.flat = [net._flat]
        self.snapshot = np.empty_like(net._flat.value)
        # x, the big array, is gathered batch by batch into one small buffer (no copy of the
        # data, and the batch is still in cache when the first matrix product reads it); the
        # small arrays (targets, labels, weights) are shuffled whole, once per epoch
        self.order = None
        self.batch_x = None if rng is None else np.empty((batch_size, data[0].shape[1]),
                                                          data[0].dtype)
        self.shuffled = [None if a is None or rng is None or a is data[0] else np.empty_like(a)
                         for a in data]
        self.predicted = None if data[2] is None else np.empty(len(data[0]), np.intp)
        self.batch_callbacks = [cb for cb in callbacks
                                if type(cb).on_batch_end is not Callback.on_batch_end]

    def _epoch_data(self):
        """(x, targets, labels, weights) in this epoch's order; x stays unshuffled (see _rows)."""
        if self.rng is None:
            return self.data
        self.order = self.rng.permutation(len(self.data[0]))
        for source, out in zip(self.data, self.shuffled, strict=True):
            if out is not None:  # mode="clip" lets take() write into `out` unbuffered
                np.take(source, self.order, axis=0, out=out, mode="clip")
        return (self.data[0], *self.shuffled[1:])

    def _rows(self, x, rows: slice):
        """The batch ``rows`` of this epoch's order: a view, or gathered into the batch buffer."""
        if self.order is None:
            return x[rows]
        order = self.order[rows]
        return np.take(x, order, axis=0, out=self.batch_x[: len(order)], mode="clip")

    def run_epoch(self, epoch: int) -> dict:
        """One pass over the data in batches; returns {"loss", ["accuracy"]} for the epoch."""
        x, targets, labels, weights = self._epoch_data()
        np.copyto(self.snapshot, self.net._flat.value)
        if self.schedule is not None and self.schedule.interval == "epoch":
            self.optimizer.lr = self.schedule(epoch, self.base_lr)
        loss_sum = weight_sum = 0.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for batch, start in enumerate(range(0, len(x), self.batch_size)):
                rows = slice(start, start + self.batch_size)
                w = None if weights is None else weights[rows]
                size = len(targets[rows]) if w is None else float(w.sum())
                if size > 0:  # a batch whose weights are all 0 teaches nothing: skipped
                    loss = self._step(self._rows(x, rows), targets[rows], w, rows)
                    if not math.isfinite(loss):
                        self._diverged(epoch, batch, loss)
                    loss_sum, weight_sum = loss_sum + loss * size, weight_sum + size
                    for cb in self.batch_callbacks:
                        cb.on_batch_end(batch, {"loss": loss, "size": size})
            if not np.isfinite(self.net._flat.value).all():
                self._diverged(epoch, batch, math.nan)
        return self._epoch_logs(loss_sum / weight_sum, labels, weights)

    def _step(self, x, targets, w, rows) -> float:
        if self.schedule is not None and self.schedule.interval == "step":
            self.optimizer.lr = self.schedule(self.step, self.base_lr)
        loss, out = self.net._train_step(x, targets, w)
        if self.predicted is not None:
            predicted = self.predicted[rows]
            if out.shape[1] == 1:
                np.greater(out[:, 0], 0.5, out=predicted, casting="unsafe")
            else:
                np.argmax(out, axis=1, out=predicted)
        self.optimizer.step(self.flat)
        self.step += 1
        return loss

    def _epoch_logs(self, loss, labels, weights) -> dict:
        logs = {"loss": loss}
        if labels is not None:
            hits = self.predicted == labels
            logs["accuracy"] = float(hits.mean() if weights is None
                                     else weights[hits].sum() / weights.sum())
        return logs

    def _diverged(self, epoch: int, batch: int, loss: float):
        self.net._flat.value[...] = self.snapshot
        raise TrainingDivergedError(
            f"training diverged in epoch {epoch + 1}, batch {batch + 1}: the loss became "
            f"{loss}. The learning rate ({self.optimizer.lr:g}) is probably too large; try a "
            f"smaller one, e.g. lr={self.optimizer.lr / 10:g}. The weights were put back to "
            f"their values at the start of epoch {epoch + 1}.", epoch)

    def end_epoch(self, logs: dict) -> None:
        """Tell the schedule how the epoch went (plateau schedules watch this)."""
        if self.schedule is not None:
            self.schedule.observe(logs.get("val_loss", logs["loss"]))

    def restore_lr(self) -> None:
        """A schedule changed ``optimizer.lr``; put the base back for the next fit call."""
        if self.schedule is not None:
            self.optimizer.lr = self.base_lr
