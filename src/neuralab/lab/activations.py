"""Experiment ``activations`` (claims C3, C5, C7, C8): the activation functions measured.

First the functions themselves, on a grid of z: f and f′ (figure), the range of f, the largest
f′ (by central differences of f, not from the library's formula), whether f of a standard-normal
input has mean 0, and how f′ dies out on each side (saturation: "hard" where f′ is exactly 0 past
some c, "soft" where f′ → 0 without reaching it, "none"). Then the same three activations the seed
discusses inside trained networks on the digits: per hidden layer the mean output (the "offset"),
the share of (unit, sample) pairs where f′ ≈ 0, the frozen and dead units, and ‖∂C/∂b‖,
Nielsen's speed of learning. Figures and tables: :mod:`.activations_figures`.
"""

from __future__ import annotations

import numpy as np

from neuralab import activations, diagnostics
from neuralab.network import mlp

from . import activations_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .measures import hidden_layers
from .text import say

TRAINED = ("sigmoid", "tanh", "relu")
GRID = (-30.0, 30.0, 60001)
"""The grid of z the functions are measured on: from, to, points (a step of 0.001)."""
TAILS = (5.0, 20.0, 100.0)
"""|z| at which f′ is read to classify saturation."""
SOFT_RATIO = 1e-3
"""Soft saturation: |f′(±100)| at most this fraction of max |f′|."""
ZERO_MEAN_TOL = 0.01
"""f is zero-centred when |E f(z)| < 0.01 for z ~ N(0, 1)."""
OFFSET_MIN = 0.2
RELU_OFFSET_MIN = 0.05
DECAY_MIN = 0.1
DOCS = {"C3": "activations.md#soft-and-hard-saturation-c3-c7",
        "C5": "activations.md#the-offset-of-non-zero-mean-outputs-c5-c6-c8",
        "C7": "activations.md#why-gradients-vanish-c4-c6-c7",
        "C8": "activations.md#the-offset-of-non-zero-mean-outputs-c5-c6-c8"}


class Activations(Experiment):
    """Every elementwise activation measured on a grid; three of them trained on the digits."""

    id = "activations"
    claims = ("C3", "C5", "C7", "C8")
    params = {
        "grid": {"from": GRID[0], "to": GRID[1], "step": (GRID[1] - GRID[0]) / (GRID[2] - 1),
                 "dtype": "float64"},
        "tails": list(TAILS), "sizes": [64, 32, 32, 32, 10], "data": "digits",
        "optimizer": "adam", "lr": 0.01, "batch_size": 32, "epochs": PerMode(quick=15, full=60),
        "init": {name: "he_normal" if name == "relu" else "xavier_uniform" for name in TRAINED},
    }
    constants = {"low": GRID[0], "high": GRID[1]}
    settable = ("lr", "batch_size", "epochs")

    def units(self, p):
        return [("functions",), *(("train", name) for name in TRAINED)]

    def measure(self, unit, ctx):
        if unit == ("functions",):
            return {name: measure(name) for name in elementwise()}
        return train_and_measure(unit[1], ctx.dataset(ctx.params["data"]), ctx.params, ctx.seed)

    def summarise(self, measured, ctx):
        layers = {name: measured["train", name] for name in TRAINED}
        return {"functions": measured[("functions",)], "layers": layers,
                "gradient_ratio_at_init": {name: gradient_ratio(layers[name]) for name in TRAINED}}

    def judge(self, numbers):
        props, layers = numbers["functions"], numbers["layers"]
        decay = numbers["gradient_ratio_at_init"]
        sigmoid, tanh, relu = (layers[name] for name in ("sigmoid", "tanh", "relu"))
        return [
            verdict_c3(props["sigmoid"], column(sigmoid, "saturated_fraction")),
            verdict_c5(column(sigmoid, "activation_mean"), min(column(sigmoid, "activation_min")),
                       column(tanh, "activation_mean")),
            verdict_c7(props["relu"], decay["relu"], decay["sigmoid"]),
            verdict_c8(column(relu, "activation_mean"), min(column(relu, "activation_min")),
                       column(relu, "dead_fraction")),
        ]

    def tables(self, numbers, ctx):
        return figures.tables(numbers, TEXT)

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


# --- measuring -------------------------------------------------------------------------------


def elementwise() -> list[str]:
    """The library's activations but softmax (which is not elementwise)."""
    return [name for name in activations.names() if name != "softmax"]


