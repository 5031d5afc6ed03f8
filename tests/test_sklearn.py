"""Tests for neuralab.sklearn: scikit-learn's own estimator checks, an exact one-epoch match with
MLPClassifier/MLPRegressor, accuracy against MLPClassifier on digits, pipelines and grid search,
label types, partial_fit, the stopping rules and sample weights."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_blobs, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from neuralab import diagnostics
from neuralab.network import Network
from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

# Most trainings here are short on purpose and stop at max_iter with a ConvergenceWarning;
# test_convergence_warning checks that warning itself.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    """Digits split 75/25 (stratified, seed 0), standardized on the training part."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


# --- scikit-learn's estimator checks -------------------------------------------------------

FLOAT32_LIMITS = {
    "check_methods_subset_invariance":
        "float32 network: BLAS sums one row and many rows in different orders, so outputs "
        "differ in float32's last bit (~1e-7), and the check allows atol=1e-7. The float64 "
        "instances pass it.",
    "check_sample_weight_equivalence_on_dense_data":
        "float32 training: integer weights and repeated rows give the same loss up to float32 "
        "rounding, which 200 epochs carry beyond the check's rtol=1e-7. The float64 instances "
        "pass it.",
}


def expected_failures(estimator):
    return FLOAT32_LIMITS if estimator.dtype == "float32" else {}


@parametrize_with_checks(
    [NeuralNetClassifier(), NeuralNetRegressor(),
     NeuralNetClassifier(dtype="float64"), NeuralNetRegressor(dtype="float64")],
    expected_failed_checks=expected_failures)
def test_scikit_learn_checks(estimator, check, monkeypatch):
    # check_array_api_input (NumPy inputs with array-API dispatch on) skips unless this is set
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


# --- the same numbers as scikit-learn ------------------------------------------------------


