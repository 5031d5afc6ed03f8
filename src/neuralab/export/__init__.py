"""Export: neuralab networks and estimators as ONNX, the format every runtime reads.

- :func:`to_onnx` (also ``net.to_onnx(path)`` and ``neuralab export MODEL --format onnx``):
  a Network as one Gemm per Dense layer and its activation (:mod:`.network`,
  :mod:`.activations`);
- :func:`estimator_to_onnx` (also ``est.to_onnx(path)``): a fitted ``NeuralNetClassifier``
  (labels as its ``classes_`` and probabilities) or ``NeuralNetRegressor``;
- :func:`register_skl2onnx`: teaches skl2onnx the estimators, so a whole scikit-learn pipeline
  (scaler included) converts with ``skl2onnx.to_onnx`` (:mod:`.sklearn_onnx`).

Files use ONNX opset :data:`OPSET` and IR version :data:`IR_VERSION`, with a symbolic batch
dimension. The ``onnx`` package is needed only when exporting (``pip install
'neuralab[onnx]'``, which brings onnxruntime too).
"""

from __future__ import annotations

from neuralab.export.graph import IR_VERSION, OPSET
from neuralab.export.network import to_onnx
from neuralab.export.sklearn_onnx import estimator_to_onnx, register_skl2onnx

__all__ = ["to_onnx", "estimator_to_onnx", "register_skl2onnx", "OPSET", "IR_VERSION"]
