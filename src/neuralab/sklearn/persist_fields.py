"""The fitted attributes a saved estimator carries, and the check of each one on loading.

Each attribute is a plain JSON value in the file. Loading accepts only the type and range each
one must have (an int ≥ 0, a list of numbers, …) and rebuilds ``classes_`` (and the
LabelBinarizer behind ``predict``) from a list of labels and a dtype of a known kind.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.preprocessing import LabelBinarizer

__all__ = ["FITTED", "check_fitted", "classes_to", "classes_from"]


def _count(value, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _numbers(value) -> bool:
    return isinstance(value, list) and all(_number(v) for v in value)


#: attribute → (required, test of its JSON value)
FITTED = {
    "n_features_in_": (True, lambda v: _count(v, 1)),
    "n_outputs_": (True, lambda v: _count(v, 1)),
    "n_layers_": (True, lambda v: _count(v, 2)),
    "out_activation_": (True, lambda v: isinstance(v, str)),
    "n_iter_": (True, lambda v: _count(v, 0)),
    "t_": (True, lambda v: _count(v, 0)),
    "feature_names_in_": (False, lambda v: isinstance(v, list)
                          and all(isinstance(s, str) for s in v)),
    "loss_": (False, _number),
    "best_loss_": (False, lambda v: v is None or _number(v)),
    "loss_curve_": (False, _numbers),
    "validation_scores_": (False, lambda v: v is None or _numbers(v)),
    "best_validation_score_": (False, lambda v: v is None or _number(v)),
}

#: kinds of label dtypes a file may name: bool, ints, floats, str, object (of str)
_LABEL_KINDS = "biufUO"


def check_fitted(bad: str, record, cls) -> dict:
    """The attributes of ``record`` as Python values; ValueError (starting ``bad``) if any is
    missing, unknown or of the wrong type."""
    if not isinstance(record, dict):
        raise ValueError(f"{bad}: fitted must be a JSON object")
    allowed = set(FITTED) | ({"classes_"} if cls.__name__ == "NeuralNetClassifier" else set())
    unknown = sorted(set(record) - allowed)
    missing = sorted(name for name, (required, _) in FITTED.items()
                     if required and name not in record)
    if cls.__name__ == "NeuralNetClassifier" and "classes_" not in record:
        missing.append("classes_")
    if unknown or missing:
        raise ValueError(f"{bad}: fitted attributes unknown {unknown}, missing {missing}")
    for name, value in record.items():
        if name in FITTED and not FITTED[name][1](value):
            raise ValueError(f"{bad}: {name} has an invalid value {value!r}"[:300])
    fitted = dict(record)
    if "feature_names_in_" in fitted:
        fitted["feature_names_in_"] = np.asarray(fitted["feature_names_in_"], dtype=object)
    return fitted


def classes_to(classifier) -> dict:
    """``classes_`` as JSON: the labels, their dtype and scikit-learn's type of target (read
    from the output layer: softmax for multiclass, several logistic units for multilabel)."""
    classes = classifier.classes_
    if classifier.out_activation_ == "softmax":
        kind = "multiclass"
    else:
        kind = "multilabel-indicator" if classifier.n_outputs_ > 1 else "binary"
    return {"labels": classes.tolist(), "dtype": classes.dtype.str, "type": kind}


def classes_from(bad: str, record) -> tuple[np.ndarray, LabelBinarizer]:
    """(classes_, the LabelBinarizer fitted to them) from what :func:`classes_to` wrote."""
    if not isinstance(record, dict) or set(record) != {"labels", "dtype", "type"}:
        raise ValueError(f"{bad}: classes_ must hold labels, dtype and type")
    labels, kind = record["labels"], record["type"]
    try:
        dtype = np.dtype(record["dtype"])
    except (TypeError, ValueError):
        dtype = None
    plain = isinstance(labels, list) and labels and all(
        isinstance(v, bool | int | float | str) for v in labels)
    if dtype is None or dtype.kind not in _LABEL_KINDS or not plain:
        raise ValueError(f"{bad}: classes_ must be a list of labels with a numeric or string "
                         "dtype")
    if kind not in ("binary", "multiclass", "multilabel-indicator"):
        raise ValueError(f"{bad}: classes_ type must be binary, multiclass or "
                         "multilabel-indicator")
    classes = np.asarray(labels, dtype=dtype)
    binarizer = LabelBinarizer()
    if kind == "multilabel-indicator":
        binarizer.fit(np.eye(len(classes), dtype=int))
    else:
        binarizer.fit(classes)
    if binarizer.y_type_ != kind or not np.array_equal(binarizer.classes_, classes):
        raise ValueError(f"{bad}: classes_ {labels!r} do not make a {kind} target"[:300])
    return classes, binarizer
