"""NeuralNetRegressor: scikit-learn's MLPRegressor on a neuralab network."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from neuralab.sklearn import params
from neuralab.sklearn.estimator import NeuralNetBase, has_partial_fit

__all__ = ["NeuralNetRegressor"]


class NeuralNetRegressor(RegressorMixin, NeuralNetBase):
    """Multi-layer perceptron regressor: a drop-in for ``sklearn.neural_network.MLPRegressor``.

    ``loss="squared_error"`` (identity outputs; scikit-learn's half squared error, reported
    averaged over samples and outputs) or ``"poisson"`` (exponential outputs, half Poisson
    deviance, y ≥ 0). y of shape (n_samples,) or (n_samples, n_outputs): several targets are
    fitted at once. Every other parameter and attribute is as in
    :class:`~neuralab.sklearn.NeuralNetClassifier` (no ``classes_``; the early-stopping score
    is R²).
    """

    _parameter_constraints: dict = {
        **params.CONSTRAINTS, "loss": [StrOptions({"squared_error", "poisson"})]}

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
                 optimizer=None, dtype=None):
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state,
            tol=tol, verbose=verbose, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun,
            optimizer=optimizer, dtype=dtype)
        self.loss = loss

    def _validate_input(self, X, y, incremental: bool, reset: bool):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             y_numeric=True, dtype=self._input_dtype(reset), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.dtype.kind not in "biuf":
            raise TypeError(f"y must hold numbers for regression, got dtype {y.dtype}; for "
                            "class labels use NeuralNetClassifier")
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for "
                             "Poisson regression (loss='poisson').")
        return X, y

    def _output_activation(self) -> str:
        return "exp" if self.loss == "poisson" else "identity"

    def _value_scale(self) -> float:
        """scikit-learn reports the squared error averaged over the outputs as well (its
        gradient is that of the sum over outputs): 1/n_outputs. Poisson sums over outputs."""
        return 1.0 / self.n_outputs_ if self.loss == "squared_error" else 1.0

    def _validation_targets(self, y_val):
        return y_val

    @available_if(has_partial_fit)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y) from the current state. Not available with solver="lbfgs"."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predictions, shape (n_samples,) for one output, else (n_samples, n_outputs)."""
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def _score(self, X, y, sample_weight=None) -> float:
        """R² on already validated X (the early-stopping score); NaN if predictions are not."""
        y_pred = self._predict(X, check_input=False)
        if not np.isfinite(y_pred).all():
            return np.nan
        return float(r2_score(y, y_pred, sample_weight=sample_weight))
