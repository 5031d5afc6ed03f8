"""The estimators' parameters: scikit-learn's declared constraints, plus the checks they cannot say.

``CONSTRAINTS`` is MLPClassifier's ``_parameter_constraints`` with neuralab's additions: the
activations of :mod:`neuralab.activations`, ``optimizer`` (a :mod:`neuralab.optimizers` name)
and ``dtype``. scikit-learn checks them at the start of ``fit`` and raises its
``InvalidParameterError`` (both a ValueError and a TypeError) with its own wording, as for
MLPClassifier. What a declaration cannot express is checked here, with scikit-learn's message
where scikit-learn has one:

- ``hidden_layer_sizes`` holds positive integers;
- ``solver`` and ``optimizer`` agree (see :func:`check_solver`).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

from neuralab import activations, checks, optimizers

__all__ = ["CONSTRAINTS", "STOCHASTIC_SOLVERS", "hidden_sizes", "check_solver",
           "optimizer_kind", "input_dtype"]

STOCHASTIC_SOLVERS = ("sgd", "adam")

_ACTIVATION_NAMES = set(activations.names()) | set(activations.REGISTRY.aliases())

CONSTRAINTS: dict = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(_ACTIVATION_NAMES)],
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    # neuralab's additions
    "optimizer": [None, StrOptions(set(optimizers.names()))],
    "dtype": [None, StrOptions({"float32", "float64"}), Options(type, {np.float32, np.float64})],
}


def hidden_sizes(sizes) -> list[int]:
    """``hidden_layer_sizes`` as a list of ints (one int is one layer), each > 0."""
    sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
    if any(isinstance(s, Real) and not isinstance(s, bool) and s <= 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
    return [checks.integer(s, f"hidden_layer_sizes[{i}]") for i, s in enumerate(sizes)]


def optimizer_kind(name: str) -> str:
    """"sgd" for neuralab's gradient-descent optimizers (sgd, gd, momentum, nesterov), else
    "adam" (the adaptive ones: adam, adamw, rmsprop, adagrad)."""
    return "sgd" if isinstance(optimizers.get(name), optimizers.SGD) else "adam"


def check_solver(solver: str, optimizer: str | None) -> None:
    """``solver`` names the kind of method, ``optimizer`` (if given) neuralab's member of it.

    solver="sgd" takes neuralab's gradient-descent optimizers, solver="adam" (the default) its
    adaptive ones; solver="lbfgs" takes none. Anything else is a ValueError naming the fix.
    """
    if optimizer is None:
        return
    if solver == "lbfgs":
        raise ValueError(f"solver='lbfgs' takes no optimizer, got optimizer={optimizer!r}: "
                         "L-BFGS is SciPy's full-batch method. Set optimizer=None, or pick "
                         "solver='sgd' or 'adam' to train with a neuralab optimizer")
    kind = optimizer_kind(optimizer)
    if kind != solver:
        what = ("a gradient-descent optimizer" if kind == "sgd"
                else "an adaptive optimizer (a learning rate per parameter)")
        raise ValueError(f"solver={solver!r} and optimizer={optimizer!r} disagree: "
                         f"{optimizer!r} is {what}, so use solver={kind!r} with it, or "
                         f"optimizer=None for scikit-learn's own {solver!r}")


def input_dtype(dtype, network_dtype=None):
    """The dtype ``validate_data`` converts X to.

    A fitted network keeps its dtype. Otherwise ``dtype=None`` keeps float32 and float64 input
    as it is and turns anything else into float64 (scikit-learn's rule); "float32" or
    "float64" converts to that.
    """
    if network_dtype is not None:
        return network_dtype
    if dtype is None:
        return (np.float64, np.float32)
    return np.dtype(dtype)
