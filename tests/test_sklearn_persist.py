"""est.save(path) / Estimator.load(path): a fitted estimator in neuralab's safe file format,
no pickle. The round trip keeps predictions, parameters and fitted attributes; a file that is
broken, tampered with or of another kind is a ValueError, and nothing in it is executed."""

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from safetensors.numpy import load_file, save_file
from sklearn.datasets import make_blobs, make_multilabel_classification

from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_blobs(n_samples=90, centers=3, n_features=4, random_state=0)


def fitted_attributes(est) -> dict:
    names = ["n_features_in_", "n_outputs_", "n_layers_", "out_activation_", "n_iter_", "t_",
             "loss_", "best_loss_", "loss_curve_", "validation_scores_",
             "best_validation_score_"]
    return {name: getattr(est, name) for name in names if hasattr(est, name)}


def round_trip(est, path, X_check):
    est.save(path)
    loaded = type(est).load(path)
    assert loaded.get_params() == est.get_params()
    assert fitted_attributes(loaded) == fitted_attributes(est)
    for a, b in zip(loaded.coefs_ + loaded.intercepts_, est.coefs_ + est.intercepts_,
                    strict=True):
        assert a.dtype == b.dtype
        assert_array_equal(a, b)
    assert_array_equal(loaded.predict(X_check), est.predict(X_check))
    return loaded


@pytest.mark.parametrize("labels", [["ant", "bee", "cat"], [-1.0, 0.0, 2.0], [4, 7, 9]])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_classifier_round_trip(tmp_path, labels, solver):
    y = np.asarray(labels)[Y]
    clf = NeuralNetClassifier(hidden_layer_sizes=(6, 5), solver=solver, max_iter=5,
                              early_stopping=solver == "adam", random_state=0).fit(X, y)
    loaded = round_trip(clf, tmp_path / "clf.safetensors", X)
    assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.classes_.dtype == clf.classes_.dtype
    assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_binary_multilabel_and_float32_round_trip(tmp_path):
    for y in (Y == 1, make_multilabel_classification(90, 4, n_classes=3, random_state=0)[1]):
        clf = NeuralNetClassifier(max_iter=3, dtype="float32", random_state=0).fit(X, y)
        loaded = round_trip(clf, tmp_path / "clf.safetensors", X)
        assert loaded.network_.dtype == np.float32


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_round_trip(tmp_path, loss):
    y = np.abs(X[:, :2])
    reg = NeuralNetRegressor(loss=loss, max_iter=4, random_state=0).fit(X, y)
    round_trip(reg, tmp_path / "reg.safetensors", X)


def test_feature_names_and_continued_training(tmp_path):
    frame = pd.DataFrame(X, columns=list("abcd"))
    clf = NeuralNetClassifier(max_iter=3, warm_start=True, random_state=0).fit(frame, Y)
    loaded = round_trip(clf, tmp_path / "clf.safetensors", frame)
    assert_array_equal(loaded.feature_names_in_, clf.feature_names_in_)
    loaded.fit(frame, Y)  # warm start from the loaded weights, a new optimizer
    assert len(loaded.loss_curve_) == 6 and loaded.score(frame, Y) > 0.5
    loaded.partial_fit(frame, Y)
    assert loaded.t_ == 7 * len(Y)


def test_the_file_is_plain_safetensors_with_json(tmp_path):
    path = tmp_path / "clf.safetensors"
    NeuralNetClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, Y).save(path)
    arrays = load_file(path)
    assert sorted(arrays) == ["layers.0.bias", "layers.0.weight", "layers.1.bias",
                              "layers.1.weight"]
    document = json.loads(_metadata(path)["neuralab-sklearn"])
    assert document["estimator"] == "NeuralNetClassifier"
    assert document["params"]["hidden_layer_sizes"] == [5]
    assert document["fitted"]["classes_"]["labels"] == [0, 1, 2]
    assert "numpy" in json.loads(_metadata(path)["environment"])


