"""The lab's building blocks: what an experiment receives, measures and returns.

Every experiment module in :mod:`neuralab.lab` exposes ``ID`` (its id), ``CLAIMS`` (the ids of
the claims of ``docs/seed/CLAIMS.md`` it tests), ``TITLE`` (a :class:`Text`) and
``run(ctx) -> ExperimentResult``. An experiment *measures* first and only then *judges*: each
:class:`Verdict` is computed from the measured numbers by a criterion that the report prints next
to it.

A module may also define ``steps(quick: bool) -> int``: how many times its ``run`` calls
``ctx.advance()``, so that the progress bar can show a total. Verdict functions are kept pure
(numbers in, :class:`Verdict` out) so that tests can feed them crafted numbers.

The runner checks that ``result.id == ID``, ``result.claims == CLAIMS`` and that there is exactly
one verdict per claim. In outline (see ``loss_slowdown.py`` for a whole one)::

    ID, CLAIMS = "my_experiment", ["C9"]
    TITLE = Text("What it shows", "它说明什么")

    def verdict_c9(slow: float, fast: float) -> Verdict:
        return Verdict("C9", slow > fast, Text("slow > fast", "慢 > 快"),
                       {"slow": slow, "fast": fast})

    def run(ctx: Context) -> ExperimentResult:
        slow, fast = measure(ctx.seed, quick=ctx.quick)
        ctx.advance()
        fig, ax = plots.subplots()
        ...
        path = plots.save(fig, ctx.figure_path("my-experiment-curves"))
        return ExperimentResult(ID, CLAIMS, TITLE, Text("set-up", "实验设置"), {"lr": 0.1},
                                {"slow": slow, "fast": fast}, [verdict_c9(slow, fast)],
                                figures=[Figure(path, Text("caption", "图注"))])

Numbers, parameters and evidence go to ``results.json``: use numbers, strings, bools, None,
lists, dicts, NumPy scalars/arrays and :class:`Text` (NaN and ±inf are written as null). Table
cells may be numbers, strings, None or :class:`Text`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Text:
    """A piece of report text in English and Chinese (``--lang en|zh``)."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Verdict:
    """Whether the library reproduces one claim, decided from measured numbers.

    Attributes:
        claim: the claim id, e.g. ``"C4"``.
        reproduced: the outcome of ``criterion`` applied to ``evidence``.
        criterion: the rule, in words, that turned the numbers into the outcome.
        evidence: the numbers the rule read (JSON-serialisable).
    """

    claim: str
    reproduced: bool
    criterion: Text
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    """A table of measured numbers: column headers and rows of cells (numbers or strings)."""

    title: Text
    columns: list[str | Text]
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
        advance: call once per unit of work to move the progress bar (no-op by default).
    """

    quick: bool = True
    seed: int = 0
    out_dir: Path = Path("lab-report")
    advance: Callable[[], None] = lambda: None

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
