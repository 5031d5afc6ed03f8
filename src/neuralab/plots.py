"""Matplotlib helpers shared by the lab, the sweeps, the docs' figure scripts and the CLI.

**One palette, in one place.** Every concept a figure draws has one colour, the same in every
figure, and no two concepts share one: :data:`PALETTE` holds them all (activations, optimizers,
learning-rate schedules, the hidden layers of a network counted from the input, classes,
reference lines). Take colours from :func:`activation_color`, :func:`optimizer_color`,
:func:`loss_color`, :func:`schedule_color`, :func:`layer_color` and :data:`REFERENCE`, never
from matplotlib's default cycle.

**Figures in the reader's language.** :func:`figure_style` draws in Chinese when matplotlib has
a font with Chinese glyphs (:func:`cjk_font`; Debian's ``fonts-noto-cjk``, say), adding a font
installed after matplotlib built its font list; without one, :func:`figure_language` answers
"en" and the caller draws English labels, so no figure shows missing glyphs and none warns.

Figures are created with :func:`subplots` (no pyplot state, safe in any process) and written
with :func:`save`, which also closes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from neuralab import activations, losses, optimizers, schedules

PALETTE: dict[str, dict[str, str]] = {
    "activation": {  # tab10 first, then darker shades
        "identity": "#7f7f7f", "sigmoid": "#1f77b4", "tanh": "#ff7f0e", "relu": "#2ca02c",
        "leaky_relu": "#d62728", "elu": "#9467bd", "selu": "#8c564b", "softplus": "#e377c2",
        "gelu": "#bcbd22", "gelu_tanh": "#6b6b1d", "silu": "#17becf", "softsign": "#393b79",
        "softmax": "#000000",
    },
    "optimizer": {  # ColorBrewer's Dark2: no hue of the activations' tab10
        "gd": "#4d4d4d", "sgd": "#1b9e77", "momentum": "#d95f02", "nesterov": "#7570b3",
        "adagrad": "#e7298a", "rmsprop": "#66a61e", "adam": "#e6ab02", "adamw": "#a6761d",
    },
    "loss": {  # the two cross-entropies are one idea, so one colour
        "quadratic": "#2166ac", "mse": "#67a9cf", "binary_cross_entropy": "#b2182b",
        "cross_entropy": "#b2182b",
    },
    "schedule": {  # ColorBrewer's Paired, its light half, and one dark brown
        "constant": "#b15928", "step": "#a6cee3", "exponential": "#fb9a99", "cosine": "#cab2d6",
        "inverse_scaling": "#fdbf6f", "reduce_on_plateau": "#b2df8a",
    },
    "layer": {  # hidden layer 1 (nearest the input) to 6: viridis, its yellow end darkened
        "1": "#440154", "2": "#3b528b", "3": "#21918c", "4": "#5ec962", "5": "#b8a100",
        "6": "#e08214",
    },
    "class": {"0": "#4c72b0", "1": "#dd8452", "2": "#55a868", "3": "#c44e52", "4": "#8172b3"},
    "reference": {"line": "#a3a3a3", "zero": "#cccccc"},
}
"""Concept family → name → colour: the one palette of every figure neuralab draws."""

ACTIVATION_COLORS = PALETTE["activation"]
OPTIMIZER_COLORS = PALETTE["optimizer"]
LOSS_COLORS = PALETTE["loss"]
CLASS_COLORS: tuple[str, ...] = tuple(PALETTE["class"].values())
"""Colours of the classes in decision-boundary plots."""
REFERENCE = PALETTE["reference"]["line"]
"""Thresholds, targets and tolerances: a dotted line in this grey."""
ZERO = PALETTE["reference"]["zero"]
"""The zero line of an axis."""


def _lookup(table: Mapping[str, str], name: str, registry) -> str:
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


def schedule_color(name: str) -> str:
    """The fixed colour of learning-rate schedule ``name`` ("cosine", "step", …)."""
    return _lookup(PALETTE["schedule"], name, schedules.REGISTRY)


def layer_color(layer: int) -> str:
    """The fixed colour of hidden layer ``layer`` (1 = nearest the input), whatever the depth."""
    if str(layer) not in PALETTE["layer"]:
        raise ValueError(f"no colour for hidden layer {layer}: layers 1 to "
                         f"{len(PALETTE['layer'])} have one")
    return PALETTE["layer"][str(layer)]


# --- figures ------------------------------------------------------------------------------------


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


def reference_line(ax, y: float, label: str | None = None) -> None:
    """A threshold, target or tolerance at height ``y``: dotted, in the :data:`REFERENCE` grey."""
    ax.axhline(y, color=REFERENCE, linestyle=":", linewidth=1.2, label=label)


def legends(ax, colours: Mapping[str, str], styles: Mapping[str, Any], *,
            titles: tuple[str, str] = ("", ""), loc: tuple[str, str] = ("upper left",
                                                                       "lower right"),
            fontsize: float = 7.5) -> None:
    """Two legends where colour and line style carry different meanings: one keyed by colour
    (label → colour, solid lines), one by line style (label → style, in grey).

    ``ax`` may be an Axes or a Figure; ``loc`` places the two legends.
    """
    first = ax.legend(handles=[Line2D([], [], color=c, marker="o", label=k)
                               for k, c in colours.items()],
                      title=titles[0] or None, loc=loc[0], fontsize=fontsize,
                      title_fontsize=fontsize)
    if isinstance(ax, Axes):  # an Axes keeps one legend unless told to keep the first
        ax.add_artist(first)
    ax.legend(handles=[Line2D([], [], color="#555555", linestyle=s, label=k)
                       for k, s in styles.items()],
              title=titles[1] or None, loc=loc[1], fontsize=fontsize, title_fontsize=fontsize)


def decision_boundary(
    ax,
    predict_classes: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    *,
    title: str = "",
    resolution: int = 150,
    margin: float = 0.3,
    axis_labels: tuple[str, str] = ("input x₁", "input x₂"),
) -> None:
    """Shade the class ``predict_classes`` gives each point of the plane, then scatter ``x``.

    Args:
        ax: the matplotlib Axes to draw on.
        predict_classes: maps an (m, 2) array of points to m integer labels.
        x: (n, 2) points; y: their n integer labels (or one-hot rows).
        title: the panel's title.
        resolution: grid points per axis.
        margin: how far, in data units, the grid extends beyond the points.
        axis_labels: the two axes' labels (in the figure's language).
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
    ax.set(title=title, xlabel=axis_labels[0], ylabel=axis_labels[1], xlim=(lo[0], hi[0]),
           ylim=(lo[1], hi[1]))


