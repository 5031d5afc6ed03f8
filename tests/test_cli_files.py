"""``neuralab train``'s files: --out is checked before training; --checkpoint resumes a run."""

from __future__ import annotations

import os
import socket

import pytest

from neuralab.cli import main
from neuralab.network import Network


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if anything is trained: the checks must come first."""
    def refuse(*args, **kwargs):
        raise AssertionError("training started before --out was checked")

    monkeypatch.setattr(Network, "fit", refuse)


def bad_outs(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    sock.close()
    return {
        "missing folder": (tmp_path / "nowhere" / "m.safetensors", "does not exist"),
        "empty": ("", "empty"),
        "folder": (tmp_path, "is a folder"),
        "FIFO": (fifo, "FIFO"),
        "socket": (tmp_path / "sock", "socket"),
        "device": ("/dev/null", "character device"),
        "read-only file system": ("/proc/model.safetensors", "cannot write|permission"),
    }


@pytest.mark.parametrize("option", ["--out", "--checkpoint"])
def test_unwritable_paths_exit_2_before_any_training(capsys, tmp_path, no_training, option):
    for kind, (path, message) in bad_outs(tmp_path).items():
        status, out, err = run(capsys, "train", "--epochs", "1", option, path)
        assert status == 2, kind
        assert err.count("\n") == 1 and err.startswith(f"neuralab: error: {option}"), kind
        assert __import__("re").search(message, err), (kind, err)
    assert os.path.exists("/dev/null") and not (tmp_path / "nowhere").exists()


def test_train_with_a_checkpoint_says_it_resumed_and_continues(capsys, tmp_path):
    ckpt, out = tmp_path / "run.ckpt", tmp_path / "m.safetensors"
    common = ["train", "--layers", "16", "--out", out, "--checkpoint", ckpt, "--no-progress"]
    status, first, err = run(capsys, *common, "--epochs", "2")
    assert status == 0 and "resum" not in first + err and ckpt.exists()
    status, second, err = run(capsys, *common, "--epochs", "4")
    assert status == 0
    assert "resuming from the checkpoint" in err
    assert "4 (resumed from the checkpoint after epoch 2)" in second
