"""What NeuralNetClassifier and NeuralNetRegressor share: parameters, ``fit``, the attributes.

``fit`` follows ``BaseMultilayerPerceptron._fit`` of scikit-learn 1.9: check the parameters and
the data, draw the initial weights on the first call (``warm_start`` and ``partial_fit`` keep
the current ones), hand over to the solver (:mod:`~neuralab.sklearn.stochastic` or
:mod:`~neuralab.sklearn.lbfgs`), then refuse a result that is not finite.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from neuralab import checks
from neuralab.network import Network
from neuralab.sklearn import lbfgs, model, params, persist
from neuralab.sklearn.stochastic import StochasticSolver

__all__ = ["NeuralNetBase", "has_partial_fit"]


class NeuralNetBase(BaseEstimator):
    """MLPClassifier's and MLPRegressor's parameters, with neuralab's ``optimizer`` and ``dtype``.

    Every parameter has scikit-learn's name, meaning and default (see the scikit-learn
    documentation of ``MLPClassifier``). neuralab adds:

    - ``activation``: any :mod:`neuralab.activations` name besides scikit-learn's four
      ("gelu", "silu", "elu", "leaky_relu", …);
    - ``optimizer``: None (scikit-learn's own ``solver``), or a :mod:`neuralab.optimizers` name
      run with its own defaults and ``lr=learning_rate_init``: "sgd", "momentum", "nesterov"
      with ``solver="sgd"``, "adam", "adamw", "rmsprop", "adagrad" with ``solver="adam"``;
    - ``dtype``: None (X's float dtype, float64 for anything else, as scikit-learn), "float32"
      or "float64".
    """

    _parameter_constraints: dict = params.CONSTRAINTS

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 optimizer=None, dtype=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.optimizer = optimizer
        self.dtype = dtype

    # --- the weights, as scikit-learn shows them ------------------------------------------

    @property
    def coefs_(self) -> model.LayerArrays:
        """Weight matrices W of shape (fan_in, fan_out), layer by layer: views into
        ``network_`` (writing into them, or assigning ``coefs_[i] = W``, changes the network)."""
        return model.LayerArrays(layer.weight.value for layer in self.network_.layers)

    @coefs_.setter
    def coefs_(self, arrays) -> None:
        _assign(self.coefs_, arrays, "coefs_")

    @property
    def intercepts_(self) -> model.LayerArrays:
        """Bias vectors b of shape (fan_out,), layer by layer: views into ``network_``."""
        return model.LayerArrays(layer.bias.value for layer in self.network_.layers)

    @intercepts_.setter
    def intercepts_(self, arrays) -> None:
        _assign(self.intercepts_, arrays, "intercepts_")

    # --- fit ------------------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit the model to X (n_samples, n_features; dense or sparse) and y; return self.

        ``sample_weight`` (n_samples,): non-negative weights; each batch's cost is the
        weighted mean, and the L2 penalty is divided by the batch's total weight.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental: bool):
        """Check the parameters, then train with scikit-learn's functions (train_test_split,
        the scores) not checking theirs again, as scikit-learn's own ``_fit_context`` does."""
        self._validate_params()
        with config_context(skip_parameter_validation=True):
            return self._fit_checked(X, y, sample_weight, incremental)

    def _fit_checked(self, X, y, sample_weight, incremental: bool):
        """``fit`` once the parameters are known to be valid (scikit-learn's ``_fit``)."""
        hidden = params.hidden_sizes(self.hidden_layer_sizes)
        params.check_solver(self.solver, self.optimizer)
        first = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, y = self._validate_input(X, y, incremental, reset=first)
        weights = _sample_weight(sample_weight, X.shape[0])
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        self._random_state = check_random_state(self.random_state)
        if first:
            self._initialize(y.shape[1], [X.shape[1], *hidden, y.shape[1]], X.dtype)
        elif y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {y.shape[1]} outputs, but the network was fitted with "
                             f"{self.n_outputs_}; fit without warm_start to start afresh")
        X = X.tocsr() if sp.issparse(X) else X  # batches are slices of rows
        self._solve(X, y, weights, incremental)
        model.check_finite(self.network_, self.n_iter_, getattr(self, "loss_", None))
        return self

    def _solve(self, X, y, weights, incremental: bool) -> None:
        """Train the network with the solver: stochastic (adam, sgd) or L-BFGS."""
        targets = self._network_targets(y)
        if self.solver in params.STOCHASTIC_SOLVERS:
            self._stochastic.fit(self, X, y, targets, weights, incremental=incremental,
                                 random_state=self._random_state,
                                 value_scale=self._value_scale(), score=self._validation_score)
        else:
            self.n_iter_, self.loss_ = lbfgs.minimize(
                self.network_, (X, targets, weights), self.alpha, self._value_scale(),
                max_iter=self.max_iter, max_fun=self.max_fun, tol=self.tol)

    def _initialize(self, n_outputs: int, layer_units: list[int], dtype) -> None:
        """A new network with scikit-learn's initial weights, and fresh training records."""
        self.n_iter_, self.t_ = 0, 0
        self.n_outputs_: int = n_outputs
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        self.network_: Network = model.build_network(
            layer_units, self.activation, self.out_activation_, dtype, self._random_state)
        self._stochastic: StochasticSolver = StochasticSolver(self.network_)
        if self.solver in params.STOCHASTIC_SOLVERS:
            self.loss_curve_: list[float] = []
            if self.early_stopping:
                self.validation_scores_: list[float] | None = []
                self.best_validation_score_: float | None = -np.inf
                self.best_loss_: float | None = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _input_dtype(self, reset: bool):
        """The dtype X is converted to: the network's once it exists (see ``params``)."""
        return params.input_dtype(self.dtype, None if reset else self.network_.dtype)

    def _network_targets(self, y) -> np.ndarray:
        """y (n, n_outputs) as the network's loss takes it: floats of its dtype."""
        return np.ascontiguousarray(y, dtype=self.network_.dtype)

    def _value_scale(self) -> float:
        """Factor of the loss the network computes to the loss scikit-learn reports."""
        return 1.0

    def _validation_score(self, X, y, sample_weight) -> float:
        """The early-stopping score of (X, y encoded as for training) — see ``_score``."""
        return self._score(X, self._validation_targets(y), sample_weight)

    # --- save and load ----------------------------------------------------------------------

    def save(self, path) -> None:
        """Write the fitted estimator to one ``.safetensors`` file: the weights, and the
        parameters and fitted attributes as JSON (see :mod:`neuralab.sklearn.persist`)."""
        persist.save(self, path)

    @classmethod
    def load(cls, path):
        """The estimator ``save`` wrote to ``path``; executes nothing from the file."""
        return persist.load(cls, path)

    def to_onnx(self, path=None, **options):
        """The fitted estimator as an ONNX model, written to ``path`` if given (needs the
        ``onnx`` extra); see :func:`neuralab.export.estimator_to_onnx` for the options."""
        from neuralab.export import estimator_to_onnx  # the onnx package, only when asked

        return estimator_to_onnx(self, path, **options)

    # --- predict --------------------------------------------------------------------------

    def _forward_pass_fast(self, X, check_input: bool = True) -> np.ndarray:
        """The network's outputs for X (n_samples, n_outputs), in X's float dtype or wider."""
        if check_input:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False,
                              dtype=(np.float64, np.float32))
        out = model.outputs(self.network_, X)
        return out.astype(np.result_type(X.dtype, out.dtype), copy=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def has_partial_fit(estimator) -> bool:
    """``partial_fit`` exists for the stochastic solvers only, as in scikit-learn."""
    if estimator.solver not in params.STOCHASTIC_SOLVERS:
        raise AttributeError("partial_fit is only available for stochastic optimizers. "
                             f"{estimator.solver} is not stochastic.")
    return True


def _sample_weight(sample_weight, n: int) -> np.ndarray | None:
    """None, or one non-negative float64 weight per sample; a number weighs every sample."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real):
        sample_weight = np.full(n, sample_weight, dtype=np.float64)
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    shape = sample_weight.shape
    if shape != (n,):
        raise ValueError(f"sample_weight.shape == {shape}, expected ({n},)! Give one weight "
                         "per sample (row of X).")
    return checks.sample_weight(sample_weight, n)


def _assign(current: model.LayerArrays, arrays, name: str) -> None:
    """Copy ``arrays`` (one per layer, same shapes) into the network's ``current`` views."""
    arrays = list(arrays)
    if len(arrays) != len(current):
        raise ValueError(f"{name} needs {len(current)} arrays, one per layer; got {len(arrays)}")
    for i, array in enumerate(arrays):
        current[i] = array
