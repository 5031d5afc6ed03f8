"""Callbacks: your code, run by ``fit`` at fixed points of training (Keras' interface).

A callback is an object whose methods ("hooks") the training loop calls as it goes. It lets you
watch training (record the learning rate, plot a curve, show a progress bar) or steer it (stop
early, put back the best weights) without touching the loop itself. Subclass ``Callback``,
override only the hooks you need, and pass instances to ``fit(callbacks=[...])``.

The order of the calls in one ``fit``:

    set_network(net), set_params({"epochs", "batch_size", "steps", "samples"})
    on_train_begin(logs={})
    for epoch in 0, 1, …:
        on_epoch_begin(epoch, logs={})
        for batch in 0, 1, …:                  # after each optimizer step
            on_batch_end(batch, logs={"loss", "size"})
        on_epoch_end(epoch, logs)              # after validation; stop if net.stop_training
    on_train_end(logs={})                      # always, even when training raised

Every callback sees each hook in the order given to ``fit``, after the ``History`` that ``fit``
returns (so History always holds the epoch a callback reacts to). ``epoch`` and ``batch`` count
from 0. ``on_batch_end`` is called only on callbacks that override it, so an epoch-level callback
costs nothing per batch. The same design is ``keras.callbacks.Callback``; see the Keras guide
"Writing your own callbacks".
"""

from __future__ import annotations

import math
import sys

from tqdm import tqdm

from neuralab import checks

__all__ = ["Callback", "History", "EarlyStopping", "ProgressBar"]


class Callback:
    """Hooks called by ``fit``; subclass and override the ones you need (Keras' interface).

    ``fit`` sets ``self.network`` and ``self.params`` (epochs, batch_size, steps, samples)
    first. ``epoch`` and ``batch`` are 0-based. ``logs`` of ``on_epoch_end`` holds "loss",
    "accuracy", "val_loss", "val_accuracy" and, with ``monitor=True``, the per-layer keys; a
    callback may end training after the current epoch with ``self.network.stop_training = True``.
    """

    network = None
    params: dict = {}

    def set_network(self, network) -> None:
        self.network = network

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...

    def on_epoch_begin(self, epoch, logs=None): ...

    def on_batch_end(self, batch, logs=None):
        """After each optimizer step; logs = {"loss": batch loss, "size": rows}."""

    def on_epoch_end(self, epoch, logs=None): ...

    def on_train_end(self, logs=None): ...


class History(Callback):
    """What ``fit`` returns: ``history`` maps each log name to its per-epoch list; ``epoch``.

    Keys: "loss", "accuracy" (classifiers), "val_loss", "val_accuracy" (with validation_data),
    and with ``monitor=True`` one key per Dense layer and statistic, named like the layer's
    parameters: "layers.0.grad_norm_weight", "layers.0.dead_fraction", … (see
    ``diagnostics.layer_stats``), so ``plt.plot(h.history["layers.0.grad_norm_bias"])`` works.
    """

    def __init__(self):
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []
        self.initial_epoch = 0  # > 0 when fit resumed from a checkpoint

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        last = {k: v[-1] for k, v in self.history.items() if not k.startswith("layers.")}
        return f"History(epochs={len(self.epoch)}, last={last})"

    def _repr_html_(self) -> str:
        """Loss and accuracy curves: what Jupyter shows for a History."""
        from neuralab import display  # drawing is an application's: imported when shown

        return display.history_html(self)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs in a row.

    Improvement means below best − min_delta (mode "min") or above best + min_delta ("max");
    "auto" picks "max" for accuracy-like names, else "min". With ``restore_best_weights`` the
    network ends training (stopped early or not) with the weights of its best epoch; History
    keeps every epoch. Attributes after fit: ``best``, ``best_epoch``, ``stopped_epoch`` (None
    if it never stopped training).
    """

    def __init__(self, monitor="val_loss", patience=5, min_delta=0, restore_best_weights=True,
                 mode="auto"):
        patience = checks.integer(patience, "patience", minimum=0)
        min_delta = checks.real(min_delta, "min_delta", minimum=0)
        mode = checks.one_of(mode, "mode", ("auto", "min", "max"))
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.restore_best_weights = restore_best_weights
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.best = self.best_epoch = self.stopped_epoch = self._best_weights = None

    def on_train_begin(self, logs=None):
        self.best = self.best_epoch = self.stopped_epoch = self._best_weights = None
        self._wait = 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, but the logs only have "
                             f"{sorted(logs)}; pass validation_data to fit or pick another key")
        value = logs[self.monitor]
        if self._improved(value):
            self.best, self.best_epoch, self._wait = value, epoch, 0
            if self.restore_best_weights:
                self._best_weights = self.network.state_dict()
            return
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch = epoch
            self.network.stop_training = True

    def _improved(self, value) -> bool:
        if not math.isfinite(value):
            return False
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_train_end(self, logs=None):
        if self._best_weights is not None:
            self.network.load_state_dict(self._best_weights)


class ProgressBar(Callback):
    """A tqdm bar over the epochs: epoch n/N, elapsed time, ETA and the latest loss/accuracy.

    ``fit(progress=None)`` adds one when stderr is a terminal; ``progress=True`` always,
    ``progress=False`` never. It is the only thing ``fit`` writes (to ``file``, default stderr).
    """

    _SHOWN = {"loss": "loss", "accuracy": "acc", "val_loss": "val_loss", "val_accuracy": "val_acc"}
    # a bar of fixed width: the metrics after it must not squeeze it to nothing
    _FORMAT = "{desc} {n_fmt}/{total_fmt} |{bar:15}| {elapsed}<{remaining}{postfix}"

    def __init__(self, file=None):
        self.file = file
        self._bar = None

    def on_train_begin(self, logs=None):
        self._bar = tqdm(total=self.params.get("epochs"), unit="epoch", desc="epoch",
                         file=self.file if self.file is not None else sys.stderr,
                         dynamic_ncols=True, bar_format=self._FORMAT)

    def on_epoch_end(self, epoch, logs=None):
        shown = {short: f"{logs[k]:.{3 if 'acc' in short else 4}f}"
                 for k, short in self._SHOWN.items() if k in (logs or {})}
        self._bar.set_postfix(shown, refresh=False)
        self._bar.update(1)

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def callback_list(history, callbacks, progress) -> list:
    """[history, *callbacks], checked, with a ProgressBar added when ``progress`` asks for one.

    ``progress`` None means "when stderr is a terminal" (so tests and pipes stay silent).
    ``callbacks`` None means no callbacks.
    """
    callbacks = list(callbacks or ())
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be Callback objects, got {type(cb).__name__}")
    if progress not in (None, True, False):
        raise ValueError(f"progress must be None (auto), True or False, got {progress!r}")
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if progress and not any(isinstance(cb, ProgressBar) for cb in callbacks):
        callbacks.append(ProgressBar())
    return [history, *callbacks]
