"""Experiment ``vanishing_gradient`` (claims C4, C6, C7): how fast each hidden layer learns.

Nielsen's chapter-5 set-up, as his ``fig/generate_gradient.py`` runs it: sigmoid networks
[784, 30, 30, 10], [784, 30, 30, 30, 10] and [784, 30, 30, 30, 30, 10] with weights
N(0, 1/fan_in), biases N(0, 1), sigmoid outputs and the cross-entropy cost of his network2,
C = −1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], trained on the first 1,000 MNIST images by
one full-batch step of η = 0.1 per epoch with his L2 term (λ/2n)·Σw², λ = 5, for 500 epochs.
The *speed of learning* of hidden layer l is ‖∂C/∂bˡ‖, the gradient of the mean cost over the
training images. Backpropagation gives δˡ = (Wˡ⁺¹ δˡ⁺¹) ⊙ f′(zˡ): one factor f′ ≤ 1/4 per sigmoid
layer, so layers near the input learn slower and slower as the net gets deeper. The same is
measured with tanh and ReLU, with modern initialisation (Xavier, He), and the test accuracy
each net reaches on that budget. The networks and their training: :mod:`.nielsen`; figures and
tables: :mod:`.vanishing_gradient_figures`.
"""

from __future__ import annotations

from . import vanishing_gradient_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .nielsen import (
    HIDDEN,
    KEEP_EVERY,
    SETUPS,
    SpeedRecorder,
    build,
    initial_speeds,
    kept,
    summarise_initial,
    train,
)
from .text import say

__all__ = ["HIDDEN", "KEEP_EVERY", "SETUPS", "SpeedRecorder", "VanishingGradient", "build",
           "initial_speeds", "kept", "summarise_initial", "train", "verdict_c4", "verdict_c6",
           "verdict_c7", "verdicts"]

DEPTHS = (2, 3, 4)
"""Numbers of hidden layers of 30 units (with input and output: 4, 5 and 6 layers)."""
FACTOR = 10.0
"""k: one order of magnitude. C4 needs the first hidden layer ≥ k× slower than the last;
C7 needs ReLU's fastest and slowest hidden layers within k× of each other."""
TANH_FACTOR = 2.0
"""C6: tanh "also loses gradient" if its first hidden layer is ≥ 2× slower than its last."""
TRAINS = 0.5
"""A net "trains" if its test accuracy reaches 0.5 (five times chance for 10 classes)."""
NIELSEN_SGD_ACCURACY = 0.9653
"""Nielsen (ch. 5) trains [784, 30, 30, 30, 30, 10] to 96.53% with mini-batch SGD (30 epochs
of 50,000 images, batches of 10, η = 0.1, λ = 5): the sigmoid net's 10% here is its budget's."""
DERIVATION = "activations.md#why-gradients-vanish-c4-c6-c7"


class VanishingGradient(Experiment):
    """Speeds at initialisation and during training, per (set-up, depth)."""

    id = "vanishing_gradient"
    claims = ("C4", "C6", "C7")
    params = {
        "data": PerMode(quick="digits", full="mnist-5k"), "n_train": PerMode(quick=200, full=1000),
        "hidden_units": HIDDEN, "hidden_layers": list(DEPTHS), "output": "sigmoid",
        "loss": "binary_cross_entropy", "optimizer": "gd", "lr": 0.1, "batch": "full",
        "l2_lambda": 5.0, "epochs": PerMode(quick=100, full=500),
        "init_seeds": PerMode(quick=3, full=10),
        "setups": {k: {"activation": a, "init": i, "biases": "N(0, 1)" if nb else "0"}
                   for k, (a, i, nb) in SETUPS.items()},
    }
    settable = ("data", "n_train", "lr", "l2_lambda", "epochs", "init_seeds")
    choices = {"data": ("digits", "mnist-5k", "mnist")}

    def units(self, p):
        return [(key, depth) for key in SETUPS for depth in p["hidden_layers"]]

    def measure(self, unit, ctx):
        key, depth = unit
        p, data = ctx.params, ctx.dataset(ctx.params["data"])
        x, y = data.x_train[:p["n_train"]], data.y_train[:p["n_train"]]
        initial = summarise_initial([initial_speeds(key, depth, x, y, s)
                                     for s in ctx.seeds(p["init_seeds"])])
        return initial, train(key, depth, (x, y, data.x_test, data.y_test), p, ctx.seed)

    def summarise(self, measured, ctx):
        initial = {key: {d: measured[key, d][0] for d in DEPTHS} for key in SETUPS}
        training = {key: {d: measured[key, d][1] for d in DEPTHS} for key in SETUPS}
        return {"initial": initial, "training": training, "budget": budget(ctx.params)}

    def record(self, numbers):
        return {"initial": numbers["initial"], "budget": numbers["budget"],
                "training": {k: {d: kept(r) for d, r in v.items()}
                             for k, v in numbers["training"].items()}}

    def judge(self, numbers):
        return verdicts(numbers["initial"], numbers["training"], numbers["budget"])

    def tables(self, numbers, ctx):
        return figures.tables(numbers["initial"], numbers["training"], TEXT)

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


