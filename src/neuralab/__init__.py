"""neuralab: a small, fast, readable neural-network library and lab on NumPy.

The three families of functions a network is made of, each with its derivative beside it:
:mod:`neuralab.activations`, :mod:`neuralab.losses` and :mod:`neuralab.optimizers`; layers and
networks that train on real data (:func:`mlp`, :class:`Network`); and a lab
(:mod:`neuralab.lab`) that turns each claim of the seed notes into a measured experiment.
"""

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
from neuralab.network import Network, load, mlp

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
