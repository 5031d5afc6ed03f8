"""The scikit-learn estimators as ONNX, alone or inside a pipeline through skl2onnx.

A fitted ``NeuralNetClassifier`` becomes its network followed by what ``predict`` and
``predict_proba`` add:

    probabilities = output (k ≥ 3 classes) or [1 − p, p] (two classes, one sigmoid unit)
    label         = classes_[ArgMax(probabilities)]   (numbers as int64, names as strings)

so the model's outputs are ``label`` (batch,) and ``probabilities`` (batch, k), the order and
names skl2onnx gives every classifier. A multilabel classifier gives ``label`` as a
(batch, n_labels) 0/1 matrix. A ``NeuralNetRegressor`` gives ``variable`` (batch, n_outputs);
its Poisson output is Exp.

:func:`register_skl2onnx` teaches skl2onnx both estimators, so a whole pipeline converts:

    from neuralab.export import register_skl2onnx
    register_skl2onnx()
    onx = skl2onnx.to_onnx(pipeline, X[:1].astype("float32"), options={"zipmap": False})

(skl2onnx wraps classifier probabilities in a ZipMap of dicts unless ``zipmap`` is False.)
"""

from __future__ import annotations

import os

import numpy as np

from neuralab import safefile
from neuralab.export import _onnx
from neuralab.export.graph import OPSET, Builder, model, tensor_type
from neuralab.export.network import INPUT, add_network

__all__ = ["estimator_to_onnx", "register_skl2onnx", "add_classifier", "add_regressor"]


def _is_classifier(est) -> bool:
    return hasattr(est, "classes_")