def budget(p: dict) -> dict:
    """The training budget every result holds for: steps, images, learning rate, L2 λ."""
    return {"epochs": p["epochs"], "n_train": p["n_train"], "lr": p["lr"],
            "l2_lambda": p["l2_lambda"]}


def verdicts(initial: dict, training: dict, budget: dict) -> list[Verdict]:
    """The three verdicts, read from the measured numbers."""
    deep = max(DEPTHS)
    return [
        verdict_c4({d: initial["sigmoid-nielsen"][d]["ratio"] for d in DEPTHS},
                   training["sigmoid-nielsen"][deep]["final_ratio"], budget["epochs"]),
        verdict_c6(initial["tanh-nielsen"][deep]["ratio"],
                   initial["sigmoid-nielsen"][deep]["ratio"]),
        verdict_c7({d: initial["relu-he"][d]["spread"] for d in DEPTHS},
                   {d: training["relu-he"][d]["max_spread"] for d in DEPTHS},
                   training["relu-he"][deep]["test_accuracy"],
                   training["sigmoid-nielsen"][deep]["test_accuracy"], budget),
    ]


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c4(sigmoid_ratio: dict[int, float], final_ratio: float, epochs: int,
               factor: float = FACTOR) -> Verdict:
    """C4: the deepest sigmoid net's first hidden layer is ≥ ``factor``× slower than its last
    at initialisation, and that gap grows with every added layer. Qualified if the gap has
    closed below ``factor`` by the last epoch of training."""
    depths = sorted(sigmoid_ratio)
    ratios = [sigmoid_ratio[d] for d in depths]
    grows = all(b > a for a, b in zip(ratios, ratios[1:], strict=False))
    ok = ratios[-1] >= factor and grows
    persists = final_ratio >= factor
    criterion = say(TEXT, "c4", factor=factor, depth=depths[-1], layers=depths[-1] + 2,
                    weights=depths[-1] + 1)
    finding = say(TEXT, "c4_found", "persists" if persists else "closes", depth=depths[-1],
                  ratios=[f"{r:.0f}×" for r in ratios], final=final_ratio,
                  epochs=epochs)
    return Verdict("C4", bool(ok), criterion,
                   {"ratio_last_to_first": {str(d): r for d, r in zip(depths, ratios, strict=True)},
                    "ratio_at_last_epoch": final_ratio, "factor": factor,
                    "grows_with_depth": grows},
                   finding=finding, qualified=bool(ok and not persists), derivation=DERIVATION)


def verdict_c6(tanh_ratio: float, sigmoid_ratio: float, factor: float = TANH_FACTOR) -> Verdict:
    """C6 (the gradient part): tanh also loses gradient towards the input, but less than sigmoid."""
    ok = factor <= tanh_ratio < sigmoid_ratio
    return Verdict("C6", bool(ok), say(TEXT, "c6", factor=factor),
                   {"tanh_ratio_last_to_first": tanh_ratio,
                    "sigmoid_ratio_last_to_first": sigmoid_ratio, "factor": factor},
                   finding=say(TEXT, "c6_found", tanh=tanh_ratio, sigmoid=sigmoid_ratio),
                   derivation=DERIVATION)


