"""A playground set-up: what the page's controls say, checked by the server.

The page sends changes as a JSON object (``{"lr": 0.1}``, ``{"layers": [4, 4, 2]}``); the
server merges them into the tab's :class:`Config` with :func:`merge`, which checks every value
against its kind and the limits of :mod:`neuralab.play.limits` and raises ``ValueError`` with
a message naming the setting and what it accepts. Nothing the page sends is evaluated: names
are looked up in neuralab's registries, numbers are parsed as JSON numbers and bounded.

The same set-up travels in the page's URL (``#dataset=xor&lr=0.03&layers=4,2…``), so a shared
link restores it; the URL coding is the page's, the checks are these.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from neuralab import activations, initializers, losses, optimizers, schedules
from neuralab.play import limits

__all__ = ["Config", "merge", "loss_problem", "DATASETS", "REGRESSION", "MULTICLASS",
           "FEATURES", "SCHEDULE_ARGUMENTS", "DATA_KEYS", "NETWORK_KEYS"]

DATASETS = ("circles", "xor", "gauss", "spiral", "plane", "multigauss")
"""The generated data sets (``neuralab.datasets`` names); "upload" is the user's own CSV."""
REGRESSION = ("plane", "multigauss")
"""Data sets whose targets are real numbers."""
MULTICLASS = ("gauss", "spiral")
"""Data sets that take a class count (2 to 5)."""
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
"""Input features: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ (see :mod:`neuralab.play.model`)."""
SCHEDULE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "constant": {}, "step": {"step_size": 50, "gamma": 0.5}, "exponential": {"gamma": 0.99},
    "cosine": {"total": 500}, "inverse_scaling": {"power_t": 0.5},
    "reduce_on_plateau": {"factor": 0.5, "patience": 20},
}
"""Each learning-rate schedule with the arguments the playground gives it (per epoch)."""
REGULARIZATION = ("none", "l1", "l2")


@dataclass(frozen=True)
class Config:
    """One tab's set-up. Defaults: TensorFlow Playground's (circles, x₁ and x₂, 4 and 2 tanh
    neurons, learning rate 0.03, batch 10, half the points for training)."""

    dataset: str = "circles"
    classes: int = 2
    noise: int = 10
    ratio: int = 50
    seed: int = 1
    batch: int = 10
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    lr: float = 0.03
    schedule: str = "constant"
    init: str = "auto"
    dropout: float = 0.0
    reg: str = "none"
    reg_rate: float = 0.0
    speed: int = 1

    def to_json(self) -> dict:
        """The set-up as JSON-able values (tuples as lists)."""
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}

    @property
    def regression(self) -> bool:
        """True for real-valued targets: plane, multigauss, or an upload of real labels."""
        return self.classes == 0


DATA_KEYS = frozenset({"dataset", "classes", "noise", "ratio", "seed"})
"""Settings that make new data (and so a new network)."""
NETWORK_KEYS = frozenset({"features", "layers", "activations", "loss", "init", "dropout"})
"""Settings that make a new network (the data stays)."""


# --- one check per kind of value --------------------------------------------------------------


def _integer(key: str, low: int, high: int):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{key} must be an integer from {low} to {high}, got {value!r}")
        return value
    return check


def _real(key: str, low: float, high: float):
    def check(value):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"{key} must be a number from {low:g} to {high:g}, got {value!r}")
        return float(value)
    return check


def _one_of(key: str, choices):
    def check(value):
        if value not in choices:
            raise ValueError(f"{key} must be one of {', '.join(choices)}; got {value!r}")
        return value
    return check


def _registered(key: str, registry, exclude=()):
    def check(value):
        if not isinstance(value, str):
            raise ValueError(f"{key} must be a name, got {value!r}")
        name = registry.canonical(value)  # ValueError listing the known names
        if name in exclude:
            raise ValueError(f"{key} cannot be {name}: {exclude[name]}")
        return name
    return check


def _list_of(key: str, item, low: int, high: int):
    def check(value):
        if not isinstance(value, list | tuple) or not low <= len(value) <= high:
            raise ValueError(f"{key} must be a list of {low} to {high} items, got {value!r}")
        return tuple(item(v) for v in value)
    return check


def _features(value):
    chosen = _list_of("features", _one_of("features", FEATURES), 1, len(FEATURES))(value)
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"features lists a feature twice: {list(chosen)}")
    return tuple(f for f in FEATURES if f in chosen)  # one order: the page's


