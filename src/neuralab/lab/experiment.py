"""The lab's :class:`Experiment`: an experiment is declared once, and the runner does the rest.

An experiment is a subclass of :class:`Experiment` in a file of its own. Its class body declares
what it is — ``id``, the ``claims`` of ``docs/seed/CLAIMS.md`` it tests, and its ``params`` with a
value per mode where quick and full runs differ (:class:`PerMode`) — and its methods do the work
in three steps that the runner calls in order:

1. **measure**: ``units(p)`` lists the units of work (one trained network, one descent, …) and
   ``measure(unit, ctx)`` measures one of them; ``summarise(measured, ctx)`` turns the
   measurements of all units into the experiment's numbers. The progress bar moves one step per
   unit, and one for the figures: the count comes from the list itself, so it cannot drift.
2. **judge**: ``judge(numbers)`` gives one :class:`~neuralab.lab.base.Verdict` per claim, from
   the numbers alone (kept pure, so that tests can feed it crafted numbers).
3. **draw**: ``draw(numbers, ctx)`` writes the figures, ``tables(numbers, ctx)`` lays out the
   tables.

Defining the class registers it (``__init_subclass__``) in :data:`REGISTRY` under its id, so
adding an experiment is one new file in the lab's folder (the lab imports every module there).
Its prose — title, set-up, criteria, captions, table headers — lives in per-language text: the
mapping ``TEXT = {"en": {...}, "zh": {...}}`` at the end of its file, whose templates take the
parameters through :meth:`str.format`, so that a number is typed once, in ``params``::

    class Tiny(Experiment):
        id, claims = "tiny", ("C9",)
        params = {"epochs": PerMode(quick=5, full=50)}

        def units(self, p):
            return ["quadratic", "cross_entropy"]

        def measure(self, unit, ctx):
            return train(unit, epochs=ctx.params["epochs"], seed=ctx.seed)

        def judge(self, numbers):
            return [Verdict("C9", numbers["quadratic"] > numbers["cross_entropy"],
                            self.say("criterion"), numbers,
                            finding=self.say("found", **numbers),
                            derivation="losses.md#c9-the-quadratic-cost-makes-a-saturated-neuron-learn-slowly")]

    TEXT = {"en": {"title": "…", "setup": "Both costs, {epochs} epochs.", "criterion": "…",
                   "found": "quadratic {quadratic}, cross-entropy {cross_entropy}"},
            "zh": {"title": "…", "setup": "两种损失,{epochs} 轮。", "criterion": "…",
                   "found": "平方损失 {quadratic},交叉熵 {cross_entropy}"}}

A verdict is reproduced, reproduced but … (``qualified=True``: the claim holds, but not all of
it, or not for the seed's reason) or not reproduced; its ``finding`` says in one line what was
measured, and ``derivation`` points to where the docs derive the claim. Figures are drawn in the
report's language (``ctx.say(TEXT, "fig", …)`` gives a label in the figures' language).
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from neuralab.registry import Registry

from . import settings
from .base import Context, Figure, Table, Verdict
from .text import Text, say

__all__ = ["REGISTRY", "Experiment", "PerMode", "selected"]


@dataclass(frozen=True)
class PerMode:
    """A parameter whose value depends on the mode: ``PerMode(quick=60, full=200)``."""

    quick: Any
    full: Any

    def pick(self, quick: bool) -> Any:
        return self.quick if quick else self.full


def resolve(value: Any, quick: bool) -> Any:
    """``value`` with every :class:`PerMode` inside it (dicts and lists too) replaced by the
    value of the mode."""
    if isinstance(value, PerMode):
        return value.pick(quick)
    if isinstance(value, dict):
        return {key: resolve(item, quick) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, quick) for item in value]
    return value


class Experiment:
    """One experiment of the lab: declared once, run by :mod:`neuralab.lab.runner`.

    Class attributes (the declaration):
        id: the experiment's name, as ``neuralab lab --only`` takes it.
        claims: ids of the claims it judges, one verdict each ("C1" … "C12").
        params: the set-up; a :class:`PerMode` wherever quick and full runs differ. The runner
            hands the resolved dict to ``units`` and puts it in ``ctx.params``.
        constants: fixed numbers of the method that the text quotes (sample counts, grid
            sizes); unlike ``params`` they are not listed in ``results.json``.
        settable: the parameters a user may change (``neuralab lab --set key=value``): those
            the measurement reads, as dotted paths into ``params`` for nested ones
            ("neuron.lr"). See :mod:`neuralab.lab.settings`.
        choices: for settable names, the values allowed ({"data": ("digits", "mnist-5k")}).
        text: the per-language text; by default the ``TEXT`` mapping of the experiment's
            module. It needs a ``"title"`` and a ``"setup"`` entry; ``"setup"`` is formatted
            with the constants, the parameters of the mode, and ``quick`` and ``full`` (the
            parameters of each mode) for text that describes both.
    """

    id: ClassVar[str]
    claims: ClassVar[tuple[str, ...]]
    params: ClassVar[dict[str, Any]] = {}
    constants: ClassVar[dict[str, Any]] = {}
    settable: ClassVar[tuple[str, ...]] = ()
    choices: ClassVar[dict[str, tuple[Any, ...]]] = {}
    text: ClassVar[Mapping[str, Any] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register every subclass under its id as soon as Python has built the class."""
        super().__init_subclass__(**kwargs)
        if not isinstance(vars(cls).get("id"), str) or not getattr(cls, "claims", ()):
            raise TypeError(f"experiment class {cls.__name__} must declare its id (a string) and "
                            "the claims it tests, e.g. id = 'loss_slowdown', claims = ('C9',)")
        REGISTRY.register(cls.id, cls)

    # --- the declaration, read back ------------------------------------------------------

    @classmethod
    def parameters(cls, quick: bool, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``params`` for one mode: every :class:`PerMode` replaced by its value, then the
        user's ``overrides`` (dotted keys, already checked by :func:`settings.check`)."""
        return settings.apply(resolve(cls.params, quick), overrides or {})

    @classmethod
    def prose(cls) -> Mapping[str, Any]:
        """The per-language text: ``text`` if the class sets it, else its module's ``TEXT``."""
        return cls.text if cls.text is not None else vars(sys.modules[cls.__module__])["TEXT"]

    @classmethod
    def say(cls, *path: str, **values: Any) -> Text:
        """``say(TEXT, *path, **values)`` on this experiment's text."""
        return say(cls.prose(), *path, **values)

    @classmethod
    def title(cls) -> Text:
        """The experiment's title, for the report."""
        return cls.say("title")

    @classmethod
    def setup(cls, quick: bool, overrides: Mapping[str, Any] | None = None) -> Text:
        """The set-up in words, with the parameters of the mode (and of both modes) filled in;
        the user's ``overrides`` apply to both modes."""
        return cls.say("setup", **cls.constants, **cls.parameters(quick, overrides),
                       quick=cls.parameters(True, overrides),
                       full=cls.parameters(False, overrides))

    # --- the three steps (override these) ------------------------------------------------

    def units(self, p: dict[str, Any]) -> list[Hashable]:
        """The units of work for parameters ``p``: one progress step each. Default: one unit."""
        return [self.id]

    def measure(self, unit: Any, ctx: Context) -> Any:
        """Measure one unit of work (train a network, run a descent, …)."""
        raise NotImplementedError(f"experiment {self.id!r} must define measure(unit, ctx)")

    def summarise(self, measured: dict[Any, Any], ctx: Context) -> dict[str, Any]:
        """The experiment's numbers from each unit's measurement. Default: the measurements
        under their units' names."""
        return {str(unit): value for unit, value in measured.items()}

    def record(self, numbers: dict[str, Any]) -> dict[str, Any]:
        """The part of ``numbers`` written to ``results.json``. Default: all of them; override
        to leave out what only the figures need (networks, whole paths)."""
        return numbers

    def judge(self, numbers: dict[str, Any]) -> list[Verdict]:
        """One verdict per claim, computed from ``numbers`` only."""
        raise NotImplementedError(f"experiment {self.id!r} must define judge(numbers)")

    def tables(self, numbers: dict[str, Any], ctx: Context) -> list[Table]:
        """The tables of measured numbers for the report. Default: none."""
        return []

    def draw(self, numbers: dict[str, Any], ctx: Context) -> list[Figure]:
        """Write the figures (under ``ctx.figure_path``) and return them. Default: none."""
        return []


REGISTRY = Registry("experiment", base=Experiment)
"""Every defined experiment class, by id (see :mod:`neuralab.registry` for the lookup rules)."""


def report_order(experiment: type[Experiment]) -> tuple[int, str]:
    """The report follows the seed: experiments in the order of the first claim they test."""
    return min(int(claim[1:]) for claim in experiment.claims), experiment.id


def selected(ids: Iterable[str] | None = None) -> list[type[Experiment]]:
    """The experiment classes called ``ids`` (all if None), in report order.

    Raises:
        ValueError: an unknown id; the message lists the known ones.
    """
    names = REGISTRY.names() if ids is None else [REGISTRY.canonical(i) for i in ids]
    return sorted({REGISTRY.entry(name) for name in names}, key=report_order)
