"""The ``neuralab`` commands' output: the activations table, train → evaluate, the lab's verdicts.

One-line errors, --help and the console script: ``test_cli_contract.py``.
"""

import contextlib
import io
import math
import re
import types

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

import neuralab.lab
from neuralab import activations, datasets, load
from neuralab.cli import main
from neuralab.cli.common import format_table

TRAIN_SEED = 1


def run(capsys, *argv):
    """main(argv) → (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def cells_after(out: str, first: str) -> list[str]:
    """The cells of the first line whose first cell is ``first``, after that cell."""
    for line in out.splitlines():
        if line.split()[:1] == [first]:
            return line.split()[1:]
    raise AssertionError(f"no line starting with {first!r} in:\n{out}")


def activation_rows(out: str, name: str, count: int):
    """(f values, f' values) of activation ``name`` in the activations table."""
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.split()[:2] == [name, "f"])
    f = [float(c) for c in lines[i].split()[2:2 + count]]
    df_cells = lines[i + 1].split()
    assert df_cells[0] == "f'"
    return f, [float(c) for c in df_cells[1:1 + count]]


# --- neuralab activations ---------------------------------------------------------------------


def test_activations_table_lists_every_activation_with_its_properties(capsys):
    status, out, err = run(capsys, "activations")
    assert (status, err) == (0, "")
    first_cells = [line.split()[0] for line in out.splitlines() if line.strip()]
    for name in activations.names():
        assert name in first_cells
    header = out.splitlines()[0].split()
    assert header[1:6] == ["x=-3", "x=-1", "x=0", "x=1", "x=3"]
    sigmoid = next(line for line in out.splitlines() if line.startswith("sigmoid "))
    assert "(0, 1)" in sigmoid and " no " in sigmoid and "soft" in sigmoid
    assert sigmoid.rstrip().endswith("0.25")
    tanh = next(line for line in out.splitlines() if line.startswith("tanh "))
    assert "(-1, 1)" in tanh and " yes " in tanh


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# f and f' written from the formulas, at the points -2, 0, 1
FORMULAS = {
    "identity": (lambda x: x, lambda x: 1.0),
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),  # relu'(0) = 0
    "leaky_relu": (lambda x: x if x > 0 else 0.01 * x, lambda x: 1.0 if x > 0 else 0.01),
    "elu": (lambda x: x if x > 0 else math.exp(x) - 1, lambda x: 1.0 if x > 0 else math.exp(x)),
    "softplus": (lambda x: math.log1p(math.exp(x)), sigmoid),
    "silu": (lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    "softsign": (lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activations_table_values_match_the_formulas(capsys, dtype):
    points = [-2.0, 0.0, 1.0]
    status, out, _ = run(capsys, "activations", "--points=-2,0,1", "--dtype", dtype)
    assert status == 0
    for name, (f, df) in FORMULAS.items():
        got_f, got_df = activation_rows(out, name, len(points))
        assert got_f == pytest.approx([f(x) for x in points], abs=1e-4), name
        assert got_df == pytest.approx([df(x) for x in points], abs=1e-4), name


def test_activations_softmax_row_is_softmax_of_the_points_and_its_jacobian_diagonal(capsys):
    points = np.array([-2.0, 0.0, 1.0])
    _, out, _ = run(capsys, "activations", "--points=-2,0,1")
    a = np.exp(points) / np.exp(points).sum()
    got_f, got_df = activation_rows(out, "softmax", 3)
    assert got_f == pytest.approx(a, abs=1e-4)
    assert got_df == pytest.approx(a * (1 - a), abs=1e-4)


def test_format_table_aligns_numbers_right_and_text_left():
    text = format_table([["a", "1.5"], ["bbb", "10"]], ["name", "value"])
    assert text.splitlines() == ["name  value", "----  -----", "a       1.5", "bbb      10"]


# --- neuralab train → neuralab evaluate -------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Train a small model on digits once: (path, stdout, stderr, exit status)."""
    path = tmp_path_factory.mktemp("cli") / "model.safetensors"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["train", "--data", "digits", "--layers", "32", "--epochs", "8",
                       "--seed", str(TRAIN_SEED), "--out", str(path)])
    return path, out.getvalue(), err.getvalue(), status


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits", seed=TRAIN_SEED)


def test_train_saves_the_model_and_prints_a_summary(trained, digits):
    path, out, err, status = trained
    assert (status, err) == (0, "")  # stderr is not a terminal here: no progress bar
    net = load(path)
    assert net.n_inputs == 64 and [layer.out_features for layer in net.layers] == [32, 10]
    assert "64 -> 32 -> 10 (relu, softmax)" in out
    assert f"{64 * 32 + 32 + 32 * 10 + 10:,}" in out
    assert cells_after(out, "epochs") == ["8"]
    n_val = round(0.1 * len(digits.y_train))
    assert cells_after(out, "train")[0] == f"{len(digits.y_train) - n_val:,}"
    assert cells_after(out, "validation")[0] == f"{n_val:,}"
    test = net.evaluate(digits.x_test, digits.y_test)
    assert cells_after(out, "test") == [
        f"{len(digits.y_test):,}", f"{test['loss']:.4f}", f"{100 * test['accuracy']:.2f}%"]
    assert test["accuracy"] >= 0.88  # 8 epochs of Adam on digits


def confusion_rows(out: str, n_classes: int) -> np.ndarray:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("confusion matrix"))
    assert lines[start + 1].split() == ["true", *map(str, range(n_classes))]
    rows = [line.split() for line in lines[start + 3:start + 3 + n_classes]]
    assert [int(row[0]) for row in rows] == list(range(n_classes))
    return np.array([[int(c) for c in row[1:]] for row in rows])


