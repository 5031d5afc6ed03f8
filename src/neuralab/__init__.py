"""neuralab: a small, fast, readable neural-network library and lab on NumPy.

The three families of functions a network is made of, each with its derivative beside it:
:mod:`neuralab.activations`, :mod:`neuralab.losses` and :mod:`neuralab.optimizers`; layers and
networks that train on real data (:func:`mlp`, :class:`Network`, :func:`load`); and a lab
(:mod:`neuralab.lab`) that turns each claim of the seed notes into a measured experiment.

Everything here is loaded on first use (PEP 562): ``import neuralab`` imports no NumPy,
matplotlib, SciPy or scikit-learn, so the ``neuralab`` command starts at once, and
``neuralab.mlp``, ``neuralab.activations`` or ``neuralab.lab`` import what they need when they
are first touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "Network",
    "activations",
    "callbacks",
    "datasets",
    "diagnostics",
    "gradcheck",
    "initializers",
    "layers",
    "load",
    "losses",
    "mlp",
    "optimizers",
    "schedules",
    "training",
]

# Names defined in a submodule: name → that module. Every other public name is a submodule.
_DEFINED_IN = {"Network": "neuralab.network", "mlp": "neuralab.network",
               "load": "neuralab.modelfile"}

# What type checkers and editors see; at run time __getattr__ below imports on first use. lab
# (matplotlib) and sklearn (scikit-learn) are not in __all__, so `import *` leaves them out.
if TYPE_CHECKING:
    from neuralab import (
        activations,
        callbacks,
        datasets,
        diagnostics,
        gradcheck,
        initializers,
        layers,
        losses,
        optimizers,
        schedules,
        training,
    )
    from neuralab import lab as lab
    from neuralab import sklearn as sklearn
    from neuralab.modelfile import load
    from neuralab.network import Network, mlp


def __getattr__(name: str):
    """Import ``Network``, ``mlp``, ``load`` or a submodule (``neuralab.lab``) on first use."""
    if name in _DEFINED_IN:
        value = getattr(importlib.import_module(_DEFINED_IN[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":  # the submodule exists but needs a package
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "lab", "sklearn"})
