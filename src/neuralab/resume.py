"""``fit(..., checkpoint=PATH)``: save the run after every epoch, resume it after a crash.

:class:`Resume` connects one ``fit`` call to its checkpoint file (:mod:`neuralab.checkpoint`):
``restore`` puts back what a previous call saved — after checking that the file belongs to the
same run — and ``save`` writes the state after each epoch. What makes a resumed run equal, bit
for bit, to one never interrupted is that every source of change is saved: the weights, the
optimizer's state, the schedule's, the step count and every random generator (the shuffling
order, the dropout masks).

The *fingerprint* of a run is what must not change between the two calls: the loss, the
optimizer and its settings, the schedule, the batch size, shuffling, the L1/L2 penalties and
the data (shape and a hash of its bytes). The network's architecture is checked too. The number
of epochs may grow: the second call trains the epochs the first did not (Keras's
``initial_epoch``), or none when the checkpoint already has them all.
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np

from neuralab import checkpoint

__all__ = ["Resume", "fingerprint"]


def fingerprint(loop) -> dict:
    """What a resumed run must share with the saved one (see the module docstring)."""
    x, targets, _, weights = loop.data
    digest = hashlib.blake2b(digest_size=16)
    for array in (x, targets, weights):
        if array is not None:
            digest.update(np.ascontiguousarray(array).tobytes())
    return json.loads(json.dumps({"loss": loop.net.loss.name,
            "optimizer": {"name": loop.optimizer.name,
                          "hyperparameters": loop.optimizer.hyperparameters()},
            "schedule": None if loop.schedule is None else loop.schedule.name,
            "batch_size": loop.batch_size, "shuffle": loop.rng is not None,
            "l1": loop.penalty.l1, "l2": loop.penalty.l2,
            "data": {"x": list(x.shape), "targets": list(targets.shape),
                     "sample_weight": weights is not None, "hash": digest.hexdigest()}}))
    # through JSON and back: tuples become lists, as they will be when read from the file


class Resume:
    """The checkpoint of one ``fit`` call: ``restore`` once before training, ``save`` per epoch."""

    def __init__(self, path, loop):
        self.path = os.fspath(path)
        self.loop = loop
        self.fingerprint = fingerprint(loop)

    def restore(self, history) -> int:
        """Load the checkpoint if there is one; return the number of epochs it had done."""
        if not os.path.exists(self.path):
            return 0
        state = checkpoint.load(self.path, self.loop.net)
        self._check_fingerprint(state.fingerprint)
        loop = self.loop
        loop.net.load_state_dict(state.weights)
        loop.optimizer.load_state_dict(state.optimizer)
        if loop.schedule is not None and state.schedule is not None:
            loop.schedule.load_state_dict(state.schedule)
        self._restore_rngs(state.rngs)
        loop.step = state.step
        _restore_history(self.path, history, state.history)
        return state.epochs_done

    def save(self, epochs_done: int, history) -> None:
        """Write the state after ``epochs_done`` epochs (atomically: see checkpoint)."""
        loop = self.loop
        checkpoint.save(self.path, loop.net, checkpoint.TrainingState(
            epochs_done=epochs_done, fingerprint=self.fingerprint,
            optimizer=loop.optimizer.state_dict(),
            schedule=None if loop.schedule is None else loop.schedule.state_dict(),
            rngs=[None if rng is None else rng.bit_generator.state for rng in self._rngs()],
            step=loop.step, history={"history": history.history, "epoch": history.epoch}))

    def _rngs(self) -> list:
        """The run's random generators in a fixed order: shuffling, then each Dropout's."""
        dropout = [layer.rng for layer in self.loop.net.layers if hasattr(layer, "rng")]
        return [self.loop.rng, *dropout]

    def _check_fingerprint(self, saved: dict) -> None:
        for key, value in self.fingerprint.items():
            if saved.get(key) != value:
                raise ValueError(
                    f"{self.path} is a checkpoint of another run: its {key} is "
                    f"{saved.get(key)!r}, this fit's is {value!r}. Use another checkpoint "
                    "path, or delete this one to start over")

    def _restore_rngs(self, states: list) -> None:
        rngs = self._rngs()
        if len(states) != len(rngs):
            raise ValueError(f"{self.path}: the checkpoint has {len(states)} random generator "
                             f"states, this run has {len(rngs)}")
        for rng, state in zip(rngs, states, strict=True):
            if (rng is None) != (state is None):
                raise ValueError(f"{self.path}: the checkpoint's random generators do not fit "
                                 "this run (shuffle on in one, off in the other?)")
            if rng is not None:
                try:
                    rng.bit_generator.state = state
                except (TypeError, ValueError, KeyError) as err:
                    raise ValueError(f"{self.path}: invalid random generator state ({err})") \
                        from None


def _restore_history(path: str, history, saved: dict) -> None:
    logs, epochs = saved.get("history"), saved.get("epoch")
    if not isinstance(logs, dict) or not isinstance(epochs, list) or not all(
            isinstance(v, list) and len(v) == len(epochs) for v in logs.values()):
        raise ValueError(f"{path}: invalid checkpoint description: the History is malformed")
    history.history = {key: list(values) for key, values in logs.items()}
    history.epoch = list(epochs)
