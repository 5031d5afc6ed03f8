"""The edges, as scikit-learn's MLP has them: every bad parameter and bad input gets
scikit-learn's error type with its message (neuralab may add to it), the same warnings, and
the same partial_fit / warm_start rules. Each case runs on both libraries and compares."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor
from neuralab.training import TrainingDivergedError

X = np.random.RandomState(0).rand(30, 3)
Y = np.arange(30) % 3


def outcome(build):
    """(exception or None, [(warning category, message)]) of running ``build``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            build()
            error = None
        except Exception as err:  # noqa: BLE001 - the exception is what is compared
            error = err
    return error, [(w.category, str(w.message)) for w in caught]


CLASSIFIER_CASES = {
    "unknown solver": lambda C: C(solver="newton").fit(X, Y),
    "unknown activation": lambda C: C(activation="foo").fit(X, Y),
    "a zero layer": lambda C: C(hidden_layer_sizes=(10, 0)).fit(X, Y),
    "negative layer": lambda C: C(hidden_layer_sizes=-1).fit(X, Y),
    "negative alpha": lambda C: C(alpha=-1).fit(X, Y),
    "batch_size 0": lambda C: C(batch_size=0).fit(X, Y),
    "learning_rate_init 0": lambda C: C(learning_rate_init=0).fit(X, Y),
    "unknown schedule": lambda C: C(learning_rate="fast").fit(X, Y),
    "max_iter 0": lambda C: C(max_iter=0).fit(X, Y),
    "momentum 2": lambda C: C(momentum=2).fit(X, Y),
    "beta_1 1": lambda C: C(beta_1=1).fit(X, Y),
    "epsilon 0": lambda C: C(epsilon=0).fit(X, Y),
    "max_fun 0": lambda C: C(max_fun=0).fit(X, Y),
    "validation_fraction 1": lambda C: C(early_stopping=True, validation_fraction=1.0).fit(X, Y),
    "validation_fraction 0": lambda C: C(early_stopping=True, validation_fraction=0.0).fit(X, Y),
    "validation set too small":
        lambda C: C(early_stopping=True, validation_fraction=0.01).fit(X, Y),
    "NaN in X": lambda C: C().fit(np.where(X > 0.5, np.nan, X), Y),
    "1-D X": lambda C: C().fit(X[:, 0], Y),
    "sample_weight of the wrong shape": lambda C: C().fit(X, Y, sample_weight=np.ones(5)),
    "continuous y": lambda C: C().fit(X, X[:, 0]),
    "predict before fit": lambda C: C().predict(X),
    "predict with other features": lambda C: C(max_iter=2).fit(X, Y).predict(X[:, :2]),
    "partial_fit without classes": lambda C: C().partial_fit(X, Y),
    "partial_fit with lbfgs": lambda C: C(solver="lbfgs").partial_fit(X, Y, classes=[0, 1, 2]),
    "partial_fit with early stopping":
        lambda C: C(early_stopping=True).partial_fit(X, Y, classes=[0, 1, 2]),
    "partial_fit classes change":
        lambda C: C().partial_fit(X, Y, classes=[0, 1, 2]).partial_fit(X, Y, classes=[0, 1]),
    "partial_fit new label":
        lambda C: C().partial_fit(X, Y % 2, classes=[0, 1]).partial_fit(X, Y),
    "warm_start new label": lambda C: C(warm_start=True, max_iter=2).fit(X, Y % 2).fit(X, Y),
    "max_iter reached": lambda C: C(max_iter=2).fit(X, Y),
    "lbfgs max_iter reached": lambda C: C(solver="lbfgs", max_iter=2).fit(X, Y),
    "batch_size above n": lambda C: C(batch_size=100, max_iter=2).fit(X, Y),
    "column y": lambda C: C(max_iter=2).fit(X, Y.reshape(-1, 1)),
    "one class": lambda C: C(max_iter=2).fit(X, np.zeros(30)).predict(X[:3]),
    "n_iter_no_change inf": lambda C: C(n_iter_no_change=np.inf, max_iter=2).fit(X, Y),
}
REGRESSOR_CASES = {
    "unknown loss": lambda C: C(loss="mae").fit(X, X[:, 0]),
    "column y": lambda C: C(max_iter=2).fit(X, X[:, :1]),
    "NaN in y": lambda C: C().fit(X, np.where(X[:, 0] > 0.5, np.nan, 1.0)),
}


def assert_same_outcome(ours, theirs):
    (error, warned), (their_error, their_warned) = ours, theirs
    assert (error is None) == (their_error is None), (error, their_error)
    if error is not None:
        assert isinstance(error, type(their_error)), (error, their_error)
        # scikit-learn's message, with its class name changed, is part of ours
        expected = str(their_error).replace("MLPClassifier", "NeuralNetClassifier")
        expected = expected.replace("MLPRegressor", "NeuralNetRegressor")
        if "must be a str among" not in expected:  # neuralab knows more activations
            assert expected in str(error)
    assert [c for c, _ in warned] == [c for c, _ in their_warned]
    for (_, mine), (_, other) in zip(warned, their_warned, strict=True):
        assert mine.startswith(other[:60])


@pytest.mark.parametrize("build", CLASSIFIER_CASES.values(), ids=CLASSIFIER_CASES.keys())
def test_classifier_edges_as_scikit_learn(build):
    assert_same_outcome(outcome(lambda: build(NeuralNetClassifier)),
                        outcome(lambda: build(MLPClassifier)))