_HIDDEN = _registered("activations", activations.REGISTRY,
                      {"softmax": "it is an output activation (the cross-entropy loss adds it)"})

CHECKS = {
    "dataset": _one_of("dataset", (*DATASETS, "upload")),
    "classes": _integer("classes", *limits.CLASSES),
    "noise": _integer("noise", 0, 50),
    "ratio": _integer("ratio", 10, 90),
    "seed": _integer("seed", 0, 2**31 - 1),
    "batch": _integer("batch", 1, limits.MAX_BATCH),
    "features": _features,
    "layers": _list_of("layers", _integer("neurons per layer", 1, limits.MAX_NEURONS),
                       0, limits.MAX_HIDDEN_LAYERS),
    "activations": _list_of("activations", _HIDDEN, 0, limits.MAX_HIDDEN_LAYERS),
    "loss": _registered("loss", losses.REGISTRY),
    "optimizer": _registered("optimizer", optimizers.REGISTRY),
    "lr": _real("lr", *limits.LEARNING_RATE),
    "schedule": _registered("schedule", schedules.REGISTRY),
    "init": _one_of("init", ("auto", *initializers.names())),
    "dropout": _real("dropout", 0.0, limits.MAX_DROPOUT),
    "reg": _one_of("reg", REGULARIZATION),
    "reg_rate": _real("reg_rate", 0.0, limits.MAX_REGULARIZATION),
    "speed": _integer("speed", 1, limits.MAX_STEPS_PER_FRAME),
}
assert set(CHECKS) == {f.name for f in fields(Config)}  # every setting has its check


# --- merging a change into a set-up ------------------------------------------------------------


def merge(config: Config, changes: Any, upload_classes: int | None = None
          ) -> tuple[Config, list[str]]:
    """``config`` with ``changes`` applied and checked; and notes on what the server adjusted.

    ``changes`` maps setting names to new values. ``upload_classes`` is the class count of the
    tab's uploaded CSV (0 for real labels), None when there is none. Raises ``ValueError`` for
    an unknown setting, a bad value, or a loss that cannot fit the data; adjusts (with a note)
    what a new data set makes impossible, such as a cross-entropy loss on a regression set.
    """
    if not isinstance(changes, dict):
        raise ValueError(f"config must be an object of settings, got {type(changes).__name__}")
    unknown = sorted(set(changes) - set(CHECKS))
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; settings: {', '.join(CHECKS)}")
    checked = {key: CHECKS[key](value) for key, value in changes.items()}
    new = replace(config, **checked)
    new = _fit_activations(new, config)
    new = _fit_classes(new, upload_classes)
    return _fit_loss(new, data_changed=bool(DATA_KEYS & set(changes)),
                     loss_given="loss" in changes)


def _fit_activations(new: Config, old: Config) -> Config:
    """One activation per hidden layer: a new layer takes the last layer's activation."""
    acts = list(new.activations)
    fill = acts[-1] if acts else (old.activations[-1] if old.activations else "tanh")
    acts = (acts + [fill] * len(new.layers))[: len(new.layers)]
    return replace(new, activations=tuple(acts))


def _fit_classes(new: Config, upload_classes: int | None) -> Config:
    """The class count the data set has: 0 for regression, 2 for circles and xor."""
    if new.dataset == "upload":
        if upload_classes is None:
            raise ValueError("dataset 'upload' needs an uploaded CSV first")
        return replace(new, classes=upload_classes)
    if new.dataset in REGRESSION:
        return replace(new, classes=0)
    if new.dataset not in MULTICLASS:
        return replace(new, classes=2)
    return new if new.classes else replace(new, classes=2)


def _fit_loss(new: Config, data_changed: bool, loss_given: bool) -> tuple[Config, list[str]]:
    """Check the loss against the data; after a data change, pick one that fits (with a note)."""
    problem = loss_problem(new.loss, new.classes)
    if problem is None:
        return new, []
    if data_changed and not loss_given:
        loss = "quadratic" if new.regression else "cross_entropy"
        return replace(new, loss=loss), [f"{problem}: the loss is now {loss}"]
    raise ValueError(problem)


def loss_problem(loss: str, classes: int) -> str | None:
    """Why ``loss`` cannot train on data of ``classes`` classes (0: regression), or None."""
    if classes == 0 and losses.get(loss).is_classification:
        return f"{loss} needs class labels, and this data set has real-valued targets"
    if loss == "binary_cross_entropy" and classes > 2:
        return f"binary_cross_entropy needs 2 classes, and this data set has {classes}"
    return None

