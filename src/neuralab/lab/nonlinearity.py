"""Experiment ``nonlinearity`` (claims C1, C2): neurons in layers, and why f(x) = x is not enough.

C1: each neuron takes the previous layer's outputs as its inputs and the input layer passes the
attributes on unchanged. We compute a small layered network neuron by neuron, with scalar Python
arithmetic, and compare every layer's output with the library's vectorised forward pass.

C2: with the identity activation f(x) = x every layer is linear in the one before, so the whole
network is the single affine map x ↦ x·(W₁W₂…W_L) + b, where b = ((b₁W₂ + b₂)W₃ + …) + b_L.
We train a deep identity network, collapse it to that one map and compare outputs; then we train
it, a one-layer linear model, and the same deep network with tanh and with ReLU, on XOR and on two
concentric circles — two sets no straight line separates.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab import activations, plots
from neuralab.layers import Dense
from neuralab.network import Network, mlp

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .text import labels, say

DATASETS = ("xor", "circles")
MODELS = ("linear", "identity", "tanh", "relu")
"""``linear``: one Dense layer (a perceptron); the others: the deep network with that activation."""
C1_SAMPLES = 6
"""Samples sent through the C1 network both ways."""
ANGLES = 720
"""Directions tried by :func:`best_line_accuracy`."""
FORWARD_TOL = 1e-10
COLLAPSE_TOL = 1e-4
LINE_TOL = 0.01
NONLINEAR_TARGET = 0.9
DERIVATION = "activations.md#neurons-in-layers-and-why-a-nonlinearity-c1-c2"

SCALAR = {"tanh": math.tanh, "relu": lambda z: max(0.0, z),
           "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)), "identity": lambda z: z}


class Nonlinearity(Experiment):
    """C1 by hand against the library; C2 by training four models on two data sets."""

    id = "nonlinearity"
    claims = ("C1", "C2")
    params = {
        "datasets": list(DATASETS), "n_samples": PerMode(quick=600, full=1000),
        "hidden": [16, 16, 16], "epochs": PerMode(quick=60, full=200), "batch_size": 32,
        "optimizer": "adam", "lr": 0.01, "c1_sizes": [3, 5, 4, 2],
        "c1_activations": ["tanh", "relu", "sigmoid"],
    }
    constants = {"c1_samples": C1_SAMPLES, "angles": ANGLES}
    settable = ("n_samples", "epochs", "lr", "batch_size")

    def units(self, p):
        return [("c1",), *((name, model) for name in p["datasets"] for model in MODELS)]

    def measure(self, unit, ctx):
        p = ctx.params
        if unit == ("c1",):
            return measure_forward(p["c1_sizes"], p["c1_activations"], ctx.seed)
        name, model = unit
        return _train(model, ctx.dataset(name, n_samples=p["n_samples"]), p, ctx.seed)

    def summarise(self, measured, ctx):
        errors, shapes_ok = measured[("c1",)]
        numbers = {"c1_layer_errors": errors, "c1_shapes_ok": shapes_ok, "collapse_error": {},
                   "test_accuracy": {}, "best_line": {}, "nets": {}, "data": {}}
        for name in ctx.params["datasets"]:
            data = numbers["data"][name] = ctx.dataset(name, n_samples=ctx.params["n_samples"])
            nets = numbers["nets"][name] = {m: measured[name, m][0] for m in MODELS}
            numbers["test_accuracy"][name] = {m: measured[name, m][1] for m in MODELS}
            numbers["collapse_error"][name] = collapse_error(nets["identity"], data.x_test)
            numbers["best_line"][name] = best_line_accuracy(data.x_test, data.y_test)
        return numbers

    def record(self, numbers):
        return {k: v for k, v in numbers.items() if k not in ("nets", "data")}

    def judge(self, numbers):
        return [verdict_c1(numbers["c1_layer_errors"], numbers["c1_shapes_ok"]),
                verdict_c2(max(numbers["collapse_error"].values()), numbers["test_accuracy"],
                           numbers["best_line"])]

    def tables(self, numbers, ctx):
        return [_accuracy_table(numbers),
                Table(say(TEXT, "c1_table"), labels(TEXT, "c1_columns"),
                      [[i + 1, e] for i, e in enumerate(numbers["c1_layer_errors"])])]

    def draw(self, numbers, ctx):
        return [_draw(numbers["nets"], numbers["data"], numbers["test_accuracy"], ctx)]


# --- measuring -------------------------------------------------------------------------------


def measure_forward(sizes: list[int], names: list[str], seed: int) -> tuple[list[float], bool]:
    """Per layer, the largest |library output − neuron-by-neuron hand output| (float64).

    Also whether every layer's output has shape (n_samples, layer width).
    """
    rng = np.random.default_rng(seed)
    layers = [Dense(n_in, n_out, act, dtype="float64", seed=rng)
              for n_in, n_out, act in zip(sizes[:-1], sizes[1:], names, strict=True)]
    for layer in layers:
        layer.bias.value = rng.normal(size=layer.out_features)
    x = rng.normal(size=(C1_SAMPLES, sizes[0]))
    errors, shapes_ok = [], True
    library_in, hand_in = x, x.tolist()  # the input layer passes the attributes straight on
    for layer, name in zip(layers, names, strict=True):
        library_in = layer.forward(library_in)
        hand_in = neurons(hand_in, layer.weight.value.tolist(), layer.bias.value.tolist(),
                          SCALAR[name])
        errors.append(float(np.max(np.abs(library_in - np.array(hand_in)))))
        shapes_ok &= library_in.shape == (len(x), layer.out_features)
    return errors, bool(shapes_ok)


def neurons(inputs, weight, bias, f):
    """Each neuron j of a layer: a_j = f(Σ_i inputs_i · w_ij + b_j), one sample at a time."""
    return [[f(sum(row[i] * weight[i][j] for i in range(len(row))) + bias[j])
             for j in range(len(bias))] for row in inputs]


def collapse_error(net: Network, x: np.ndarray) -> float:
    """Largest |net(x) − softmax(x·W + b)| where (W, b) is the net's layers collapsed into one.

    Only valid for a network whose hidden layers all use the identity activation.
    """
    weight, bias = np.eye(x.shape[1]), np.zeros(x.shape[1])
    for layer in net.layers:
        w = layer.weight.value.astype(np.float64)
        weight, bias = weight @ w, bias @ w + layer.bias.value
    logits = x.astype(np.float64) @ weight + bias
    single = activations.get("softmax").forward(logits)
    return float(np.max(np.abs(net.predict(x) - single)))


def best_line_accuracy(x: np.ndarray, y: np.ndarray, n_angles: int = ANGLES) -> float:
    """The best accuracy any straight line reaches on 2-D points ``x`` with 0/1 labels ``y``.

    For each of ``n_angles`` directions the points are sorted along it and every cut between
    them is tried, with either class on either side: the optimum over all lines up to the
    angular step (180°/n_angles).
    """
    angles = np.linspace(0.0, np.pi, n_angles, endpoint=False)
    along = x.astype(np.float64) @ np.stack([np.cos(angles), np.sin(angles)])
    ones = y[np.argsort(along, axis=0)]  # labels in order along each direction
    ones_left = np.vstack([np.zeros((1, n_angles)), np.cumsum(ones, axis=0)])
    left = np.arange(len(y) + 1)[:, None]
    correct = (left - ones_left) + (ones_left[-1] - ones_left)  # 0 left of the cut, 1 right
    return float(max(correct.max(), len(y) - correct.min()) / len(y))


def _train(model: str, data, p: dict, seed: int):
    hidden = [] if model == "linear" else p["hidden"]
    net = mlp([2, *hidden, 2], activation="identity" if model == "linear" else model, seed=seed)
    net.fit(data.x_train, data.y_train, epochs=p["epochs"], batch_size=p["batch_size"],
            optimizer=p["optimizer"], lr=p["lr"], progress=False, seed=seed)
    return net, float(net.evaluate(data.x_test, data.y_test)["accuracy"])


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c1(layer_errors: list[float], shapes_ok: bool, tol: float = FORWARD_TOL) -> Verdict:
    """C1 holds if every layer's output equals the neuron-by-neuron computation."""
    return Verdict("C1", bool(shapes_ok and max(layer_errors) <= tol), say(TEXT, "c1", tol=tol),
                   {"max_layer_error": max(layer_errors), "shapes_ok": shapes_ok},
                   finding=say(TEXT, "c1_found", layers=len(layer_errors),
                               error=max(layer_errors)),
                   derivation=DERIVATION)


