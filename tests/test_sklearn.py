"""neuralab.sklearn as a scikit-learn estimator: scikit-learn's own estimator checks, the
workflows a scikit-learn user runs (pipelines, grid search, pandas, pickling), and neuralab's
additions (its optimizers and activations, dtype, the network inside)."""

import inspect
import io
import pickle
from contextlib import redirect_stdout

import joblib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits, make_blobs
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from neuralab import diagnostics, optimizers
from neuralab.network import Network
from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

# Most trainings here are short on purpose and stop at max_iter with a ConvergenceWarning;
# test_sklearn_edges.py checks that warning itself.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# --- scikit-learn's estimator checks -------------------------------------------------------

FLOAT32_LIMITS = {
    "check_methods_subset_invariance":
        "float32 network: BLAS sums one row and many rows in different orders, so outputs "
        "differ in float32's last bit (~1e-7), and the check allows atol=1e-7. The default "
        "instances (float64 on float64 data) pass it.",
    "check_sample_weight_equivalence_on_dense_data":
        "float32 training: integer weights and repeated rows give the same loss up to float32 "
        "rounding, which 200 epochs carry beyond the check's rtol=1e-7. The default instances "
        "pass it.",
    "check_sample_weight_equivalence_on_sparse_data": "the same, on sparse input.",
}


def expected_failures(estimator):
    return FLOAT32_LIMITS if estimator.dtype == "float32" else {}


@parametrize_with_checks(
    [NeuralNetClassifier(), NeuralNetRegressor(),
     NeuralNetClassifier(dtype="float32"), NeuralNetRegressor(dtype="float32")],
    expected_failed_checks=expected_failures)
def test_scikit_learn_checks(estimator, check, monkeypatch):
    # check_array_api_input (NumPy inputs with array-API dispatch on) skips unless this is set
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


# --- the same parameters and defaults as scikit-learn's MLP ----------------------------------


@pytest.mark.parametrize("ours, theirs", [(NeuralNetClassifier, MLPClassifier),
                                          (NeuralNetRegressor, MLPRegressor)])
def test_every_parameter_and_default_of_scikit_learn(ours, theirs):
    mine, other = ours().get_params(), theirs().get_params()
    assert {k: mine[k] for k in other} == other
    assert set(mine) - set(other) == {"optimizer", "dtype"}
    assert mine["optimizer"] is None and mine["dtype"] is None
    # the same positional parameters, in the same order (MLPRegressor's loss comes first)
    assert _positional(ours) == _positional(theirs)


def _positional(cls) -> list[str]:
    return [p.name for p in inspect.signature(cls).parameters.values()
            if p.kind is p.POSITIONAL_OR_KEYWORD]


# --- scikit-learn workflows ------------------------------------------------------------------


def test_pipeline_grid_search_with_two_jobs():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(hidden_layer_sizes=(32,),
                                                               max_iter=40, random_state=0))
    grid = {"neuralnetclassifier__solver": ["adam", "lbfgs"]}
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X_train, y_train)
    assert np.all(search.cv_results_["mean_test_score"] > 0.9)
    best = search.best_estimator_[-1]
    assert isinstance(best.network_, Network)
    assert search.score(X_test, y_test) > 0.93


LABELS = {
    "int multiclass": [0, 1, 2],
    "str multiclass": ["cat", "dog", "emu"],
    "float multiclass": [-1.0, 0.0, 2.0],
    "int binary": [3, 7],
    "str binary": ["no", "yes"],
    "bool binary": [False, True],
}


@pytest.mark.parametrize("values", LABELS.values(), ids=LABELS.keys())
def test_label_types(values):
    k = len(values)
    X, codes = make_blobs(n_samples=150, centers=k, cluster_std=0.5, random_state=0)
    y = np.asarray(values)[codes]
    clf = NeuralNetClassifier(max_iter=50, learning_rate_init=0.01, random_state=0).fit(X, y)
    assert_array_equal(clf.classes_, np.unique(y))
    predicted = clf.predict(X)
    assert predicted.dtype == y.dtype and np.mean(predicted == y) >= 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (150, k)
    assert_allclose(proba.sum(axis=1), 1, atol=1e-12)
    assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], predicted)
    assert clf.out_activation_ == ("logistic" if k == 2 else "softmax")
    assert clf.network_.loss.name == ("binary_cross_entropy" if k == 2 else "cross_entropy")


def test_pandas_input_keeps_feature_names():
    X, y = make_blobs(n_samples=60, centers=2, n_features=3, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    clf = NeuralNetClassifier(max_iter=5, random_state=0).fit(frame, pd.Series(y))
    theirs = MLPClassifier(max_iter=5, random_state=0).fit(frame, pd.Series(y))
    assert_array_equal(clf.feature_names_in_, ["a", "b", "c"])
    assert_allclose(clf.predict_proba(frame), theirs.predict_proba(frame), rtol=1e-12)
    for estimator in (clf, theirs):
        with pytest.raises(ValueError, match="feature names should match"):
            estimator.predict(frame.rename(columns={"a": "z"}))
        with pytest.warns(UserWarning, match="X does not have valid feature names"):
            estimator.predict(X)


def test_pickle_joblib_and_clone_keep_training_state(tmp_path):
    """A pickled estimator predicts the same and goes on with partial_fit exactly as the
    original (the optimizer's moments travel along)."""
    X, y = make_blobs(n_samples=120, centers=3, random_state=0)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8,), random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    copy = pickle.loads(pickle.dumps(clf))
    joblib.dump(clf, tmp_path / "clf.joblib")
    loaded = joblib.load(tmp_path / "clf.joblib")
    for other in (copy, loaded):
        assert_array_equal(other.predict_proba(X), clf.predict_proba(X))
    clf.partial_fit(X, y)
    copy.partial_fit(X, y)
    assert_array_equal(copy.predict_proba(X), clf.predict_proba(X))
    assert not hasattr(clone(clf), "network_")


