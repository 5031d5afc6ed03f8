"""fit(..., checkpoint=PATH): killed with SIGKILL and resumed, a run ends bit-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neuralab import checkpoint, datasets, mlp, optimizers
from neuralab.layers import Dense, Dropout
from neuralab.network import Network

# A run with every source of change a resume must restore: shuffling, dropout masks, Adam's
# moments and step count, a per-step schedule, validation and L2.
RUN = textwrap.dedent("""
    import sys
    import numpy as np
    from neuralab import callbacks, datasets, schedules
    from neuralab.layers import Dense, Dropout
    from neuralab.network import Network

    class Announce(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            print(f"epoch {epoch}", flush=True)

    def run(path, epochs):
        data = datasets.load("digits", seed=0)
        net = Network([Dense(64, 48, "relu", seed=1), Dropout(0.3, seed=2),
                       Dense(48, 10, "softmax", seed=3)])
        history = net.fit(data.x_train, data.y_train, epochs=epochs, batch_size=16, seed=4,
                          optimizer="adam", lr=0.003, l2=1e-4,
                          schedule=schedules.get("cosine", total=2000, interval="step"),
                          validation_data=(data.x_test, data.y_test), callbacks=[Announce()],
                          checkpoint=path)
        return net, history

    if __name__ == "__main__":
        net, history = run(sys.argv[1], int(sys.argv[2]))
        np.savez(sys.argv[3], *[p.value for p in net.parameters()],
                 loss=history.history["loss"], val=history.history["val_loss"],
                 initial=history.initial_epoch)
""")


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "run.py"
    path.write_text(RUN)
    return path


def run_to_end(script, ckpt, epochs, out):
    subprocess.run([sys.executable, str(script), str(ckpt), str(epochs), str(out)], check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    return np.load(out)


def kill_during_epoch(script, ckpt, epochs, out, epoch):
    """Start the run and SIGKILL it as soon as it announces ``epoch`` (mid-training)."""
    child = subprocess.Popen([sys.executable, str(script), str(ckpt), str(epochs), str(out)],
                             stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:
            if line.strip() == f"epoch {epoch}":
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        child.wait(timeout=300)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def test_a_run_killed_three_times_ends_bit_identical_to_one_never_interrupted(script, tmp_path):
    epochs = 7
    whole = run_to_end(script, tmp_path / "whole.ckpt", epochs, tmp_path / "whole.npz")
    ckpt = tmp_path / "killed.ckpt"
    for epoch in (1, 3, 4):  # killed in epoch 1, then (resumed) in 3, then in 4
        kill_during_epoch(script, ckpt, epochs, tmp_path / "x.npz", epoch)
        assert checkpoint.load(ckpt, _net()).epochs_done == epoch
    resumed = run_to_end(script, ckpt, epochs, tmp_path / "resumed.npz")
    assert int(resumed["initial"]) == 4
    assert sorted(whole.files) == sorted(resumed.files)
    for key in whole.files:
        if key != "initial":
            np.testing.assert_array_equal(resumed[key], whole[key], err_msg=key)
    assert len(resumed["loss"]) == epochs


def _net():
    return Network([Dense(64, 48, "relu", seed=1), Dropout(0.3, seed=2),
                    Dense(48, 10, "softmax", seed=3)])


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits", seed=0)


def fit(digits, path, epochs=2, net=None, **kwargs):
    net = net or mlp([64, 16, 10], seed=0)
    options = {"batch_size": 32, "optimizer": "adam", "lr": 0.01, "seed": 0}
    options.update(kwargs)
    x = options.pop("x", digits.x_train)
    return net, net.fit(x, digits.y_train, epochs=epochs, checkpoint=path, **options)


def test_more_epochs_continue_where_the_checkpoint_ended(digits, tmp_path):
    _, first = fit(digits, tmp_path / "a.ckpt", epochs=2)
    net, more = fit(digits, tmp_path / "a.ckpt", epochs=5)
    assert more.initial_epoch == 2 and more.epoch == [0, 1, 2, 3, 4]
    assert more.history["loss"][:2] == first.history["loss"]
    straight, history = fit(digits, tmp_path / "b.ckpt", epochs=5)
    np.testing.assert_array_equal(net.flat.value, straight.flat.value)
    assert history.history == more.history


def test_a_finished_checkpoint_trains_nothing_more(digits, tmp_path):
    net, done = fit(digits, tmp_path / "a.ckpt", epochs=3)
    again, history = fit(digits, tmp_path / "a.ckpt", epochs=3)
    assert history.initial_epoch == 3 and history.history == done.history
    np.testing.assert_array_equal(again.flat.value, net.flat.value)


@pytest.mark.parametrize("change, match", [
    ({"net": mlp([64, 20, 10], seed=0)}, "another network"),
    ({"net": mlp([64, 16, 10], loss="mse", seed=0)}, "another network"),
    ({"lr": 0.02}, "optimizer"),
    ({"optimizer": optimizers.Adam(lr=0.01, amsgrad=True)}, "optimizer"),
    ({"optimizer": "sgd"}, "optimizer"),
    ({"batch_size": 64}, "batch_size"),
    ({"l2": 0.1}, "l2"),
    ({"x": None}, "data"),
    ({"shuffle": False}, "shuffle"),
])
def test_a_checkpoint_of_another_run_is_refused(digits, tmp_path, change, match):
    fit(digits, tmp_path / "a.ckpt")
    before = (tmp_path / "a.ckpt").read_bytes()
    if "x" in change:
        change = {"x": digits.x_train[::-1]}
    with pytest.raises(ValueError, match=f"{match}.*(another|delete)|another.*{match}"):
        fit(digits, tmp_path / "a.ckpt", epochs=3, **change)
    assert (tmp_path / "a.ckpt").read_bytes() == before  # left as it was


def test_a_model_file_or_garbage_is_not_a_checkpoint(digits, tmp_path):
    path = tmp_path / "a.ckpt"
    mlp([64, 16, 10], seed=0).save(path)
    with pytest.raises(ValueError, match="not a neuralab checkpoint.*model file"):
        fit(digits, path)
    path.write_bytes(b"\x10" + bytes(40))
    with pytest.raises(ValueError, match="not a neuralab checkpoint"):
        fit(digits, path)


def test_the_checkpoint_records_the_machine(digits, tmp_path):
    import json

    fit(digits, tmp_path / "a.ckpt")
    data = (tmp_path / "a.ckpt").read_bytes()
    header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    meta = json.loads(header["__metadata__"]["neuralab_checkpoint"])
    env = meta["environment"]
    assert env["numpy"] == np.__version__ and env["cpu"] and env["cpu_count"] >= 1
    assert env["blas"] and "threads" in env["blas"][0]
    assert meta["epochs_done"] == 2