def verdict_c2(collapse: float, accuracy: dict[str, dict[str, float]],
               best_line: dict[str, float]) -> Verdict:
    """C2 holds if the identity network is one linear map, does no better than the best
    straight line, and tanh and ReLU networks reach a level no straight line reaches."""
    above_line = max(acc["identity"] - best_line[name] for name, acc in accuracy.items())
    nonlinear = min(acc[m] for acc in accuracy.values() for m in ("tanh", "relu"))
    ok = (collapse <= COLLAPSE_TOL and above_line <= LINE_TOL
          and nonlinear >= NONLINEAR_TARGET > max(best_line.values()))
    finding = say(TEXT, "c2_found", collapse=collapse,
                  identity=max(acc["identity"] for acc in accuracy.values()),
                  line=max(best_line.values()), nonlinear=nonlinear)
    return Verdict(
        "C2", bool(ok),
        say(TEXT, "c2", collapse=COLLAPSE_TOL, line=LINE_TOL, target=NONLINEAR_TARGET),
        {"collapse_error": collapse, "identity_minus_best_line": above_line,
         "best_line": best_line, "worst_nonlinear_accuracy": nonlinear},
        finding=finding, derivation=DERIVATION,
    )


# --- figure and table ------------------------------------------------------------------------

def _draw(nets, data, accuracy, ctx: Context) -> Figure:
    fig, axes = plots.subplots(len(DATASETS), len(MODELS), size=(3.4, 3.3), squeeze=False)
    axis_labels = (ctx.say(TEXT, "fig", "x1"), ctx.say(TEXT, "fig", "x2"))
    for row, name in zip(axes, DATASETS, strict=True):
        for ax, model in zip(row, MODELS, strict=True):
            title = ctx.say(TEXT, "fig", "panel", data=say(TEXT, "data_names", name),
                            model=say(TEXT, "fig", "models", model),
                            accuracy=accuracy[name][model])
            plots.decision_boundary(ax, nets[name][model].predict_classes, data[name].x_test,
                                    data[name].y_test, title=title, axis_labels=axis_labels)
            ax.title.set_color(plots.activation_color("identity" if model == "linear" else model))
    linear = max(accuracy[n][m] for n in DATASETS for m in ("linear", "identity"))
    bent = min(accuracy[n][m] for n in DATASETS for m in ("tanh", "relu"))
    fig.suptitle(ctx.say(TEXT, "fig", "title", linear=linear, bent=bent))
    path = plots.save(fig, ctx.figure_path("nonlinearity-boundaries"))
    return Figure(path, say(TEXT, "caption"))