def test_random_state_objects_and_numpy_dtypes_are_saved_as_plain_values(tmp_path):
    clf = NeuralNetClassifier(max_iter=2, dtype=np.float32,
                              random_state=np.random.RandomState(0)).fit(X, Y)
    clf.save(tmp_path / "clf.safetensors")
    loaded = NeuralNetClassifier.load(tmp_path / "clf.safetensors")
    assert loaded.random_state is None and loaded.dtype == "float32"
    clf.set_params(random_state=np.int64(7)).save(tmp_path / "clf.safetensors")
    assert NeuralNetClassifier.load(tmp_path / "clf.safetensors").random_state == 7


def test_unfitted_or_diverged_estimators_are_not_saved(tmp_path):
    with pytest.raises(Exception, match="not fitted"):
        NeuralNetClassifier().save(tmp_path / "x.safetensors")
    clf = NeuralNetClassifier(max_iter=2, random_state=0).fit(X, Y)
    clf.coefs_[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        clf.save(tmp_path / "x.safetensors")
    assert not (tmp_path / "x.safetensors").exists()


# --- broken and hostile files ------------------------------------------------------------------


def _metadata(path) -> dict:
    from safetensors import safe_open

    with safe_open(path, framework="numpy") as f:
        return f.metadata()


def _tampered(tmp_path, change):
    """A saved classifier whose description ``change(document)`` edits; returns its path."""
    path = tmp_path / "clf.safetensors"
    NeuralNetClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0).fit(X, Y).save(path)
    metadata, arrays = _metadata(path), load_file(path)
    document = json.loads(metadata["neuralab-sklearn"])
    change(document, arrays)
    metadata["neuralab-sklearn"] = json.dumps(document)
    save_file(arrays, path, metadata=metadata)
    return path


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def change(document, arrays):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return change


TAMPERING = {
    "another estimator": (_set("estimator", "NeuralNetRegressor"), "not a NeuralNetClassifier"),
    "a newer format": (_set("format_version", 99), "upgrade neuralab"),
    "an unknown activation": (_set("params", "activation", "os.system"), "'activation'"),
    "a parameter missing": (lambda d, a: d["params"].pop("alpha"), "every parameter"),
    "an unknown parameter": (_set("params", "shell", "rm -rf"), "every parameter"),
    "a negative feature count": (_set("fitted", "n_features_in_", -4), "n_features_in_"),
    "an unknown attribute": (_set("fitted", "__class__", "os"), "unknown"),
    "labels of an odd dtype": (_set("fitted", "classes_", "dtype", "V8"), "classes_"),
    "labels as objects": (_set("fitted", "classes_", "labels", [{"a": 1}]), "classes_"),
    "an output the network cannot have": (_set("fitted", "out_activation_", "eval"),
                                          "out_activation_"),
    "layers that do not fit": (_set("params", "hidden_layer_sizes", [6]), "layers.0.weight"),
    "a missing array": (lambda d, a: a.pop("layers.1.bias"), "missing"),
    "an array of another shape": (lambda d, a: a.update({"layers.0.weight": np.zeros((4, 6))}),
                                  "shape"),
    "float64 arrays in a float32 file": (_set("dtype", "float32"), "dtype"),
}


@pytest.mark.parametrize("change, match", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampered_files_are_value_errors(tmp_path, change, match):
    path = _tampered(tmp_path, change)
    with pytest.raises(ValueError, match=match):
        NeuralNetClassifier.load(path)


def test_other_files_are_value_errors(tmp_path):
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        NeuralNetClassifier.load(empty)
    path = tmp_path / "clf.safetensors"
    NeuralNetClassifier(max_iter=2, random_state=0).fit(X, Y).save(path)
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated"):
        NeuralNetClassifier.load(cut)
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": np.zeros(3, np.float32)}, foreign)
    with pytest.raises(ValueError, match="no neuralab estimator description"):
        NeuralNetClassifier.load(foreign)
    with pytest.raises(ValueError, match="not a NeuralNetRegressor"):
        NeuralNetRegressor.load(path)
