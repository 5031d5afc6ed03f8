"""scikit-learn estimators around neuralab networks: NeuralNetClassifier, NeuralNetRegressor.

They take the parameters of scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` (with the
"adam" or "sgd" solver) and follow the same training rules, so they work in pipelines, grid
searches and cross-validation, and ``network_`` is the trained neuralab ``Network``:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from neuralab.sklearn import NeuralNetClassifier
    >>> model = make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=0))

Training. One iteration is one epoch, a ``Network.fit(epochs=1)`` call; all epochs share one
optimizer, so its state (Adam's m and v) carries on from epoch to epoch and from one
``partial_fit`` call to the next. After each epoch, as in scikit-learn:

    loss_curve_ += [mean training loss of the epoch + alpha/(2·n_b)·Σ‖W‖²], the penalty taken
                    with the weights at the start of the epoch (exactly sklearn's for one batch)
    no early stopping:   "no improvement" when loss > best_loss_ − tol
    early_stopping=True: "no improvement" when validation score < best score + tol, the score
                         being accuracy (classifier) or R² (regressor) on validation_fraction of
                         the data, set aside (stratified for classes) before training
    stop when the epochs without improvement in a row exceed n_iter_no_change, else after
    max_iter epochs with a ConvergenceWarning; early stopping keeps the best epoch's weights.

alpha. scikit-learn adds the L2 penalty alpha/(2·n_b)·Σ‖W‖² to the loss of each batch of n_b
samples, so its gradient adds (alpha/n_b)·W. Here the optimizer's ``weight_decay`` λ does
that: λ = alpha / n_b adds λ·θ to the gradient of every parameter (n_b = batch size times the
mean sample weight, i.e. the batch's total weight). Two honest differences: the biases are
decayed too, because neuralab's optimizers update the network as one flat vector (λ ≈ 5e-7 for
the defaults: negligible), and for ``optimizer="adamw"`` λ is AdamW's decoupled decay.

Dtypes. The network computes in ``dtype`` (float32 by default, for speed). X is converted to
it, and outputs come back in X's floating dtype (float32 stays float32; float64 and integer X
give float64), as scikit-learn estimators do.

Reference: scikit-learn's ``sklearn.neural_network.MLPClassifier`` documentation.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data
from tqdm.auto import tqdm

from neuralab import checks, losses, optimizers
from neuralab.network import mlp

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]


class _NeuralNetBase(BaseEstimator):
    """Parameters, the epoch loop and the fitted attributes both estimators share."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, optimizer="adam",
                 alpha=0.0001, batch_size="auto", learning_rate_init=0.001, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 dtype="float32"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype

    # --- fitted attributes that live in the network ---------------------------------------

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices W of shape (in, out), layer by layer (views into ``network_``)."""
        return [layer.weight.value for layer in self.network_.layers]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors b of shape (out,), layer by layer (views into ``network_``)."""
        return [layer.bias.value for layer in self.network_.layers]

    # --- fit ------------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Train for up to ``max_iter`` epochs on (X, y); return self.

        X: (n_samples, n_features). y: (n_samples,) labels or targets ((n, n_outputs) for
        several regression targets). sample_weight: (n_samples,) non-negative weights, each
        sample's share of the weighted mean loss; a weight of 0 removes the sample.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental, classes=None):
        self._check_params(incremental)
        first = not hasattr(self, "network_") or not (self.warm_start or incremental)
        X, y = validate_data(self, X, y, reset=first, dtype=checks.float_dtype(self.dtype),
                             **self._y_checks)
        targets = self._targets(y, first, classes)
        weights = checks.sample_weight(sample_weight, len(X))
        if weights is not None:  # weight 0 = not there: the batches then match removal exactly
            keep = weights > 0
            X, targets, weights = X[keep], targets[keep], weights[keep]
        if not incremental or not hasattr(self, "_rng"):
            self._rng = _generator(self.random_state)
        if first:
            self._initialize(X.shape[1])
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = optimizers.get(self.optimizer, lr=self.learning_rate_init)
        self._train(X, targets, weights, incremental)
        return self

    def _initialize(self, n_features: int) -> None:
        """A new network and fresh training records."""
        sizes = [n_features, *_hidden_sizes(self.hidden_layer_sizes), self.n_outputs_]
        self.network_ = mlp(sizes, activation=self.activation, loss=self._loss_name(),
                            seed=self._rng, dtype=self.dtype)
        self.n_iter_, self.t_ = 0, 0
        self.loss_curve_: list[float] = []
        self._reset_stopping()

    def _reset_stopping(self) -> None:
        self._no_improvement_count = 0
        self.best_loss_: float | None = None if self.early_stopping else math.inf
        self.validation_scores_: list[float] | None = [] if self.early_stopping else None
        self.best_validation_score_ = -math.inf if self.early_stopping else None

    def _train(self, X, targets, weights, incremental: bool) -> None:
        """Run epochs until the stopping rule or ``max_iter`` (one epoch for partial_fit)."""
        if self.early_stopping != (self.validation_scores_ is not None):
            self._reset_stopping()  # early_stopping was switched between warm-started fits
        train, val = (X, targets, weights), None
        if self.early_stopping and not incremental:
            train, val = self._split(X, targets, weights)
        batch_size = self._batch_size(len(train[0]))
        mean_weight = 1.0 if weights is None else float(np.mean(train[2]))
        self._optimizer.weight_decay = self.alpha / (batch_size * mean_weight)
        epochs = 1 if incremental else self.max_iter
        self.n_iter_ = self.n_iter_ if incremental else 0
        with tqdm(total=epochs, disable=not self.verbose, unit="epoch") as bar:
            for _ in range(epochs):
                if self._epoch(train, batch_size, val, bar):
                    break
            else:
                if not incremental:
                    warnings.warn(f"{type(self).__name__}: max_iter={self.max_iter} epochs "
                                  "reached and the optimization hasn't converged yet; raise "
                                  "max_iter (or tol)", ConvergenceWarning, stacklevel=4)
        if val is not None:
            self.network_.load_state_dict(self._best_state)

    def _epoch(self, train, batch_size: int, val, bar) -> bool:
        """Train one epoch and record it; True when training should stop."""
        x, targets, weights = train
        penalty = 0.5 * self._optimizer.weight_decay * sum(float(np.sum(w * w))
                                                           for w in self.coefs_)
        history = self.network_.fit(x, targets, epochs=1, batch_size=batch_size,
                                    optimizer=self._optimizer, shuffle=self.shuffle,
                                    seed=self._rng, progress=False, sample_weight=weights)
        self.loss_curve_.append(history.history["loss"][-1] + penalty)
        self.n_iter_ += 1
        self.t_ += len(x)
        self._update_no_improvement(val)
        bar.set_postfix(loss=f"{self.loss_curve_[-1]:.4f}", refresh=False)
        bar.update()
        return self._no_improvement_count > self.n_iter_no_change

    def _update_no_improvement(self, val) -> None:
        """scikit-learn's rule: count epochs that miss the best loss or score by tol."""
        if val is None:
            loss, best = self.loss_curve_[-1], self.best_loss_
            assert best is not None  # a number whenever early_stopping is off
            worse = loss > best - self.tol
            self.best_loss_ = min(best, loss)
        else:
            score = self._score_outputs(self.network_.predict(val[0]), val[1], val[2])
            scores = self.validation_scores_
            assert scores is not None  # a list whenever early_stopping is on
            scores.append(score)
            worse = score < self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_state = self.network_.state_dict()
        self._no_improvement_count = self._no_improvement_count + 1 if worse else 0

    def _split(self, X, targets, weights):
        """((X, targets, weights) to train on, the same for validation)."""
        arrays = [X, targets] + ([] if weights is None else [weights])
        parts = train_test_split(*arrays, test_size=self.validation_fraction,
                                 random_state=int(self._rng.integers(2**31 - 1)),
                                 stratify=self._stratify(targets))
        train, val = parts[0::2], parts[1::2]
        if len(val[0]) < 2:
            raise ValueError(f"the validation set has {len(val[0])} sample(s); raise "
                             "validation_fraction or give more data for early_stopping")
        pad = [None] if weights is None else []
        return tuple(train) + tuple(pad), tuple(val) + tuple(pad)

    def _batch_size(self, n: int) -> int:
        return min(200 if self.batch_size == "auto" else self.batch_size, n)

    # --- predict --------------------------------------------------------------------------

    def _outputs(self, X) -> np.ndarray:
        """The network's outputs for X, in X's floating dtype."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        return self.network_.predict(X).astype(X.dtype, copy=False)

    # --- parameter checks -----------------------------------------------------------------

    def _check_params(self, incremental: bool) -> None:
        _hidden_sizes(self.hidden_layer_sizes)
        checks.float_dtype(self.dtype)
        for name in ("alpha", "tol"):
            checks.real(getattr(self, name), name, minimum=0)
        checks.real(self.learning_rate_init, "learning_rate_init", minimum=0,
                    include_minimum=False)
        for name in ("max_iter", "n_iter_no_change"):
            checks.integer(getattr(self, name), name, minimum=1)
        if self.batch_size != "auto":
            checks.integer(self.batch_size, "batch_size", minimum=1)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True; set "
                             "early_stopping=False or call fit")
        if self.early_stopping:
            checks.real(self.validation_fraction, "validation_fraction", minimum=0, maximum=1,
                        include_minimum=False, include_maximum=False)


class NeuralNetClassifier(ClassifierMixin, _NeuralNetBase):
    """A neuralab multilayer perceptron as a scikit-learn classifier (like MLPClassifier).

    Two classes: one sigmoid output unit and binary cross-entropy; k > 2 classes: k softmax
    units and cross-entropy. Labels may be any type scikit-learn accepts (ints, strings, …).

    Parameters (scikit-learn's names and defaults):
        hidden_layer_sizes: units per hidden layer, e.g. (100,) or (64, 32).
        activation: hidden activation, any name ``neuralab.activations.get`` knows
            ("relu", "tanh", "logistic", "gelu", …).
        optimizer: any name ``neuralab.optimizers.get`` knows ("adam", "sgd", "momentum",
            "rmsprop", "adagrad", "adamw", …), created with lr=learning_rate_init.
        alpha: L2 penalty, see the module docstring. batch_size: "auto" = min(200, n_samples).
        learning_rate_init: the optimizer's learning rate. max_iter: epochs at most.
        shuffle: reshuffle the samples each epoch. random_state: int, None or a Generator;
            seeds the initial weights, the shuffles and the validation split.
        tol, n_iter_no_change, early_stopping, validation_fraction: the stopping rule.
        verbose: show a tqdm progress bar over the epochs with the loss.
        warm_start: ``fit`` starts from the current weights instead of new ones.
        dtype: "float32" (default) or "float64", the dtype the network computes in.

    Attributes: ``classes_``, ``n_features_in_``, ``feature_names_in_`` (pandas input),
    ``n_outputs_``, ``loss_curve_``, ``best_loss_`` (None with early stopping),
    ``validation_scores_`` and ``best_validation_score_`` (None without), ``n_iter_`` (epochs of
    the last ``fit``; ``partial_fit`` adds 1), ``t_`` (samples seen), ``coefs_``,
    ``intercepts_``, ``network_`` (the neuralab Network, for ``neuralab.diagnostics``).
    """

    _y_checks: dict = {}

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train one epoch on (X, y), continuing from the current state; return self.

        ``classes`` (every label that will ever appear) is required on the first call.
        """
        if not hasattr(self, "network_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit, e.g. "
                             "partial_fit(X, y, classes=np.unique(y_all))")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        out = self._outputs(X)
        return np.hstack([1 - out, out]) if out.shape[1] == 1 else out

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,)."""
        labels = losses.predicted_classes(self._outputs(X))  # checks that self is fitted
        return self.classes_[labels]

    def _loss_name(self) -> str:
        return "binary_cross_entropy" if self.n_outputs_ == 1 else "cross_entropy"

    def _targets(self, y, first: bool, classes):
        """Labels → codes 0..k−1 (a float column of 0/1 for two classes)."""
        check_classification_targets(y)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"{type(self).__name__} handles binary and multiclass targets, "
                             f"got {kind!r}; give y as one label per sample")
        if first:
            self._encoder = LabelEncoder().fit(y if classes is None else classes)
            self.classes_ = self._encoder.classes_
            if len(self.classes_) < 2:
                raise ValueError(f"{type(self).__name__} needs at least 2 classes in y; got "
                                 f"1 class: {self.classes_[0]!r}")
            self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
        self._check_known(y, classes)
        codes = self._encoder.transform(y)
        return codes.reshape(-1, 1).astype(self.dtype) if self.n_outputs_ == 1 else codes

    def _check_known(self, y, classes) -> None:
        if classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"classes={list(classes)} differs from classes_="
                             f"{self.classes_.tolist()} of the first partial_fit call")
        unknown = np.setdiff1d(unique_labels(y), self.classes_)
        if unknown.size:
            raise ValueError(f"y has labels {unknown.tolist()} that are not in classes_="
                             f"{self.classes_.tolist()}; refit without warm_start to learn new "
                             "classes")

    def _stratify(self, targets):
        return targets if targets.ndim == 1 else targets[:, 0]

    def _score_outputs(self, out, targets, weights) -> float:
        true = targets if targets.ndim == 1 else targets[:, 0]
        return float(accuracy_score(true.astype(np.intp), losses.predicted_classes(out),
                                    sample_weight=weights))


class NeuralNetRegressor(RegressorMixin, _NeuralNetBase):
    """A neuralab multilayer perceptron as a scikit-learn regressor (like MLPRegressor).

    Identity output units, one per target; several targets are fitted at once from y of
    shape (n_samples, n_outputs), and predictions have y's shape.

    loss: "quadratic" (default, C = 1/(2n) Σ‖a − y‖², scikit-learn's squared error for one
    target) or "mse" (C = 1/(n·k) Σ (a − y)²). Every other parameter and attribute is as in
    ``NeuralNetClassifier`` (no ``classes_``; the validation score is R²).
    """

    _y_checks: dict = {"multi_output": True, "y_numeric": True}

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, loss="quadratic",
                 optimizer="adam", alpha=0.0001, batch_size="auto", learning_rate_init=0.001,
                 max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
                 warm_start=False, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, dtype="float32"):
        super().__init__(
            hidden_layer_sizes, activation, optimizer=optimizer, alpha=alpha,
            batch_size=batch_size, learning_rate_init=learning_rate_init, max_iter=max_iter,
            shuffle=shuffle, random_state=random_state, tol=tol, verbose=verbose,
            warm_start=warm_start, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            dtype=dtype)
        self.loss = loss

    def partial_fit(self, X, y, sample_weight=None):
        """Train one epoch on (X, y), continuing from the current state; return self."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predictions, shape (n_samples,) or (n_samples, n_outputs) like the y of fit."""
        out = self._outputs(X)
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _check_params(self, incremental: bool) -> None:
        super()._check_params(incremental)
        if self.loss not in ("quadratic", "mse"):
            raise ValueError(f"loss must be 'quadratic' or 'mse', got {self.loss!r}")

    def _loss_name(self) -> str:
        return self.loss

    def _targets(self, y, first: bool, classes=None):
        """y as a (n, n_outputs) array of the network's dtype."""
        y2 = y.reshape(len(y), -1)
        if first:
            self.n_outputs_, self._y_1d = y2.shape[1], y.ndim == 1
        elif y2.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {y2.shape[1]} targets but the network was fitted with "
                             f"{self.n_outputs_}; refit without warm_start")
        return y2.astype(self.dtype)

    def _stratify(self, targets):
        return None

    def _score_outputs(self, out, targets, weights) -> float:
        return float(r2_score(targets, out, sample_weight=weights))


# --- helpers ----------------------------------------------------------------------------------


def _hidden_sizes(sizes) -> list[int]:
    """hidden_layer_sizes as a list of positive ints (a single int is one layer)."""
    sizes = [sizes] if isinstance(sizes, Integral) else sizes
    try:
        sizes = list(sizes)
    except TypeError:
        raise ValueError(f"hidden_layer_sizes must be an int or a sequence of ints, got "
                         f"{sizes!r}") from None
    return [checks.integer(s, f"hidden_layer_sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]


def _generator(random_state) -> np.random.Generator:
    """A Generator from an int, None or a Generator; a legacy RandomState gives it a seed."""
    if isinstance(random_state, np.random.RandomState):
        random_state = random_state.randint(2**31 - 1)
    return np.random.default_rng(random_state)
