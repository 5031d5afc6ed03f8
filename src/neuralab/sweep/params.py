"""The parameters of one run: which names a sweep takes, and where each one goes.

A run's parameters are one flat dict, the same for the grid, the random draws and the fixed
keywords. Each name goes to one place:

    hidden          mlp(sizes=[n_features, *hidden, n_outputs])   (an int is one layer)
    mlp() args      activation, output, loss, init, dtype
    fit() args      epochs, batch_size, optimizer, lr, shuffle, monitor, schedule, l1, l2
    optimizer args  the chosen optimizer's own: momentum, nesterov, betas, weight_decay, …
    data            the data set (a name or a file), fixed for the whole sweep
    data_seed       the seed of the data set's train/test split (default: the set's own, 0)

The names are read from the signatures of :func:`neuralab.mlp`, :func:`neuralab.training.fit`
and the optimizers, so a new argument there is a new sweepable name here. What a sweep sets
itself (the seed of each run, the data, the validation data, the progress bar) cannot be given.
Names of registered things (activations, losses, optimizers, initializers, schedules) are kept
in their canonical spelling, so that ``"ReLU"`` and ``"relu"`` are the same run.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from neuralab import activations, checks, initializers, losses, optimizers, schedules
from neuralab.network import mlp
from neuralab.training import fit

__all__ = ["known", "check_names", "canonical", "build", "n_outputs"]

#: fit()/mlp() arguments a sweep sets itself, with what to do instead.
RESERVED = {
    "seed": "each run's seed comes from seeds= (a count or a list)",
    "sizes": "give the hidden widths as hidden=[…]; input and output sizes come from the data",
    "net": "the sweep builds each network", "x": "the data come from data=",
    "y": "the data come from data=", "sample_weight": "not supported in a sweep",
    "validation_data": "each run is validated on the data set's test split",
    "callbacks": "not supported in a sweep", "progress": "the sweep has one progress bar",
    "checkpoint": "a sweep resumes from its results file instead",
}
SPECIAL = ("hidden", "data", "data_seed")
_NAMED = {"activation": activations.REGISTRY, "output": activations.REGISTRY,
          "loss": losses.REGISTRY, "init": initializers.REGISTRY,
          "optimizer": optimizers.REGISTRY, "schedule": schedules.REGISTRY}


def _arguments(function) -> list[str]:
    return [name for name, p in inspect.signature(function).parameters.items()
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


@functools.cache
def optimizer_arguments(name: str) -> tuple[str, ...]:
    """The constructor arguments of optimizer ``name``, lr excluded (fit takes it); those of
    the class it builds ("momentum" builds an SGD)."""
    return tuple(a for a in _arguments(type(optimizers.get(name))) if a != "lr")


@functools.cache
def known() -> dict[str, tuple[str, ...]]:
    """Every name a sweep takes, by where it goes: "mlp", "fit", "optimizer", "sweep"."""
    optimizer_args = sorted({a for n in optimizers.names() for a in optimizer_arguments(n)})
    return {"sweep": SPECIAL,
            "mlp": tuple(a for a in _arguments(mlp) if a not in RESERVED),
            "fit": tuple(a for a in _arguments(fit) if a not in RESERVED),
            "optimizer": tuple(optimizer_args)}


def check_names(names) -> None:
    """ValueError for a name no run can take, naming it and listing the ones it can."""
    groups = known()
    allowed = {name for group in groups.values() for name in group}
    for name in names:
        if name in RESERVED:
            raise ValueError(f"{name!r} cannot be set in a sweep: {RESERVED[name]}")
        if name not in allowed:
            listed = "; ".join(f"{where}: {', '.join(group)}" for where, group in groups.items())
            raise ValueError(f"unknown parameter {name!r}; a sweep takes {listed}")


def _json_value(name: str, value: Any) -> Any:
    """``value`` if it is what a results file can hold: numbers, strings, bools, None, lists."""
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, list):
        return [_json_value(name, item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"{name}={value!r}: a sweep's values must be numbers, strings, booleans, "
                    "None or lists of them (they are written to the results file)")


def canonical(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as they are recorded: names canonical, ``hidden`` a list of ints."""
    out = {}
    for name, value in params.items():
        value = _json_value(name, value)
        if name == "hidden":
            widths = value if isinstance(value, list) else [value]
            value = [checks.integer(w, "hidden width", minimum=1) for w in widths]
        elif name in _NAMED and isinstance(value, str):
            value = _NAMED[name].canonical(value)
        out[name] = value
    return out


def n_outputs(loss: str, n_classes: int) -> int:
    """Output units for ``n_classes`` classes: one for a regression set (``n_classes`` 0) and
    for binary cross-entropy on two classes (one sigmoid), else one per class."""
    if n_classes == 0 or (loss == "binary_cross_entropy" and n_classes == 2):
        return 1
    return n_classes


def build(params: dict[str, Any], n_features: int, n_classes: int, seed: int):
    """(network, keyword arguments for fit) of one run; its seed seeds mlp and fit.

    The optimizer is built here when it has arguments of its own (``momentum=0.9``), and a
    name it does not take is a ValueError naming the ones it does.
    """
    if "hidden" not in params:
        raise ValueError("give hidden=[…], the hidden-layer widths ([] for none)")
    where = known()
    mlp_kw = {k: v for k, v in params.items() if k in where["mlp"]}
    fit_kw = {k: v for k, v in params.items() if k in where["fit"]}
    opt_kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()
              if k not in fit_kw and k not in mlp_kw and k in where["optimizer"]}
    loss = losses.get(mlp_kw.get("loss", "cross_entropy")).name
    net = mlp([n_features, *params["hidden"], n_outputs(loss, n_classes)], seed=seed, **mlp_kw)
    if opt_kw:
        name = fit_kw.get("optimizer", "adam")
        allowed = optimizer_arguments(name) if isinstance(name, str) else ()
        wrong = sorted(set(opt_kw) - set(allowed))
        if wrong:
            raise ValueError(f"optimizer {name!r} takes no {', '.join(wrong)}; it takes "
                             f"{', '.join(allowed)}")
        fit_kw["optimizer"] = optimizers.get(name, **opt_kw)
    return net, {**fit_kw, "seed": seed}
