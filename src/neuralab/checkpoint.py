"""Checkpoints: everything ``fit`` needs to go on after an epoch, in one safetensors file.

``fit(..., checkpoint="run.ckpt")`` writes one after every epoch and, called again with the
same arguments, resumes after the last epoch it finds, so that a run killed and resumed ends with
the same weights and History, bit for bit, as a run never interrupted. The file holds

- arrays: the network's parameters (``network.layers.0.weight``, …) and the optimizer's
  per-parameter state (``optimizer.0.m``, …);
- JSON metadata: the network's description, the number of epochs done, the optimizer's
  hyper-parameters and scalar state (its step count ``t``), the schedule's state, the random
  generators' states (shuffling, dropout masks), the step count, the History so far, a
  fingerprint of the run (network, loss, optimizer and its settings, batch size, data shape and
  hash…) that a resuming ``fit`` must match, and the machine it ran on.

The safety rules of model files hold (:mod:`neuralab.safefile`): nothing in the file is ever
executed, every array is checked against the description before it is allocated, and the
file is replaced atomically, so a crash mid-write leaves the previous checkpoint whole.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np
from safetensors.numpy import save as tensors_to_bytes

from neuralab import environment, modelfile, safefile

__all__ = ["TrainingState", "save", "load", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "neuralab-checkpoint"
FORMAT_VERSION = 1


@dataclass
class TrainingState:
    """Where a ``fit`` call stands after ``epochs_done`` epochs, as plain values and arrays.

    ``optimizer`` is ``Optimizer.state_dict()`` (its arrays included), ``schedule`` a
    ``Schedule.state_dict()`` or None, ``rngs`` the ``bit_generator.state`` of each random
    generator in a fixed order (None where there is none), ``history`` the History's
    ``{"history": {...}, "epoch": [...]}``, ``weights`` the network's ``state_dict()``.
    """

    epochs_done: int
    fingerprint: dict
    optimizer: dict
    schedule: dict | None
    rngs: list
    step: int
    history: dict
    weights: dict = field(default_factory=dict)


def save(path, net, state: TrainingState) -> None:
    """Write ``state`` (with ``net``'s weights) to ``path`` atomically."""
    path = os.fspath(path)
    arrays = {f"network.{name}": value for name, value in net.state_dict().items()}
    scalars = []
    for i, entry in enumerate(state.optimizer["state"]):
        scalars.append({k: v for k, v in entry.items() if not isinstance(v, np.ndarray)})
        arrays.update({f"optimizer.{i}.{k}": v for k, v in entry.items()
                       if isinstance(v, np.ndarray)})
    safefile.check_finite(arrays, f"not saving checkpoint {path}: ")
    meta = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
            "network": modelfile.description(net), "epochs_done": state.epochs_done,
            "fingerprint": state.fingerprint, "step": state.step, "rngs": state.rngs,
            "optimizer": {"name": state.optimizer["name"],
                          "hyperparameters": state.optimizer["hyperparameters"],
                          "scalars": scalars,
                          "arrays": [sorted(k for k, v in entry.items()
                                            if isinstance(v, np.ndarray))
                                     for entry in state.optimizer["state"]]},
            "schedule": state.schedule, "history": state.history,
            "environment": environment.describe()}
    metadata = {"format": FORMAT_NAME, "neuralab_checkpoint": json.dumps(meta)}
    safefile.write_atomic(path, tensors_to_bytes(arrays, metadata=metadata))


def load(path, net) -> TrainingState:
    """The state in the checkpoint ``path``, which must be of ``net``'s architecture.

    Nothing is applied to ``net`` here: ``fit`` first compares the fingerprint. Raises
    ValueError for a foreign, corrupted or newer file, or one of another network.
    """
    path = os.fspath(path)
    data, header, meta = safefile.read_described(
        path, "neuralab checkpoint", FORMAT_NAME, "neuralab_checkpoint",
        "it has no checkpoint description (a model file? load those with neuralab.load)")
    _check_meta(path, meta, net)
    safefile.check_arrays(path, header, _expected_arrays(path, meta, net),
                          safefile.data_size(data))
    arrays = safefile.load_arrays(path, data, f"{path} is not a neuralab checkpoint")
    return _state(meta, arrays)


def _check_meta(path: str, meta, net) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: invalid checkpoint description")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise ValueError(f"{path} is a checkpoint of format version {version!r}; this neuralab "
                         f"reads up to version {FORMAT_VERSION}")
    if meta.get("network") != modelfile.description(net):
        raise ValueError(f"{path} is a checkpoint of another network "
                         f"({_summary(meta.get('network'))}), not of this one "
                         f"({_summary(modelfile.description(net))}); use another checkpoint "
                         "path, or delete it to start over")
    for key, kind in (("epochs_done", int), ("step", int), ("fingerprint", dict),
                      ("rngs", list), ("optimizer", dict), ("history", dict)):
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise ValueError(f"{path}: invalid checkpoint description: {key!r} is missing or "
                             f"not a {kind.__name__}")


def _summary(description) -> str:
    """"64-32-10, relu/softmax, cross_entropy" from a network description."""
    try:
        dense = [layer for layer in description["layers"] if layer["type"] == "Dense"]
        sizes = [dense[0]["in_features"], *(layer["out_features"] for layer in dense)]
        acts = "/".join(layer["activation"]["name"] for layer in dense)
        return f"{'-'.join(map(str, sizes))}, {acts}, {description['loss']}"
    except (KeyError, TypeError, IndexError):
        return "unreadable description"


def _expected_arrays(path: str, meta: dict, net) -> dict:
    """Array name → (shape, dtype): the network's parameters and the optimizer's state."""
    expected = {f"network.{p.name}": (p.value.shape, p.value.dtype) for p in net.parameters()}
    names = meta["optimizer"].get("arrays")
    if not isinstance(names, list) or len(names) > 1:
        raise ValueError(f"{path}: invalid checkpoint description: optimizer arrays {names!r}")
    for i, keys in enumerate(names):  # fit steps one flat parameter: one entry at most
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ValueError(f"{path}: invalid checkpoint description: optimizer arrays {keys!r}")
        expected.update({f"optimizer.{i}.{k}": (net.flat.value.shape, net.dtype) for k in keys})
    return expected


def _state(meta: dict, arrays: dict) -> TrainingState:
    optimizer = meta["optimizer"]
    scalars = optimizer.get("scalars") or []
    entries = []
    for i, keys in enumerate(optimizer["arrays"]):
        entry = dict(scalars[i]) if i < len(scalars) and isinstance(scalars[i], dict) else {}
        entry.update({k: arrays[f"optimizer.{i}.{k}"] for k in keys})
        entries.append(entry)
    weights = {name.removeprefix("network."): value for name, value in arrays.items()
               if name.startswith("network.")}
    return TrainingState(
        epochs_done=meta["epochs_done"], fingerprint=meta["fingerprint"],
        optimizer={"name": optimizer.get("name"),
                   "hyperparameters": optimizer.get("hyperparameters"), "state": entries},
        schedule=meta.get("schedule"), rngs=meta["rngs"], step=meta["step"],
        history=meta["history"], weights=weights)
