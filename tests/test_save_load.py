"""save/load: a bit-identical round trip, atomic writes, and a clear error for every bad file."""

import copy
import json
import os
import pickle

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from neuralab.activations import LeakyReLU
from neuralab.layers import Dense, Dropout
from neuralab.modelfile import FORMAT_VERSION, load
from neuralab.network import Network, mlp


@pytest.fixture
def net():
    model = Network([Dense(5, 8, LeakyReLU(0.2), seed=0), Dropout(0.25),
                     Dense(8, 6, "tanh", bias=False, seed=1), Dense(6, 3, "softmax", seed=2)])
    for layer in (model.layers[0], model.layers[3]):
        layer.bias.value = np.linspace(-1, 1, layer.out_features)
    return model


X = np.random.default_rng(0).standard_normal((40, 5)).astype(np.float32)


def test_round_trip_predicts_bit_identically(tmp_path, net):
    path = tmp_path / "model.safetensors"
    net.save(path)
    again = load(path)
    np.testing.assert_array_equal(again.predict(X), net.predict(X))
    assert repr(again) == repr(net)
    assert again.layers[0].activation == LeakyReLU(0.2)
    assert again.layers[1].rate == 0.25 and again.layers[2].bias is None
    assert again.loss.name == "cross_entropy"


@pytest.mark.parametrize("loss, output, dtype", [("mse", "identity", "float64"),
                                                 ("binary_cross_entropy", "sigmoid", "float32")])
def test_round_trip_keeps_loss_and_dtype(tmp_path, loss, output, dtype):
    model = mlp([5, 7, 2], activation="gelu", output=output, loss=loss, seed=0, dtype=dtype)
    model.save(tmp_path / "m.safetensors")
    again = load(str(tmp_path / "m.safetensors"))
    assert again.loss.name == loss and again.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_file_is_plain_safetensors_with_a_json_description(tmp_path, net):
    path = tmp_path / "model.safetensors"
    net.save(path)
    tensors = load_file(path)
    assert sorted(tensors) == ["layers.0.bias", "layers.0.weight", "layers.2.weight",
                               "layers.3.bias", "layers.3.weight"]
    np.testing.assert_array_equal(tensors["layers.3.bias"], net.layers[3].bias.value)
    description = read_description(path)
    assert description["format"] == "neuralab" and description["format_version"] == 1
    assert description["layers"][0]["activation"] == {"name": "leaky_relu",
                                                      "config": {"negative_slope": 0.2}}
    assert description["layers"][1] == {"type": "Dropout", "rate": 0.25}


def read_description(path):
    data = path.read_bytes()
    header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    return json.loads(header["__metadata__"]["neuralab"])


def rewrite(path, tensors=None, description=None, metadata=None):
    """Write a safetensors file like save does, with parts replaced."""
    if metadata is None:
        metadata = {"format": "neuralab", "neuralab": json.dumps(description)}
    save_file(tensors, path, metadata=metadata)


# --- bad files --------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    (tmp_path / "m.safetensors").write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        load(tmp_path / "m.safetensors")


def test_random_bytes(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    with pytest.raises(ValueError, match="not a neuralab model file"):
        load(path)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated_file(tmp_path, net, keep):
    path = tmp_path / "m.safetensors"
    net.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="truncated"):
        load(path)


@pytest.mark.parametrize("metadata", [None, {"format": "pt"}, {"format": "neuralab"}])
def test_safetensors_file_from_another_program(tmp_path, metadata):
    path = tmp_path / "m.safetensors"
    save_file({"weight": np.zeros((2, 2), np.float32)}, path, metadata=metadata)
    with pytest.raises(ValueError, match="another program"):
        load(path)


