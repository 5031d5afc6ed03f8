"""neuralab.bench: the FLOP count of a training step, and the `neuralab bench` command."""

import json

from neuralab import bench
from neuralab.cli import main


def test_step_matmuls_of_workload_a():
    sizes, batch, _ = bench.WORKLOADS["A"]
    assert sizes == (784, 256, 128, 10) and batch == 64
    assert bench.step_matmuls(sizes, batch) == [
        (64, 784, 256, ""), (784, 64, 256, "a"),                           # layer 1: no ∂C/∂x
        (64, 256, 128, ""), (256, 64, 128, "a"), (64, 128, 256, "b"),
        (64, 128, 10, ""), (128, 64, 10, "a"), (64, 10, 128, "b"),
    ]


def test_epoch_flops_counts_two_per_multiply_add_and_the_short_last_batch():
    per_row = 2 * (784 * 256 + 256 * 128 + 128 * 10)    # forward
    per_row += 2 * (784 * 256 + 256 * 128 + 128 * 10)   # ∂C/∂W
    per_row += 2 * (128 * 256 + 10 * 128)               # ∂C/∂x, all layers but the first
    # 4,000 rows in batches of 64: 62 full batches and one of 32, every product linear in rows
    assert bench.epoch_flops((784, 256, 128, 10), 64, 4000) == 4000 * per_row


def test_bench_command_times_a_workload(capsys, tmp_path):
    out = tmp_path / "bench.json"
    assert main(["bench", "--quick", "--only", "B", "--threads", "1", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "B 64-32-10" in printed and "images/s" in printed
    assert "Adam's update: one compiled pass (numba " in printed  # numba: the dev extra
    results = json.loads(out.read_text())
    assert results["B"]["seconds"] > 0 and results["B"]["gflops"] > 0
    assert results["inference_images_per_second"] > 0


def test_bench_rejects_zero_threads(capsys):
    assert main(["bench", "--threads", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "threads" in err


def test_bench_says_when_adam_runs_on_numpy_alone(monkeypatch):
    from neuralab import kernels

    monkeypatch.setattr(kernels, "available", lambda: False)
    assert bench.adam_path().startswith("12 NumPy passes (pip install 'neuralab[fast]'")
