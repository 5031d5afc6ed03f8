"""``neuralab sweep CONFIG.toml`` end to end, and ``neuralab lab --backend``: the lab's units of
work on worker processes give the same results.json as the serial lab."""

import json

import pytest

from neuralab.cli import main

CONFIG = """
data = "xor"
seeds = 2
metric = "val_accuracy"

[fixed]
hidden = [4]
epochs = 2
lr = 0.05

[grid]
activation = ["tanh", "relu"]
"""


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_sweep_prints_the_summary_and_writes_report_runs_and_results(tmp_path, capsys):
    config = tmp_path / "act.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out_dir = tmp_path / "report"
    status, out, err = run(capsys, "sweep", config, "--backend", "serial", "--out", out_dir)
    assert (status, err) == (0, "")
    header, rule, *rows = out.split("\n\n")[0].splitlines()
    assert header.split()[:3] == ["activation", "val_accuracy", "mean"]
    assert sorted(row.split()[0] for row in rows) == ["relu", "tanh"]
    records = [json.loads(line) for line in
               (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    best_row = rows[0].split()  # best first: the mean over both seeds of the file's runs
    runs = [r for r in records if r["params"]["activation"] == best_row[0]]
    mean = sum(r["metrics"]["val_accuracy"] for r in runs) / 2
    assert float(best_row[1]) == pytest.approx(mean, abs=5e-5)
    assert f"best val_accuracy: {mean:.4f}" in out
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert page.count('<img src="data:image/png;base64,') == 2  # activation, learning curves
    assert (out_dir / "runs.csv").read_text(encoding="utf-8").count("\n") == 5
    status, again, _ = run(capsys, "sweep", config, "--backend", "serial", "--out", out_dir)
    assert status == 0 and again == out  # resumed: nothing ran, the same summary
    assert len((out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 4


@pytest.mark.parametrize(("text", "argv", "message"), [
    (CONFIG.replace("[grid]", "[grid"), (), "not valid TOML"),
    (CONFIG.replace("epochs = 2", "epoch = 2"), (), "unknown parameter 'epoch'"),
    (CONFIG, ("--backend", "loky", "--scheduler", "tcp://127.0.0.1:1"), "needs backend"),
    (CONFIG, ("--jobs", "0"), "expected an integer >= 1"),
])
def test_sweep_input_errors_are_one_line_and_status_2(tmp_path, capsys, text, argv, message):
    config = tmp_path / "bad.toml"
    config.write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "sweep", config, "--out", tmp_path / "out", *argv)
    assert status == 2 and out == ""
    assert err.startswith("neuralab: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "out" / "results.jsonl").exists()


def _results(folder):
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    data["meta"].pop("duration")
    for experiment in data["experiments"]:
        experiment.pop("duration")
    return data


def test_the_lab_on_worker_processes_writes_the_same_results(tmp_path, capsys):
    common = ("lab", "--quick", "--only", "loss_slowdown", "zero_mean")
    status, serial_out, _ = run(capsys, *common, "--out", tmp_path / "serial")
    assert status == 0
    status, loky_out, _ = run(capsys, *common, "--out", tmp_path / "loky", "--backend", "loky",
                              "--jobs", "2")
    assert status == 0
    assert _results(tmp_path / "loky") == _results(tmp_path / "serial")
    assert loky_out.replace("loky", "serial") == serial_out  # the same verdicts


def test_the_speed_up_benchmark_runs_and_reports_every_backend(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "sweep_speedup.py"
    spec = importlib.util.spec_from_file_location("sweep_speedup", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick", "--seeds", "1", "--jobs", "2", "--empty", "20",
                       "--json", str(tmp_path / "b.json")]) == 0
    report = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert report["runs"] == 3 * 4 and set(report["backends"]) == {"serial", "loky", "dask"}
    assert report["backends"]["serial"]["speedup"] == 1.0
    for row in report["backends"].values():
        assert row["seconds"] > 0 and row["overhead_ms"] > 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("serial", "loky", "dask", "speed-up"))
