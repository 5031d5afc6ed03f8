"""Hostile and broken files: special paths, lying headers, bombs, crashes mid-save.

Each class of the reliability audit has a test here; "at once" and "bounded" are checked as
work done (bytes read, memory allocated), with timeouts only as guards against hangs.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.numpy import save as tensors_to_bytes

from neuralab import load, mlp
from neuralab.idx import read_idx
from neuralab.layers import Dense

X = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)


@pytest.fixture(scope="module")
def net():
    return mlp([5, 4, 3], activation="tanh", seed=0)


@pytest.fixture(scope="module")
def model_bytes(net, tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "m.safetensors"
    net.save(path)
    return path.read_bytes()


def run_with_timeout(fn, seconds=10):
    """fn() in a thread; fail (instead of hanging the suite) if it has not returned in time."""
    outcome = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as err:  # handed back to the test's thread
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"hung for more than {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# --- reading: only regular files ----------------------------------------------------------------


def special_paths(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    folder = tmp_path / "folder"
    folder.mkdir()
    return {"FIFO": fifo, "socket": sock_path, "folder": folder,
            "character device": "/dev/zero"}, server


def test_load_refuses_every_special_file_at_once(tmp_path):
    paths, server = special_paths(tmp_path)
    try:
        for kind, path in paths.items():
            with pytest.raises(ValueError, match=f"{kind}, not a neuralab model file|"
                                                 f"is a {kind}"):
                run_with_timeout(lambda p=path: load(p))
    finally:
        server.close()


def test_read_idx_refuses_special_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        with pytest.raises(ValueError, match="not a regular file"):
            run_with_timeout(lambda p=path: read_idx(p))


# --- reading: check before allocating -----------------------------------------------------------


def forged(description: dict, tensors: dict | None = None) -> bytes:
    metadata = {"format": "neuralab", "neuralab": json.dumps(description)}
    return tensors_to_bytes(tensors or {"layers.0.weight": np.zeros((2, 2), np.float32)},
                            metadata=metadata)


def huge_layer_description():
    return {"format": "neuralab", "format_version": 1, "dtype": "float32",
            "loss": "cross_entropy",
            "layers": [{"type": "Dense", "in_features": 20000, "out_features": 20000,
                        "bias": True, "activation": {"name": "softmax", "config": {}}}]}


@pytest.mark.parametrize("header_lies", [False, True])
def test_a_small_file_claiming_a_huge_layer_fails_without_allocating(tmp_path, header_lies):
    """20000 × 20000 float32 would be 1.6 GB; the file is a few hundred bytes."""
    tensors = {"layers.0.weight": np.zeros((2, 2), np.float32),
               "layers.0.bias": np.zeros(2, np.float32)}
    data = forged(huge_layer_description(), tensors)
    if header_lies:  # the header too claims the big shape, but its bytes are not there
        header_len = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + header_len])
        header["layers.0.weight"]["shape"] = [20000, 20000]
        header["layers.0.bias"]["shape"] = [20000]
        text = json.dumps(header).encode()
        data = struct.pack("<Q", len(text)) + text + data[8 + header_len:]
    path = tmp_path / "bomb.safetensors"
    path.write_bytes(data)
    assert len(data) < 1000
    tracemalloc.start()
    with pytest.raises(ValueError, match="layers.0.weight|truncated"):
        load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # bytes: nothing near the 1.6 GB the description asks for


def test_deeply_nested_json_is_a_value_error(tmp_path, model_bytes):
    nested = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "nested.safetensors"
    path.write_bytes(tensors_to_bytes({"layers.0.weight": np.zeros((2, 2), np.float32)},
                                      metadata={"format": "neuralab", "neuralab": nested}))
    with pytest.raises(ValueError, match="not valid JSON"):
        load(path)
    # nested in the safetensors header itself
    header = ('{"a":' * 50_000 + "1" + "}" * 50_000).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header)
    with pytest.raises(ValueError, match="not valid JSON"):
        load(path)


def test_non_finite_weights_are_refused_at_load_naming_the_array(tmp_path, net):
    state = net.state_dict()
    state["layers.1.bias"][1] = np.nan
    metadata = {"format": "neuralab", "neuralab": json.dumps(net.description())}
    path = tmp_path / "nan.safetensors"
    path.write_bytes(tensors_to_bytes(state, metadata=metadata))
    with pytest.raises(ValueError, match=r"layers\.1\.bias holds NaN"):
        load(path)


def test_save_refuses_a_diverged_network_and_writes_nothing(tmp_path):
    diverged = mlp([5, 4, 3], seed=0)
    diverged.layers[0].weight.value[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"layers\.0\.weight holds NaN or infinite"):
        diverged.save(tmp_path / "d.safetensors")
    assert os.listdir(tmp_path) == []


# --- reading: a fuzz test of load on mutated files ----------------------------------------------


def mutations():
    flip = st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255))
    cut = st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0))
    edit = st.tuples(st.just("edit"), st.sampled_from([
        ("in_features", 10**9), ("out_features", -3), ("bias", "yes"), ("dtype", "float16"),
        ("layers", {"a": 1}), ("loss", None), ("format_version", 10**400),
        ("activation", {"name": "relu", "config": {"inplace": True}}),
        ("shape", [20000, 20000]), ("data_offsets", [0, 10**12]), ("dtype_code", "BF16"),
    ]), st.just(0))
    return st.lists(st.one_of(flip, cut, edit), min_size=1, max_size=3)


def mutate(data: bytes, steps) -> bytes:
    for kind, where, value in steps:
        if kind == "flip" and data:
            i = where % len(data)
            data = data[:i] + bytes([data[i] ^ value]) + data[i + 1:]
        elif kind == "cut":
            data = data[: where % (len(data) + 1)]
        elif kind == "edit":
            data = edit_header(data, *where)
    return data


def edit_header(data: bytes, key, value) -> bytes:
    try:
        n = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + n])
        description = json.loads(header["__metadata__"]["neuralab"])
        first = description["layers"][0]
    except (ValueError, KeyError, TypeError, IndexError):
        return data
    if key in ("shape", "data_offsets"):
        header["layers.0.weight"][key] = value
    elif key == "dtype_code":
        header["layers.0.weight"]["dtype"] = value
    elif isinstance(first, dict) and key in first:
        first[key] = value
    else:
        description[key] = value
    header["__metadata__"]["neuralab"] = json.dumps(description)
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data[8 + n:]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=mutations())
def test_every_mutation_loads_an_equal_network_or_gives_a_clear_error(tmp_path, net,
                                                                      model_bytes, steps):
    path = tmp_path / "mutated.safetensors"
    data = mutate(model_bytes, steps)
    path.write_bytes(data)
    tracemalloc.start()
    try:
        loaded = run_with_timeout(lambda: load(path), seconds=5)
    except ValueError as err:
        assert str(err) and "Traceback" not in str(err)
        return
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 50 * len(model_bytes) + 2_000_000
    # it loaded: then it is a network whose every array came from the file's bytes
    assert loaded.n_inputs == 5 and np.isfinite(loaded.predict(X)).all()
    if data == model_bytes:
        np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


# --- writing ------------------------------------------------------------------------------------


def test_save_refuses_special_files_and_leaves_them_as_they_were(tmp_path, net):
    paths, server = special_paths(tmp_path)
    try:
        for kind, path in paths.items():
            if kind == "character device":
                path = "/dev/null"
            before = os.stat(path)
            with pytest.raises(ValueError, match="give the path of a file"):
                run_with_timeout(lambda p=path: net.save(p))
            after = os.stat(path)
            assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), kind
    finally:
        server.close()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_save_through_a_symbolic_link_replaces_its_target(tmp_path, net):
    target = tmp_path / "real.safetensors"
    mlp([5, 4, 3], seed=9).save(target)
    link = tmp_path / "link.safetensors"
    link.symlink_to(target)
    net.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(load(target).predict(X), net.predict(X))


def test_errors_name_the_users_path_not_the_temporary(tmp_path, net, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError) as info:
        net.save(tmp_path / "model.safetensors")
    assert "model.safetensors" in str(info.value) and ".neuralab-" not in str(info.value)
    assert info.value.errno == 28


KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    import neuralab as nl
    real_fdopen = os.fdopen
    class Slow:
        def __init__(self, f): self.f = f
        def __enter__(self): return self
        def __exit__(self, *a): self.f.close()
        def write(self, data):
            self.f.write(data[: len(data) // 2]); self.f.flush()
            print("half written", flush=True)
            time.sleep(60)
        def flush(self): pass
        def fileno(self): return self.f.fileno()
    os.fdopen = lambda *a, **k: Slow(real_fdopen(*a, **k))
    nl.mlp([5, 4, 3], seed=7).save(sys.argv[1])
""")