def measure(name: str) -> dict:
    """The measured properties of activation ``name`` on the float64 grid ``GRID``."""
    act = activations.get(name)
    z = np.linspace(*GRID)
    f = act.forward(z)
    h = 1e-5
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    gauss = np.exp(-0.5 * z**2)
    max_slope = float(np.max(np.abs(numeric)))
    left = [float(d) for d in act.derivative(-np.array(TAILS))]
    right = [float(d) for d in act.derivative(np.array(TAILS))]
    return {
        "min": float(f.min()), "max": float(f.max()), "declared_range": act.output_range,
        "max_derivative": max_slope, "mean_of_standard_normal": float(gauss @ f / gauss.sum()),
        "left_tail_derivative": left, "right_tail_derivative": right,
        "left": saturation_kind(left, max_slope), "right": saturation_kind(right, max_slope),
        "slope_on_positive_side": [float(numeric[z > 1e-3].min()), float(numeric[z > 1e-3].max())],
        "declared_saturation": act.saturation,
    }


def saturation_kind(tail_derivatives: list[float], max_derivative: float) -> str:
    """"hard" if f′ is exactly 0 at every tail point, "soft" if |f′| at the farthest point is
    at most ``SOFT_RATIO`` × max |f′|, else "none"."""
    if all(d == 0 for d in tail_derivatives):
        return "hard"
    if abs(tail_derivatives[-1]) <= SOFT_RATIO * max_derivative:
        return "soft"
    return "none"


def describe_saturation(left: str, right: str) -> str:
    """Both sides in the library's words: "soft", "hard (left)", "none", …"""
    if left == right:
        return left
    if right == "none":
        return f"{left} (left)"
    return f"left {left}, right {right}"


def train_and_measure(name: str, data, params: dict, seed: int) -> list[dict]:
    """Per hidden layer of a network trained with activation ``name``: statistics at
    initialisation (``init_*``) and after training, on the training set."""
    net = mlp(params["sizes"], activation=name, seed=seed)
    at_init = diagnostics.layer_stats(net, data.x_train, data.y_train)[:-1]
    net.fit(data.x_train, data.y_train, epochs=params["epochs"], batch_size=params["batch_size"],
            optimizer=params["optimizer"], lr=params["lr"], progress=False, seed=seed)
    trained = diagnostics.layer_stats(net, data.x_train, data.y_train)[:-1]
    minima = [float(layer.a.min()) for layer in hidden_layers(net, data.x_train)]
    accuracy = float(net.evaluate(data.x_test, data.y_test)["accuracy"])
    return [{**stats, "init_grad_norm_bias": first["grad_norm_bias"], "activation_min": low,
             "test_accuracy": accuracy}
            for stats, first, low in zip(trained, at_init, minima, strict=True)]


def gradient_ratio(layers: list[dict]) -> float:
    """‖∂C/∂b‖ of the first hidden layer over the last's, at initialisation."""
    return layers[0]["init_grad_norm_bias"] / layers[-1]["init_grad_norm_bias"]


def column(layers: list[dict], key: str) -> list:
    """One statistic of every hidden layer, first to last."""
    return [layer[key] for layer in layers]


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c3(sigmoid: dict, saturated: list[float]) -> Verdict:
    """C3: sigmoid's outputs lie strictly in (0, 1), max f′ ≤ 0.25, soft saturation both sides."""
    ok = (sigmoid["min"] > 0 and sigmoid["max"] < 1 and sigmoid["max_derivative"] <= 0.25 + 1e-6
          and sigmoid["left"] == sigmoid["right"] == "soft")
    finding = say(TEXT, "c3_found", low=sigmoid["min"], gap=1 - sigmoid["max"],
                  slope=sigmoid["max_derivative"], far=TAILS[-1],
                  left=figures.side_text(sigmoid["left"]),
                  right=figures.side_text(sigmoid["right"]))
    return Verdict("C3", bool(ok),
                   say(TEXT, "c3", low=GRID[0], high=GRID[1], ratio=SOFT_RATIO, far=TAILS[-1]),
                   {"min": sigmoid["min"], "max": sigmoid["max"],
                    "max_derivative": sigmoid["max_derivative"],
                    "left": figures.side_text(sigmoid["left"]),
                    "right": figures.side_text(sigmoid["right"]),
                    "saturated_fraction": saturated},
                   finding=finding, derivation=DOCS["C3"])


