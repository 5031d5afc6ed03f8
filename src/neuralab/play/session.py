"""One tab's playground: its set-up, data, network, optimizer, and the training it runs.

Each browser tab gets its own :class:`Session` (so two tabs never share a network). The
connection (:mod:`neuralab.play.connection`) calls it from one task at a time: apply a change,
train a few steps, read the numbers for a frame. A *step* is one epoch over the training set in
mini-batches, as TensorFlow Playground's step button does; it is one call of neuralab's own
``net.fit(…, epochs=1)``, so the playground trains exactly as the library does (L1/L2 on the
weights, dropout, every optimizer), and the exported snippet can repeat it call for call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from neuralab import optimizers, schedules
from neuralab.play import config as settings
from neuralab.play import limits, model
from neuralab.play.config import Config
from neuralab.training import TrainingDivergedError

__all__ = ["Session", "epoch_seed"]

_TRAINING_KEYS = frozenset({"lr", "optimizer", "schedule", "batch", "reg", "reg_rate"})
"""Settings that change the training of the network in place (no new network)."""
_DIVERGED_HINT = " Press reset, or lower the learning rate and press play."


def epoch_seed(run_seed: int, epoch: int) -> int:
    """The seed of the shuffle of ``epoch``: each epoch its own order, the same every run."""
    return run_seed * 100_000 + epoch


class Session:
    """A tab's state. Attributes a frame reads: ``config``, ``data``, ``net``, ``epoch``,
    ``generation`` (grows whenever the network is replaced: the page then clears its curves),
    ``diverged`` (a message, or None), ``epochs_trained`` (all steps ever trained here)."""

    def __init__(self, config: Config | None = None):
        self.training = threading.Lock()  # held while train() runs (in a worker thread)
        self.config = config or Config()
        self.upload: model.Upload | None = None
        self.resets = 0
        self.generation = 0
        self.epochs_trained = 0
        self.data = model.make_data(self.config)
        self._prepare_data()
        self._new_network()

    # --- building -----------------------------------------------------------------------------

    @property
    def run_seed(self) -> int:
        """Seed of the weights and the shuffles: the data seed, moved on by every reset."""
        return self.config.seed + self.resets

    def _prepare_data(self) -> None:
        """Features and targets of the data for the current set-up."""
        c = self.config
        self.x_train = model.features(self.data.x_train, c.features)
        self.x_test = model.features(self.data.x_test, c.features)
        self.t_train = model.targets(self.data.y_train, c.loss, c.classes)
        self.t_test = model.targets(self.data.y_test, c.loss, c.classes)

    def _new_network(self) -> None:
        """A freshly initialised network, optimizer and schedule; epoch 0."""
        self.net = model.build_network(self.config, self.run_seed)
        self._new_optimizer()
        self.epoch = 0
        self.generation += 1
        self.diverged: str | None = None
        self.start_weights: list[tuple[int, int, int, float]] = []
        self.changed_in_run: set[str] = set()

    def _new_optimizer(self) -> None:
        c = self.config
        self.optimizer = optimizers.get(c.optimizer, lr=c.lr)
        self.schedule = schedules.get(c.schedule, **settings.SCHEDULE_ARGUMENTS[c.schedule])

    # --- changes from the page ------------------------------------------------------------------

    def apply(self, changes) -> list[str]:
        """Merge a change of set-up (see :func:`neuralab.play.config.merge`); rebuild what it
        touches. New data or architecture: a new network. Optimizer or schedule: a new one,
        same weights. Learning rate: the same optimizer and weights go on at the new rate.
        Returns the notes on what the server adjusted."""
        upload_classes = None if self.upload is None else self.upload.classes
        new, notes = settings.merge(self.config, changes, upload_classes)
        changed = {key for key, value in new.to_json().items()
                   if value != self.config.to_json()[key]}
        old, self.config = self.config, new
        try:
            self._rebuild(changed)
        except ValueError:
            self.config = old
            raise
        self.diverged = None  # a lower rate, say: the user may go on
        return notes

    def _rebuild(self, changed: set[str]) -> None:
        if changed & settings.DATA_KEYS:
            self.data = model.make_data(self.config, self.upload)
        if changed & (settings.DATA_KEYS | settings.NETWORK_KEYS):
            self._prepare_data()
            self._new_network()
        elif changed & {"optimizer", "schedule"}:
            self._new_optimizer()
        elif "lr" in changed:
            self.optimizer.lr = self.config.lr
        if self.epoch > 0:  # the exported snippet says what changed along the way
            self.changed_in_run |= changed & _TRAINING_KEYS

    def set_upload(self, upload: model.Upload) -> list[str]:
        """Train on the user's data from now on: a new split and a new network."""
        new, notes = settings.merge(self.config, {"dataset": "upload"}, upload.classes)
        self.upload, self.config = upload, new
        self._rebuild(set(settings.DATA_KEYS))
        return notes

    def load_preset(self, preset) -> list[str]:
        """The set-up of a claim preset (from the defaults, so it looks the same whatever was
        on screen), a new network, and the preset's starting weights."""
        new, notes = settings.merge(Config(), preset.config)
        self.config, self.resets = new, 0
        self._rebuild(set(settings.DATA_KEYS))
        for layer, source, target, value in preset.weights:
            self.set_weight(layer, source, target, value)
        return notes

    def reset(self) -> None:
        """New initial weights (the next seed), epoch 0; same set-up and data."""
        self.resets += 1
        self._new_network()

    def set_weight(self, layer: int, source: int, target: int, value) -> None:
        """Set the weight from unit ``source`` to unit ``target`` of hidden/output layer
        ``layer`` (0-based among the Dense layers) to ``value``, as a click on a connection."""
        dense = [lay for lay in self.net.layers if hasattr(lay, "weight")]
        _index(layer, len(dense), "layer")
        weight = dense[layer].weight.value
        _index(source, weight.shape[0], "source unit")
        _index(target, weight.shape[1], "target unit")
        bound = limits.MAX_WEIGHT
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not np.isfinite(value) or abs(value) > bound:
            raise ValueError(f"a weight must be a number from {-bound:g} to {bound:g}, "
                             f"got {value!r}")
        weight[source, target] = value
        if self.epoch == 0:
            self.start_weights.append((layer, source, target, float(value)))
        else:
            self.changed_in_run.add("weights")
        self.diverged = None

    # --- training -------------------------------------------------------------------------------

    def train(self, steps: int, stop: Callable[[], bool] = lambda: False) -> int:
        """Train up to ``steps`` epochs, checking ``stop()`` before each; return how many ran.

        A diverging network (loss NaN or inf) keeps the weights of that epoch's start, sets
        ``diverged`` to a message, and trains no more until a reset or a change. The lock
        ``training`` is held meanwhile: whoever takes it next knows no step is under way.
        """
        done = 0
        with self.training:
            while done < steps and self.diverged is None and not stop():
                try:
                    self._train_epoch()
                except TrainingDivergedError as error:
                    self.diverged = str(error) + _DIVERGED_HINT
                    break
                done += 1
        return done

    def _train_epoch(self) -> None:
        c = self.config
        self.optimizer.lr = self.schedule(self.epoch, c.lr)
        history = self.net.fit(
            self.x_train, self.t_train, epochs=1, batch_size=c.batch, optimizer=self.optimizer,
            seed=epoch_seed(self.run_seed, self.epoch), progress=False,
            l1=c.reg_rate if c.reg == "l1" else 0.0, l2=c.reg_rate if c.reg == "l2" else 0.0)
        self.schedule.observe(history.history["loss"][-1])
        self.epoch += 1
        self.epochs_trained += 1

    def shape(self) -> list[int]:
        """Widths of the Dense layers, inputs first: [features, hidden…, outputs]."""
        dense = [lay for lay in self.net.layers if hasattr(lay, "weight")]
        return [self.net.n_inputs, *(lay.out_features for lay in dense)]


def _index(value, size: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer from 0 to {size - 1}, got {value!r}")
