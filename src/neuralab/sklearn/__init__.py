"""scikit-learn estimators on neuralab networks: a drop-in for MLPClassifier and MLPRegressor.

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from neuralab.sklearn import NeuralNetClassifier
    >>> model = make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=0))

A script written for scikit-learn's MLP runs unchanged with the class name swapped: the same
parameters (``solver`` "adam", "sgd" or "lbfgs", ``learning_rate``, ``momentum``, ``alpha``,
``early_stopping``, …) with the same defaults, the same fitted attributes, warnings and errors,
the same data (multilabel and multioutput targets, sparse X, ``sample_weight``, DataFrames).
With the same data and ``random_state`` the estimators start from scikit-learn's initial
weights and visit the batches in scikit-learn's order, so they train the same model up to
floating-point rounding, in less time. Where scikit-learn's conventions differ from the rest of
neuralab's, scikit-learn's win here: ``random_state=None`` draws from NumPy's global state,
``verbose`` prints, and bad parameters raise scikit-learn's ``InvalidParameterError``.

neuralab adds: more activations, ``optimizer=`` (any neuralab optimizer, within the family the
``solver`` names), ``dtype``, ``save``/``load`` in a safe file format without pickle, and
``network_`` (the trained :class:`neuralab.Network`).

The package, one concern per module:

    estimator    the shared parameters, fit, coefs_/intercepts_, predict's forward pass
    classifier   NeuralNetClassifier: labels, multilabel, predict_proba, partial_fit
    regressor    NeuralNetRegressor: squared error or Poisson, multioutput
    params       the parameter constraints and the checks they cannot express
    model        the network (scikit-learn's initial weights), the batch cost, dense/sparse rows
    stochastic   solver="sgd"/"adam": scikit-learn's epoch loop and stopping rules
    solvers      scikit-learn's SGD and Adam update rules, its learning-rate schedules
    kernels      one-pass compiled loops for the SGD step and the penalty (numba, optional)
    lbfgs        solver="lbfgs": SciPy's L-BFGS-B on the flat parameter vector
    poisson      the exp output and the half Poisson deviance
    persist      save/load (persist_fields: the fitted attributes and their checks)
    caller       warnings that point at the user's line

Reference: scikit-learn 1.9, ``sklearn/neural_network/_multilayer_perceptron.py``.
"""

from neuralab.sklearn.classifier import NeuralNetClassifier
from neuralab.sklearn.regressor import NeuralNetRegressor

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]