def test_coefs_are_views_into_the_network():
    X, y = make_blobs(n_samples=80, centers=3, random_state=0)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8, 6), max_iter=5, random_state=0).fit(X, y)
    assert [w.shape for w in clf.coefs_] == [(2, 8), (8, 6), (6, 3)]
    assert [b.shape for b in clf.intercepts_] == [(8,), (6,), (3,)]
    clf.coefs_[0][...] = 0.0                      # writing into the array …
    clf.intercepts_[2] = np.array([0.0, 0.0, 9.0])  # … or assigning an item
    assert not clf.network_.layers[0].weight.value.any()
    assert (clf.predict(X) == 2).all()
    clf.coefs_ = [np.ones_like(w) for w in clf.coefs_]  # or the whole list
    assert clf.network_.layers[1].weight.value.min() == 1
    with pytest.raises(ValueError, match="shape"):
        clf.coefs_[0] = np.ones((3, 3))


def test_network_works_with_diagnostics():
    X, y = make_blobs(n_samples=80, centers=3, random_state=0)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8, 6), max_iter=5, random_state=0).fit(X, y)
    stats = diagnostics.layer_stats(clf.network_, X, np.searchsorted(clf.classes_, y))
    assert len(stats) == 3 and all(np.isfinite(s["grad_norm_weight"]) for s in stats)


def test_verbose_prints_what_scikit_learn_prints():
    X, y = make_blobs(n_samples=100, centers=2, random_state=0)
    params = dict(verbose=True, random_state=0, early_stopping=True, n_iter_no_change=2,
                  tol=0.05, max_iter=30)
    printed = []
    for cls in (MLPClassifier, NeuralNetClassifier):
        out = io.StringIO()
        with redirect_stdout(out):
            cls(**params).fit(X, y)
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    assert "Iteration 1, loss = " in printed[1] and "Validation score: " in printed[1]
    out = io.StringIO()
    with redirect_stdout(out):
        NeuralNetClassifier(max_iter=3, random_state=0).fit(X, y)
    assert out.getvalue() == ""


# --- neuralab's additions --------------------------------------------------------------------


@pytest.mark.parametrize("solver, optimizer", [("sgd", "momentum"), ("sgd", "nesterov"),
                                               ("adam", "adamw"), ("adam", "rmsprop")])
def test_neuralab_optimizers_train(solver, optimizer):
    X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    clf = NeuralNetClassifier(solver=solver, optimizer=optimizer, learning_rate_init=0.01,
                              max_iter=30, random_state=0).fit(X, y)
    assert clf.score(X, y) > 0.9
    default = NeuralNetClassifier(solver=solver, learning_rate_init=0.01, max_iter=30,
                                  random_state=0).fit(X, y)
    assert not np.array_equal(clf.coefs_[0], default.coefs_[0])  # a different rule ran


def test_neuralab_sgd_equals_scikit_learn_sgd_at_a_constant_rate():
    """torch's SGD(momentum=μ, nesterov) and scikit-learn's are one rule at a constant γ."""
    X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    params = dict(solver="sgd", learning_rate_init=0.01, max_iter=5, random_state=0)
    ours = NeuralNetClassifier(optimizer="nesterov", **params).fit(X, y)
    theirs = MLPClassifier(**params).fit(X, y)
    assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-10)
    assert isinstance(optimizers.get("nesterov"), optimizers.SGD)


@pytest.mark.parametrize("activation", ["gelu", "silu", "elu", "leaky_relu", "softplus"])
def test_neuralab_activations(activation):
    X, y = make_blobs(n_samples=200, centers=3, random_state=0)
    clf = NeuralNetClassifier(activation=activation, max_iter=30, learning_rate_init=0.01,
                              random_state=0).fit(X, y)
    assert clf.network_.layers[0].activation.name == activation
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("dtype, x_dtype, expected", [
    (None, np.float64, np.float64), (None, np.float32, np.float32), (None, np.int64, np.float64),
    ("float32", np.float64, np.float32), ("float64", np.float32, np.float64),
    (np.float32, np.float64, np.float32)])
def test_dtype_follows_the_input_unless_asked(dtype, x_dtype, expected):
    X, y = make_blobs(n_samples=40, centers=2, random_state=0)
    clf = NeuralNetClassifier(dtype=dtype, max_iter=2, random_state=0).fit(X.astype(x_dtype), y)
    assert clf.network_.dtype == expected and clf.coefs_[0].dtype == expected
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.result_type(np.float32, expected)
