"""From a set-up to data and a network: input features, the data split, targets, the layers.

The playground's inputs are points (x₁, x₂) of a square; the network sees the features the page
ticked, computed from each point (TensorFlow Playground's x₁, x₂, x₁², x₂², x₁x₂, sin x₁,
sin x₂). Its output layer follows from the loss and the data:

    data          loss                    output layer
    regression    quadratic / mse         1 identity unit
    k classes     cross_entropy           k softmax units (labels as integers)
    2 classes     binary_cross_entropy    1 sigmoid unit (labels 0/1)
    2 classes     quadratic / mse         1 sigmoid unit (labels 0/1; the seed's C9 set-up)
    k > 2         quadratic / mse         k sigmoid units (one-hot labels)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neuralab import datasets, losses
from neuralab.layers import Dense, Dropout
from neuralab.network import Network
from neuralab.play import limits
from neuralab.play.config import MULTICLASS, Config

__all__ = ["FEATURE_FORMULAS", "Data", "Upload", "features", "make_data", "output_layer",
           "targets", "build_network", "DOMAINS"]

FEATURE_FORMULAS = {
    "x1": lambda x: x[:, 0], "x2": lambda x: x[:, 1],
    "x1sq": lambda x: x[:, 0] ** 2, "x2sq": lambda x: x[:, 1] ** 2,
    "x1x2": lambda x: x[:, 0] * x[:, 1],
    "sinx1": lambda x: np.sin(x[:, 0]), "sinx2": lambda x: np.sin(x[:, 1]),
}
"""Each input feature as a function of the points x of shape (n, 2)."""
FEATURE_CODE = {"x1": "x[:, 0]", "x2": "x[:, 1]", "x1sq": "x[:, 0] ** 2",
                "x2sq": "x[:, 1] ** 2", "x1x2": "x[:, 0] * x[:, 1]",
                "sinx1": "np.sin(x[:, 0])", "sinx2": "np.sin(x[:, 1])"}
"""The same features as Python source, for the exported snippet."""
DOMAINS = {"circles": 1.6, "xor": 2.0, "gauss": 2.0, "spiral": 1.25, "plane": 1.1,
           "multigauss": 1.1}
"""Half the side of the square the page shows, per data set (the data fills most of it)."""


@dataclass(frozen=True)
class Upload:
    """The user's own data, checked (see :mod:`neuralab.play.upload`): points (n, 2), labels
    (n,) as int64 classes 0 … k − 1 or real targets (``classes`` 0); ``header``: the file's
    first line named the columns."""

    x: np.ndarray
    y: np.ndarray
    classes: int
    name: str
    header: bool = False


@dataclass(frozen=True)
class Data:
    """Points and labels split into train and test, the class count (0: regression) and the
    half-side of the square shown."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    domain: float


def features(x: np.ndarray, names) -> np.ndarray:
    """The feature matrix (n, len(names)), float32, of points x (n, 2)."""
    return np.column_stack([FEATURE_FORMULAS[name](x) for name in names]).astype(np.float32)


def make_data(config: Config, upload: Upload | None = None) -> Data:
    """The set-up's data: a generated set of 500 points, or the upload, split by the ratio."""
    test_fraction = 1 - config.ratio / 100
    if config.dataset == "upload":
        if upload is None:
            raise ValueError("dataset 'upload' needs an uploaded CSV first")
        return _split_upload(upload, test_fraction, config.seed)
    options = {"n_classes": config.classes} if config.dataset in MULTICLASS else {}
    data = datasets.load(config.dataset, seed=config.seed, n_samples=limits.GENERATED_POINTS,
                         noise=config.noise / 100, test_fraction=test_fraction, **options)
    return Data(data.x_train, data.y_train, data.x_test, data.y_test, data.n_classes,
                DOMAINS[config.dataset])


def _split_upload(upload: Upload, test_fraction: float, seed: int) -> Data:
    """Shuffle the upload with ``seed`` and cut ⌈n · test_fraction⌉ rows off as the test set."""
    n = len(upload.y)
    n_test = min(max(math.ceil(n * test_fraction), 1), n - 1)
    test, train = np.split(np.random.default_rng(seed).permutation(n), [n_test])
    bound = float(np.abs(upload.x).max()) * 1.1
    return Data(upload.x[train], upload.y[train], upload.x[test], upload.y[test],
                upload.classes, bound if bound > 0 else 1.0)


def output_layer(loss: str, classes: int) -> tuple[int, str]:
    """(units, activation) of the output layer for ``loss`` on data of ``classes`` (0: real)."""
    if classes == 0:
        return 1, "identity"
    if loss == "cross_entropy":
        return classes, "softmax"
    return (1 if classes == 2 else classes), "sigmoid"


def targets(y: np.ndarray, loss: str, classes: int) -> np.ndarray:
    """What the network is trained against: integer labels for cross_entropy, otherwise a
    float32 column (regression, or 2 classes as 0/1) or one-hot rows (k > 2 classes)."""
    if classes == 0:
        return y.astype(np.float32).reshape(-1, 1)
    if loss == "cross_entropy":
        return y
    if classes == 2:
        return y.astype(np.float32).reshape(-1, 1)
    return losses.one_hot(y, classes, np.dtype(np.float32))


def build_network(config: Config, seed: int) -> Network:
    """The set-up's network: Dense hidden layers (each followed by Dropout when the rate is
    above 0), then the output layer; weights drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    init = None if config.init == "auto" else config.init
    layers: list[Dense | Dropout] = []
    n_in = len(config.features)
    for width, activation in zip(config.layers, config.activations, strict=True):
        layers.append(Dense(n_in, width, activation, init=init, seed=rng))
        if config.dropout > 0:
            layers.append(Dropout(config.dropout, seed=rng))
        n_in = width
    units, activation = output_layer(config.loss, config.classes)
    layers.append(Dense(n_in, units, activation, init=init, seed=rng))
    return Network(layers, config.loss)
