"""A Network as an ONNX model: one Gemm per Dense layer, then its activation.

    input (batch, n_inputs) ─ Gemm(W₁, b₁) ─ f₁ ─ … ─ Gemm(W_L, b_L) ─ f_L ─ output
                                                                             (batch, n_outputs)

Gemm computes x·W + b with W of shape (in, out), exactly neuralab's z = x @ W + b, so the
weights go in as they are. Dropout is the identity outside training and adds no node. The
batch dimension is symbolic ("batch"), so one file takes any number of rows; the file's
element type is the network's dtype. The model's metadata holds the neuralab description
(``net.description()``, as in a model file), the loss and the neuralab version.
"""

from __future__ import annotations

import json
import os

from neuralab import safefile
from neuralab.export import activations
from neuralab.export.graph import OPSET, Builder, model, tensor_type
from neuralab.layers import Dense

__all__ = ["to_onnx", "add_network", "INPUT", "OUTPUT"]

INPUT = "input"
OUTPUT = "output"


def add_network(b: Builder, net, x: str) -> str:
    """Add every layer of ``net`` applied to the tensor ``x``; return the output's name."""
    for i, layer in enumerate(net.layers):
        if not isinstance(layer, Dense):
            continue  # Dropout: the identity at inference
        inputs = [x, b.const(layer.weight.value, f"layers.{i}.weight")]
        if layer.bias is not None:
            inputs.append(b.const(layer.bias.value, f"layers.{i}.bias"))
        x = activations.emit(b, b.op("Gemm", *inputs), layer.activation)
    return x


def to_onnx(net, path=None, *, opset: int = OPSET):
    """Export ``net`` to ONNX; write it to ``path`` (atomically) if given; return the ModelProto.

    The model takes ``input`` of shape (batch, n_inputs) in the network's dtype and gives
    ``output`` (batch, n_outputs): what ``net.predict`` gives. onnxruntime runs it::

        import onnxruntime as ort
        session = ort.InferenceSession("model.onnx")
        probs = session.run(None, {"input": x.astype("float32")})[0]

    ``opset`` below 21 composes the operators a newer set adds (Gelu).
    Needs the ``onnx`` package (``pip install 'neuralab[onnx]'``).
    """
    b = Builder(net.dtype, opset=opset)
    onnx = b.onnx
    elem = tensor_type(net.dtype)
    out = add_network(b, net, INPUT)
    out = b.op("Identity", out, out=OUTPUT)
    proto = model(
        b, [onnx.helper.make_tensor_value_info(INPUT, elem, ["batch", net.n_inputs])],
        [onnx.helper.make_tensor_value_info(OUTPUT, elem, ["batch", net.n_outputs])],
        doc=f"neuralab network {_architecture(net)}, loss {net.loss.name}",
        metadata={"neuralab": json.dumps(net.description()), "loss": net.loss.name})
    if path is not None:
        safefile.write_atomic(os.fspath(path), proto.SerializeToString())
    return proto


def _architecture(net) -> str:
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    sizes = "-".join(str(n) for n in [net.n_inputs, *(d.out_features for d in dense)])
    return f"{sizes} ({', '.join(d.activation.name for d in dense)})"
