"""Changing an experiment's parameters: ``neuralab lab --only ID --set key=value``.

An experiment declares which of its parameters the measurement reads (``settable``: dotted
paths into ``params`` for nested ones, "neuron.lr"); the rest describe the method and stay
fixed. A new value is checked against the declared one: the same type (a count stays a whole
number, a rate a finite number, a list a list of the same kind of items), the same sign, and
one of the declared ``choices`` where the experiment lists them. Text from the command line is
parsed first ("0.5", "[1e-3, 1e-2]", "true", "mnist-5k").
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["apply", "check", "describe", "parse_assignments"]


def _get(params: Mapping[str, Any], key: str) -> Any:
    value: Any = params
    for part in key.split("."):
        value = value[part]
    return value


def apply(params: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with each dotted key of ``overrides`` replaced (in place; returned)."""
    for key, value in overrides.items():
        *path, last = key.split(".")
        target = params
        for part in path:
            target = target[part]
        target[last] = value
    return params


def parse_assignments(assignments: Iterable[str]) -> dict[str, str]:
    """``["epochs=50", "neuron.lr=0.3"]`` → ``{"epochs": "50", "neuron.lr": "0.3"}``."""
    parsed = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"--set {item!r}: write key=value, e.g. --set epochs=50")
        parsed[key.strip()] = value.strip()
    return parsed


def check(experiment, key: str, value: Any) -> Any:
    """``value`` for parameter ``key`` of ``experiment`` (a class), parsed from text if it is
    text and checked against the declared value; a ValueError says what is wrong."""
    if key not in experiment.settable:
        known = ", ".join(experiment.settable) or "none"
        raise ValueError(f"experiment {experiment.id!r} has no settable parameter {key!r}; "
                         f"settable: {known} (see neuralab lab --list-params)")
    declared = _get(experiment.parameters(True), key)
    name = f"{experiment.id} {key}"
    if isinstance(value, str) and not isinstance(declared, str):
        value = _literal(value, name)
    value = _like(value, declared, name)
    choices = experiment.choices.get(key)
    if choices is not None and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(str, choices))}, got {value!r}")
    return value


def _literal(text: str, name: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "yes", "false", "no"):
        return lowered in ("true", "yes")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        if "," in text:
            return [_literal(part.strip(), name) for part in text.split(",")]
        raise ValueError(f"{name}: cannot read {text!r} as a value") from None


def _like(value: Any, declared: Any, name: str) -> Any:
    """``value`` if it has the declared value's kind (and sign), else a ValueError."""
    if isinstance(declared, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{name} is true or false, got {value!r}")
        return value
    if isinstance(declared, int | float):
        return _number(value, declared, name)
    if isinstance(declared, str):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} is a name, got {value!r}")
        return value
    if isinstance(declared, list):
        items = value if isinstance(value, list | tuple) else [value]
        if not items:
            raise ValueError(f"{name} needs at least one item")
        return [_like(item, declared[0], name) for item in items]
    raise ValueError(f"{name} cannot be set")


def _number(value: Any, declared: int | float, name: str) -> int | float:
    whole = isinstance(declared, int)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is a {'whole ' if whole else ''}number, got {value!r}")
    if whole and value != int(value):
        raise ValueError(f"{name} is a whole number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if declared > 0 and value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    if declared >= 0 and value < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return int(value) if whole else float(value)


def describe(experiment) -> list[tuple[str, Any, Any]]:
    """Each settable parameter of ``experiment``: (key, quick value, full value)."""
    quick, full = experiment.parameters(True), experiment.parameters(False)
    return [(key, _get(quick, key), _get(full, key)) for key in experiment.settable]