def test_newer_format_version(tmp_path, net):
    path = tmp_path / "m.safetensors"
    net.save(path)
    description = read_description(path)
    description["format_version"] = FORMAT_VERSION + 1
    rewrite(path, load_file(path), description)
    with pytest.raises(ValueError, match="version 2.*upgrade neuralab"):
        load(path)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda t, d: t.pop("layers.3.bias"), r"missing \['layers.3.bias'\]"),
        (lambda t, d: t.update(extra=np.zeros(1, np.float32)), r"unexpected \['extra'\]"),
        (lambda t, d: t.update({"layers.0.weight": np.zeros((8, 5), np.float32)}),
         r"layers.0.weight has shape \(8, 5\)"),
        (lambda t, d: t.update({"layers.0.weight": np.zeros((5, 8))}), "dtype float64"),
        (lambda t, d: d["layers"][0]["activation"].update(name="os.system"), "unknown activation"),
        (lambda t, d: d["layers"][0].update(type="Conv2d"), "unknown layer"),
        (lambda t, d: d["layers"][0].update(out_features=-1), "out_features"),
        (lambda t, d: d.update(loss="exec"), "unknown loss"),
        (lambda t, d: d.update(dtype="float16"), "dtype"),
        (lambda t, d: d.update(format_version="1"), "format_version"),
        (lambda t, d: d.update(layers=[]), "layer list"),
    ],
)
def test_description_and_arrays_must_agree(tmp_path, net, change, match):
    path = tmp_path / "m.safetensors"
    net.save(path)
    tensors, description = load_file(path), read_description(path)
    change(tensors, description)
    rewrite(path, tensors, description)
    with pytest.raises(ValueError, match=match):
        load(path)


def test_description_that_is_not_json(tmp_path, net):
    path = tmp_path / "m.safetensors"
    net.save(path)
    rewrite(path, load_file(path), metadata={"format": "neuralab", "neuralab": "{not json"})
    with pytest.raises(ValueError, match="not valid JSON"):
        load(path)


# --- atomic save ------------------------------------------------------------------------------


class FailingFile:
    """A file object that writes half of what it is given, then fails like a full disk."""

    def __init__(self, real):
        self.real = real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()

    def write(self, data):
        self.real.write(data[: len(data) // 2])
        raise OSError("No space left on device")


def test_a_save_failing_midway_leaves_the_previous_file(tmp_path, monkeypatch, net):
    path = tmp_path / "model.safetensors"
    net.save(path)
    before = path.read_bytes()
    other = mlp([5, 4, 3], seed=9)
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FailingFile(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="No space"):
        other.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.safetensors"]  # the temporary file is gone
    np.testing.assert_array_equal(load(path).predict(X), net.predict(X))


def test_a_failing_rename_leaves_no_temporary_file(tmp_path, monkeypatch, net):
    def fail(*args):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(PermissionError):
        net.save(tmp_path / "model.safetensors")
    assert os.listdir(tmp_path) == []


def test_save_replaces_an_existing_model(tmp_path, net):
    path = tmp_path / "model.safetensors"
    mlp([5, 4, 3], seed=9).save(path)
    net.save(path)
    np.testing.assert_array_equal(load(path).predict(X), net.predict(X))


@pytest.mark.parametrize("copy_net", [lambda n: pickle.loads(pickle.dumps(n)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_a_copied_network_still_trains_its_own_layers(copy_net):
    """In-memory copies (joblib, deepcopy) keep each layer's weights inside the flat buffer."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.integers(0, 2, size=40)
    original = mlp([3, 4, 2], seed=0)
    twin = copy_net(original)
    assert np.shares_memory(twin.layers[0].weight.value, twin.flat.value)
    before = twin.layers[0].weight.value.copy()
    twin.fit(x, y, epochs=2, batch_size=8, optimizer="sgd", lr=0.5, progress=False, seed=0)
    original.fit(x, y, epochs=2, batch_size=8, optimizer="sgd", lr=0.5, progress=False, seed=0)
    assert not np.array_equal(twin.layers[0].weight.value, before)
    np.testing.assert_array_equal(twin.predict(x), original.predict(x))
