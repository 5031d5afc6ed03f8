"""The sweep report's figures: the metric against each swept parameter, and learning curves.

Every point is a mean over the runs that finished and every band one standard deviation
around it (over seeds, and over the parameters the figure does not show). Activations,
optimizers and losses keep the colours they have everywhere in neuralab (:mod:`neuralab.plots`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from neuralab import plots

from .result import Run, SweepResult, rank

__all__ = ["draw_all", "by_parameter", "curves"]

MAX_LINES = 8
"""At most this many lines (values of the second parameter, or configurations) per figure."""


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return value if isinstance(value, str) else json.dumps(value)


def _colour(name: str | None, value: Any) -> str | None:
    """The colour neuralab gives this activation/optimizer/loss, else None (default cycle)."""
    lookup = {"activation": plots.activation_color, "optimizer": plots.optimizer_color,
              "loss": plots.loss_color}.get(name or "")
    try:
        return lookup(value) if lookup and isinstance(value, str) else None
    except ValueError:
        return None


def _mean_std(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0


def _numeric(values: list) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _final(run: Run, metric: str) -> float | None:
    value = run.metrics.get(metric)
    return value if isinstance(value, int | float) and math.isfinite(value) else None


def _groups(result: SweepResult, name: str, other: str | None,
            metric: str) -> dict[tuple[str, str], list[float]]:
    """The final ``metric`` of the finished runs, by (value of ``name``, value of ``other``)."""
    groups: dict[tuple[str, str], list[float]] = {}
    for run in result.runs:
        value = _final(run, metric) if run.ok else None
        if value is not None:
            line = _label(run.params.get(other)) if other else ""
            groups.setdefault((_label(run.params.get(name)), line), []).append(value)
    return groups


def by_parameter(result: SweepResult, name: str, metric: str, path: Path) -> Path:
    """``metric`` against the values of ``name``, one line per value of the next swept one."""
    other = next((k for k in result.swept if k != name), None)
    raw = {_label(r.params.get(name)): r.params.get(name) for r in result.runs}
    numeric = _numeric(list(raw.values()))
    position: dict[str, Any] = {label: value if numeric else i
                                for i, (label, value) in enumerate(raw.items())}
    groups = _groups(result, name, other, metric)
    fig, ax = plots.subplots(size=(5.6, 3.8))
    for line in list(dict.fromkeys(line for _, line in groups))[:MAX_LINES]:
        points = sorted((position[v], *_mean_std(values))
                        for (v, key), values in groups.items() if key == line)
        x, mean, std = (np.array(p) for p in zip(*points, strict=True))
        (drawn,) = ax.plot(x, mean, "o-", color=_colour(other, line) if other else None,
                           label=f"{other} = {line}" if other else None)
        ax.fill_between(x, mean - std, mean + std, color=drawn.get_color(), alpha=0.2,
                        linewidth=0)
    xs = list(position.values())
    if numeric and min(xs) > 0 and max(xs) / min(xs) >= 100:
        ax.set_xscale("log")
    if not numeric:
        ax.set_xticks(xs, list(position))
    ax.set(xlabel=name, ylabel=f"{metric} (final)")
    if other:
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return plots.save(fig, path)


def curves(result: SweepResult, metric: str, path: Path) -> Path | None:
    """``metric`` per epoch for each configuration (the best ones when there are many)."""
    best_first = sorted(result.summary(), key=lambda row: rank(row, metric), reverse=True)
    groups = result.configurations()
    fig, ax = plots.subplots(size=(5.6, 3.8))
    drawn = 0
    for row in best_first[:MAX_LINES]:
        key = json.dumps(row["params"], sort_keys=True)
        runs = [r for r in groups[key] if r.ok and r.history.get(metric)]
        if not runs:
            continue
        epochs = min(len(r.history[metric]) for r in runs)
        table = np.array([r.history[metric][:epochs] for r in runs], dtype=float)
        mean = table.mean(axis=0)
        std = table.std(axis=0, ddof=1) if len(runs) > 1 else np.zeros(epochs)
        x = np.arange(1, epochs + 1)
        label = ", ".join(f"{k}={_label(v)}" for k, v in row["params"].items())
        colour = _colour(result.swept[0], row["params"].get(result.swept[0])) \
            if len(result.swept) == 1 else None
        (line,) = ax.plot(x, mean, color=colour, label=label)
        ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2,
                        linewidth=0)
        drawn += 1
    if not drawn:
        return None  # a Figure made without pyplot needs no closing
    ax.set(xlabel="epoch", ylabel=metric)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="x-small")
    ax.grid(alpha=0.3)
    return plots.save(fig, path)


def draw_all(result: SweepResult, metric: str, out_dir: Path) -> list[tuple[Path, str]]:
    """Every figure of the report as (path, caption)."""
    figures = []
    for name in result.swept:
        path = by_parameter(result, name, metric, out_dir / f"sweep-{name}.png")
        figures.append((path, f"Final {metric} against {name} (mean ± one standard deviation "
                              "over seeds and the other parameters)."))
    curve = curves(result, metric, out_dir / "sweep-curves.png")
    if curve is not None:
        figures.append((curve, f"{metric} per epoch, mean ± one standard deviation over seeds "
                              f"(at most {MAX_LINES} configurations, the best first)."))
    return figures