def test_a_save_killed_midway_keeps_the_old_file_and_its_temporary_is_cleaned(tmp_path, net):
    path = tmp_path / "model.safetensors"
    net.save(path)
    before = path.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "half written"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert path.read_bytes() == before  # the old model is intact
    leftovers = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith(f".neuralab-{child.pid}-")
    mlp([5, 4, 3], seed=3).save(tmp_path / "another.safetensors")  # the next save into the folder
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    np.testing.assert_array_equal(load(path).predict(X), net.predict(X))


# --- data files: IDX, gzipped or not -------------------------------------------------------------


def idx_header(shape) -> bytes:
    return bytes([0, 0, 8, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape)


def test_a_gzip_bomb_is_refused_without_decompressing_it(tmp_path):
    """10 labels declared, then 200 MB of zeros that compress to ~200 KB."""
    path = tmp_path / "labels-idx1-ubyte.gz"
    with gzip.open(path, "wb") as f:
        f.write(idx_header((10,)) + bytes(10))
        for _ in range(200):
            f.write(bytes(1_000_000))
    tracemalloc.start()
    with pytest.raises(ValueError, match="extra bytes"):
        read_idx(path, 2049)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000  # far below the 200 MB inside


def test_an_absurd_idx_header_is_refused_before_reading(tmp_path):
    path = tmp_path / "images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_header((60000, 60000, 60000)) + bytes(100)))
    tracemalloc.start()
    with pytest.raises(ValueError, match="absurd header"):
        read_idx(path, 2051)
    assert tracemalloc.get_traced_memory()[1] < 1_000_000
    tracemalloc.stop()
    plain = tmp_path / "images-idx3-ubyte"
    plain.write_bytes(idx_header((60000, 60000, 60000)) + bytes(100))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(plain, 2051)


def test_a_short_gzipped_idx_file_is_truncated(tmp_path):
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_header((10,)) + bytes(4)))
    with pytest.raises(ValueError, match="truncated"):
        read_idx(path, 2049)


# --- resources ----------------------------------------------------------------------------------


def test_a_network_too_big_for_memory_fails_before_allocating():
    tracemalloc.start()
    with pytest.raises(MemoryError, match=r"200000-200000-10 needs 960 GB, more than the .* avail"):
        mlp([200000, 200000, 10])
    with pytest.raises(MemoryError, match=r"Dense\(300000, 300000\) layer needs"):
        Dense(300000, 300000)
    assert tracemalloc.get_traced_memory()[1] < 1_000_000
    tracemalloc.stop()


def test_the_cli_turns_any_unexpected_error_into_one_line(monkeypatch, capsys):
    from neuralab import cli

    def explode(args):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli.COMMANDS["activations"], "run", explode)
    assert cli.main(["activations"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RecursionError" in err and "--debug" in err
    with pytest.raises(RecursionError):
        cli.main(["--debug", "activations"])
    monkeypatch.setattr(cli.COMMANDS["activations"], "run", lambda a: [].pop())
    assert cli.main(["activations"]) == 2


def test_the_cli_reports_a_network_too_big_in_one_line(capsys):
    from neuralab import cli

    assert cli.main(["train", "--layers", "900000,900000", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out of memory" in err and "TB" in err