def _accuracy_table(numbers: dict) -> Table:
    accuracy = numbers["test_accuracy"]
    return Table(say(TEXT, "accuracy_table"), labels(TEXT, "accuracy_columns"), [
        [say(TEXT, "data_names", name), *(accuracy[name][m] for m in MODELS),
         numbers["best_line"][name], numbers["collapse_error"][name]] for name in accuracy])


TEXT = {
    "en": {
        "title": "Neurons in layers, and why a nonlinearity is needed",
        "setup": (
            "C1: a network of layer sizes {c1_sizes:–} (the first is the input), activations "
            "{c1_activations:, } layer by layer, random weights and biases, float64; {c1_samples} "
            "samples go through the library's forward pass and through a neuron-by-neuron "
            "computation in plain Python.\n\n"
            "C2: 2-D XOR (four Gaussian clusters) and two concentric circles, {n_samples} points "
            "each, split into train and test. Four models are trained with the same optimizer "
            "({optimizer}, learning rate {lr:g}, {epochs} epochs, batches of {batch_size}): one "
            "linear layer with softmax (a perceptron), and a network with hidden layers of "
            "{hidden:–} units using f(x) = x, tanh or ReLU. The identity network is then "
            "collapsed into one matrix and one bias and its outputs are compared with the "
            "collapsed map's; its accuracy is compared with the best accuracy any straight line "
            "reaches on the same test points (found by trying {angles} directions and every cut "
            "along each)."),
        "c1": (
            "every layer's output has shape (samples, width) and differs from the "
            "neuron-by-neuron hand computation (each neuron fed the previous layer's outputs) "
            "by at most {tol:g}"),
        "c2": (
            "the deep identity network's outputs equal those of its single collapsed linear map "
            "(max difference ≤ {collapse:g}); on every data set its test accuracy is at most "
            "{line:.0%} above the best any straight line reaches on the same points; and the "
            "tanh and ReLU networks of the same shape reach ≥ {target:.0%}, which no straight "
            "line reaches"),
        "c1_found": ("{layers} layers of the library's forward pass differ from the "
                     "neuron-by-neuron computation by at most {error:.1e}"),
        "c2_found": ("the deep f(x) = x network equals its collapsed single map to {collapse:.1e} "
                     "and reaches at most {identity:.0%} test accuracy, where the best straight "
                     "line gets {line:.0%}; tanh and ReLU reach at least {nonlinear:.0%}"),
        "caption": (
            "Decision regions on XOR and circles. Without a nonlinearity, one layer or many, the "
            "boundary is a straight line; with tanh or ReLU it bends around the classes."),
        "fig": {"x1": "input x₁", "x2": "input x₂",
                "panel": "{data}: {model}\ntest accuracy {accuracy:.1%}",
                "models": {"linear": "one linear layer", "identity": "deep, f(x) = x",
                           "tanh": "deep, tanh", "relu": "deep, ReLU"},
                "title": ("Without a nonlinearity the boundary stays straight (at most "
                          "{linear:.0%}); tanh and ReLU bend it (at least {bent:.0%})")},
        "data_names": {"xor": "XOR", "circles": "circles"},
        "accuracy_table": "Test accuracy, and the collapse check",
        "accuracy_columns": ["data set", "one linear layer", "deep, f(x)=x", "deep, tanh",
                             "deep, ReLU", "best straight line",
                             "|deep identity − collapsed map|"],
        "c1_table": "C1: layer outputs against the hand computation",
        "c1_columns": ["layer", "max |difference|"],
    },
    "zh": {
        "title": "神经元与层,以及为什么需要非线性激活函数",
        "setup": (
            "C1:各层大小依次为 {c1_sizes:–}(第一个是输入)的网络,各层激活函数依次为 "
            "{c1_activations:、},权重与偏置随机,float64;{c1_samples} 个样本分别经过库的前向传播"
            "和纯 Python 的逐个神经元计算。\n\n"
            "C2:二维 XOR(四个高斯簇)与两个同心圆,各 {n_samples} 个点,分为训练集与测试集。"
            "用同样的优化器与预算({optimizer},学习率 {lr:g},{epochs} 轮,批大小 {batch_size})"
            "训练四个模型:带 softmax 的单层线性模型(感知机),以及隐藏层为 {hidden:–} 个单元的网络,"
            "激活函数分别为 f(x) = x、tanh、ReLU。随后把恒等网络合并为一个矩阵和一个偏置,并比较"
            "两者的输出;再把它的准确率与任何一条直线在同样的测试点上所能达到的最好准确率(尝试 "
            "{angles} 个方向及每个方向上的所有切分)进行比较。"),
        "c1": (
            "每一层输出的形状为 (样本数, 宽度),且与逐个神经元的手算结果(每个神经元以上一层的"
            "输出为输入)相差不超过 {tol:g}"),
        "c2": (
            "深层恒等网络的输出与其合并后的单个线性映射相同(最大差 ≤ {collapse:g});在每个数据集"
            "上它的测试准确率最多比任何一条直线在同样的点上所能达到的最好结果高 {line:.0%};同样"
            "结构的 tanh 与 ReLU 网络达到 ≥ {target:.0%},而没有任何直线能达到"),
        "c1_found": "库的前向传播的 {layers} 层与逐个神经元的计算最多相差 {error:.1e}",
        "c2_found": ("深层 f(x) = x 网络与合并后的单个线性映射相差 {collapse:.1e},测试准确率最多 "
                     "{identity:.0%},而最好的直线能达到 {line:.0%};tanh 与 ReLU 至少达到 "
                     "{nonlinear:.0%}"),
        "caption": (
            "XOR 与同心圆上的决策区域。没有非线性激活函数时,无论一层还是多层,边界都是一条直线;"
            "使用 tanh 或 ReLU 时,边界能弯曲以分开两类。"),
        "fig": {"x1": "输入 x₁", "x2": "输入 x₂",
                "panel": "{data}:{model}\n测试准确率 {accuracy:.1%}",
                "models": {"linear": "单层线性", "identity": "深层,f(x) = x",
                           "tanh": "深层,tanh", "relu": "深层,ReLU"},
                "title": ("没有非线性激活函数时边界始终是直线(最多 {linear:.0%});tanh 与 ReLU "
                          "让它弯曲(至少 {bent:.0%})")},
        "data_names": {"xor": "XOR", "circles": "同心圆"},
        "accuracy_table": "测试准确率与线性合并检验",
        "accuracy_columns": ["数据集", "单层线性", "深层 f(x)=x", "深层 tanh", "深层 ReLU",
                             "最好的直线", "|深层恒等网络 − 合并线性映射|"],
        "c1_table": "C1:各层输出与逐个神经元手算的比较",
        "c1_columns": ["层", "最大 |差|"],
    },
}
