"""neuralab.sklearn against scikit-learn's own MLP: the same data, parameters and random_state
must give the same fitted model, attribute by attribute, for every solver and kind of target.

The estimators draw scikit-learn's initial weights from the same RandomState and visit the
batches in scikit-learn's order, so in float64 the two libraries differ only by rounding (the
order of a few floating-point operations): weights agree to ~1e-12 after these short runs.
Accuracy and R² over seeds 0–4 are compared at full length too.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_friedman1, make_multilabel_classification
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SOLVERS = ["adam", "sgd", "lbfgs"]
RECORDS = ["loss_curve_", "best_loss_", "validation_scores_", "best_validation_score_"]
SCALARS = ["n_iter_", "t_", "n_layers_", "n_outputs_", "out_activation_", "n_features_in_"]


@pytest.fixture(scope="module")
def digits():
    """Digits, standardized, split 75/25 (stratified, seed 0)."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def friedman():
    """Friedman #1 (1,000 samples, noise 0.5), split 75/25, X standardized."""
    X, y = make_friedman1(n_samples=1000, noise=0.5, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def assert_same_model(ours, theirs, rtol=1e-9, atol=1e-12):
    """Every fitted attribute scikit-learn has, equal (to rounding) in ours."""
    for name in SCALARS:
        assert getattr(ours, name) == getattr(theirs, name), name
    assert_allclose(ours.loss_, theirs.loss_, rtol=rtol)
    for name in RECORDS:
        if getattr(theirs, name, None) is None:
            assert getattr(ours, name, None) is None, name
        else:
            assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=rtol, err_msg=name)
    for attr in ("coefs_", "intercepts_"):
        ours_arrays, their_arrays = getattr(ours, attr), getattr(theirs, attr)
        assert len(ours_arrays) == len(their_arrays)
        for mine, other in zip(ours_arrays, their_arrays, strict=True):
            assert mine.shape == other.shape
            assert_allclose(mine, other, rtol=rtol, atol=atol, err_msg=attr)


def both(kind, **params):
    """(ours, theirs) with the same parameters; kind "classifier" or "regressor"."""
    if kind == "classifier":
        return NeuralNetClassifier(**params), MLPClassifier(**params)
    return NeuralNetRegressor(**params), MLPRegressor(**params)


SHORT = dict(hidden_layer_sizes=(16, 8), max_iter=6, random_state=0)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_multiclass_matches_scikit_learn(digits, solver, early_stopping):
    X, _, y, _ = digits
    ours, theirs = both("classifier", solver=solver, early_stopping=early_stopping, **SHORT)
    assert_same_model(ours.fit(X, y), theirs.fit(X, y))
    assert_array_equal(ours.classes_, theirs.classes_)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
def test_binary_and_multilabel_match_scikit_learn(solver):
    X, Y = make_multilabel_classification(n_samples=120, n_features=6, n_classes=3,
                                          random_state=0)
    for y in (Y[:, 0], Y):  # binary: one logistic unit; multilabel: one per label
        ours, theirs = both("classifier", solver=solver, **SHORT)
        assert_same_model(ours.fit(X, y), theirs.fit(X, y))
        assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.out_activation_ == "logistic" and ours.predict(X).shape == Y.shape


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("loss, n_targets", [("squared_error", 1), ("squared_error", 2),
                                             ("poisson", 1)])
def test_regression_matches_scikit_learn(friedman, solver, loss, n_targets):
    X, _, y, _ = friedman
    Y = np.column_stack([y, np.sqrt(y)])[:, :n_targets] if n_targets > 1 else y
    if loss == "poisson":
        Y = np.round(y)
    ours, theirs = both("regressor", loss=loss, solver=solver, **SHORT)
    assert_same_model(ours.fit(X, Y), theirs.fit(X, Y), rtol=1e-8)
    assert ours.predict(X).shape == theirs.predict(X).shape


@pytest.mark.parametrize("solver", SOLVERS)
def test_sample_weight_and_short_last_batch_match(digits, solver):
    """Weighted batches of 100 rows (the last one shorter): sklearn's per-batch penalty
    alpha/(2·Σw_batch)·Σ‖W‖² and its row-weighted epoch loss, exactly."""
    X, _, y, _ = digits
    weights = np.random.default_rng(0).uniform(0, 3, len(y))
    ours, theirs = both("classifier", solver=solver, batch_size=100, alpha=0.5, **SHORT)
    assert_same_model(ours.fit(X, y, sample_weight=weights),
                      theirs.fit(X, y, sample_weight=weights))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense_and_scikit_learn(digits, solver, fmt):
    X, _, y, _ = digits
    X = np.where(X > 0.5, X, 0.0)
    sparse = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    ours, theirs = both("classifier", solver=solver, **SHORT)
    assert_same_model(ours.fit(sparse, y), theirs.fit(sparse, y))
    dense = NeuralNetClassifier(solver=solver, **SHORT).fit(X, y)
    assert_allclose(ours.predict_proba(sparse), dense.predict_proba(X), rtol=1e-12)


