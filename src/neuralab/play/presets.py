"""Claim presets: one click sets up a network that shows a claim of the seed (C1–C12) happening.

Each :class:`Preset` is a set-up (changes from the default :class:`~neuralab.play.config.Config`,
so a preset looks the same whatever was on screen), optionally starting weights and an optimizer
race, and one sentence per language saying what to watch. The claim's own words — the seed's
Chinese and the English translation — come from :mod:`neuralab.lab.claims`, never retyped. The
tests train each preset and check that it shows what its sentence promises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from neuralab.lab.claims import CLAIMS
from neuralab.lab.text import Text

__all__ = ["Preset", "PRESETS", "get", "as_json"]

DEEP = [8, 8, 8, 8, 8, 8]


@dataclass(frozen=True)
class Preset:
    """A claim's set-up: ``config`` changes, ``weights`` to start from as (layer, source,
    target, value), a ``race`` (surface and optimizers) and what to ``watch``."""

    claim: str
    config: dict[str, Any]
    watch: Text
    weights: tuple[tuple[int, int, int, float], ...] = ()
    race: dict[str, Any] | None = None
    focus: str = "diagnostics"


_WRONG_START = ((0, 0, 0, 4.0), (0, 1, 0, 0.0))
"""C9/C10: the output unit starts confidently wrong (p(class 1) = σ(4·x₁) is near 1 on class 0
at x₁ ≈ 1 and near 0 on class 1 at x₁ ≈ −1): saturated, and far from its targets."""
_ONE_NEURON = {"dataset": "gauss", "classes": 2, "layers": [], "features": ["x1", "x2"],
               "optimizer": "sgd", "lr": 0.1, "noise": 10}

_PRESETS = (
    Preset("C1", {"dataset": "gauss", "classes": 2, "layers": [3], "activations": ["tanh"]},
           Text("Hover each neuron: its picture is its activation applied to a weighted sum of "
                "the pictures one layer to its left (the inputs pass x₁, x₂ on unchanged).",
                "把鼠标移到每个神经元上:它的图像是左边一层图像的加权和再经过激活函数"
                "(输入层把 x₁、x₂ 原样传下去)。"), focus="network"),
    Preset("C2", {"dataset": "circles", "layers": [8, 8, 8], "activations": ["identity"] * 3},
           Text("Three layers with f(x) = x still draw one straight boundary: test accuracy "
                "stays near 50%. Switch the activation to tanh and the circle is learnt.",
                "三层 f(x) = x 的网络仍然只能画出一条直线边界:测试准确率停在 50% 左右。"
                "把激活函数换成 tanh,圆就学会了。"), focus="output"),
    Preset("C3", {"dataset": "circles", "layers": [8, 8], "activations": ["sigmoid"] * 2,
                  "init": "standard_normal", "lr": 3.0},
           Text("Sigmoid's output lies in (0, 1), read as a probability (the heatmap). At a "
                "large learning rate the weights grow and push units onto sigmoid's flat "
                "tails: the saturated bars (f′ below 1% of its maximum 0.25) rise from 0.",
                "sigmoid 的输出在 (0, 1) 之间,可看作概率(热图)。学习率较大时权重迅速变大,"
                "把单元推到 sigmoid 平坦的两侧:饱和柱(f′ 低于其最大值 0.25 的 1%)从 0 开始上升。")),
    Preset("C4", {"dataset": "circles", "layers": DEEP, "activations": ["sigmoid"] * 6},
           Text("Six sigmoid layers: the speed of learning ‖∂C/∂b‖ shrinks layer by layer "
                "towards the input (a log scale): the first layer learns many times slower "
                "than the last.",
                "六层 sigmoid:学习速度 ‖∂C/∂b‖ 越靠近输入层越小(对数刻度),"
                "第一层比最后一层慢很多倍。")),
    Preset("C5", {"dataset": "circles", "layers": [8, 8], "activations": ["sigmoid"] * 2},
           Text("Sigmoid outputs are all positive: the mean activation of each layer sits near "
                "0.5, not 0, so the next layer gets an offset input. Compare with C6 (tanh).",
                "sigmoid 的输出全为正:每层的平均激活在 0.5 附近而不是 0,"
                "下一层得到有偏移的输入。与 C6(tanh)比较。")),
    Preset("C6", {"dataset": "circles", "layers": [8, 8], "activations": ["tanh"] * 2},
           Text("The same network with tanh: mean activations near 0, and the loss falls in "
                "fewer epochs than with sigmoid (C5); tanh still saturates at its tails.",
                "同样的网络换成 tanh:平均激活接近 0,损失比 sigmoid(C5)用更少的轮次下降;"
                "tanh 两侧仍会饱和。")),
    Preset("C7", {"dataset": "circles", "layers": DEEP, "activations": ["relu"] * 6},
           Text("Six ReLU layers: the speed of learning stays of one order from the last layer "
                "to the first — compare the bars with the sigmoid network of C4.",
                "六层 ReLU:从最后一层到第一层,学习速度保持在同一数量级——"
                "与 C4 的 sigmoid 网络对比。")),
    Preset("C8", {"dataset": "spiral", "classes": 2, "layers": [8, 8],
                  "activations": ["relu"] * 2, "optimizer": "sgd", "lr": 1.0},
           Text("ReLU at a large learning rate: some units are pushed below zero for every "
                "input and stop learning for good — watch the dead-unit bars rise. Try "
                "leaky_relu as the remedy.",
                "大学习率下的 ReLU:部分单元对所有输入都落到 0 以下,从此不再学习——"
                "看死亡单元柱上升。试试 leaky_relu。")),
    Preset("C9", {**_ONE_NEURON, "loss": "quadratic"},
           Text("One sigmoid neuron started confidently wrong, with the quadratic cost: its "
                "gradient carries σ′(z) ≈ 0, so the loss stays flat for many epochs before it "
                "falls. Then try C10.",
                "一个 sigmoid 神经元从“非常确信的错误”开始,用平方损失:梯度里有 σ′(z) ≈ 0,"
                "损失要平很多轮才开始下降。再试试 C10。"), weights=_WRONG_START, focus="curves"),
    Preset("C10", {**_ONE_NEURON, "loss": "binary_cross_entropy"},
           Text("The same wrong start with the cross-entropy cost: no σ′ in the gradient, so "
                "the larger error makes it learn at once — the loss drops from the first epoch.",
                "同样的错误起点,换成交叉熵损失:梯度中没有 σ′,误差大反而学得快——"
                "损失从第一轮就下降。"), weights=_WRONG_START, focus="curves"),
    Preset("C11", {"dataset": "xor", "layers": [4, 2], "activations": ["tanh"] * 2,
                   "loss": "binary_cross_entropy"},
           Text("One sigmoid output trained with the logistic cross-entropy: the training loss "
                "shown is −1/n Σ [y ln a + (1 − y) ln(1 − a)] over the training points.",
                "单个 sigmoid 输出用 logistic 交叉熵训练:显示的训练损失就是训练点上的 "
                "−1/n Σ [y ln a + (1 − y) ln(1 − a)]。"), focus="curves"),
    Preset("C12", {"dataset": "spiral", "classes": 2, "layers": [8, 8],
                   "activations": ["tanh"] * 2, "optimizer": "adam", "lr": 0.03},
           Text("GD, Adagrad and Adam race down Rosenbrock's valley, each at its best rate; the "
                "network trains with Adam — change the optimizer to compare.",
                "GD、Adagrad 和 Adam 在 Rosenbrock 山谷中比赛,各用其最佳学习率;"
                "网络用 Adam 训练——换一个优化器比较。"),
           race={"surface": "rosenbrock", "optimizers": ["gd", "adagrad", "adam"]},
           focus="race"),
)

PRESETS: dict[str, Preset] = {p.claim: p for p in _PRESETS}
"""Every preset by claim id, C1 … C12."""


def get(claim: Any) -> Preset:
    """The preset of ``claim`` ("C1" … "C12"); ValueError naming the known ids."""
    if not isinstance(claim, str) or claim not in PRESETS:
        raise ValueError(f"unknown preset {claim!r}; presets: {', '.join(PRESETS)}")
    return PRESETS[claim]


def as_json() -> list[dict]:
    """Each preset with its claim's words, for the page: id, the seed's Chinese quote, the
    English translation, the short name and the sentence on what to watch (en, zh)."""
    return [{"id": p.claim, "quote": CLAIMS[p.claim].quote,
             "translation": CLAIMS[p.claim].translation,
             "short": {"en": CLAIMS[p.claim].short("en"), "zh": CLAIMS[p.claim].short("zh")},
             "watch": {"en": p.watch("en"), "zh": p.watch("zh")}, "focus": p.focus,
             "race": p.race} for p in _PRESETS]