def verdict_c7(init_spread: dict[int, float], train_spread: dict[int, float],
               relu_accuracy: float, sigmoid_accuracy: float, budget: dict,
               factor: float = FACTOR, trains: float = TRAINS) -> Verdict:
    """C7: ReLU + He keeps all hidden layers' speeds within ``factor``× of each other, and its
    deepest net trains (test accuracy ≥ ``trains``) where the deepest sigmoid net does not, on
    the same ``budget``."""
    spreads = [*init_spread.values(), *train_spread.values()]
    ok = max(spreads) <= factor and relu_accuracy >= trains > sigmoid_accuracy
    finding = say(TEXT, "c7_found", spread=max(spreads), relu=relu_accuracy,
                  sigmoid=sigmoid_accuracy, nielsen=NIELSEN_SGD_ACCURACY, **budget)
    return Verdict("C7", bool(ok), say(TEXT, "c7", factor=factor, trains=trains),
                   {"relu_spread_at_init": {str(d): s for d, s in init_spread.items()},
                    "relu_max_spread_in_training": {str(d): s for d, s in train_spread.items()},
                    "deepest_relu_test_accuracy": relu_accuracy,
                    "deepest_sigmoid_test_accuracy": sigmoid_accuracy, "factor": factor,
                    "trains": trains, "budget": budget},
                   finding=finding, derivation=DERIVATION)


