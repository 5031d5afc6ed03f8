"""ONNX export of the scikit-learn estimators, alone and in a pipeline through skl2onnx."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import skl2onnx
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from neuralab.export import estimator_to_onnx, register_skl2onnx
from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def run_onnx(proto, x):
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})


def assert_close(got, want):
    """|got − want| ≤ 1e-5 + 1e-5·|want| elementwise."""
    assert got.shape == want.shape
    excess = np.abs(got - want) - (1e-5 + 1e-5 * np.abs(want))
    assert excess.max() <= 0, f"largest |difference| {np.abs(got - want).max():.3g}"


def assert_same_labels(got, want, proba):
    """Labels equal wherever the two most probable classes are more than 1e-5 apart."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-5
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(got[clear], want[clear])


@pytest.fixture(scope="module")
def iris():
    x, y = load_iris(return_X_y=True)
    return x.astype(np.float32), y


@pytest.mark.parametrize("names", [None, ["setosa", "versicolor", "virginica"]])
def test_classifier_probabilities_and_labels(iris, names, tmp_path):
    x, y = iris
    y = y if names is None else np.array(names)[y]
    clf = NeuralNetClassifier(hidden_layer_sizes=(16,), max_iter=60, random_state=0).fit(x, y)
    path = tmp_path / "clf.onnx"
    clf.to_onnx(path)
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    label, proba = run_onnx(proto, x)
    assert [o.name for o in proto.graph.output] == ["label", "probabilities"]
    assert_close(proba, clf.predict_proba(x))
    assert label.dtype == (np.int64 if names is None else object)
    assert_same_labels(label, clf.predict(x), proba)


def test_binary_classifier_with_string_labels(iris):
    x, y = iris
    yes_no = np.where(y == 2, "virginica", "other")
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=60, random_state=0)
    clf.fit(x, yes_no)
    label, proba = run_onnx(estimator_to_onnx(clf), x)
    assert proba.shape == (len(x), 2)
    assert_close(proba, clf.predict_proba(x))
    assert_same_labels(label, clf.predict(x), proba)


def test_multilabel_classifier(iris):
    x, y = iris
    targets = np.stack([y == 0, y == 2, x[:, 0] > 5.8], axis=1).astype(int)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=60, random_state=0)
    clf.fit(x, targets)
    label, proba = run_onnx(clf.to_onnx(), x)
    assert_close(proba, clf.predict_proba(x))
    clear = np.abs(proba - 0.5) > 1e-5
    np.testing.assert_array_equal(label[clear], clf.predict(x)[clear])


@pytest.mark.parametrize("loss, n_targets", [("squared_error", 1), ("squared_error", 2),
                                             ("poisson", 1)])
def test_regressor(iris, loss, n_targets):
    x, _ = iris
    y = x[:, 2:2 + n_targets].astype(np.float64)
    reg = NeuralNetRegressor(hidden_layer_sizes=(8,), loss=loss, max_iter=40, random_state=0)
    reg.fit(x[:, :2], y[:, 0] if n_targets == 1 else y)
    (out,) = run_onnx(reg.to_onnx(), x[:, :2])
    assert_close(out, reg.predict(x[:, :2]).reshape(len(x), n_targets))


def test_float64_estimator_gives_a_float64_model(iris):
    x, y = iris
    x64 = x.astype(np.float64)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0).fit(x64, y)
    assert clf.network_.dtype == np.float64
    label, proba = run_onnx(clf.to_onnx(), x64)
    assert proba.dtype == np.float64
    assert_close(proba, clf.predict_proba(x64))
    assert_same_labels(label, clf.predict(x64), proba)


def test_unfitted_estimator_is_a_clear_error():
    with pytest.raises(ValueError, match="not fitted"):
        estimator_to_onnx(NeuralNetClassifier())


def test_pipeline_with_scaler_through_skl2onnx(iris):
    x, y = iris
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(hidden_layer_sizes=(16,),
                                                               max_iter=60, random_state=0))
    pipe.fit(x, np.array(["a", "b", "c"])[y])
    register_skl2onnx()
    proto = skl2onnx.to_onnx(pipe, x[:1], options={"zipmap": False})
    onnx.checker.check_model(proto)
    label, proba = run_onnx(proto, x)
    assert_close(proba, pipe.predict_proba(x).astype(np.float32))
    assert_same_labels(label, pipe.predict(x), proba)


def test_regressor_pipeline_through_skl2onnx(iris):
    x, _ = iris
    pipe = make_pipeline(StandardScaler(), NeuralNetRegressor(hidden_layer_sizes=(8,),
                                                              max_iter=40, random_state=0))
    pipe.fit(x[:, :3], x[:, 3])
    register_skl2onnx()
    (out,) = run_onnx(skl2onnx.to_onnx(pipe, x[:1, :3]), x[:, :3])
    assert_close(out[:, 0], pipe.predict(x[:, :3]).astype(np.float32))