def _labels(classes) -> np.ndarray:
    """``classes_`` as an ONNX-ready array: int64 for numbers (as skl2onnx), str for names."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "UO" and all(isinstance(c, str) for c in classes):
        return classes.astype(str)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64)
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        return classes.astype(np.int64)
    raise ValueError(f"classes_ {classes.tolist()!r} cannot be ONNX labels: ONNX classifiers "
                     "give int64 or string labels; encode the classes as integers or names")


def _multilabel(est) -> bool:
    """One sigmoid unit per label, several labels: predict gives a 0/1 matrix."""
    net = est.network_
    return net.n_outputs > 1 and net.layers[-1].activation.name == "sigmoid"


def add_classifier(b: Builder, est, x: str) -> tuple[str, str]:
    """Add a fitted classifier applied to ``x``; return the names (label, probabilities).

    Multilabel classifiers (one sigmoid unit per label) give labels as a (batch, n_labels)
    int64 matrix of 0/1, ``a > 0.5``, as their ``predict``.
    """
    labels = _labels(est.classes_)
    out = add_network(b, est.network_, x)
    if _multilabel(est):
        label = b.op("Cast", b.op("Greater", out, b.const(0.5)), to=b.onnx.TensorProto.INT64)
        return label, out
    if est.network_.n_outputs == 1:  # two classes: one sigmoid unit p = P(classes_[1])
        out = b.op("Concat", b.op("Sub", b.const(np.ones((1, 1))), out), out, axis=1)
    index = b.op("ArgMax", out, axis=1, keepdims=0)
    return b.op("Gather", b.const(labels, "classes"), index, axis=0), out


def add_regressor(b: Builder, est, x: str) -> str:
    """Add a fitted regressor applied to ``x``; return the name of its (batch, k) output."""
    return add_network(b, est.network_, x)


def estimator_to_onnx(est, path=None, *, opset: int = OPSET):
    """Export a fitted neuralab estimator; write it to ``path`` if given; return the ModelProto.

    Input ``input`` (batch, n_features_in_) in the estimator's dtype (float32 by default).
    Classifier outputs ``label`` (batch,) and ``probabilities`` (batch, n_classes), equal to
    ``predict`` and ``predict_proba``; regressor output ``variable`` (batch, n_outputs).
    """
    if not hasattr(est, "network_"):
        raise ValueError(f"this {type(est).__name__} is not fitted yet: call fit before "
                         "to_onnx")
    net = est.network_
    b = Builder(net.dtype, opset=opset)
    helper = b.onnx.helper
    elem, batch = tensor_type(net.dtype), "batch"
    if _is_classifier(est):
        label, probs = add_classifier(b, est, INPUT)
        labels = _labels(est.classes_)
        label_shape = [batch, len(labels)] if _multilabel(est) else [batch]
        outputs = [helper.make_tensor_value_info(b.op("Identity", label, out="label"),
                                                 tensor_type(labels.dtype), label_shape),
                   helper.make_tensor_value_info(b.op("Identity", probs, out="probabilities"),
                                                 elem, [batch, len(labels)])]
    else:
        out = b.op("Identity", add_regressor(b, est, INPUT), out="variable")
        outputs = [helper.make_tensor_value_info(out, elem, [batch, net.n_outputs])]
    inputs = [helper.make_tensor_value_info(INPUT, elem, [batch, net.n_inputs])]
    proto = model(b, inputs, outputs, doc=f"neuralab {type(est).__name__}",
                  metadata={"estimator": type(est).__name__})
    if path is not None:
        safefile.write_atomic(os.fspath(path), proto.SerializeToString())
    return proto


# --- skl2onnx --------------------------------------------------------------------------------


def _convert(scope, operator, container) -> None:
    """skl2onnx converter: the estimator's nodes, between skl2onnx's input and outputs."""
    est = operator.raw_operator
    b = Builder(est.network_.dtype, opset=container.target_opset,
                prefix=scope.get_unique_variable_name("neuralab") + "_")
    x = b.op("Cast", operator.inputs[0].full_name, to=tensor_type(est.network_.dtype))
    if _is_classifier(est):
        label, probs = add_classifier(b, est, x)
        b.op("Identity", label, out=operator.outputs[0].full_name)
        results = [(probs, operator.outputs[1])]
    else:
        results = [(add_regressor(b, est, x), operator.outputs[0])]
    for name, variable in results:  # back to the element type skl2onnx declared
        elem = variable.type.to_onnx_type().tensor_type.elem_type
        b.op("Cast", name, out=variable.full_name, to=elem)
    _flush(b, container)


def _flush(b: Builder, container) -> None:
    """Copy the builder's initializers and nodes into skl2onnx's container."""
    onnx = b.onnx
    for tensor in b.initializers:
        content = (tensor if tensor.data_type != onnx.TensorProto.STRING
                   else list(tensor.string_data))
        container.add_initializer(tensor.name, tensor.data_type, list(tensor.dims), content)
    for node in b.nodes:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        container.add_node(node.op_type, list(node.input), list(node.output), name=node.name,
                           **attrs)


def _float_type(operator):
    """skl2onnx's tensor type of the input's float kind (float unless the input is double)."""
    data_types = _onnx.require("skl2onnx.common.data_types")
    kind = type(operator.inputs[0].type)
    return kind if kind is data_types.DoubleTensorType else data_types.FloatTensorType


def _classifier_shape(operator) -> None:
    """skl2onnx shape calculator: label (N,) (or (N, k), multilabel) and probabilities (N, k)."""
    est = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    data_types = _onnx.require("skl2onnx.common.data_types")
    labels = _labels(est.classes_)
    kind = data_types.StringTensorType if labels.dtype.kind == "U" else data_types.Int64TensorType
    operator.outputs[0].type = kind([n, len(labels)] if _multilabel(est) else [n])
    operator.outputs[1].type = _float_type(operator)([n, len(labels)])


def _regressor_shape(operator) -> None:
    """skl2onnx shape calculator: (N, n_features) → (N, n_outputs)."""
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_type(operator)([n, operator.raw_operator.network_.n_outputs])


def register_skl2onnx() -> None:
    """Register converters for ``NeuralNetClassifier`` and ``NeuralNetRegressor`` with skl2onnx.

    After this, ``skl2onnx.to_onnx`` / ``convert_sklearn`` convert pipelines that contain them.
    Calling it again does nothing new. Needs the skl2onnx package.
    """
    skl2onnx = _onnx.require("skl2onnx")
    from neuralab.sklearn import NeuralNetClassifier, NeuralNetRegressor

    skl2onnx.update_registered_converter(
        NeuralNetClassifier, "NeuralabNeuralNetClassifier", _classifier_shape, _convert,
        options={"zipmap": [True, False, "columns"]})
    skl2onnx.update_registered_converter(
        NeuralNetRegressor, "NeuralabNeuralNetRegressor", _regressor_shape, _convert)
