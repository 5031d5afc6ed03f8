"""ONNX export of networks: every activation run in onnxruntime against ``net.predict``."""

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import neuralab as nl
from neuralab import activations, export
from neuralab.cli import main
from neuralab.export import _onnx
from neuralab.layers import Dense, Dropout


def run_onnx(proto, x, name="input"):
    """Outputs of an ONNX model for x, from onnxruntime's CPU provider."""
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {name: x})


def assert_close(got, want):
    """|got − want| ≤ 1e-5 + 1e-5·|want| elementwise, and the same dtype and shape."""
    assert got.dtype == want.dtype and got.shape == want.shape
    excess = np.abs(got - want) - (1e-5 + 1e-5 * np.abs(want))
    assert excess.max() <= 0, f"largest |difference| {np.abs(got - want).max():.3g}"


def network_of(name, dtype="float32"):
    """A 5-8-6-3 network with ``name`` in every layer (softmax only at the output)."""
    if name == "softmax":
        return nl.mlp([5, 8, 6, 3], activation="tanh", output="softmax", seed=0, dtype=dtype)
    return nl.mlp([5, 8, 6, 3], activation=name, output=name, loss="mse", seed=0, dtype=dtype)


def inputs(dtype, n=64):
    """Inputs from −24 to 24: both tails of every activation, softplus's threshold too."""
    x = np.random.default_rng(1).standard_normal((n, 5)) * 6
    x[0], x[1] = 24, -24
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", activations.names())
def test_every_activation_matches_predict(name, dtype):
    net = network_of(name, dtype)
    proto = net.to_onnx()
    onnx.checker.check_model(proto, full_check=True)
    x = inputs(dtype)
    assert_close(run_onnx(proto, x)[0], net.predict(x))


@pytest.mark.parametrize("name, op", [("sigmoid", "Sigmoid"), ("tanh", "Tanh"), ("relu", "Relu"),
                                      ("leaky_relu", "LeakyRelu"), ("elu", "Elu"),
                                      ("selu", "Selu"), ("softplus", "Softplus"),
                                      ("gelu", "Gelu"), ("gelu_tanh", "Gelu"),
                                      ("softsign", "Softsign"), ("softmax", "Softmax")])
def test_exact_operators_where_onnx_has_them(name, op):
    ops = [node.op_type for node in network_of(name).to_onnx().graph.node]
    assert ops.count("Gemm") == 3 and op in ops


def test_activation_arguments_are_kept():
    layers = [Dense(4, 6, activations.get("leaky_relu", negative_slope=0.2), seed=0),
              Dense(6, 5, activations.get("elu", alpha=0.5), seed=1),
              Dense(5, 3, activations.get("softplus", beta=2.0, threshold=3.0), seed=2)]
    net = nl.Network(layers, loss="mse")
    x = np.random.default_rng(0).standard_normal((40, 4)).astype("float32") * 4
    assert_close(run_onnx(net.to_onnx(), x)[0], net.predict(x))


def test_older_opset_composes_gelu():
    net = network_of("gelu")
    proto = net.to_onnx(opset=17)
    assert proto.opset_import[0].version == 17
    assert "Gelu" not in [node.op_type for node in proto.graph.node]
    x = inputs("float32")
    assert_close(run_onnx(proto, x)[0], net.predict(x))


def test_file_format_is_pinned_and_the_batch_is_dynamic(tmp_path):
    net = nl.mlp([6, 4, 3], seed=0)
    path = tmp_path / "model.onnx"
    net.to_onnx(path)
    proto = onnx.load(path)
    assert (proto.ir_version, proto.opset_import[0].version) == (export.IR_VERSION, export.OPSET)
    assert [d.dim_param for d in proto.graph.input[0].type.tensor_type.shape.dim][0] == "batch"
    for n in (1, 7, 2000):
        x = np.ones((n, 6), np.float32)
        assert_close(run_onnx(proto, x)[0], net.predict(x))
    meta = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(meta["neuralab"]) == net.description()


def test_dropout_adds_nothing_and_no_bias_is_kept():
    net = nl.Network([Dense(4, 8, "relu", seed=0), Dropout(0.5, seed=0),
                      Dense(8, 2, "softmax", bias=False, seed=1)])
    proto = net.to_onnx()
    assert [n.op_type for n in proto.graph.node].count("Gemm") == 2
    assert len(proto.graph.initializer) == 3
    x = np.random.default_rng(0).standard_normal((10, 4)).astype("float32")
    assert_close(run_onnx(proto, x)[0], net.predict(x))


def test_unknown_activation_is_a_clear_error():
    class Cube(activations.Activation):
        name = "cube"

        def _forward(self, z, out):
            return np.power(z, 3, out=out)

    net = nl.Network([Dense(2, 2, Cube(), seed=0)], loss="mse")
    with pytest.raises(ValueError, match="'cube' has no ONNX form"):
        net.to_onnx()


def test_missing_package_says_how_to_install():
    with pytest.raises(ImportError, match=r"neuralab\[onnx\]"):
        _onnx.require("onnx.no_such_module")


def test_cli_export(tmp_path, capsys):
    net = nl.mlp([64, 16, 10], seed=0)
    model = tmp_path / "digits.safetensors"
    net.save(model)
    assert main(["export", str(model), "--format", "onnx"]) == 0
    assert "opset 21, IR version 10" in capsys.readouterr().out
    x = nl.datasets.load("digits").x_test
    assert_close(run_onnx(onnx.load(tmp_path / "digits.onnx"), x)[0], net.predict(x))
    assert main(["export", str(model), "--out", str(tmp_path / "none" / "x.onnx")]) == 2
    assert "does not exist" in capsys.readouterr().err
