"""Every neuralab activation as ONNX nodes: the exact operator where ONNX has one.

| activation | ONNX | | activation | ONNX |
| --- | --- | --- | --- | --- |
| identity | (nothing) | | softplus | Softplus(βz)/β, z where βz > threshold |
| sigmoid | Sigmoid | | gelu | Gelu |
| tanh | Tanh | | gelu_tanh | Gelu(approximate="tanh") |
| relu | Relu | | silu | z · Sigmoid(z) (ONNX has no SiLU before opset 24) |
| leaky_relu | LeakyRelu(alpha=s) | | softsign | Softsign |
| elu | Elu(alpha=α) | | softmax | Softmax(axis=−1) |
| selu | Selu(alpha=α, gamma=λ) | | exp | Exp (the Poisson regressor's output) |

Composed forms stand in where the exact operator cannot run: Gelu before opset 20, and in a
float64 graph the operators onnxruntime implements for float32 only (LeakyRelu, Elu, Selu,
Softplus, Softsign, Erf). Each composed form is the formula of the activation's docstring, in
operators that every runtime has.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab.export.graph import Builder

__all__ = ["emit", "EMITTERS"]


def emit(b: Builder, x: str, activation) -> str:
    """Add the nodes of ``activation`` applied to ``x``; return the output's name."""
    try:
        emitter = EMITTERS[activation.name]
    except KeyError:
        raise ValueError(f"activation {activation.name!r} has no ONNX form; the exportable ones "
                         f"are {', '.join(sorted(EMITTERS))}") from None
    return emitter(b, x, activation)


def _native(b: Builder) -> bool:
    """Whether onnxruntime has kernels for the float32-only operators in this graph's dtype."""
    return b.dtype == np.float32


def _identity(b: Builder, x: str, act) -> str:
    return x


def _simple(op_type: str):
    """An emitter of one parameterless operator (Sigmoid, Tanh, Relu, Softsign …)."""
    def emit_one(b: Builder, x: str, act) -> str:
        return b.op(op_type, x)
    return emit_one


def _leaky_relu(b: Builder, x: str, act) -> str:
    slope = float(act.negative_slope)
    if _native(b):
        return b.op("LeakyRelu", x, alpha=slope)
    negative = b.op("Less", x, b.const(0.0))
    return b.op("Where", negative, b.op("Mul", x, b.const(slope)), x)


def _elu_composed(b: Builder, x: str, alpha: float) -> str:
    """z for z > 0, α(e^z − 1) otherwise (e^min(z, 0), so exp never overflows)."""
    tail = b.op("Sub", b.op("Exp", b.op("Min", x, b.const(0.0))), b.const(1.0))
    return b.op("Where", b.op("Greater", x, b.const(0.0)), x, b.op("Mul", tail, b.const(alpha)))


def _elu(b: Builder, x: str, act) -> str:
    if _native(b):
        return b.op("Elu", x, alpha=float(act.alpha))
    return _elu_composed(b, x, float(act.alpha))


def _selu(b: Builder, x: str, act) -> str:
    alpha = float(act.alpha)
    gamma = float(act.forward(np.ones(1))[0])  # λ = f(1), SELU's fixed scale
    if _native(b):
        return b.op("Selu", x, alpha=alpha, gamma=gamma)
    return b.op("Mul", _elu_composed(b, x, alpha), b.const(gamma))


def _softplus_of(b: Builder, t: str) -> str:
    """ln(1 + e^t): Softplus, or max(t, 0) + ln(1 + e^−|t|) where it is float32-only."""
    if _native(b):
        return b.op("Softplus", t)
    small = b.op("Exp", b.op("Neg", b.op("Abs", t)))
    return b.op("Add", b.op("Relu", t), b.op("Log", b.op("Add", small, b.const(1.0))))


def _softplus(b: Builder, x: str, act) -> str:
    """(1/β)·ln(1 + e^(βz)), and z itself where βz > threshold (as torch)."""
    beta = float(act.beta)
    t = x if beta == 1 else b.op("Mul", x, b.const(beta))
    soft = _softplus_of(b, t)
    if beta != 1:
        soft = b.op("Div", soft, b.const(beta))
    linear = b.op("Greater", t, b.const(float(act.threshold)))
    return b.op("Where", linear, x, soft)


def _erf(b: Builder, t: str) -> str:
    """erf(t); through float32 in a float64 graph (onnxruntime's Erf is float32 only)."""
    if _native(b):
        return b.op("Erf", t)
    onnx = b.onnx
    narrow = b.op("Cast", t, to=onnx.TensorProto.FLOAT)
    return b.op("Cast", b.op("Erf", narrow), to=onnx.TensorProto.DOUBLE)


def _gelu(b: Builder, x: str, act) -> str:
    """x·Φ(x) = x/2 · (1 + erf(x/√2))."""
    if b.opset >= 20 and _native(b):
        return b.op("Gelu", x)
    cdf = b.op("Add", _erf(b, b.op("Mul", x, b.const(1 / math.sqrt(2)))), b.const(1.0))
    return b.op("Mul", b.op("Mul", x, b.const(0.5)), cdf)


def _gelu_tanh(b: Builder, x: str, act) -> str:
    """x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))."""
    if b.opset >= 20:
        return b.op("Gelu", x, approximate="tanh")
    cube = b.op("Mul", b.op("Mul", x, x), x)
    inner = b.op("Add", x, b.op("Mul", cube, b.const(0.044715)))
    t = b.op("Tanh", b.op("Mul", inner, b.const(math.sqrt(2 / math.pi))))
    return b.op("Mul", b.op("Mul", x, b.const(0.5)), b.op("Add", t, b.const(1.0)))


def _silu(b: Builder, x: str, act) -> str:
    return b.op("Mul", x, b.op("Sigmoid", x))


def _softsign(b: Builder, x: str, act) -> str:
    if _native(b):
        return b.op("Softsign", x)
    return b.op("Div", x, b.op("Add", b.op("Abs", x), b.const(1.0)))


def _softmax(b: Builder, x: str, act) -> str:
    return b.op("Softmax", x, axis=-1)


#: Activation name → the function that adds its nodes: ``(builder, input name, act) → name``.
EMITTERS = {
    "identity": _identity, "sigmoid": _simple("Sigmoid"), "tanh": _simple("Tanh"),
    "relu": _simple("Relu"), "leaky_relu": _leaky_relu, "elu": _elu, "selu": _selu,
    "softplus": _softplus, "gelu": _gelu, "gelu_tanh": _gelu_tanh, "silu": _silu,
    "softsign": _softsign, "softmax": _softmax, "exp": _simple("Exp"),
}