@pytest.mark.parametrize("split", ["test", "train"])
def test_evaluate_prints_the_models_loss_accuracy_and_confusion_matrix(
        capsys, trained, digits, split):
    path = trained[0]
    status, out, err = run(capsys, "evaluate", path, "--data", "digits",
                           "--seed", TRAIN_SEED, "--split", split)
    assert (status, err) == (0, "")
    x, y = (digits.x_test, digits.y_test) if split == "test" else (digits.x_train, digits.y_train)
    net = load(path)
    metrics = net.evaluate(x, y)
    assert cells_after(out, "loss") == [f"{metrics['loss']:.4f}"]
    correct = round(metrics["accuracy"] * len(y))
    assert f"accuracy  {100 * metrics['accuracy']:.2f}% ({correct:,} of {len(y):,})" in out
    matrix = confusion_rows(out, 10)
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(y, minlength=10))
    assert np.trace(matrix) == correct
    np.testing.assert_array_equal(matrix, sk_confusion_matrix(y, net.predict_classes(x)))


def test_train_and_evaluate_report_the_same_test_accuracy(capsys, trained):
    path, train_out = trained[0], trained[1]
    _, out, _ = run(capsys, "evaluate", path, "--seed", TRAIN_SEED)
    accuracy = next(c for c in out.split() if c.endswith("%"))
    assert train_out.splitlines()[-1].split()[-1] == accuracy


def test_train_stops_early_and_full_batch_works(capsys, tmp_path):
    status, out, _ = run(capsys, "train", "--layers", "32", "--epochs", "200", "--seed", 0,
                         "--early-stopping", 2, "--out", tmp_path / "m.safetensors")
    assert status == 0
    epochs = next(line for line in out.splitlines() if line.startswith("epochs"))
    assert "stopped early" in epochs and int(epochs.split()[1]) < 200
    status, out, _ = run(capsys, "train", "--layers", "", "--batch-size", "full", "--epochs", 3,
                         "--optimizer", "gd", "--lr", "0.5", "--validation-split", "0",
                         "--out", tmp_path / "gd.safetensors")
    assert status == 0 and "64 -> 10 (softmax)" in out and "batch size full" in out
    assert "validation" not in out


# --- neuralab lab: the lab itself is stood in for; the table, the path and the options ------


def fake_result(exp_id, *verdicts):
    """An experiment result as ``neuralab.lab.run`` returns it: (claim, reproduced) pairs."""
    return types.SimpleNamespace(id=exp_id, verdicts=[
        types.SimpleNamespace(claim=claim, reproduced=ok,
                              outcome="reproduced" if ok else "not_reproduced")
        for claim, ok in verdicts])


@pytest.fixture
def lab_runs(monkeypatch):
    """Replace ``neuralab.lab.run``: record its arguments, return two fake results."""
    calls = []

    def run(ids=None, **options):
        calls.append({"ids": ids, **options})
        return [fake_result("one", ("C9", True), ("C1", True)),
                fake_result("two", ("C10", False))]

    monkeypatch.setattr(neuralab.lab, "run", run)
    return calls


def test_lab_prints_verdicts_in_claim_order_and_the_report_path(capsys, tmp_path, lab_runs):
    status, out, err = run(capsys, "lab", "--quick", "--out", tmp_path / "r", "--seed", 2,
                           "--only", "loss_slowdown")
    assert (status, err) == (0, "")
    assert lab_runs == [{"ids": ["loss_slowdown"], "quick": True, "seed": 2,
                         "out": tmp_path / "r", "lang": "en", "backend": "serial",
                         "n_jobs": None, "scheduler": None, "params": None}]
    assert (tmp_path / "r").is_dir()
    lines = out.splitlines()
    assert lines[0].split() == ["claim", "verdict", "experiment"]
    assert [line.split()[0] for line in lines[1:4]] == ["C1", "C9", "C10"]
    assert re.search(r"\s{2}reproduced\s+one$", lines[1])
    assert re.search(r"\s{2}not reproduced\s+two$", lines[3])
    assert lines[-1] == f"report: {tmp_path / 'r' / 'report.html'}"


def test_lab_table_in_chinese_aligns_wide_characters(capsys, tmp_path, lab_runs):
    status, out, _ = run(capsys, "lab", "--lang", "zh", "--out", tmp_path)
    assert status == 0 and lab_runs[0]["ids"] is None and lab_runs[0]["lang"] == "zh"
    lines = out.splitlines()
    assert lines[0].startswith("论断") and "未复现" in lines[3]
    assert lines[-1].startswith("报告")
    wide = {sum(1 + (ord(ch) > 0x2E80) for ch in line[: line.rindex(" ") + 1])
            for line in lines[:4]}
    assert len(wide) == 1  # the experiment column starts at the same terminal column


def test_lab_out_that_cannot_be_created_exits_2(capsys, tmp_path, lab_runs):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    status, out, err = run(capsys, "lab", "--out", blocker / "sub")
    assert (status, out, lab_runs) == (2, "", [])
    assert err.startswith("neuralab: error: --out ") and err.count("\n") == 1


def test_lab_unknown_experiment_exits_2_before_making_the_folder(capsys, tmp_path, lab_runs):
    status, out, err = run(capsys, "lab", "--only", "nosuch", "--out", tmp_path / "r")
    assert (status, out, lab_runs) == (2, "", [])
    assert "'nosuch'" in err and err.count("\n") == 1
    assert not (tmp_path / "r").exists()
