"""The ``neuralab`` command line's contract: bad input ends with exit status 2 and one line
on stderr, never a traceback; every option is documented in ``--help`` with its default; the
console script and ``python -m neuralab`` return the exit status."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

import neuralab
from neuralab.cli import COMMANDS, main


def run(capsys, *argv):
    """main(argv) → (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A digits-shaped model file (64 inputs, 10 classes), untrained: loading is what matters."""
    path = tmp_path_factory.mktemp("model") / "model.safetensors"
    neuralab.mlp([64, 16, 10], seed=0).save(path)
    return path


# --- errors: exit status 2, one line on stderr, no traceback ----------------------------------


def write_bad_models(folder: Path, model_path: Path) -> dict[str, Path]:
    data = model_path.read_bytes()
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
    "unknown experiment": (["lab", "--only", "nosuch"], "nosuch"),
    "negative lab seed": (["lab", "--seed", "-1"], "--seed"),
    "bad language": (["lab", "--lang", "fr"], "fr"),
    "unknown workload": (["bench", "--only", "D"], "'D'"),
    "zero threads": (["bench", "--threads", "0"], "--threads"),
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
    if argv[:1] == ["lab"]:
        argv = ["lab", "--quick", "--out", tmp_path / "lab", *argv[1:]]
    assert_one_line_error(*run(capsys, *argv), mentions)


@pytest.mark.parametrize("kind", ["empty", "random", "truncated", "foreign"])
def test_corrupt_or_foreign_model_exits_2_with_one_line(capsys, tmp_path, model, kind):
    path = write_bad_models(tmp_path, model)[kind]
    assert_one_line_error(*run(capsys, "evaluate", path), "")


def test_model_and_data_with_different_features_exit_2(capsys, model):
    status, out, err = run(capsys, "evaluate", model, "--data", "xor")
    assert_one_line_error(status, out, err, "features")


# --- help and the console script --------------------------------------------------------------

OPTIONS = {
    "activations": ["--points", "--dtype"],
    "train": ["--data", "--layers", "--activation", "--loss", "--optimizer", "--lr",
              "--batch-size", "--epochs", "--init", "--validation-split", "--early-stopping",
              "--seed", "--out", "--no-progress"],
    "evaluate": ["MODEL", "--data", "--split", "--seed"],
    "lab": ["--quick", "--only", "--out", "--lang", "--seed", "--backend", "--scheduler", "--jobs"],
    "sweep": ["CONFIG.toml", "--backend", "--scheduler", "--jobs", "--out", "--results",
              "--retry-failed", "--no-progress"],
    "bench": ["--quick", "--only", "--threads", "--json"],
    "play": ["--port", "--host", "--no-browser", "--max-tabs"],
    "export": ["MODEL", "--format", "--out"],
}
DEFAULTS = {
    "activations": ["default: -3,-1,0,1,3", "default: float32"],
    "train": ["default: digits", "default: 64,32", "default: relu", "default: adam",
              "default: 20", "default: 32", "default: 0.1", "default: model.safetensors"],
    "evaluate": ["default: digits", "default: test", "default: 0"],
    "lab": ["default: lab-report", "default: en", "default: 0", "default: serial"],
    "sweep": ["default: loky"],
    "bench": ["default: all", "default: the BLAS's own"],
    "play": ["default: 0", "default: 127.0.0.1", "default: 8"],
    "export": ["default: onnx", "default: MODEL with the suffix .onnx"],
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