def _sklearn_twin(kind):
    """(ours, MLP*) with identical settings: one full-batch SGD epoch, no momentum, float64."""
    common = dict(hidden_layer_sizes=(5,), learning_rate_init=0.1, alpha=0.5, max_iter=1,
                  shuffle=False, warm_start=True, random_state=0)
    if kind == "regression":
        return (NeuralNetRegressor(optimizer="sgd", dtype="float64", **common),
                MLPRegressor(solver="sgd", momentum=0.0, **common))
    return (NeuralNetClassifier(optimizer="sgd", dtype="float64", **common),
            MLPClassifier(solver="sgd", momentum=0.0, **common))


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_one_epoch_equals_scikit_learn(kind):
    """From the same weights, one epoch gives sklearn's loss_curve_ and weights.

    This pins the loss (sigmoid + BCE, softmax + CE, ½ squared error), its gradient, and
    alpha: sklearn's W ← W − lr·(∂C/∂W + alpha/n·W). Biases differ by exactly the decay
    neuralab also applies to them: b_ours = b_sklearn − lr·(alpha/n)·b_before.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    y = {"binary": (X[:, 0] > 0).astype(int), "multiclass": np.digitize(X[:, 0], [-0.5, 0.5]),
         "regression": 2 * X[:, 0] + X[:, 1]}[kind]
    ours, theirs = _sklearn_twin(kind)
    ours.fit(X, y)
    theirs.fit(X, y)
    for their_array, our_array in zip(theirs.coefs_ + theirs.intercepts_,
                                      ours.coefs_ + ours.intercepts_, strict=True):
        their_array[...] = our_array
    biases_before = [b.copy() for b in ours.intercepts_]
    ours.fit(X, y)
    theirs.fit(X, y)
    assert_allclose(ours.loss_curve_[-1], theirs.loss_curve_[-1], rtol=1e-12)
    for our_w, their_w in zip(ours.coefs_, theirs.coefs_, strict=True):
        assert_allclose(our_w, their_w, rtol=1e-12, atol=1e-14)
    decay = 0.1 * 0.5 / len(X)
    for our_b, their_b, b0 in zip(ours.intercepts_, theirs.intercepts_, biases_before,
                                  strict=True):
        assert_allclose(our_b, their_b - decay * b0, rtol=1e-12, atol=1e-14)


def test_digits_accuracy_matches_mlpclassifier(digits):
    """Same settings (sklearn's defaults, random_state=0): within 1 point of MLPClassifier.

    Measured here: MLPClassifier 0.9778 (stopped by tol after 145 epochs), NeuralNetClassifier
    0.9711 (after 159). The initial weights differ by design: sklearn draws Glorot-uniform
    weights and biases, neuralab He-normal weights (for ReLU) and zero biases.
    """
    X_train, X_test, y_train, y_test = digits
    theirs = MLPClassifier(random_state=0).fit(X_train, y_train).score(X_test, y_test)
    ours = NeuralNetClassifier(random_state=0).fit(X_train, y_train).score(X_test, y_test)
    assert ours >= 0.96
    assert abs(ours - theirs) <= 0.01, (ours, theirs)


def test_stopping_on_training_loss_matches_scikit_learn():
    """tol=10: no epoch after the first improves by 10, so both stop after 1 + (3 + 1) epochs."""
    X, y = make_blobs(n_samples=100, centers=3, random_state=0)
    ours = NeuralNetClassifier(tol=10, n_iter_no_change=3, random_state=0).fit(X, y)
    theirs = MLPClassifier(tol=10, n_iter_no_change=3, random_state=0).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 5
    assert len(ours.loss_curve_) == 5
    assert ours.best_loss_ == min(ours.loss_curve_)
    assert ours.validation_scores_ is None and ours.best_validation_score_ is None


# --- scikit-learn workflows ------------------------------------------------------------------


def test_pipeline_grid_search_with_two_jobs():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(max_iter=50, random_state=0))
    grid = {"neuralnetclassifier__hidden_layer_sizes": [(32,), (64,)]}
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X_train, y_train)
    print(search.cv_results_["mean_test_score"], search.score(X_test, y_test))
    assert np.all(search.cv_results_["mean_test_score"] > 0.9)
    hidden = search.best_params_["neuralnetclassifier__hidden_layer_sizes"]
    best = search.best_estimator_[-1]
    assert isinstance(best.network_, Network)
    assert best.coefs_[0].shape == (64, hidden[0])
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
    assert predicted.dtype == y.dtype and np.isin(predicted, clf.classes_).all()
    assert np.mean(predicted == y) >= 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (150, k)
    assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert_array_equal(clf.classes_[proba.argmax(axis=1)], predicted)
    outputs = clf.network_.n_outputs
    assert (outputs, clf.network_.loss.name) == (
        (1, "binary_cross_entropy") if k == 2 else (k, "cross_entropy"))


def test_partial_fit_over_batches_reaches_fit_accuracy(digits):
    X_train, X_test, y_train, y_test = digits
    epochs = 30
    full = NeuralNetClassifier(max_iter=epochs, random_state=0).fit(X_train, y_train)
    stream = NeuralNetClassifier(random_state=0)
    order = np.random.default_rng(0).permutation(len(X_train))
    for _ in range(epochs):
        for rows in np.array_split(order, 4):
            stream.partial_fit(X_train[rows], y_train[rows], classes=np.arange(10))
    acc_full, acc_stream = full.score(X_test, y_test), stream.score(X_test, y_test)
    assert acc_full >= 0.95 and acc_stream >= 0.95
    assert abs(acc_full - acc_stream) <= 0.02, (acc_full, acc_stream)
    assert stream.n_iter_ == 4 * epochs and stream.t_ == epochs * len(X_train)
    assert len(stream.loss_curve_) == 4 * epochs


def test_regressor_reaches_r2_on_friedman1():
    """Friedman #1 (noise 0.5): measured R² 0.920 here (MLPRegressor, same settings: 0.913)."""
    X, y = make_friedman1(n_samples=1000, noise=0.5, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = make_pipeline(StandardScaler(),
                          NeuralNetRegressor(learning_rate_init=0.01, random_state=0))
    assert model.fit(X_train, y_train).score(X_test, y_test) >= 0.9


@pytest.mark.parametrize("shape", [(60,), (60, 1), (60, 2)])
def test_regressor_predictions_have_the_shape_of_y(shape):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    targets = X[:, :2] @ np.array([[1.0, 2.0], [1.0, -1.0]])
    y = targets[:, 0] if len(shape) == 1 else targets[:, :shape[1]]
    reg = NeuralNetRegressor(max_iter=5, random_state=0).fit(X, y)
    assert reg.predict(X).shape == shape
    assert reg.network_.n_outputs == (1 if len(shape) == 1 else shape[1])


def test_network_works_with_diagnostics():
    X, y = make_blobs(n_samples=80, centers=3, random_state=0)
    clf = NeuralNetClassifier(hidden_layer_sizes=(8, 6), max_iter=5, random_state=0).fit(X, y)
    stats = diagnostics.layer_stats(clf.network_, X, np.searchsorted(clf.classes_, y))
    assert len(stats) == 3
    assert [w.shape for w in clf.coefs_] == [(2, 8), (8, 6), (6, 3)]
    assert [b.shape for b in clf.intercepts_] == [(8,), (6,), (3,)]


# --- stopping rules, warm start, sample weights ------------------------------------------------


def test_convergence_warning_at_max_iter():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        clf = NeuralNetClassifier(max_iter=3, random_state=0).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3


def test_early_stopping_follows_the_rule_and_keeps_the_best_weights(digits):
    X_train, _, y_train, _ = digits
    params = dict(early_stopping=True, n_iter_no_change=3, tol=0.0, random_state=0,
                  learning_rate_init=0.01)
    clf = NeuralNetClassifier(max_iter=200, **params).fit(X_train, y_train)
    scores = clf.validation_scores_
    assert clf.best_loss_ is None and len(scores) == clf.n_iter_ < 200
    # sklearn's rule, replayed on the recorded scores: stop at the first count > 3
    best, count = -np.inf, 0
    for epoch, score in enumerate(scores, 1):
        count = count + 1 if score < best + 0.0 else 0
        best = max(best, score)
        assert (count > 3) == (epoch == len(scores))
    assert clf.best_validation_score_ == max(scores)
    # the weights are those of the best epoch: a run that ends there has the same weights
    best_epoch = int(np.argmax(scores)) + 1
    short = NeuralNetClassifier(max_iter=best_epoch, **params).fit(X_train, y_train)
    for ours, reference in zip(clf.coefs_ + clf.intercepts_,
                               short.coefs_ + short.intercepts_, strict=True):
        assert_array_equal(ours, reference)


def test_warm_start_continues_from_the_current_weights():
    X, y = make_blobs(n_samples=120, centers=3, random_state=0)
    clf = NeuralNetClassifier(max_iter=5, random_state=0).fit(X, y)
    first = [w.copy() for w in clf.coefs_]
    clf.set_params(warm_start=True).fit(X, y)
    assert len(clf.loss_curve_) == 10 and clf.n_iter_ == 5
    assert clf.loss_curve_[5] < clf.loss_curve_[0]
    cold = NeuralNetClassifier(max_iter=5, random_state=0).fit(X, y)
    assert_array_equal(cold.coefs_[0], first[0])  # the second fit did not start afresh...
    assert not np.array_equal(clf.coefs_[0], first[0])  # ...it went on training
    with pytest.raises(ValueError, match="not in classes_"):
        clf.fit(X, y + 1)


def test_zero_weights_equal_removing_the_samples():
    """Rows of weight 0 are dropped before batching, so the mini-batches are the same."""
    X, y = make_blobs(n_samples=300, centers=3, random_state=0)
    weights = np.where(np.arange(300) % 3 == 0, 0.0, 1.0)
    params = dict(batch_size=64, max_iter=10, random_state=0)
    weighted = NeuralNetClassifier(**params).fit(X, y, sample_weight=weights)
    removed = NeuralNetClassifier(**params).fit(X[weights > 0], y[weights > 0])
    assert_array_equal(weighted.predict_proba(X), removed.predict_proba(X))
    assert weighted.loss_curve_ == removed.loss_curve_


def test_verbose_shows_a_progress_bar_and_is_quiet_otherwise(capsys):
    X, y = make_blobs(n_samples=40, centers=2, random_state=0)
    NeuralNetClassifier(max_iter=2, random_state=0).fit(X, y)
    assert capsys.readouterr() == ("", "")
    NeuralNetClassifier(max_iter=2, random_state=0, verbose=True).fit(X, y)
    assert "loss=" in capsys.readouterr().err


# --- errors a user can cause -------------------------------------------------------------------


@pytest.mark.parametrize("params, match", [
    ({"hidden_layer_sizes": (10, 0)}, "hidden_layer_sizes"),
    ({"batch_size": 0}, "batch_size"),
    ({"alpha": -1.0}, "alpha"),
    ({"learning_rate_init": 0.0}, "learning_rate_init"),
    ({"max_iter": 0}, "max_iter"),
    ({"early_stopping": True, "validation_fraction": 1.0}, "validation_fraction"),
    ({"optimizer": "newton"}, "unknown optimizer"),
    ({"dtype": "float16"}, "dtype"),
])
def test_bad_parameters_raise_value_error_naming_them(params, match):
    X, y = make_blobs(n_samples=30, centers=2, random_state=0)
    with pytest.raises(ValueError, match=match):
        NeuralNetClassifier(**params).fit(X, y)


def test_regressor_rejects_unknown_loss():
    with pytest.raises(ValueError, match="loss must be 'quadratic' or 'mse'"):
        NeuralNetRegressor(loss="mae").fit(np.ones((4, 2)), np.arange(4.0))


def test_classifier_input_errors():
    X, y = make_blobs(n_samples=30, centers=3, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        NeuralNetClassifier().partial_fit(X, y)
    with pytest.raises(ValueError, match="early_stopping"):
        NeuralNetClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    clf = NeuralNetClassifier(random_state=0).partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes_=\[0, 1\]"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        NeuralNetClassifier().fit(X, np.zeros(30))
    with pytest.raises(ValueError, match="Unknown label type"):
        NeuralNetClassifier().fit(X, np.linspace(0, 1, 30))