TEXT = {
    "en": {
        "title": "Vanishing gradients: the speed of learning of each hidden layer",
        "setup": (
            "Nielsen's chapter-5 set-up, as his generate_gradient.py runs it: networks with "
            "{hidden_layers[0]}, {hidden_layers[1]} and {hidden_layers[2]} hidden layers of "
            "{hidden_units} units, {output} outputs and network2's cross-entropy cost "
            "−1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], weights N(0, 1/fan_in), biases "
            "N(0, 1). They train on the first {full[n_train]:,} training images of "
            "{full[data]} (quick mode: {quick[n_train]} images of the 8×8 {quick[data]}) by "
            "one full-batch gradient-descent step per epoch (learning rate {lr:g}) with his L2 "
            "term (λ/2n)·Σw², λ = {l2_lambda:g} (the library's fit(l2=λ/n)), for "
            "{full[epochs]} epochs (quick: {quick[epochs]}). The speed of learning of a hidden "
            "layer is the norm ‖∂C/∂b‖ of the gradient of the mean cost over those images: at "
            "initialisation the geometric mean over several random initialisations "
            "({full[init_seeds]}; quick: {quick[init_seeds]}), during training the very "
            "gradient each step follows (the L2 term does not touch ∂C/∂b, but it keeps the "
            "weights small and so shapes every later gradient).\n\n"
            "The same networks with tanh and with ReLU hidden units (same initialisation), and "
            "with modern initialisation: Xavier (Glorot) uniform for sigmoid and tanh, He normal "
            "for ReLU, biases 0. After training, the test accuracy (1,000 test images; quick: "
            "the digits test split) compares depths for the same budget."),
        "c4": (
            "in Nielsen's sigmoid nets at initialisation, the last hidden layer learns ≥ "
            "{factor:g}× faster than the first (speed ‖∂C/∂b‖, geometric mean over random "
            "initialisations) in the net with {depth} hidden layers ({layers} layers in all, i.e. "
            "within {weights} layers of weights), and this ratio grows with every added hidden "
            "layer; if the gap has closed below {factor:g}× by the last epoch of training, the "
            "claim holds only at the start (reproduced, but …)"),
        "c4_found": {
            "persists": ("the last hidden layer learns {ratios:, } faster than the first at "
                         "initialisation (2 to {depth} hidden layers), and still {final:.0f}× "
                         "after {epochs} epochs"),
            "closes": ("the last hidden layer learns {ratios:, } faster than the first at "
                       "initialisation (2 to {depth} hidden layers), but after {epochs} epochs "
                       "the gap has closed to {final:.1f}×")},
        "c6": (
            "tanh also loses gradient (the part of C6 this experiment tests; the convergence part "
            "is judged in zero_mean): in the deepest net with Nielsen's initialisation, tanh's "
            "last hidden layer learns ≥ {factor:g}× faster than its first at initialisation, and "
            "this ratio is smaller than sigmoid's in the same net"),
        "c6_found": ("in the deepest net the last hidden layer learns {tanh:.1f}× faster than "
                     "the first with tanh, {sigmoid:.0f}× with sigmoid"),
        "c7": (
            "with ReLU and He initialisation, the fastest hidden layer learns at most {factor:g}× "
            "faster than the slowest, at initialisation and at every epoch of training, at every "
            "depth; and after the same training budget the deepest ReLU net reaches a test "
            "accuracy ≥ {trains:g} (it trains) while the deepest sigmoid net with Nielsen's "
            "set-up stays below it"),
        "c7_found": (
            "ReLU's hidden layers stay within {spread:.1f}× of each other; after {epochs} "
            "full-batch steps on {n_train:,} images the deepest ReLU net reaches {relu:.0%} test "
            "accuracy, the sigmoid net {sigmoid:.0%} — a limit of this budget, not of sigmoid: "
            "Nielsen reports {nielsen:.1%} for the same sigmoid shape with mini-batch SGD"),
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "梯度消失:每个隐藏层的学习速度",
        "setup": (
            "按 Nielsen 第 5 章 generate_gradient.py 的做法:具有 {hidden_layers[0]}、"
            "{hidden_layers[1]}、{hidden_layers[2]} 个隐藏层(每层 {hidden_units} 个神经元)的网络,"
            "{output} 输出,network2 的交叉熵代价 −1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)],"
            "权重 N(0, 1/n)(n 为该层的输入数),偏置 N(0, 1)。网络在 {full[data]} 的前 "
            "{full[n_train]:,} 张训练图像上训练(快速模式:8×8 {quick[data]} 的 {quick[n_train]} 张"
            "图像),每轮做一步全批量梯度下降(学习率 {lr:g}),并带有他的 L2 正则项 (λ/2n)·Σw²,"
            "λ = {l2_lambda:g}(即库中的 fit(l2=λ/n)),共 {full[epochs]} 轮(快速模式:"
            "{quick[epochs]} 轮)。一个隐藏层的学习速度是这些图像上平均代价关于该层偏置的梯度范数 "
            "‖∂C/∂b‖:初始化时取多次随机初始化({full[init_seeds]} 次;快速模式:"
            "{quick[init_seeds]} 次)的几何平均,训练中直接读取每一步所沿的梯度(L2 项不改变 "
            "∂C/∂b,但它让权重保持较小,从而影响之后的每个梯度)。\n\n"
            "同样的网络再用 tanh 与 ReLU 隐藏层(相同初始化),以及现代初始化:sigmoid 与 tanh 用 "
            "Xavier(Glorot)均匀分布,ReLU 用 He 正态分布,偏置为 0。训练后用测试准确率(1,000 张"
            "测试图像;快速模式:digits 测试集)比较相同预算下不同深度的网络。"),
        "c4": (
            "在 Nielsen 的 sigmoid 网络中,初始化时具有 {depth} 个隐藏层(共 {layers} 层,即 "
            "{weights} 层权重之内)的网络,最后一个隐藏层的学习速度 ‖∂C/∂b‖(对多次随机初始化取几何"
            "平均)至少是第一个隐藏层的 {factor:g} 倍,并且这一比值随每增加一个隐藏层而增大;如果到"
            "训练的最后一轮差距已缩小到 {factor:g} 倍以下,论断只在开始时成立(已复现,但……)"),
        "c4_found": {
            "persists": ("初始化时(2 到 {depth} 个隐藏层)最后一个隐藏层比第一个快 {ratios:、},"
                         "训练 {epochs} 轮后仍快 {final:.0f} 倍"),
            "closes": ("初始化时(2 到 {depth} 个隐藏层)最后一个隐藏层比第一个快 {ratios:、},"
                       "但训练 {epochs} 轮后差距缩小到 {final:.1f} 倍")},
        "c6": (
            "tanh 同样会梯度消失(这里检验 C6 的这一部分;收敛速度部分由 zero_mean 实验判断):在使用 "
            "Nielsen 初始化的最深网络中,初始化时 tanh 最后一个隐藏层的学习速度至少是第一个隐藏层的 "
            "{factor:g} 倍,且该比值小于同一网络中 sigmoid 的比值"),
        "c6_found": ("在最深的网络中,最后一个隐藏层的学习速度是第一个的 {tanh:.1f} 倍(tanh),"
                     "{sigmoid:.0f} 倍(sigmoid)"),
        "c7": (
            "使用 ReLU 与 He 初始化时,在每个深度上、初始化时以及训练的每一轮,最快的隐藏层的学习速度"
            "至多是最慢的 {factor:g} 倍;并且在相同的训练预算下,最深的 ReLU 网络测试准确率 ≥ "
            "{trains:g}(能够训练),而采用 Nielsen 设置的最深 sigmoid 网络低于该值"),
        "c7_found": (
            "ReLU 各隐藏层的学习速度相差不超过 {spread:.1f} 倍;在 {n_train:,} 张图像上做 {epochs} "
            "步全批量梯度下降后,最深的 ReLU 网络测试准确率为 {relu:.0%},sigmoid 网络为 "
            "{sigmoid:.0%}——这是该训练预算的限制,而不是 sigmoid 的:Nielsen 用小批量随机梯度下降"
            "训练同样结构的 sigmoid 网络得到 {nielsen:.1%}"),
        **figures.TEXT_ZH,
    },
}
