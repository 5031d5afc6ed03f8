"""The lab's building blocks: what an experiment is run with, and what it gives back.

An experiment (a subclass of :class:`neuralab.lab.experiment.Experiment`) receives a
:class:`Context` and its results are gathered into an :class:`ExperimentResult`: the parameters,
the measured numbers, one :class:`Verdict` per claim, :class:`Table` s and :class:`Figure` s,
with every piece of prose a :class:`Text` in English and Chinese. An experiment *measures* first
and only then *judges*: each verdict is computed from the measured numbers by a criterion that
the report prints next to it.

Numbers, parameters and evidence go to ``results.json``: use numbers, strings, bools, None,
lists, dicts, NumPy scalars/arrays and :class:`Text` (NaN and ±inf are written as null). Table
cells may be numbers, strings, None or :class:`Text`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neuralab import datasets

from .text import Text, current_language, say

OUTCOMES = ("reproduced", "qualified", "not_reproduced")
"""A verdict's three outcomes: reproduced; reproduced, but … (the finding says the "but");
not reproduced."""


@dataclass
class Verdict:
    """Whether the library reproduces one claim, decided from measured numbers.

    Attributes:
        claim: the claim id, e.g. ``"C4"``.
        reproduced: the outcome of ``criterion`` applied to ``evidence``.
        criterion: the rule, in words, that turned the numbers into the outcome.
        evidence: the numbers the rule read (JSON-serialisable).
        finding: what we found, in one line made from the numbers ("tanh reaches 90% in 4
            epochs, sigmoid in 41").
        qualified: the claim holds, but not the whole of it or not for the seed's reason
            ("reproduced, but …"); the finding says what the "but" is.
        derivation: where the docs derive the claim, as ``page.md#anchor`` under ``docs/``.
    """

    claim: str
    reproduced: bool
    criterion: Text
    evidence: dict[str, Any] = field(default_factory=dict)
    finding: Text | None = None
    qualified: bool = False
    derivation: str | None = None

    @property
    def outcome(self) -> str:
        """"reproduced", "qualified" (reproduced, but …) or "not_reproduced"."""
        if not self.reproduced:
            return "not_reproduced"
        return "qualified" if self.qualified else "reproduced"


@dataclass
class Table:
    """A table of measured numbers: column headers and rows of cells (numbers or strings)."""

    title: Text
    columns: Sequence[str | Text]
    rows: list[list[Any]]


@dataclass
class Figure:
    """A PNG written by the experiment, with its caption."""

    path: Path
    caption: Text


@dataclass
class ExperimentResult:
    """Everything one experiment measured and concluded."""

    id: str
    claims: list[str]
    title: Text
    setup: Text
    parameters: dict[str, Any]
    numbers: dict[str, Any]
    verdicts: list[Verdict]
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    duration: float = 0.0

    def verdict(self, claim: str) -> Verdict:
        """The verdict this experiment gave ``claim``; a ValueError if it gave none."""
        for verdict in self.verdicts:
            if verdict.claim == claim:
                return verdict
        raise ValueError(f"experiment {self.id!r} has no verdict for {claim!r}")


@dataclass
class Context:
    """What an experiment is run with.

    Attributes:
        quick: small data and budgets (the whole lab in about a minute, used by the tests).
        seed: the seed every random generator of the run derives from.
        out_dir: where figures are written.
        params: the experiment's parameters for this mode (see ``Experiment.params``), with
            the user's ``--set`` changes applied.
        overrides: those changes, ``{"epochs": 50}``, as the user gave them.
        lang: the report's language ("en" or "zh"); by default the language of the enclosing
            :func:`~neuralab.lab.text.language` block.
    """

    quick: bool = True
    seed: int = 0
    out_dir: Path = Path("lab-report")
    params: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    lang: str = field(default_factory=current_language)
    _datasets: dict[tuple, Any] = field(default_factory=dict, init=False, repr=False)

    @property
    def figure_lang(self) -> str:
        """The language of the figures' text: ``lang``, except English when the report is in
        Chinese but matplotlib has no font with Chinese glyphs (see :func:`plots.cjk_font`)."""
        from neuralab import plots

        return plots.figure_language(self.lang)

    def say(self, text: Any, *path: str, **values: Any) -> str:
        """The template at ``path`` of ``text`` (an experiment's ``TEXT``) in the figures'
        language, formatted with ``values``: for titles, labels and legends."""
        return say(text, *path, **values)(self.figure_lang)

    def dataset(self, name: str, **options: Any) -> Any:
        """``datasets.load(name, seed=self.seed, **options)``, loaded once per experiment."""
        key = (name, tuple(sorted(options.items())))
        if key not in self._datasets:
            self._datasets[key] = datasets.load(name, seed=self.seed, **options)
        return self._datasets[key]

    def seeds(self, count: int) -> range:
        """``count`` seeds for repeated runs: seed, seed + 1, …"""
        return range(self.seed, self.seed + count)

    def figure_path(self, name: str) -> Path:
        """The path of a figure called ``name`` (without extension) in ``out_dir``.

        Start ``name`` with the experiment's id ("loss-slowdown-neuron") so that figures of
        different experiments never overwrite each other.
        """
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self.out_dir / f"{name}.png"


class Stopwatch:
    """Measures an experiment's duration: ``with Stopwatch() as sw: ...; sw.seconds``."""

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start
