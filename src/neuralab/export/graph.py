"""A small builder of ONNX graphs: nodes and constants with unique names, nothing else.

Every exporter in this package (a Network, an estimator, a converter inside skl2onnx) writes its
computation through one :class:`Builder`, so the ONNX that a network becomes is spelled once::

    b = Builder("float32", opset=21)
    y = b.op("Relu", b.op("Gemm", "input", b.const(W), b.const(bias)))

``b.nodes`` and ``b.initializers`` then go into ``onnx.helper.make_graph`` (see
:func:`model`) or, one by one, into skl2onnx's container. The ONNX operators are documented at
https://onnx.ai/onnx/operators/.
"""

from __future__ import annotations

import numpy as np

from neuralab.export import _onnx

__all__ = ["Builder", "model", "tensor_type", "OPSET", "IR_VERSION"]

#: The ONNX operator set the files use. 21 has every exact op an activation needs (Gelu came
#: in 20) and is one skl2onnx 1.17+ and onnxruntime 1.20+ read.
OPSET = 21
#: The IR version that goes with opset 21 (ONNX 1.16); onnxruntime 1.20+ loads it.
IR_VERSION = 10


def tensor_type(dtype) -> int:
    """The ONNX element type (``TensorProto.FLOAT`` …) of a NumPy dtype."""
    onnx = _onnx.require()
    dtype = np.dtype(dtype)
    if dtype.kind in "UOS":
        return onnx.TensorProto.STRING
    return onnx.helper.np_dtype_to_tensor_dtype(dtype)


class Builder:
    """Collects ONNX nodes and initializers; every name it makes starts with ``prefix``.

    Args:
        dtype: the float dtype the graph computes in ("float32" or "float64"); ``const`` of a
            float array casts to it.
        opset: the operator set the nodes must exist in (the activations pick exact ops or
            composed ones from it).
        prefix: put before every generated name, so that two graphs can share one model.
    """

    def __init__(self, dtype, opset: int = OPSET, prefix: str = ""):
        self.onnx = _onnx.require()
        self.dtype = np.dtype(dtype)
        self.opset = opset
        self.prefix = prefix
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, hint: str) -> str:
        """A new unique name like ``prefix + "gemm_3"``."""
        self._count += 1
        return f"{self.prefix}{hint}_{self._count}"

    def const(self, value, hint: str = "const") -> str:
        """An initializer holding ``value``; floats in the graph's dtype, ints as int64."""
        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(self.dtype)
        elif array.dtype.kind in "iub":
            array = array.astype(np.int64)
        name = self.name(hint)
        if array.dtype.kind in "UO":
            tensor = self.onnx.helper.make_tensor(
                name, self.onnx.TensorProto.STRING, array.shape,
                [str(item).encode() for item in array.ravel()])
        else:
            tensor = self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name)
        self.initializers.append(tensor)
        return name

    def op(self, op_type: str, *inputs: str, out: str | None = None, **attrs) -> str:
        """Add one node of ``op_type`` reading ``inputs``; return the name of its output."""
        output = out or self.name(op_type.lower())
        self.nodes.append(self.onnx.helper.make_node(
            op_type, list(inputs), [output], name=self.name(f"{op_type}_node"), **attrs))
        return output


def model(builder: Builder, inputs: list, outputs: list, *, doc: str = "",
          metadata: dict[str, str] | None = None):
    """A checked ``ModelProto`` of the builder's graph, at :data:`OPSET` and :data:`IR_VERSION`.

    ``inputs`` and ``outputs`` are ``ValueInfoProto`` (``onnx.helper.make_tensor_value_info``).
    Raises ``onnx.checker.ValidationError`` if the graph is not valid ONNX.
    """
    onnx = builder.onnx
    graph = onnx.helper.make_graph(builder.nodes, "neuralab", inputs, outputs,
                                   initializer=builder.initializers, doc_string=doc)
    proto = onnx.helper.make_model(
        graph, opset_imports=[onnx.helper.make_opsetid("", builder.opset)],
        ir_version=IR_VERSION, producer_name="neuralab", producer_version=_version(),
        doc_string=doc)
    onnx.helper.set_model_props(proto, metadata or {})
    onnx.checker.check_model(proto, full_check=True)
    return proto


def _version() -> str:
    from neuralab import __version__

    return __version__
