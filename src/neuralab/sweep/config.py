"""The TOML config of ``neuralab sweep``: data, seeds, metric; the fixed, grid and random tables.

.. code-block:: toml

    data = "digits"            # a datasets.load name, or a .csv/.npz path (relative to this file)
    seeds = 5                  # a count or a list
    metric = "val_accuracy"    # what best() maximizes (minimizes when it ends in "loss")

    [fixed]                    # any mlp()/fit()/optimizer argument
    hidden = [64, 32]
    epochs = 20

    [grid]                     # every combination
    activation = ["sigmoid", "tanh", "relu"]

    [random]                   # optional: n draws, seeded
    n = 20
    seed = 0
    weight_decay = { loguniform = [1e-6, 1e-2] }

Distributions: ``{ uniform = [low, high] }``, ``{ loguniform = [low, high] }``,
``{ randint = [low, high] }`` (both ends included) and ``{ choice = [a, b, …] }``. Every mistake
— malformed TOML, an unknown key or table, a distribution written wrong — is a ValueError that
names the file and the key.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from neuralab import datafiles, safefile

from .space import DISTRIBUTIONS, Distribution, Space

__all__ = ["Config", "load_config"]

TOP = ("data", "seeds", "metric", "fixed", "grid", "random")


@dataclass
class Config:
    """A sweep as a config file describes it: ``sweep(space, data=…, seeds=…, **fixed)``."""

    space: Space
    data: str
    seeds: Any = 3
    metric: str = "val_accuracy"
    fixed: dict[str, Any] = field(default_factory=dict)


def _table(path: str, doc: dict, name: str) -> dict:
    table = doc.get(name, {})
    if not isinstance(table, dict):
        raise ValueError(f"{path}: {name} must be a table ([{name}]), got {table!r}")
    return table


def _distribution(path: str, key: str, spec: Any) -> Distribution:
    """``{ loguniform = [1e-6, 1e-2] }`` → loguniform(1e-6, 1e-2)."""
    where = f"{path}: random.{key}"
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in DISTRIBUTIONS:
        raise ValueError(f"{where} must be one distribution, e.g. {{ loguniform = [1e-4, 1e-1] }}"
                         f"; distributions: {', '.join(DISTRIBUTIONS)}; got {spec!r}")
    kind, args = next(iter(spec.items()))
    if not isinstance(args, list):
        raise ValueError(f"{where}: {kind} takes a list, e.g. {{ {kind} = [1, 10] }}")
    try:
        return DISTRIBUTIONS[kind](args) if kind == "choice" else DISTRIBUTIONS[kind](*args)
    except TypeError:
        raise ValueError(f"{where}: {kind} takes two numbers [low, high], got {args!r}") from None
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


def _space(path: str, doc: dict) -> Space:
    grid = _table(path, doc, "grid")
    random = dict(_table(path, doc, "random"))
    n, seed = random.pop("n", None), random.pop("seed", 0)
    if random and n is None:
        raise ValueError(f"{path}: [random] needs n, the number of draws")
    draws = {key: _distribution(path, key, spec) for key, spec in random.items()}
    try:
        return Space(grid=grid, random=draws, n=10 if n is None else n, seed=seed)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path}: {error}") from None


def _data(path: str, doc: dict) -> str:
    data = doc.get("data")
    if not isinstance(data, str) or not data:
        raise ValueError(f"{path}: data must name a data set (e.g. data = \"digits\") or a .csv "
                         "or .npz file")
    if datafiles.is_data_file(data):  # a file next to the config
        data = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.expanduser(data))
    return data


def _toml():
    """The TOML reader: the standard library's from Python 3.11, the tomli backport before."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10
        import tomli
    except ImportError as error:
        raise ImportError("reading a TOML config on Python 3.10 needs tomli: "
                          "pip install 'neuralab[sweep]'") from error
    return tomli


def load_config(path: str | os.PathLike) -> Config:
    """Read and check the config file at ``path``.

    Raises:
        ValueError: malformed TOML (with its line), an unknown top-level key or table, a
            missing ``data``, a bad distribution; each message names the file.
    """
    path = os.fspath(path)
    raw = safefile.read_regular_file(path, "config file")
    toml = _toml()
    try:
        doc = toml.loads(raw.decode("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(doc) - set(TOP))
    if unknown:
        raise ValueError(f"{path}: unknown key {', '.join(unknown)}; a sweep config has "
                         f"{', '.join(TOP)} (mlp/fit arguments go in [fixed])")
    metric = doc.get("metric", "val_accuracy")
    if not isinstance(metric, str):
        raise ValueError(f"{path}: metric must be a name such as \"val_accuracy\"")
    return Config(_space(path, doc), _data(path, doc), doc.get("seeds", 3), metric,
                  _table(path, doc, "fixed"))