def test_lbfgs_on_sparse_input_sums_chunks_exactly(digits, monkeypatch):
    """L-BFGS never densifies a sparse X whole: loss and gradient are summed over chunks of
    rows (here 100, with sample weights), and the result is still scikit-learn's."""
    from neuralab.sklearn import lbfgs

    monkeypatch.setattr(lbfgs.FullBatch, "chunk_rows", 100)
    X, _, y, _ = digits
    X = sp.csr_matrix(np.where(X > 0.5, X, 0.0))
    weights = np.random.default_rng(1).uniform(0, 2, len(y))
    ours, theirs = both("classifier", solver="lbfgs", **SHORT)
    assert_same_model(ours.fit(X, y, sample_weight=weights),
                      theirs.fit(X, y, sample_weight=weights), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_schedules_and_momentum_match(digits, schedule, nesterov):
    """tol=0.3 with n_iter_no_change=1 makes "adaptive" divide the learning rate mid-run."""
    X, _, y, _ = digits
    params = dict(SHORT, max_iter=8, solver="sgd", learning_rate=schedule, power_t=0.25,
                  momentum=0.8, nesterovs_momentum=nesterov, learning_rate_init=0.05,
                  tol=0.3, n_iter_no_change=1)
    ours, theirs = both("classifier", **params)
    assert_same_model(ours.fit(X, y), theirs.fit(X, y))


def test_adam_parameters_match(digits):
    X, _, y, _ = digits
    ours, theirs = both("classifier", beta_1=0.8, beta_2=0.99, epsilon=1e-4,
                        learning_rate_init=0.01, **SHORT)
    assert_same_model(ours.fit(X, y), theirs.fit(X, y))


def test_lbfgs_max_fun_matches(digits):
    """max_fun stops L-BFGS after that many evaluations, with scikit-learn's warning."""
    X, _, y, _ = digits
    ours, theirs = both("classifier", solver="lbfgs", max_fun=7, **dict(SHORT, max_iter=50))
    with pytest.warns(Warning, match="lbfgs failed to converge"):
        ours.fit(X, y)
    assert_same_model(ours, theirs.fit(X, y))
    assert ours.n_iter_ < 7


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_warm_start_and_partial_fit_sequences_match(digits, solver):
    X, _, y, _ = digits
    ours, theirs = both("classifier", solver=solver, warm_start=True, **SHORT)
    for _ in range(2):
        ours.fit(X, y)
        theirs.fit(X, y)
    assert_same_model(ours, theirs)
    ours, theirs = both("classifier", solver=solver, **SHORT)
    for rows in np.array_split(np.arange(len(y)), 3):
        ours.partial_fit(X[rows], y[rows], classes=np.arange(10))
        theirs.partial_fit(X[rows], y[rows], classes=np.arange(10))
    assert_same_model(ours, theirs)
    assert ours.n_iter_ == 1 and ours.t_ == len(y)


def test_random_state_none_draws_from_numpys_global_state(digits):
    """As scikit-learn: random_state=None uses np.random's global RandomState."""
    X, _, y, _ = digits
    params = dict(SHORT, random_state=None)
    saved = np.random.get_state()  # noqa: NPY002 - the state under test, put back after
    try:
        np.random.seed(3)  # noqa: NPY002 - scikit-learn's convention under test
        ours = NeuralNetClassifier(**params).fit(X, y)
        np.random.seed(3)  # noqa: NPY002
        theirs = MLPClassifier(**params).fit(X, y)
        again = NeuralNetClassifier(**params).fit(X, y)  # the global state has moved on
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    assert_same_model(ours, theirs)
    assert not np.array_equal(again.coefs_[0], ours.coefs_[0])


def test_float32_stays_float32_and_agrees(digits):
    X, _, y, _ = digits
    X32 = X.astype(np.float32)
    ours, theirs = both("classifier", **SHORT)
    ours.fit(X32, y)
    theirs.fit(X32, y)
    assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype == np.float32
    assert ours.predict_proba(X32).dtype == np.float32
    for mine, other in zip(ours.coefs_, theirs.coefs_, strict=True):
        assert_allclose(mine, other, rtol=1e-3, atol=1e-5)  # float32 rounding, 6 epochs


# --- full-length runs: accuracy and R² over seeds 0–4 ------------------------------------------

FULL = {"adam": dict(max_iter=200, learning_rate_init=0.01),
        "sgd": dict(max_iter=200, learning_rate_init=0.01), "lbfgs": dict(max_iter=200)}


@pytest.mark.parametrize("solver", SOLVERS)
def test_digits_accuracy_over_five_seeds(digits, solver):
    X_train, X_test, y_train, y_test = digits
    ours, theirs = [], []
    for seed in range(5):
        params = dict(hidden_layer_sizes=(50,), solver=solver, random_state=seed, **FULL[solver])
        a, b = both("classifier", **params)
        ours.append(a.fit(X_train, y_train).score(X_test, y_test))
        theirs.append(b.fit(X_train, y_train).score(X_test, y_test))
    assert np.mean(ours) >= 0.94
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01, (ours, theirs)


@pytest.mark.parametrize("solver", SOLVERS)
def test_friedman_r2_over_five_seeds(friedman, solver):
    X_train, X_test, y_train, y_test = friedman
    ours, theirs = [], []
    for seed in range(5):
        params = dict(hidden_layer_sizes=(50,), solver=solver, random_state=seed, **FULL[solver])
        a, b = both("regressor", **params)
        ours.append(a.fit(X_train, y_train).score(X_test, y_test))
        theirs.append(b.fit(X_train, y_train).score(X_test, y_test))
    assert np.mean(ours) >= 0.8
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01, (ours, theirs)
