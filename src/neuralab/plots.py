"""Matplotlib helpers shared by the lab and the CLI.

Every figure draws a given activation, optimizer or loss in the same colour, so that a reader
can follow "tanh is orange" from one figure to the next: take colours from
:func:`activation_color`, :func:`optimizer_color` and :func:`loss_color`, never from the
default colour cycle. Figures are created with :func:`subplots` (no pyplot state, safe in any
process) and written with :func:`save`, which also closes them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from neuralab import activations, losses, optimizers

ACTIVATION_COLORS: dict[str, str] = {
    "identity": "#7f7f7f",
    "sigmoid": "#1f77b4",
    "tanh": "#ff7f0e",
    "relu": "#2ca02c",
    "leaky_relu": "#d62728",
    "elu": "#9467bd",
    "selu": "#8c564b",
    "softplus": "#e377c2",
    "gelu": "#bcbd22",
    "gelu_tanh": "#6b6b1d",
    "silu": "#17becf",
    "softsign": "#393b79",
    "softmax": "#000000",
}
"""One colour per registered activation name (tab10 first, then darker shades)."""

OPTIMIZER_COLORS: dict[str, str] = {
    "gd": "#7f7f7f",
    "sgd": "#1f77b4",
    "momentum": "#ff7f0e",
    "nesterov": "#8c564b",
    "adagrad": "#2ca02c",
    "rmsprop": "#9467bd",
    "adam": "#d62728",
    "adamw": "#e377c2",
}
"""One colour per optimizer as the lab names them (momentum and nesterov are SGD variants)."""

LOSS_COLORS: dict[str, str] = {
    "quadratic": "#1f77b4",
    "mse": "#17becf",
    "binary_cross_entropy": "#d62728",
    "cross_entropy": "#d62728",
}
"""One colour per loss; the two cross-entropies share one (they are the same idea)."""

CLASS_COLORS: tuple[str, ...] = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3")
"""Colours of the classes in decision-boundary plots."""


def _lookup(table: dict[str, str], name: str, registry) -> str:
    """The colour of ``name`` in ``table``, any spelling or alias the family's registry knows."""
    key = registry.canonical(name) if name in registry else name
    if key not in table:
        raise ValueError(f"no colour for {registry.family} {name!r}; known names: "
                         f"{', '.join(table)}")
    return table[key]


def activation_color(name: str) -> str:
    """The fixed colour of activation ``name`` (case-insensitive, aliases accepted)."""
    return _lookup(ACTIVATION_COLORS, name, activations.REGISTRY)


def optimizer_color(name: str) -> str:
    """The fixed colour of optimizer ``name`` ("gd", "sgd", "momentum", "adam", …)."""
    return _lookup(OPTIMIZER_COLORS, name, optimizers.REGISTRY)


def loss_color(name: str) -> str:
    """The fixed colour of loss ``name`` ("quadratic", "cross_entropy", …)."""
    return _lookup(LOSS_COLORS, name, losses.REGISTRY)


def subplots(nrows: int = 1, ncols: int = 1, *, size: tuple[float, float] = (4.8, 3.6), **kwargs):
    """A new figure and its axes, ``size`` inches per panel, constrained layout.

    Returns ``(fig, axes)`` like ``plt.subplots``; ``squeeze=False`` etc. pass through.
    """
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kwargs)


def save(fig: Figure, path: str | Path, *, dpi: int = 110) -> Path:
    """Write ``fig`` as a PNG at ``path`` (creating its folder), close it, return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png")
    plt.close(fig)
    return path


def decision_boundary(
    ax,
    predict_classes: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    *,
    title: str = "",
    resolution: int = 150,
    margin: float = 0.3,
) -> None:
    """Shade the class ``predict_classes`` gives each point of the plane, then scatter ``x``.

    Args:
        ax: the matplotlib Axes to draw on.
        predict_classes: maps an (m, 2) array of points to m integer labels.
        x: (n, 2) points; y: their n integer labels (or one-hot rows).
        title: the panel's title.
        resolution: grid points per axis.
        margin: how far, in data units, the grid extends beyond the points.
    """
    y = np.asarray(y)
    labels = losses.predicted_classes(y) if y.ndim == 2 else y.astype(int)
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    axis0, axis1 = (np.linspace(lo[i], hi[i], resolution) for i in (0, 1))
    g0, g1 = np.meshgrid(axis0, axis1)
    grid = np.column_stack([g0.ravel(), g1.ravel()]).astype(x.dtype)
    regions = np.asarray(predict_classes(grid)).reshape(g0.shape)
    k = max(int(labels.max()), int(regions.max())) + 1
    cmap = ListedColormap(CLASS_COLORS[:k])
    ax.contourf(g0, g1, regions, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.3)
    ax.scatter(x[:, 0], x[:, 1], c=labels, cmap=cmap, vmin=-0.5, vmax=k - 0.5, s=12,
               edgecolors="black", linewidths=0.3)
    ax.set(title=title, xlabel="input x₁ (dimensionless)", ylabel="input x₂ (dimensionless)",
           xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
