"""Tests for the ``neuralab`` command line: tables, train → evaluate, one-line errors, --help."""

import contextlib
import io
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from neuralab import activations, datasets
from neuralab.cli import COMMANDS, format_table, main
from neuralab.network import load

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


# --- errors: exit status 2, one line on stderr, no traceback ----------------------------------


def write_bad_models(folder: Path, trained_path: Path) -> dict[str, Path]:
    data = trained_path.read_bytes()
    files = {"empty": b"", "random": np.random.default_rng(0).bytes(500),
             "truncated": data[: len(data) // 2]}
    paths = {}
    for name, content in files.items():
        paths[name] = folder / f"{name}.safetensors"
        paths[name].write_bytes(content)
    paths["foreign"] = folder / "foreign.safetensors"
    save_file({"weight": np.ones((3, 3), np.float32)}, str(paths["foreign"]))
    return paths


ERRORS = {
    "unknown data set": (["train", "--data", "nosuch"], "nosuch"),
    "unknown activation": (["train", "--activation", "nosuch"], "nosuch"),
    "unknown optimizer": (["train", "--optimizer", "nosuch"], "nosuch"),
    "unknown loss": (["train", "--loss", "nosuch"], "nosuch"),
    "unknown init": (["train", "--init", "nosuch"], "nosuch"),
    "bad layer list": (["train", "--layers", "64,,x"], "64,,x"),
    "zero layer width": (["train", "--layers", "0"], "--layers"),
    "zero epochs": (["train", "--epochs", "0"], "--epochs"),
    "text epochs": (["train", "--epochs", "many"], "many"),
    "negative lr": (["train", "--lr", "-1"], "--lr"),
    "nan lr": (["train", "--lr", "nan"], "--lr"),
    "zero batch": (["train", "--batch-size", "0"], "--batch-size"),
    "split of 1": (["train", "--validation-split", "1"], "--validation-split"),
    "out folder missing": (["train", "--out", "/no/such/folder/m.safetensors"], "/no/such"),
    "early stopping without validation": (
        ["train", "--early-stopping", "2", "--validation-split", "0"], "--validation-split"),
    "diverging": (["train", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "3"], "epoch"),
    "bad points": (["activations", "--points", "1,x"], "1,x"),
    "infinite point": (["activations", "--points=1,inf"], "--points"),
    "point beyond float32": (["activations", "--points=1e39"], "float32"),
    "bad dtype": (["activations", "--dtype", "float16"], "float16"),
    "no command": ([], "COMMAND"),
    "unknown command": (["frobnicate"], "frobnicate"),
    "unknown option": (["train", "--bogus"], "--bogus"),
    "missing model": (["evaluate", "/no/such/model.safetensors"], "/no/such/model.safetensors"),
    "model is a folder": (["evaluate", "."], "."),
}


def assert_one_line_error(status, out, err, mentions):
    assert status == 2
    assert out == ""
    assert err.startswith("neuralab: error: ") and err.endswith("\n")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert mentions in err


@pytest.mark.parametrize("case", ERRORS)
def test_bad_input_exits_2_with_one_line(capsys, tmp_path, case):
    argv, mentions = ERRORS[case]
    if argv[:1] == ["train"]:  # short runs, models out of the cwd; the case's own options win
        argv = ["train", "--epochs", "1", "--out", tmp_path / "m.safetensors", *argv[1:]]
    assert_one_line_error(*run(capsys, *argv), mentions)


@pytest.mark.parametrize("kind", ["empty", "random", "truncated", "foreign"])
def test_corrupt_or_foreign_model_exits_2_with_one_line(capsys, tmp_path, trained, kind):
    path = write_bad_models(tmp_path, trained[0])[kind]
    assert_one_line_error(*run(capsys, "evaluate", path), "")


def test_model_and_data_with_different_features_exit_2(capsys, trained):
    status, out, err = run(capsys, "evaluate", trained[0], "--data", "xor")
    assert_one_line_error(status, out, err, "features")


# --- help and the console script --------------------------------------------------------------

OPTIONS = {
    "activations": ["--points", "--dtype"],
    "train": ["--data", "--layers", "--activation", "--loss", "--optimizer", "--lr",
              "--batch-size", "--epochs", "--init", "--validation-split", "--early-stopping",
              "--seed", "--out", "--no-progress"],
    "evaluate": ["MODEL", "--data", "--split", "--seed"],
    "lab": ["--quick", "--only", "--out", "--lang", "--seed"],
    "bench": ["--quick", "--only", "--threads", "--json"],
}
DEFAULTS = {
    "activations": ["default: -3,-1,0,1,3", "default: float32"],
    "train": ["default: digits", "default: 64,32", "default: relu", "default: adam",
              "default: 20", "default: 32", "default: 0.1", "default: model.safetensors"],
    "evaluate": ["default: digits", "default: test", "default: 0"],
    "lab": ["default: lab-report", "default: en", "default: 0"],
    "bench": ["default: all", "default: the BLAS's own"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_documents_every_option_and_default(capsys, command):
    status, out, err = run(capsys, command, "--help")
    assert (status, err) == (0, "")
    flat = " ".join(out.split())  # help text wraps lines
    for option in OPTIONS[command]:
        assert option in flat
    for default in DEFAULTS[command]:
        assert default in flat


def test_top_level_help_lists_every_command(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and all(command in out for command in COMMANDS)
    assert set(COMMANDS) == set(OPTIONS)  # a new command must get its help checked above


def test_console_script_and_python_m_return_the_exit_status(tmp_path):
    script = Path(sys.executable).with_name("neuralab")
    done = subprocess.run([script, "train", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--early-stopping" in done.stdout
    done = subprocess.run([sys.executable, "-m", "neuralab", "evaluate", tmp_path / "none"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("neuralab: error: ") and done.stderr.count("\n") == 1


def test_output_closed_early_ends_quietly():
    reader_gone = subprocess.Popen([sys.executable, "-m", "neuralab", "activations"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader_gone.stdout.close()  # before the child has written anything: its write gets EPIPE
    _, err = reader_gone.communicate()
    assert (reader_gone.returncode, err) == (1, b"")