def verdict_c5(sigmoid_means: list[float], sigmoid_min: float, tanh_means: list[float]) -> Verdict:
    """C5: every sigmoid output is positive and every hidden layer's mean is ≥ OFFSET_MIN."""
    ok = sigmoid_min > 0 and min(sigmoid_means) >= OFFSET_MIN
    finding = say(TEXT, "c5_found", low=min(sigmoid_means), high=max(sigmoid_means),
                  tanh=max(abs(m) for m in tanh_means))
    return Verdict("C5", bool(ok), say(TEXT, "c5", offset=OFFSET_MIN),
                   {"sigmoid_layer_means": sigmoid_means, "sigmoid_min_output": sigmoid_min,
                    "tanh_layer_means": tanh_means}, finding=finding, derivation=DOCS["C5"])


def verdict_c7(relu: dict, relu_ratio: float, sigmoid_ratio: float) -> Verdict:
    """C7: ReLU is hard-saturated on the left, has slope exactly 1 on the right, and its
    gradient reaches the first hidden layer undiminished (within one order of magnitude)."""
    slope_lo, slope_hi = relu["slope_on_positive_side"]
    ok = (relu["left"] == "hard" and relu["right"] == "none" and abs(slope_lo - 1) < 1e-6
          and abs(slope_hi - 1) < 1e-6 and relu_ratio >= DECAY_MIN and relu_ratio > sigmoid_ratio)
    finding = say(TEXT, "c7_found", relu=relu_ratio, sigmoid=sigmoid_ratio,
                  kind=figures.saturation_text(relu["left"], relu["right"]))
    return Verdict("C7", bool(ok), say(TEXT, "c7", tails=TAILS, decay=DECAY_MIN),
                   {"left": figures.side_text(relu["left"]),
                    "right": figures.side_text(relu["right"]),
                    "slope_on_positive_side": [slope_lo, slope_hi],
                    "relu_first_over_last": relu_ratio, "sigmoid_first_over_last": sigmoid_ratio},
                   finding=finding, derivation=DOCS["C7"])


def verdict_c8(relu_means: list[float], relu_min: float, dead: list[float]) -> Verdict:
    """C8 (the offset half): ReLU outputs are never negative and every layer's mean ≥
    RELU_OFFSET_MIN. Dead units are shown here; ``dead_relu`` measures how they grow."""
    ok = relu_min >= 0 and min(relu_means) >= RELU_OFFSET_MIN
    finding = say(TEXT, "c8_found", low=min(relu_means), high=max(relu_means),
                  smallest=relu_min, dead=max(dead))
    return Verdict("C8", bool(ok), say(TEXT, "c8", offset=RELU_OFFSET_MIN),
                   {"relu_layer_means": relu_means, "relu_min_output": relu_min,
                    "dead_fraction": dead}, finding=finding, derivation=DOCS["C8"])


