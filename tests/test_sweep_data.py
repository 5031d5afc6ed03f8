"""A sweep's data may be the user's own file: ``datasets.load(path)`` reads a CSV or an NPZ (and
``neuralab train --data PATH`` and ``sweep(data=PATH)`` take one); every problem with the file is
a clear error naming it."""

import numpy as np
import pytest

from neuralab import datasets
from neuralab.cli import main
from neuralab.sweep import sweep


def test_a_csv_with_a_header_and_named_labels(tmp_path):
    path = tmp_path / "flowers.csv"
    path.write_text("length,width,species\n1.5,0.2,setosa\n4.5,1.5,versicolor\n"
                    "1.4,0.3,setosa\n4.7,1.4,versicolor\n5.0,1.6,versicolor\n", encoding="utf-8")
    data = datasets.load(path, seed=0, test_fraction=0.2)
    assert (data.name, data.n_classes, data.n_features) == ("flowers.csv", 2, 2)
    assert (len(data.y_train), len(data.y_test)) == (4, 1)  # ceil(5 · 0.2) rows for testing
    x = np.concatenate([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    rows = {tuple(np.round(r, 4)): label for r, label in zip(x.tolist(), y.tolist(), strict=True)}
    assert rows == {(1.5, 0.2): 0, (4.5, 1.5): 1, (1.4, 0.3): 0, (4.7, 1.4): 1, (5.0, 1.6): 1}
    assert data.x_train.dtype == np.float32
    again = datasets.load(str(path), seed=0, test_fraction=0.2)
    assert np.array_equal(again.x_train, data.x_train)  # the same seed, the same split
    other = datasets.load(str(path), seed=1, test_fraction=0.2)
    assert not np.array_equal(other.x_test, data.x_test) or \
        not np.array_equal(other.x_train, data.x_train)


def test_an_npz_with_its_own_split_keeps_it(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.normal(size=(30, 3)), "y_train": np.arange(30) % 3,
              "x_test": rng.normal(size=(9, 3)), "y_test": np.arange(9) % 3}
    np.savez(tmp_path / "mine.npz", **arrays)
    data = datasets.load(tmp_path / "mine.npz", dtype="float64")
    for name, array in arrays.items():
        assert np.array_equal(getattr(data, name), array)
    assert data.n_classes == 3 and data.x_train.dtype == np.float64


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ragged.csv", "1,2,0\n3,4,1\n5,6,7,1\n", "line 3 has 4 fields"),
    ("text.csv", "a,b,c\n1,2,0\n3,x,1\n5,6,1\n", "line 3: 'x' is not a number"),
    ("half.csv", "1,2,0\n3,4,1.5\n", "whole-number class labels"),
    ("nan.csv", "1,2,0\nnan,4,1\n", "NaN or infinite"),
    ("one.csv", "1,2,0\n3,4,0\n", "single class"),
    ("short.csv", "1,0\n", "at least two rows"),
    ("bin.csv", b"\xff\xfe\x00", "not a UTF-8 text file"),
    ("fake.npz", b"not a zip", "not an NPZ file"),
])
def test_every_problem_with_a_file_is_a_clear_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        datasets.load(path)
    assert str(path) in str(info.value)


def test_an_npz_without_x_and_y_or_with_mismatched_parts(tmp_path):
    np.savez(tmp_path / "wrong.npz", features=np.zeros((4, 2)))
    with pytest.raises(ValueError, match="holds x and y .* this one holds features"):
        datasets.load(tmp_path / "wrong.npz")
    np.savez(tmp_path / "rows.npz", x=np.zeros((4, 2)), y=np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="x_train has 4 rows but 3 labels"):
        datasets.load(tmp_path / "rows.npz")
    np.savez(tmp_path / "objects.npz", x=np.array([{}, {}], dtype=object), y=np.array([0, 1]))
    with pytest.raises(ValueError, match="not a readable NPZ file"):
        datasets.load(tmp_path / "objects.npz")  # never unpickled


def test_a_file_takes_only_the_file_options(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.eye(4), y=np.array([0, 1, 0, 1]))
    with pytest.raises(TypeError, match="has no option 'noise'; it accepts: test_fraction, dtype"):
        datasets.load(tmp_path / "d.npz", noise=0.1)


def _blobs(path, n=120):
    rng = np.random.default_rng(1)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 2)) + 2.5 * y[:, None]
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.6f", header="a,b,label",
               comments="")


def test_train_and_sweep_take_a_csv_path(tmp_path, capsys):
    _blobs(tmp_path / "blobs.csv")
    status = main(["train", "--data", str(tmp_path / "blobs.csv"), "--layers", "8", "--epochs",
                   "3", "--out", str(tmp_path / "m.safetensors"), "--no-progress"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "") and "blobs.csv: 2 features, 2 classes" in out
    result = sweep({"activation": ["tanh"]}, data=tmp_path / "blobs.csv", hidden=[8], epochs=5,
                   seeds=1, backend="serial")
    (run,) = result.runs
    assert run.params["data"] == str(tmp_path / "blobs.csv")
    assert run.metrics["val_accuracy"] > 0.8  # two well-separated blobs
