"""A sweep's runs and its results file: what a run computes, the file's lines, resuming, failed
runs, and the SweepResult's table, summary and best. In this process (backend "serial"); the
other backends are in test_sweep_backends.py and must give the same records."""

import csv
import json
import math
import os
import socket

import numpy as np
import pytest

import neuralab as nl
from neuralab import datasets
from neuralab.sweep import sweep
from neuralab.sweep.results import ResultsWriter, read_records

SMALL = {"data": "xor", "hidden": [4], "epochs": 3, "backend": "serial"}
FIELDS = {"id", "params", "seed", "status", "metrics", "history", "error", "seconds", "worker",
          "machine"}


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_run_is_mlp_and_fit_with_its_seed_validated_on_the_test_split(tmp_path):
    path = tmp_path / "results.jsonl"
    result = sweep({"activation": ["tanh", "relu"]}, seeds=2, results=path, lr=0.05, **SMALL)
    records = lines(path)
    assert len(records) == 4 and all(set(r) == FIELDS for r in records)
    assert [(r["params"]["activation"], r["seed"]) for r in records] == [
        ("tanh", 0), ("tanh", 1), ("relu", 0), ("relu", 1)]
    data = datasets.load("xor")
    for record in records:  # the same run by hand gives the same numbers, bit for bit
        seed = record["seed"]
        net = nl.mlp([2, 4, 2], activation=record["params"]["activation"], seed=seed)
        history = net.fit(data.x_train, data.y_train, epochs=3, lr=0.05, seed=seed,
                          validation_data=(data.x_test, data.y_test), progress=False)
        assert record["history"] == history.history
        assert record["metrics"] == {k: v[-1] for k, v in history.history.items()}
        assert record["status"] == "ok" and record["error"] is None and record["seconds"] > 0
        assert record["worker"] == f"{socket.gethostname()}:{os.getpid()}"
        machine = record["machine"]
        assert machine["neuralab"] == nl.__version__ and machine["numpy"] == np.__version__
        assert machine["cpu"] and all(blas["threads"] == 1 for blas in machine["blas"])
    assert [r.id for r in result.runs] == [r["id"] for r in records]


def test_resuming_runs_only_the_missing_runs_and_drops_a_half_written_line(tmp_path):
    path = tmp_path / "results.jsonl"
    space = {"activation": ["tanh", "relu"], "lr": [0.01, 0.1]}
    sweep(space, seeds=2, results=path, **SMALL)
    full = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(full) == 8
    # a crash after three runs, in the middle of writing the fourth
    path.write_text("".join(full[:3]) + full[3][:40], encoding="utf-8")
    result = sweep(space, seeds=2, results=path, **SMALL)
    now = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert now[:3] == full[:3] and len(now) == 8  # 5 runs appended, the torn line gone
    assert sorted(r["id"] for r in lines(path)) == sorted(r.id for r in result.runs)
    for before, after in zip(sorted(lines(tmp_path / "results.jsonl"), key=lambda r: r["id"]),
                             sorted(map(json.loads, full), key=lambda r: r["id"]),
                             strict=True):
        assert before["metrics"] == after["metrics"] and before["history"] == after["history"]
    size = path.stat().st_size
    again = sweep(space, seeds=2, results=path, **SMALL)  # nothing left to run
    assert path.stat().st_size == size and len(again) == 8


def test_a_failing_run_is_recorded_as_failed_and_the_sweep_goes_on(tmp_path):
    path = tmp_path / "results.jsonl"
    result = sweep({"lr": [0.05, 1e30]}, seeds=1, results=path, optimizer="sgd", **SMALL)
    ok, failed = result.runs
    assert ok.status == "ok" and ok.metrics["val_accuracy"] > 0
    assert failed.status == "failed" and failed.metrics == {}
    assert failed.error.startswith("TrainingDivergedError")
    assert result.failed == [failed]
    assert result.best("val_accuracy")["params"] == {"lr": 0.05}
    assert len(lines(path)) == 2
    sweep({"lr": [0.05, 1e30]}, seeds=1, results=path, optimizer="sgd", **SMALL)
    assert len(lines(path)) == 2  # a failed run is finished: not run again …
    sweep({"lr": [0.05, 1e30]}, seeds=1, results=path, optimizer="sgd", retry_failed=True,
          **SMALL)
    assert [r["params"]["lr"] for r in lines(path)] == [0.05, 1e30, 1e30]  # … unless asked


def test_summary_and_best_are_the_mean_and_spread_over_seeds(tmp_path):
    result = sweep({"activation": ["sigmoid", "relu"]}, seeds=3, lr=0.05, **SMALL)
    rows = result.summary()
    assert [row["params"] for row in rows] == [{"activation": "sigmoid"}, {"activation": "relu"}]
    for row in rows:
        runs = [r for r in result.runs if r.params["activation"] == row["params"]["activation"]]
        values = [r.metrics["val_loss"] for r in runs]
        stats = row["metrics"]["val_loss"]
        assert stats["mean"] == pytest.approx(sum(values) / 3, rel=1e-12)
        assert stats["std"] == pytest.approx(np.std(values, ddof=1), rel=1e-9)
        assert (stats["min"], stats["max"], row["runs"], row["failed"]) == (
            min(values), max(values), 3, 0)
    means = {row["params"]["activation"]: row["metrics"] for row in rows}
    by_loss = min(means, key=lambda a: means[a]["val_loss"]["mean"])
    by_accuracy = max(means, key=lambda a: means[a]["val_accuracy"]["mean"])
    assert result.best("val_loss")["params"]["activation"] == by_loss  # a loss is minimized
    assert result.best()["params"]["activation"] == by_accuracy  # val_accuracy by default
    with pytest.raises(ValueError, match="no finished run measured 'f1'"):
        result.best("f1")


def test_the_table_as_csv_and_as_a_data_frame(tmp_path):
    result = sweep({"activation": ["tanh", "relu"]}, seeds=2, **SMALL)
    with open(result.to_csv(tmp_path / "runs.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    for row, run in zip(rows, result.runs, strict=True):
        assert (row["id"], row["seed"], row["activation"]) == (run.id, str(run.seed),
                                                               run.params["activation"])
        assert json.loads(row["hidden"]) == [4]
        assert float(row["val_accuracy"]) == run.metrics["val_accuracy"]
    pd = pytest.importorskip("pandas")
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    assert frame["val_loss"].tolist() == [r.metrics["val_loss"] for r in result.runs]


def test_a_file_that_is_not_a_results_file_is_refused_before_any_run(tmp_path):
    path = tmp_path / "results.jsonl"
    path.write_text('{"id": "x", "status": "ok"}\nx,y,label\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2 is not a neuralab sweep record"):
        sweep({"lr": [0.1]}, results=path, **SMALL)
    assert read_records(tmp_path / "absent.jsonl") == {}


def test_nan_and_inf_are_written_as_null_so_every_line_is_json(tmp_path):
    path = tmp_path / "results.jsonl"
    with ResultsWriter(path) as writer:
        writer.write({"id": "a", "status": "failed", "history": {"loss": [0.5, math.nan]},
                      "metrics": {"loss": math.inf}})
    assert read_records(path) == {"a": {"id": "a", "status": "failed",
                                         "history": {"loss": [0.5, None]},
                                         "metrics": {"loss": None}}}
