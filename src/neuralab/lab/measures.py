"""Measurements several experiments share: when a curve first reaches a level, and what a
network's hidden layers hold.

"Never" is a measurement too: a run that does not reach its target within the budget is
recorded as None, and ranks after any number of epochs (:func:`never_last`, :func:`later`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .text import Text, say

__all__ = ["epochs_or_never", "epochs_text", "epochs_to_target", "first_epoch", "hidden_layers",
           "later", "median_epochs", "never", "never_last"]


def first_epoch(values: Sequence[float], level: float, above: bool = False) -> int | None:
    """The first index whose value is below ``level`` (at or above it if ``above``); None if
    none is. For curves recorded from the start, index = epochs of training done."""
    for epoch, value in enumerate(values):
        if (value >= level) if above else (value < level):
            return epoch
    return None


def epochs_to_target(accuracy: Sequence[float], target: float) -> int | None:
    """Epochs of training until the accuracy first reaches ``target`` (None if never).

    ``accuracy[i]`` is measured after epoch i + 1, as ``History`` records it, so the count is
    1-based: a target met after the first epoch takes 1 epoch.
    """
    index = first_epoch(accuracy, target, above=True)
    return None if index is None else index + 1


def never_last(epochs: int | None) -> float:
    """Epoch counts for comparing and ranking: None ("never") is later than any number."""
    return np.inf if epochs is None else float(epochs)


def later(epochs: int | None, other: int | None) -> bool:
    """Whether ``epochs`` comes strictly after ``other`` (None, never, is after everything)."""
    return never_last(epochs) > never_last(other)


def median_epochs(epochs: Sequence[int | None]) -> float:
    """The median epoch count, "never" counting as later than any budget (inf)."""
    return float(np.median([never_last(e) for e in epochs]))


def never(budget: int) -> Text:
    """A table cell for a target not reached within ``budget`` epochs."""
    return say(TEXT, "never", budget=budget)


def epochs_or_never(epochs: float | None, budget: int) -> float | Text:
    """A table cell: the epoch count, or "never (> budget)" for None or inf."""
    return never(budget) if epochs is None or np.isinf(epochs) else epochs


def epochs_text(epochs: float | None, budget: int) -> Text:
    """An epoch count for a sentence: "12 epochs", or "never within 30 epochs" for None or
    inf."""
    if epochs is None or np.isinf(epochs):
        return say(TEXT, "never_within", budget=budget)
    return say(TEXT, "epochs", epochs=epochs)


def hidden_layers(net, x) -> list:
    """The hidden layers of ``net`` after ``net.forward(x)``: each holds the pre-activations
    ``z`` and outputs ``a`` of its units for the inputs ``x`` (one row per sample)."""
    net.forward(x)
    return net.layers[:-1]


TEXT = {"en": {"never": "never (> {budget})", "never_within": "never within {budget} epochs",
               "epochs": "{epochs:g} epochs"},
        "zh": {"never": "未达到(> {budget})", "never_within": "{budget} 轮内未达到",
               "epochs": "{epochs:g} 轮"}}