@pytest.mark.parametrize("build", REGRESSOR_CASES.values(), ids=REGRESSOR_CASES.keys())
def test_regressor_edges_as_scikit_learn(build):
    assert_same_outcome(outcome(lambda: build(NeuralNetRegressor)),
                        outcome(lambda: build(MLPRegressor)))


def test_the_warnings_point_at_the_caller():
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\)") as caught:
        NeuralNetClassifier(max_iter=2).fit(X, Y)
    assert caught[0].filename == __file__
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge") as caught:
        NeuralNetRegressor(solver="lbfgs", max_iter=2).fit(X, X[:, 0])
    assert caught[0].filename == __file__
    with pytest.warns(UserWarning, match="batch_size") as caught:
        NeuralNetClassifier(batch_size=100, max_iter=1).partial_fit(X, Y, classes=[0, 1, 2])
    assert caught[0].filename == __file__


def test_partial_fit_is_missing_for_lbfgs():
    """For both estimators (scikit-learn 1.9's MLPRegressor forgets to call its check, so its
    partial_fit exists for lbfgs and runs a full L-BFGS fit; its classifier has it right)."""
    assert not hasattr(NeuralNetClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(NeuralNetRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(NeuralNetClassifier(solver="sgd"), "partial_fit")
    with pytest.raises(NotFittedError):
        NeuralNetRegressor().predict(X)


# --- where neuralab says more than scikit-learn ----------------------------------------------


@pytest.mark.parametrize("solver, optimizer, match", [
    ("lbfgs", "adam", "solver='lbfgs' takes no optimizer"),
    ("sgd", "adam", r"'adam' is an adaptive optimizer \(.*\), so use solver='adam'"),
    ("adam", "momentum", "'momentum' is a gradient-descent optimizer, so use solver='sgd'"),
])
def test_solver_and_optimizer_must_agree(solver, optimizer, match):
    with pytest.raises(ValueError, match=match):
        NeuralNetClassifier(solver=solver, optimizer=optimizer).fit(X, Y)


def test_unknown_optimizer_and_dtype_are_parameter_errors():
    for params in ({"optimizer": "newton"}, {"dtype": "float16"}):
        with pytest.raises(ValueError, match="parameter of NeuralNetClassifier must be"):
            NeuralNetClassifier(**params).fit(X, Y)


def test_a_diverging_loss_stops_training_with_a_value_error():
    """scikit-learn trains on through NaN to max_iter, then refuses the weights; neuralab
    stops at the first non-finite loss, naming the iteration, with the same error type."""
    y = X[:, 0] * 1e4
    params = dict(activation="identity", solver="sgd", learning_rate_init=1.0, max_iter=20,
                  random_state=0)
    with (pytest.raises(ValueError, match="Solver produced non-finite parameter weights"),
          np.errstate(all="ignore"), warnings.catch_warnings()):
        warnings.simplefilter("ignore")
        MLPRegressor(**params).fit(X, y)
    with pytest.raises(TrainingDivergedError, match=r"^Solver produced a non-finite loss "
                       r"\(inf\)\. The input data may contain large values and need to be "
                       r"preprocessed\. \(Iteration 5: ") as caught:
        NeuralNetRegressor(**params).fit(X, y)
    assert isinstance(caught.value, ValueError) and caught.value.epoch == 4


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_non_finite_weights_are_refused_as_scikit_learn_does():
    reg = NeuralNetRegressor(solver="lbfgs", max_iter=1, random_state=0).fit(X, X[:, 0])
    reg.coefs_[0][0, 0] = np.inf
    with pytest.raises(ValueError, match="^Solver produced non-finite parameter weights"):
        reg.set_params(warm_start=True).fit(X, X[:, 0])


def test_sample_weights_must_be_non_negative_and_poisson_targets_too():
    """scikit-learn accepts both and returns a meaningless model (or NaN losses)."""
    with pytest.raises(ValueError, match="non-negative"):
        NeuralNetClassifier().fit(X, Y, sample_weight=-np.ones(30))
    with pytest.raises(ValueError, match="negative which is not allowed for Poisson"):
        NeuralNetRegressor(loss="poisson").fit(X, -X[:, 0])
    with pytest.raises(TypeError, match="y must hold numbers"):
        NeuralNetRegressor().fit(X, np.array(["a"] * 30))


def test_interrupting_training_keeps_the_model_and_warns(monkeypatch):
    """Ctrl-C during fit ends training with scikit-learn's warning, the model kept."""
    from neuralab.sklearn import stochastic

    calls = []

    def interrupted(self):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self)

    original = stochastic.Epochs.run
    monkeypatch.setattr(stochastic.Epochs, "run", interrupted)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        clf = NeuralNetClassifier(max_iter=10, random_state=0).fit(X, Y)
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2
    assert clf.predict(X).shape == (30,)


def test_a_filter_written_for_scikit_learns_warnings_silences_ours():
    """scikit-learn's examples silence the MLP's ConvergenceWarning by module; after swapping
    the class, the same filter keeps ours silent too (and a filter for other modules does not)."""
    for module, expected in (("sklearn", 0), ("numpy", 1)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.filterwarnings("ignore", category=ConvergenceWarning, module=module)
            NeuralNetClassifier(max_iter=2).fit(X, Y)
            NeuralNetRegressor(solver="lbfgs", max_iter=2).fit(X, X[:, 0])
        assert len([w for w in caught if w.category is ConvergenceWarning]) == 2 * expected