TEXT = {
    "en": {
        "title": "Activation functions: range, slope, offset and saturation",
        "setup": (
            "Every elementwise activation of the library (softmax is not elementwise and is left "
            "out) is evaluated in float64 on a grid of z from {low:g} to {high:g}; f′ is read at "
            "|z| = {tails[0]:g}, {tails[1]:g} and {tails[2]:g} on each side to classify "
            "saturation.\n\n"
            "Three networks {sizes:–} with sigmoid, tanh and ReLU hidden layers (softmax output, "
            "cross-entropy, the library's default initialisation: He for ReLU, Xavier for the "
            "others) are trained on the 8×8 {data} with the same {optimizer} optimizer (learning "
            "rate {lr:g}, {epochs} epochs, batches of {batch_size}); their hidden layers are "
            "measured on the training set."),
        "c3": (
            "on z ∈ [{low:g}, {high:g}] every sigmoid output is strictly between 0 and 1, the "
            "largest slope (central differences) is ≤ 0.25, and on both sides f′ is not exactly "
            "0 but falls below {ratio:g} × max f′ by |z| = {far:g} (soft saturation). The "
            "share of (unit, sample) pairs with f′ ≈ 0 in the trained sigmoid layers is shown as "
            "evidence."),
        "c3_found": ("sigmoid's outputs stay between {low:.1e} and 1 − {gap:.1e}, its largest "
                     "slope is {slope:.4f}; at |z| = {far:g}: {left} on the left, {right} on "
                     "the right"),
        "c5": (
            "in the trained sigmoid network every hidden output on the training set is > 0 and "
            "every hidden layer's mean output is ≥ {offset} (not zero-mean: the next layer's "
            "input is offset). The tanh network's means are shown for contrast."),
        "c5_found": ("the sigmoid layers' mean outputs lie between {low:.2f} and {high:.2f}; "
                     "the tanh layers' within ±{tanh:.2f}"),
        "c7": (
            "ReLU's f′ is exactly 0 at z = −{tails[0]:g}, −{tails[1]:g}, −{tails[2]:g} (hard "
            "saturation), its measured slope is 1 (±1e-6) for every z > 0 (no saturation), and "
            "at initialisation ‖∂C/∂b‖ of the first hidden layer is ≥ {decay} × that of the last "
            "hidden layer and a larger share than in the sigmoid network (the gradient does not "
            "decay on its way down)."),
        "c7_found": ("ReLU: {kind}; at initialisation the first hidden layer gets {relu:.0%} of "
                     "the last one's ‖∂C/∂b‖, against {sigmoid:.0%} with sigmoid"),
        "c8": (
            "in the trained ReLU network no hidden output on the training set is negative and "
            "every hidden layer's mean output is ≥ {offset} (a positive offset, as with sigmoid). "
            "The share of dead units is shown as evidence; the experiment dead_relu measures "
            "how it grows with the learning rate."),
        "c8_found": ("the ReLU layers' mean outputs lie between {low:.2f} and {high:.2f}, the "
                     "smallest output is {smallest:g}; at most {dead:.0%} of a layer's units are "
                     "dead"),
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "激活函数:值域、导数、偏移与饱和",
        "setup": (
            "库中每个逐元素激活函数(softmax 不是逐元素的,未列入)在 z 从 {low:g} 到 {high:g} 的网格"
            "上以 float64 计算;在两侧 |z| = {tails[0]:g}、{tails[1]:g}、{tails[2]:g} 处读取 f′ 以"
            "判断饱和类型。\n\n"
            "三个 {sizes:–} 网络,隐藏层分别使用 sigmoid、tanh、ReLU(softmax 输出、交叉熵、库的默认"
            "初始化:ReLU 用 He,其余用 Xavier),在 8×8 {data} 上用相同的 {optimizer} 优化器"
            "(学习率 {lr:g},{epochs} 轮,批大小 {batch_size})训练;在训练集上测量各隐藏层。"),
        "c3": (
            "在 z ∈ [{low:g}, {high:g}] 上 sigmoid 的每个输出都严格位于 0 与 1 之间,最大斜率(中心"
            "差分)≤ 0.25,且两侧 f′ 都不恰好为 0,但在 |z| = {far:g} 时已小于 {ratio:g} × 最大 f′"
            "(软饱和)。训练后 sigmoid 各隐藏层中 f′ ≈ 0 的(神经元, 样本)对所占比例作为证据列出。"),
        "c3_found": ("sigmoid 的输出始终在 {low:.1e} 与 1 − {gap:.1e} 之间,最大斜率为 "
                     "{slope:.4f};在 |z| = {far:g} 处:左侧{left},右侧{right}"),
        "c5": (
            "在训练后的 sigmoid 网络中,训练集上每个隐藏层输出都 > 0,且每个隐藏层的平均输出 ≥ "
            "{offset}(不是 0 均值:下一层的输入存在偏移)。tanh 网络的均值作为对照列出。"),
        "c5_found": ("sigmoid 各隐藏层的平均输出在 {low:.2f} 到 {high:.2f} 之间;tanh 各层在 "
                     "±{tanh:.2f} 以内"),
        "c7": (
            "ReLU 的 f′ 在 z = −{tails[0]:g}、−{tails[1]:g}、−{tails[2]:g} 处恰好为 0(硬饱和),"
            "在所有 z > 0 处测得的斜率为 1(±1e-6,不饱和);初始化时第一个隐藏层的 ‖∂C/∂b‖ ≥ 最后一个"
            "隐藏层的 {decay} 倍,且该比值大于 sigmoid 网络(梯度向下传递时不衰减)。"),
        "c7_found": ("ReLU:{kind};初始化时第一个隐藏层得到的 ‖∂C/∂b‖ 是最后一个的 {relu:.0%},"
                     "sigmoid 只有 {sigmoid:.0%}"),
        "c8": (
            "在训练后的 ReLU 网络中,训练集上没有任何隐藏层输出为负,且每个隐藏层的平均输出 ≥ "
            "{offset}(与 sigmoid 一样存在正的偏移)。死亡神经元的比例作为证据列出;实验 dead_relu "
            "测量它随学习率的增长。"),
        "c8_found": ("ReLU 各隐藏层的平均输出在 {low:.2f} 到 {high:.2f} 之间,最小的输出为 "
                     "{smallest:g};每层死亡的神经元最多占 {dead:.0%}"),
        **figures.TEXT_ZH,
    },
}
