"""NeuralNetClassifier: scikit-learn's MLPClassifier on a neuralab network."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from neuralab.sklearn.estimator import NeuralNetBase, has_partial_fit

__all__ = ["NeuralNetClassifier"]


class NeuralNetClassifier(ClassifierMixin, NeuralNetBase):
    """Multi-layer perceptron classifier: a drop-in for ``sklearn.neural_network.MLPClassifier``.

    The same parameters with the same defaults and meanings, the same fitted attributes,
    warnings and errors; with the same data and ``random_state`` it starts from the same
    weights and sees the same batches, so it ends at the same model (up to floating-point
    rounding), faster. neuralab adds ``optimizer``, ``dtype`` and more activations (see
    :class:`~neuralab.sklearn.estimator.NeuralNetBase`), ``save``/``load`` without pickle, and
    ``network_``, the trained :class:`neuralab.Network` (for ``neuralab.diagnostics``).

    Targets: class labels of any type scikit-learn accepts (binary: one logistic output unit;
    k > 2 classes: k softmax units), or a 0/1 indicator matrix (multilabel: one logistic unit
    per label). The loss is the log-loss, plus alpha/(2·n_b)·Σ‖W‖² per batch of n_b samples.

    Fitted attributes: ``classes_``, ``loss_``, ``best_loss_``, ``loss_curve_``,
    ``validation_scores_``, ``best_validation_score_``, ``t_``, ``coefs_``, ``intercepts_``,
    ``n_features_in_``, ``feature_names_in_``, ``n_iter_``, ``n_layers_``, ``n_outputs_``,
    ``out_activation_``, as in MLPClassifier (``loss_curve_`` and the other per-epoch records
    exist for the stochastic solvers only), and ``network_``.
    """

    def _validate_input(self, X, y, incremental: bool, reset: bool):
        """(X, y as a 0/1 indicator matrix), learning or checking ``classes_`` as scikit-learn."""
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=self._input_dtype(reset), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_classes(unique_labels(y))
        return X, self._label_binarizer.transform(y).astype(bool)

    def _check_classes(self, classes) -> None:
        """y of a warm-started fit or a later partial_fit must keep to ``classes_``."""
        if self.warm_start:
            if set(classes) != set(self.classes_):
                raise ValueError("warm_start can only be used where `y` has the same classes "
                                 f"as in the previous call to fit. Previously got "
                                 f"{self.classes_}, `y` has {classes}")
        elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
            raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` has "
                             f"{self.classes_}. 'y' has {classes}.")

    def _output_activation(self) -> str:
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _network_targets(self, y) -> np.ndarray:
        """Class codes 0..k−1 for softmax (cheaper than one-hot rows), else 0/1 columns."""
        if self.out_activation_ == "softmax":
            return np.argmax(y, axis=1)
        return super()._network_targets(y)

    def _validation_targets(self, y_val):
        return self._label_binarizer.inverse_transform(y_val)

    @available_if(has_partial_fit)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y) from the current state; ``classes`` on the first call.

        ``classes``: every label that will ever appear (``np.unique(y_all)``); required on
        the first call, and must not change afterwards. Not available with solver="lbfgs".
        """
        if self._first_partial_fit(classes):
            self._label_binarizer = LabelBinarizer()
            multilabel = type_of_target(y).startswith("multilabel")
            self._label_binarizer.fit(y if multilabel else classes)
        return self._fit(X, y, sample_weight, incremental=True)

    def _first_partial_fit(self, classes) -> bool:
        """scikit-learn's ``_check_partial_fit_first_call``: True on the first call."""
        known = getattr(self, "classes_", None)
        if known is None and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is None:
            return False
        if known is not None:
            if not np.array_equal(known, unique_labels(classes)):
                raise ValueError(f"`classes={classes!r}` is not the same as on last call to "
                                 f"partial_fit, was: {known!r}")
            return False
        self.classes_ = unique_labels(classes)
        return True

    def predict(self, X) -> np.ndarray:
        """The predicted classes, shape (n_samples,) (or (n_samples, n_labels), multilabel)."""
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            return np.vstack([1 - y_pred[:, 0], y_pred[:, 0]]).T
        return y_pred

    def predict_log_proba(self, X) -> np.ndarray:
        """log(predict_proba(X))."""
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def _score(self, X, y, sample_weight=None) -> float:
        """Accuracy on already validated X (the early-stopping score); NaN if outputs are not."""
        y_pred = self._forward_pass_fast(X, check_input=False)
        if not np.isfinite(y_pred).all():
            return np.nan
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return float(accuracy_score(y, self._label_binarizer.inverse_transform(y_pred),
                                    sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