# --- Chinese text in figures --------------------------------------------------------------------

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "SimHei",
                "Noto Sans CJK JP", "Noto Sans CJK TC")
"""Font families with the Chinese glyphs the figures need, in order of preference."""


def _known_cjk_family() -> str | None:
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in known), None)


def _add_fonts_installed_since_the_cache() -> None:
    """Give matplotlib's font list the system fonts it does not know yet.

    matplotlib lists the system's fonts once and caches the list; a font installed later
    (``apt-get install fonts-noto-cjk`` after the first plot) stays invisible to it until
    the list is rebuilt. Adding the new files is that rebuild, for this process.
    """
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read
                continue


@cache
def cjk_font() -> str | None:
    """The family of an installed font with Chinese glyphs (see :data:`CJK_FAMILIES`), or None.

    Looks first in matplotlib's font list, then among the system's fonts it has not listed.
    """
    family = _known_cjk_family()
    if family is None:
        _add_fonts_installed_since_the_cache()
        family = _known_cjk_family()
    return family


def figure_language(lang: str) -> str:
    """The language figures can be drawn in for a report in ``lang``: "zh" needs a CJK font,
    else the figures stay in English ("en")."""
    return "zh" if lang == "zh" and cjk_font() is not None else "en"


@contextmanager
def figure_style(lang: str) -> Iterator[str]:
    """Figures created in the block use a font for ``lang``; yields the language they can be
    drawn in (:func:`figure_language`). For Chinese: DejaVu Sans for Latin letters and symbols,
    the CJK font for the rest (matplotlib falls back glyph by glyph)."""
    drawn = figure_language(lang)
    families = ["DejaVu Sans", cjk_font()] if drawn == "zh" else ["DejaVu Sans"]
    with mpl.rc_context({"font.family": families, "axes.unicode_minus": True}):
        yield drawn
