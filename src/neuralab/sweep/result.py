"""What a sweep returns: every run, a tidy table, the summary over seeds, the best configuration.

    >>> from neuralab.sweep import sweep
    >>> result = sweep({"activation": ["sigmoid", "relu"]}, data="xor", hidden=[8],
    ...                epochs=20, lr=0.05, seeds=3, backend="serial")
    >>> [row["params"]["activation"] for row in result.summary()]  # one row per configuration
    ['sigmoid', 'relu']
    >>> stats = result.summary()[1]["metrics"]["val_loss"]          # over the 3 seeds
    >>> sorted(stats)
    ['max', 'mean', 'min', 'std']

A *configuration* is one point of the space (the swept values); its runs differ only by seed.
The summary gives, per configuration and final metric, the mean, the sample standard deviation
(ddof = 1, the error band over seeds), the minimum and the maximum over the runs that finished.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Run", "SweepResult", "rank"]


@dataclass
class Run:
    """One run's record (the fields of a results-file line)."""

    id: str
    params: dict[str, Any]
    seed: int
    status: str
    metrics: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list] = field(default_factory=dict)
    error: str | None = None
    seconds: float | None = None
    worker: str | None = None
    machine: dict[str, Any] | None = None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Run:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in record.items() if k in names})

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _stats(values: list[float]) -> dict[str, float]:
    n = len(values)
    mean = math.fsum(values) / n
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else 0.0
    return {"mean": mean, "std": std, "min": min(values), "max": max(values)}


def rank(row: dict[str, Any], metric: str) -> float:
    """How good a summary row is, larger better: the mean of ``metric``, negated when its
    name ends in "loss"; −inf when no finished run measured it."""
    stats = row["metrics"].get(metric)
    if stats is None:
        return -math.inf
    return -stats["mean"] if metric.endswith("loss") else stats["mean"]


def _cell(value: Any) -> Any:
    """A CSV cell: lists and dicts as JSON text, None as empty."""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return "" if value is None else value


class SweepResult:
    """The runs of one sweep, in the order of the space (configurations, then seeds).

    Attributes: ``runs`` (list of :class:`Run`), ``swept`` (the names of the swept
    parameters), ``metric`` (what :meth:`best` ranks by default).
    """

    def __init__(self, runs: list[Run], swept: list[str], metric: str = "val_accuracy"):
        self.runs, self.swept, self.metric = runs, list(swept), metric

    def __len__(self) -> int:
        return len(self.runs)

    def __repr__(self) -> str:
        failed = sum(not r.ok for r in self.runs)
        return f"SweepResult({len(self.runs)} runs, {failed} failed, swept {self.swept})"

    @property
    def failed(self) -> list[Run]:
        """The runs that failed, each with its ``error``."""
        return [r for r in self.runs if not r.ok]

    # --- tables ----------------------------------------------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per run: id, seed, status, every parameter, every final metric,
        seconds, worker, error."""
        return [{"id": r.id, "seed": r.seed, "status": r.status, **r.params, **r.metrics,
                 "seconds": r.seconds, "worker": r.worker, "error": r.error}
                for r in self.runs]

    def _columns(self) -> list[str]:
        columns: dict[str, None] = {}
        for row in self.rows():
            columns.update(dict.fromkeys(row))
        return list(columns)

    def to_frame(self):
        """The runs as a pandas DataFrame (one row per run). Needs pandas."""
        try:
            import pandas as pd
        except ImportError as error:
            raise ImportError("to_frame() needs pandas (pip install pandas); to_csv() does "
                              "without") from error
        return pd.DataFrame(self.rows(), columns=self._columns())

    def to_csv(self, path: str | Path) -> Path:
        """Write the runs as CSV (lists such as ``hidden`` as JSON text); return the path."""
        path = Path(path)
        columns = self._columns()
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            for row in self.rows():
                writer.writerow({k: _cell(row.get(k)) for k in columns})
        return path

    # --- over seeds ------------------------------------------------------------------------

    def configurations(self) -> dict[str, list[Run]]:
        """Runs grouped by configuration (the swept values as JSON), in the space's order."""
        groups: dict[str, list[Run]] = {}
        for run in self.runs:
            key = json.dumps({k: run.params.get(k) for k in self.swept}, sort_keys=True)
            groups.setdefault(key, []).append(run)
        return groups

    def summary(self) -> list[dict[str, Any]]:
        """Per configuration: ``params`` (swept values), ``runs`` and ``failed`` (counts), and
        per final metric its ``mean``, ``std`` (over seeds, ddof 1), ``min`` and ``max``."""
        rows = []
        for runs in self.configurations().values():
            done = [r for r in runs if r.ok]
            values: dict[str, list[float]] = {}
            for run in done:
                for name, value in run.metrics.items():
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        values.setdefault(name, []).append(value)
            metrics = {name: _stats(v) for name, v in values.items()}
            rows.append({"params": {k: runs[0].params.get(k) for k in self.swept},
                         "runs": len(done), "failed": len(runs) - len(done),
                         "metrics": metrics})
        return rows

    def best(self, metric: str | None = None) -> dict[str, Any]:
        """The summary row of the configuration with the best mean ``metric`` over seeds.

        Best is the largest mean, or the smallest for names ending in "loss". Configurations
        with a failed run only win when every configuration has one.

        Raises:
            ValueError: no run finished, or no run measured ``metric``.
        """
        metric = metric or self.metric
        rows = [r for r in self.summary() if metric in r["metrics"]]
        if not rows:
            known = sorted({m for r in self.summary() for m in r["metrics"]})
            raise ValueError(f"no finished run measured {metric!r}"
                             + (f"; metrics: {', '.join(known)}" if known else ""))
        clean = [r for r in rows if not r["failed"]] or rows
        return max(clean, key=lambda r: rank(r, metric))
