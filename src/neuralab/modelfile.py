"""Model files: ``save`` a Network to one ``.safetensors`` file, ``load`` it back.

The file is plain safetensors (readable from PyTorch too): the arrays by name
(``layers.0.weight``, …) and, in its metadata, a JSON description of the network (layers,
activations with their arguments, the loss by registered name, the format version). Loading
never executes anything from the file: it parses the description, builds the network it
describes, and checks every array's name, shape and dtype against it before copying it in.
Saving writes a temporary file beside the target and renames it in one step, so a crash never
leaves a half-written model.
"""

from __future__ import annotations

import json
import os

import numpy as np
from safetensors.numpy import save as tensors_to_bytes

from neuralab import activations, checks, environment, safefile
from neuralab.layers import Dense, Dropout
from neuralab.network import Network

__all__ = ["save", "load", "description", "expected_arrays", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "neuralab"
FORMAT_VERSION = 1


def description(net: Network) -> dict:
    """The JSON-able architecture of ``net``: what ``save`` writes beside the weights."""
    return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
            "dtype": net.dtype.name, "loss": net.loss.name,
            "layers": [_layer_config(layer) for layer in net.layers]}


def save(net: Network, path) -> None:
    """Write ``net`` to one ``.safetensors`` file (weights + JSON description).

    Refuses a network holding NaN or inf (a diverged run is not saved silently). The bytes go
    to a temporary file in the same folder, which then replaces ``path`` in one rename: a crash
    mid-way leaves any previous file untouched (see :mod:`neuralab.safefile`).
    """
    path = os.fspath(path)
    state = net.state_dict()
    safefile.check_finite(state, f"not saving {path}: ")
    metadata = {"format": FORMAT_NAME, "neuralab": json.dumps(description(net)),
                "environment": json.dumps(environment.describe())}
    safefile.write_atomic(path, tensors_to_bytes(state, metadata=metadata))


def load(path) -> Network:
    """Read a Network written by ``save``. Never executes anything from the file.

    Reads only a regular file, at most its size. The description is checked, and the arrays it
    implies are compared with the file's header (names, shapes, dtypes, byte ranges), before
    any array or network is allocated. Raises ValueError naming the problem for an empty,
    truncated, corrupted or foreign file, a newer format version, arrays that do not match the
    description, or arrays holding NaN or inf.
    """
    path = os.fspath(path)
    data, header, described = safefile.read_described(
        path, "neuralab model file", FORMAT_NAME, "neuralab",
        "it is a safetensors file without neuralab's description (written by another program?)")
    expected = expected_arrays(path, described)
    safefile.check_arrays(path, header, expected, safefile.data_size(data))
    net = _build(path, described)
    net.load_state_dict(safefile.load_arrays(path, data, f"{path} is not a neuralab model file"))
    return net


def expected_arrays(path: str, described) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Array name → (shape, dtype) that a description implies, computed without allocating."""
    dtype, layers = _check_description(path, described)
    expected: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    for i, cfg in enumerate(layers):
        if not isinstance(cfg, dict) or cfg.get("type") not in ("Dense", "Dropout"):
            raise ValueError(f"{path}: invalid neuralab description: unknown layer {cfg!r}; "
                             "expected type Dense or Dropout")
        if cfg["type"] == "Dropout":
            continue  # no arrays
        try:
            n_in = checks.integer(cfg.get("in_features"), "in_features", minimum=1)
            n_out = checks.integer(cfg.get("out_features"), "out_features", minimum=1)
        except ValueError as err:
            raise ValueError(f"{path}: invalid neuralab description: {err}") from None
        expected[f"layers.{i}.weight"] = ((n_in, n_out), dtype)
        if cfg.get("bias") is True:
            expected[f"layers.{i}.bias"] = ((n_out,), dtype)
    return expected


def _layer_config(layer) -> dict:
    if isinstance(layer, Dropout):
        return {"type": "Dropout", "rate": layer.rate}
    return {"type": "Dense", "in_features": layer.in_features,
            "out_features": layer.out_features, "bias": layer.bias is not None,
            "activation": {"name": layer.activation.name,
                           "config": layer.activation.get_config()}}


def _check_description(path: str, described) -> tuple[np.dtype, list]:
    """(dtype, layer configs) of a description whose format, version and dtype are valid."""
    safefile.check_format(path, described, FORMAT_NAME, FORMAT_VERSION, "neuralab description")
    bad = f"{path}: invalid neuralab description"
    dtype, layers = described.get("dtype"), described.get("layers")
    if dtype not in ("float32", "float64") or not isinstance(layers, list) or not layers:
        raise ValueError(f"{bad}: needs dtype float32/float64 and a non-empty layer list")
    return np.dtype(dtype), layers


def _build(path: str, described) -> Network:
    """The Network a description (already checked by ``expected_arrays``) describes."""
    dtype, layers = _check_description(path, described)
    try:
        return Network([_build_layer(cfg, dtype.name) for cfg in layers],
                       loss=str(described.get("loss")))
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"{path}: invalid neuralab description: {err}") from None


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
