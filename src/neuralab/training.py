"""The training loop: ``fit`` (what ``Network.fit`` runs).

One epoch of mini-batch gradient descent:

    draw a random order of the rows
    for each batch of ``batch_size`` consecutive positions in that order:
        gather the batch's rows into one reused buffer (no shuffled copy of the data)
        a = net.forward(x_batch)             # every layer's forward, into reused arrays
        C = net.backward(y_batch)            # δ from the loss, every layer's backward:
                                             # ∂C/∂W = xᵀδ, ∂C/∂b = Σδ into the flat buffer
        optimizer.step([net.flat])           # one vectorized update of the whole network

These are the network's public ``forward`` and ``backward``, given a workspace (the arrays of
``net.workspace(batch_size)``, reused every batch) and ``check=False``: the data is checked ONCE
per ``fit`` (shapes, dtype, NaN/inf, labels), not per batch. Everything runs in the network's
dtype (float32 by default) end to end. The hooks that ``fit`` calls around this loop (History,
EarlyStopping, the progress bar) live in ``neuralab.callbacks``.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab import checks, losses, optimizers, schedules
from neuralab.callbacks import Callback, History, callback_list
from neuralab.resume import Resume

__all__ = ["fit", "TrainingDivergedError"]


class TrainingDivergedError(ValueError):
    """The loss became NaN or infinite; ``epoch`` is the 0-based epoch where it happened."""

    def __init__(self, message: str, epoch: int):
        super().__init__(message)
        self.epoch = epoch


# --- the fit loop ---------------------------------------------------------------------------


def fit(net, x, y, epochs=10, batch_size=32, optimizer="adam", lr=None, validation_data=None,
        shuffle=True, callbacks=(), monitor=False, progress=None, seed=None, schedule=None,
        sample_weight=None, l1=0.0, l2=0.0, checkpoint=None) -> History:
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
        l1, l2: penalties on the weights (not the biases) added to each batch's cost,
            l1·Σ|W| + (l2/2)·ΣW², so each step's gradient gains l1·sign(W) + l2·W (the L1 and
            L2 regularisation of TensorFlow Playground and Keras; the training "loss" in
            History includes them, ``evaluate`` does not).
        checkpoint: a file path. After every epoch the whole state of the run (weights,
            optimizer, schedule, random generators, History) is written there atomically;
            calling ``fit`` again with the same arguments and an existing checkpoint resumes
            after its last epoch, bit-identical to a run never interrupted, and trains up to
            ``epochs`` (``history.initial_epoch`` says where it started). A checkpoint of
            another network or run is a ValueError. See :mod:`neuralab.resume`.

    "loss" and "accuracy" are the weighted means over the epoch's batches, measured during
    the epoch (as Keras does). If the loss becomes NaN/inf, fit puts back the weights from the
    start of that epoch and raises ``TrainingDivergedError`` naming the epoch.
    """
    epochs = checks.integer(epochs, "epochs", minimum=0)
    x = net.check_inputs(x)
    targets, labels = net.prepare_targets(y, len(x))
    weights = checks.sample_weight(sample_weight, len(x))
    batch_size = (len(x) if batch_size is None
                  else min(checks.integer(batch_size, "batch_size", minimum=1), len(x)))
    validation = _validation(net, validation_data)
    history = History()
    cbs = callback_list(history, callbacks, progress)
    loop = _Loop(net, (x, targets, labels, weights), batch_size, _optimizer(optimizer, lr),
                 schedules.get(schedule) if schedule is not None else None,
                 np.random.default_rng(seed) if shuffle else None, cbs, _Penalty(net, l1, l2))
    resume = None if checkpoint is None else Resume(checkpoint, loop)
    history.initial_epoch = 0 if resume is None else resume.restore(history)
    params = {"epochs": epochs, "batch_size": batch_size, "samples": len(x),
              "steps": -(-len(x) // batch_size), "initial_epoch": history.initial_epoch}
    for cb in cbs:
        cb.set_network(net)
        cb.set_params(params)
    _run(loop, cbs, range(history.initial_epoch, epochs), validation, monitor, resume)
    return history


def _run(loop, cbs, epochs: range, validation, monitor: bool, resume) -> None:
    """The epochs, with the callbacks around them (and the checkpoint after each); the layers
    forget their last batch (and the learning rate is put back) however it ends."""
    net = loop.net
    net.stop_training = False
    try:
        _each(cbs, "on_train_begin", {})
        for epoch in epochs:
            _each(cbs, "on_epoch_begin", epoch, {})
            logs = loop.run_epoch(epoch)
            if validation is not None:
                val = net.evaluate(validation[0], validation[1:], check=False)
                logs.update({f"val_{key}": value for key, value in val.items()})
            if monitor:
                logs.update(_monitor_logs(net, loop.data[0], loop.data[1]))
            loop.end_epoch(logs)
            _each(cbs, "on_epoch_end", epoch, logs)
            if resume is not None:
                resume.save(epoch + 1, cbs[0])  # cbs[0] is the History fit returns
            if net.stop_training:
                break
    finally:
        net.clear()
        loop.restore_lr()
        _each(cbs, "on_train_end", {})


def _monitor_logs(net, x, targets) -> dict:
    """``diagnostics.layer_stats`` on the training data, flattened for History.

    Keys like "layers.0.grad_norm_weight". Diagnostics sit a layer above training; only
    ``fit(monitor=True)`` reaches up to them, so they are imported here, when asked for.
    """
    from neuralab import diagnostics

    return diagnostics.history_logs(diagnostics.layer_stats(net, x, targets, check=False))


def _each(callbacks, hook: str, *args) -> None:
    for cb in callbacks:
        getattr(cb, hook)(*args)


def _validation(net, validation_data):
    """(x, targets, labels) for the validation set, checked once, or None."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
        raise ValueError("validation_data must be a pair (x_val, y_val)")
    x_val = net.check_inputs(validation_data[0], "x_val")
    return (x_val, *net.prepare_targets(validation_data[1], len(x_val), "y_val"))


def _optimizer(optimizer, lr):
    """A new optimizer from a name or class (with ``lr`` if given), or the instance itself."""
    if lr is None:
        return optimizers.get(optimizer)
    if isinstance(optimizer, optimizers.Optimizer):
        optimizer.lr = lr  # validated by the optimizer
        return optimizer
    return optimizers.get(optimizer, lr=lr)


class _Penalty:
    """L1 and L2 penalties on a network's weights (biases are not penalised).

        P = l1·Σ|W| + (l2/2)·ΣW²,      ∂P/∂W = l1·sign(W) + l2·W
    """

    def __init__(self, net, l1, l2):
        self.l1 = checks.real(l1, "l1", minimum=0)
        self.l2 = checks.real(l2, "l2", minimum=0)
        self.active = self.l1 > 0 or self.l2 > 0
        self.weights = [layer.weight for layer in net.layers if hasattr(layer, "weight")]

    def add_gradient(self) -> float:
        """Add ∂P/∂W into each weight's ``.grad`` (after backward); return P."""
        total = 0.0
        for w in self.weights:
            if self.l1:
                total += self.l1 * float(np.abs(w.value).sum())
                w.grad += w.value.dtype.type(self.l1) * np.sign(w.value)
            if self.l2:
                total += 0.5 * self.l2 * float(np.vdot(w.value, w.value))
                w.grad += w.value.dtype.type(self.l2) * w.value
        return total


class _Loop:
    """The state of one ``fit`` call: data, shuffled buffers, optimizer, schedule, step count,
    penalties."""

    def __init__(self, net, data, batch_size, optimizer, schedule, rng, callbacks, penalty):
        self.net, self.data, self.batch_size, self.penalty = net, data, batch_size, penalty
        self.optimizer, self.schedule, self.rng = optimizer, schedule, rng
        self.base_lr, self.step = optimizer.lr, 0
        self.flat = [net.flat]
        self.snapshot = np.empty_like(net.flat.value)
        self.workspace = net.workspace(batch_size)
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
        np.copyto(self.snapshot, self.net.flat.value)
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
            if not np.isfinite(self.net.flat.value).all():
                self._diverged(epoch, batch, math.nan)
        return self._epoch_logs(loss_sum / weight_sum, labels, weights)

    def _step(self, x, targets, w, rows) -> float:
        if self.schedule is not None and self.schedule.interval == "step":
            self.optimizer.lr = self.schedule(self.step, self.base_lr)
        out = self.net.forward(x, training=True, check=False, workspace=self.workspace)
        loss = self.net.backward(targets, w, check=False, workspace=self.workspace)
        if self.penalty.active:
            loss += self.penalty.add_gradient()
        if self.predicted is not None:
            losses.predicted_classes(out, out=self.predicted[rows])
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
        self.net.flat.value[...] = self.snapshot
        where = f"in epoch {epoch + 1}, batch {batch + 1}"
        if self.step <= 1 or self.optimizer.lr == 0:  # the weights had not moved yet
            raise TrainingDivergedError(
                f"the loss is {loss} {where}, before any step changed the weights: the numbers "
                "overflow, not the learning rate. Check the data: inputs or targets too large "
                f"for {self.net.dtype} (scale them), or weights that are already NaN/inf.", epoch)
        raise TrainingDivergedError(
            f"training diverged {where}: the loss became {loss}. The learning rate "
            f"({self.optimizer.lr:g}) is probably too large; try a smaller one, e.g. "
            f"lr={self.optimizer.lr / 10:g}. The weights were put back to their values at the "
            f"start of epoch {epoch + 1}.", epoch)

    def end_epoch(self, logs: dict) -> None:
        """Tell the schedule how the epoch went (plateau schedules watch this)."""
        if self.schedule is not None:
            self.schedule.observe(logs.get("val_loss", logs["loss"]))

    def restore_lr(self) -> None:
        """A schedule changed ``optimizer.lr``; put the base back for the next fit call."""
        if self.schedule is not None:
            self.optimizer.lr = self.base_lr
