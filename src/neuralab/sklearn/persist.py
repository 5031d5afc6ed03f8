"""``est.save(path)`` and ``NeuralNetClassifier.load(path)``: estimators in a safe file, no pickle.

The file is plain safetensors, like neuralab's model files (:mod:`neuralab.modelfile`): the
network's arrays by name (``layers.0.weight``, ``layers.0.bias``, …) and, in its metadata, one
JSON document with the estimator's class name, its parameters (``get_params()``) and its
fitted attributes (``classes_``, ``n_features_in_``, ``loss_curve_``, …), plus the machine
record of :mod:`neuralab.environment`. Loading executes nothing from the file: the parameters
go through scikit-learn's parameter validation, every attribute is checked for its type, and
the arrays the attributes imply are compared with the file's header before anything is
allocated (:mod:`neuralab.safefile`). Saving is atomic.

What pickling keeps and this file does not: the optimizer's running state (Adam's moments),
so ``partial_fit`` after ``load`` starts a fresh optimizer from the loaded weights, and a
``random_state`` that is a ``RandomState`` object (saved as None).
"""

from __future__ import annotations

import json
import os
from numbers import Integral

import numpy as np
from safetensors.numpy import save as tensors_to_bytes
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils.validation import check_is_fitted

from neuralab import environment, safefile
from neuralab.sklearn import model, params
from neuralab.sklearn.persist_fields import FITTED, check_fitted, classes_from, classes_to
from neuralab.sklearn.stochastic import StochasticSolver

__all__ = ["save", "load", "fitted_record", "FORMAT_NAME", "FORMAT_VERSION"]

FORMAT_NAME = "neuralab-sklearn"
FORMAT_VERSION = 1


def save(estimator, path) -> None:
    """Write a fitted estimator to one ``.safetensors`` file (see the module docstring)."""
    check_is_fitted(estimator)
    path = os.fspath(path)
    net = estimator.network_
    state = net.state_dict()
    safefile.check_finite(state, f"not saving {path}: ")
    document = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "estimator": type(estimator).__name__, "dtype": net.dtype.name,
                "params": _json_params(estimator.get_params()),
                "fitted": fitted_record(estimator)}
    metadata = {"format": FORMAT_NAME, FORMAT_NAME: json.dumps(document),
                "environment": json.dumps(environment.describe())}
    safefile.write_atomic(path, tensors_to_bytes(state, metadata=metadata))


def load(cls, path):
    """A ``cls`` estimator saved by :func:`save`, fitted and ready to predict.

    Raises ValueError naming the problem for a file that is not such an estimator (or is one
    of another class), is truncated, corrupted, of a newer format, or whose parameters,
    attributes or arrays do not fit together. Executes nothing from the file.
    """
    path = os.fspath(path)
    data = safefile.read_regular_file(path, "neuralab estimator file")
    not_ours = f"{path} is not a saved {cls.__name__}"
    header, metadata = safefile.read_header(path, data, not_ours)
    if metadata.get("format") != FORMAT_NAME or FORMAT_NAME not in metadata:
        raise ValueError(f"{not_ours}: its metadata has no neuralab estimator description")
    document = safefile.json_loads(metadata[FORMAT_NAME], f"{not_ours}: its description")
    estimator, state, sizes, dtype = _estimator(cls, path, document)
    expected = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        expected[f"layers.{i}.weight"] = ((fan_in, fan_out), dtype)
        expected[f"layers.{i}.bias"] = ((fan_out,), dtype)
    data_size = len(data) - 8 - int.from_bytes(data[:8], "little")
    safefile.check_arrays(path, header, expected, data_size)
    net = model.build_network(sizes, estimator.activation, state["out_activation_"], dtype, None)
    net.load_state_dict(safefile.load_arrays(path, data, not_ours))
    # the fitted state, put in place the way unpickling puts it
    estimator.__setstate__({**estimator.__dict__, **state, "network_": net,
                            "_stochastic": StochasticSolver(net)})
    return estimator


def fitted_record(estimator) -> dict:
    """The fitted attributes as JSON values: those of FITTED the estimator has, and classes_."""
    record = {name: _plain(getattr(estimator, name)) for name in FITTED
              if hasattr(estimator, name)}
    if hasattr(estimator, "classes_"):
        record["classes_"] = classes_to(estimator)
    return record


def _estimator(cls, path: str, document):
    """(an estimator with checked parameters and fitted attributes, layer sizes, dtype)."""
    bad = f"{path}: invalid neuralab estimator description"
    safefile.check_format(path, document, FORMAT_NAME, FORMAT_VERSION,
                          "neuralab estimator description")
    if document.get("estimator") != cls.__name__:
        raise ValueError(f"{path} holds a {document.get('estimator')!r}, not a "
                         f"{cls.__name__}; load it with that class")
    if document.get("dtype") not in ("float32", "float64"):
        raise ValueError(f"{bad}: dtype must be 'float32' or 'float64'")
    estimator = _with_params(cls, bad, document.get("params"))
    state = check_fitted(bad, document.get("fitted"), cls)
    if "classes_" in state:
        state["classes_"], state["_label_binarizer"] = classes_from(bad, state["classes_"])
    hidden = params.hidden_sizes(estimator.hidden_layer_sizes)
    sizes = [state["n_features_in_"], *hidden, state["n_outputs_"]]
    if len(sizes) != state["n_layers_"] or state["out_activation_"] not in model.OUTPUTS:
        raise ValueError(f"{bad}: n_layers_ and out_activation_ do not fit the parameters")
    return estimator, state, sizes, np.dtype(document["dtype"])


def _with_params(cls, bad: str, values):
    """``cls(**values)``, the values checked by scikit-learn's parameter constraints."""
    if not isinstance(values, dict) or set(values) != set(cls().get_params()):
        raise ValueError(f"{bad}: params must name every parameter of {cls.__name__}")
    if isinstance(values["hidden_layer_sizes"], list):
        values["hidden_layer_sizes"] = tuple(values["hidden_layer_sizes"])
    try:
        validate_parameter_constraints(cls._parameter_constraints, values, cls.__name__)
        params.hidden_sizes(values["hidden_layer_sizes"])
    except (TypeError, ValueError) as err:
        raise ValueError(f"{bad}: {err}") from None
    return cls(**values)


def _json_params(values: dict) -> dict:
    """get_params() as JSON: tuples as lists, dtypes as names, a RandomState object as None."""
    out = {}
    for name, value in values.items():
        if name == "random_state" and not (value is None or isinstance(value, Integral)):
            value = None
        elif name == "dtype" and value is not None:
            value = np.dtype(value).name
        out[name] = _plain(value)
    return out


def _plain(value):
    """NumPy scalars and arrays, tuples and lists → plain JSON values."""
    if isinstance(value, np.ndarray | tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
