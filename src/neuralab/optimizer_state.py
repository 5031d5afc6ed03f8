"""Checks on an optimizer's state: the per-step shape check and the checks of a loaded state.

A helper of :mod:`neuralab.optimizers`, kept apart so that the optimizers module reads as the
algorithms. ``Optimizer.state_dict()`` gives::

    {"name": "adam", "hyperparameters": {"lr": 0.001, ...},
     "state": [{"t": 12, "m": ndarray, "v": ndarray}, ...]}    # one dict per parameter

and ``Optimizer.load_state_dict`` accepts such a dict only when every part of it fits the
optimizer it is loaded into: the same algorithm, the same hyper-parameter names, and for every
parameter the step count ``t`` and the arrays the algorithm keeps (one shape and dtype).
"""

from __future__ import annotations

import numpy as np

from neuralab import checks

__all__ = ["check_matches", "check_state_dict", "checked_entry"]


def check_matches(i: int, value, grad, state: dict) -> None:
    """ValueError unless parameter i's grad and state arrays have its value's shape (and dtype)."""
    if getattr(grad, "shape", None) != value.shape:
        raise ValueError(f"parameter {i}: grad has shape {getattr(grad, 'shape', None)} but "
                         f"value has shape {value.shape}; they must match")
    for key, array in state.items():
        if key != "t" and (array.shape != value.shape or array.dtype != value.dtype):
            raise ValueError(
                f"parameter {i} has shape {value.shape} and dtype {value.dtype}, but its "
                f"optimizer state {key!r} has {array.shape} and {array.dtype}; pass the same "
                "parameters in the same order at every step, or call reset()")


def check_state_dict(state_dict, name: str, hyperparameters: dict,
                     same_algorithm: dict[str, str]) -> tuple[dict, list]:
    """(hyper-parameters, per-parameter entries) of a state dict for optimizer ``name``.

    ``hyperparameters`` are the optimizer's own (their names are what the dict must have);
    ``same_algorithm`` maps a name to the one it shares its state with ("gd" → "sgd").
    """
    if not isinstance(state_dict, dict) or set(state_dict) != {
            "name", "hyperparameters", "state"}:
        raise ValueError("state_dict must be the dict returned by Optimizer.state_dict(), "
                         "with keys 'name', 'hyperparameters' and 'state'")
    got = state_dict["name"]
    if same_algorithm.get(got, got) != same_algorithm.get(name, name):
        raise ValueError(f"state_dict is for optimizer {got!r}, not {name!r}; load it into "
                         f"get({got!r})")
    hyper = state_dict["hyperparameters"]
    if not isinstance(hyper, dict) or set(hyper) != set(hyperparameters):
        raise ValueError(f"state_dict hyperparameters must have the keys "
                         f"{sorted(hyperparameters)}, got "
                         f"{sorted(hyper) if isinstance(hyper, dict) else hyper!r}")
    entries = state_dict["state"]
    if not isinstance(entries, list):
        raise ValueError("state_dict['state'] must be a list with one dict per parameter")
    return hyper, entries


def checked_entry(i: int, entry, spec: dict, owner: str) -> dict:
    """Parameter i's state ``{"t": int, name: array, …}`` checked against ``spec`` (the
    optimizer's ``state_spec()``), with the arrays copied; ``owner`` names the optimizer."""
    keys = {"t", *spec}
    if not isinstance(entry, dict) or set(entry) != keys:
        got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise ValueError(f"state of parameter {i} must have the keys {sorted(keys)} for "
                         f"{owner}, got {got}")
    t = checks.integer(entry["t"], f"state of parameter {i}: 't'", minimum=0)
    arrays = {k: v for k, v in entry.items() if k != "t"}
    kinds = {(v.shape, v.dtype) for v in arrays.values() if isinstance(v, np.ndarray)}
    all_arrays = all(isinstance(v, np.ndarray) for v in arrays.values())
    if not all_arrays or len(kinds) > 1 or any(dtype.kind != "f" for _, dtype in kinds):
        raise ValueError(f"state of parameter {i}: {sorted(arrays)} must be floating-point "
                         "ndarrays of one shape and dtype")
    return {"t": t, **{k: np.array(v, copy=True) for k, v in arrays.items()}}
