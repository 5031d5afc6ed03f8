"""Experiment ``vanishing_gradient`` (claims C4, C6, C7): how fast each hidden layer learns.

Nielsen's chapter-5 set-up ("Why are deep neural networks hard to train?"): sigmoid networks
[784, 30, 30, 10], [784, 30, 30, 30, 10] and [784, 30, 30, 30, 30, 10] with weights
N(0, 1/fan_in), biases N(0, 1), sigmoid outputs and the cross-entropy cost of his network2,
C = −1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)]. The *speed of learning* of hidden layer l is
‖∂C/∂bˡ‖, the gradient of the mean cost over the first MNIST training images. Backpropagation
gives δˡ = (Wˡ⁺¹ δˡ⁺¹) ⊙ f′(zˡ): one factor f′ ≤ 1/4 per sigmoid layer, so layers near the input
learn slower and slower as the net gets deeper. The same is measured with tanh and ReLU, with
modern initialisation (Xavier, He), at every epoch of full-batch gradient descent, and the test
accuracy each net reaches on that budget.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from neuralab import diagnostics, plots
from neuralab.network import mlp
from neuralab.training import Callback

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .text import Text, labels, say

DEPTHS = (2, 3, 4)
"""Numbers of hidden layers of 30 units (with input and output: 4, 5 and 6 layers)."""
SETUPS = {
    "sigmoid-nielsen": ("sigmoid", "lecun_normal", True),
    "tanh-nielsen": ("tanh", "lecun_normal", True),
    "relu-nielsen": ("relu", "lecun_normal", True),
    "sigmoid-xavier": ("sigmoid", "xavier_uniform", False),
    "tanh-xavier": ("tanh", "xavier_uniform", False),
    "relu-he": ("relu", "he_normal", False),
}
"""Set-up → (hidden activation, weight initializer, biases N(0, 1) as Nielsen's, else 0)."""
FACTOR = 10.0
"""k: one order of magnitude. C4 needs the first hidden layer ≥ k× slower than the last;
C7 needs ReLU's fastest and slowest hidden layers within k× of each other."""
TANH_FACTOR = 2.0
"""C6: tanh "also loses gradient" if its first hidden layer is ≥ 2× slower than its last."""
TRAINS = 0.5
"""A net "trains" if its test accuracy reaches 0.5 (five times chance for 10 classes)."""
HIDDEN = 30
KEEP_EVERY = 10  # epochs between the speeds kept in results.json (the figures use every epoch)


class VanishingGradient(Experiment):
    """Speeds at initialisation and during training, per (set-up, depth)."""

    id = "vanishing_gradient"
    claims = ("C4", "C6", "C7")
    params = {
        "data": PerMode(quick="digits", full="mnist-5k"), "n_train": PerMode(quick=200, full=1000),
        "hidden_units": HIDDEN, "hidden_layers": list(DEPTHS), "output": "sigmoid",
        "loss": "binary_cross_entropy", "optimizer": "gd", "lr": 0.1, "batch": "full",
        "epochs": PerMode(quick=100, full=500), "init_seeds": PerMode(quick=3, full=10),
        "setups": {k: {"activation": a, "init": i, "biases": "N(0, 1)" if nb else "0"}
                   for k, (a, i, nb) in SETUPS.items()},
    }

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
        return {"initial": initial, "training": training}

    def record(self, numbers):
        return {"initial": numbers["initial"],
                "training": {k: {d: kept(r) for d, r in v.items()}
                             for k, v in numbers["training"].items()}}

    def judge(self, numbers):
        return verdicts(numbers["initial"], numbers["training"])

    def tables(self, numbers, ctx):
        return _tables(numbers["initial"], numbers["training"])

    def draw(self, numbers, ctx):
        initial, training = numbers["initial"], numbers["training"]
        return [_draw_sigmoid(training, ctx), _draw_deepest(training, ctx),
                _draw_depth(initial, training, ctx)]


def verdicts(initial: dict, training: dict) -> list[Verdict]:
    """The three verdicts, read from the measured numbers."""
    deep = max(DEPTHS)
    return [
        verdict_c4({d: initial["sigmoid-nielsen"][d]["ratio"] for d in DEPTHS}),
        verdict_c6(initial["tanh-nielsen"][deep]["ratio"],
                   initial["sigmoid-nielsen"][deep]["ratio"]),
        verdict_c7({d: initial["relu-he"][d]["spread"] for d in DEPTHS},
                   {d: training["relu-he"][d]["max_spread"] for d in DEPTHS},
                   training["relu-he"][deep]["test_accuracy"],
                   training["sigmoid-nielsen"][deep]["test_accuracy"]),
    ]


# --- measuring -------------------------------------------------------------------------------


def build(key: str, depth: int, n_inputs: int, seed: int):
    """The network of set-up ``key`` with ``depth`` hidden layers, drawn from ``seed``."""
    activation, init, nielsen_biases = SETUPS[key]
    rng = np.random.default_rng(seed)
    net = mlp([n_inputs, *[HIDDEN] * depth, 10], activation, output="sigmoid",
              loss="binary_cross_entropy", init=init, seed=rng)
    if nielsen_biases:
        for layer in net.layers:
            layer.bias.value = rng.standard_normal(layer.out_features).astype(net.dtype)
    return net


def initial_speeds(key: str, depth: int, x, y, seed: int) -> list[float]:
    """‖∂C/∂bˡ‖ of each hidden layer l of a freshly initialised network, over (x, y)."""
    stats = diagnostics.layer_stats(build(key, depth, x.shape[1], seed), x, y)
    return [s["grad_norm_bias"] for s in stats[:-1]]


def _geomean(values) -> float:
    return float(np.exp(np.mean(np.log(values))))


def summarise_initial(per_seed: list[list[float]]) -> dict:
    """Geometric means over seeds: speed per layer, last/first ratio, fastest/slowest spread."""
    speeds = np.asarray(per_seed, dtype=np.float64)
    return {"speed": [_geomean(col) for col in speeds.T],
            "ratio": _geomean(speeds[:, -1] / speeds[:, 0]),
            "spread": _geomean(speeds.max(axis=1) / speeds.min(axis=1))}


class SpeedRecorder(Callback):
    """Records ‖∂C/∂b‖ of every hidden layer after each step of ``fit``.

    With full-batch training there is one step per epoch, and the gradient left in ``.grad``
    after the step is the one the step used: the speed at the start of that epoch.
    """

    def __init__(self):
        self.speeds: list[list[float]] = []

    def on_batch_end(self, batch, logs=None):
        hidden = self.network.layers[:-1]
        self.speeds.append([float(np.linalg.norm(layer.bias.grad)) for layer in hidden])


def train(key: str, depth: int, data, p: dict, seed: int) -> dict:
    """Full-batch GD for ``p["epochs"]`` epochs; speeds per epoch, loss and accuracies."""
    x, y, x_test, y_test = data
    net = build(key, depth, x.shape[1], seed)
    recorder = SpeedRecorder()
    history = net.fit(x, y, epochs=p["epochs"], batch_size=None, optimizer=p["optimizer"],
                      lr=p["lr"], shuffle=False, callbacks=[recorder], progress=False)
    speeds = np.asarray(recorder.speeds)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.max(speeds, axis=1) / np.min(speeds, axis=1)
    return {"speeds": speeds, "max_spread": float(np.max(spread)),
            "final_loss": float(history.history["loss"][-1]),
            "train_accuracy": float(history.history["accuracy"][-1]),
            "test_accuracy": float(net.evaluate(x_test, y_test)["accuracy"])}


def kept(run: dict) -> dict:
    """A run for results.json: the speeds of every ``KEEP_EVERY``-th epoch and the summaries."""
    epochs = np.arange(0, len(run["speeds"]), KEEP_EVERY)
    return {"epochs": epochs.tolist(), "speed": run["speeds"][epochs].tolist(),
            **{k: v for k, v in run.items() if k != "speeds"}}


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c4(sigmoid_ratio: dict[int, float], factor: float = FACTOR) -> Verdict:
    """C4: the deepest sigmoid net's first hidden layer is ≥ ``factor``× slower than its last
    at initialisation, and that gap grows with every added layer."""
    depths = sorted(sigmoid_ratio)
    ratios = [sigmoid_ratio[d] for d in depths]
    grows = all(b > a for a, b in zip(ratios, ratios[1:], strict=False))
    ok = ratios[-1] >= factor and grows
    criterion = say(TEXT, "c4", factor=factor, depth=depths[-1], layers=depths[-1] + 2,
                    weights=depths[-1] + 1)
    return Verdict("C4", bool(ok), criterion,
                   {"ratio_last_to_first": {str(d): r for d, r in zip(depths, ratios, strict=True)},
                    "factor": factor, "grows_with_depth": grows})


def verdict_c6(tanh_ratio: float, sigmoid_ratio: float, factor: float = TANH_FACTOR) -> Verdict:
    """C6 (the gradient part): tanh also loses gradient towards the input, but less than sigmoid."""
    ok = factor <= tanh_ratio < sigmoid_ratio
    return Verdict("C6", bool(ok), say(TEXT, "c6", factor=factor),
                   {"tanh_ratio_last_to_first": tanh_ratio,
                    "sigmoid_ratio_last_to_first": sigmoid_ratio, "factor": factor})


def verdict_c7(init_spread: dict[int, float], train_spread: dict[int, float],
               relu_accuracy: float, sigmoid_accuracy: float, factor: float = FACTOR,
               trains: float = TRAINS) -> Verdict:
    """C7: ReLU + He keeps all hidden layers' speeds within ``factor``× of each other, and its
    deepest net trains (test accuracy ≥ ``trains``) where the deepest sigmoid net does not."""
    spreads = [*init_spread.values(), *train_spread.values()]
    ok = max(spreads) <= factor and relu_accuracy >= trains > sigmoid_accuracy
    return Verdict("C7", bool(ok), say(TEXT, "c7", factor=factor, trains=trains),
                   {"relu_spread_at_init": {str(d): s for d, s in init_spread.items()},
                    "relu_max_spread_in_training": {str(d): s for d, s in train_spread.items()},
                    "deepest_relu_test_accuracy": relu_accuracy,
                    "deepest_sigmoid_test_accuracy": sigmoid_accuracy, "factor": factor,
                    "trains": trains})


# --- figures ---------------------------------------------------------------------------------


def _layer_colors(depth: int) -> list:
    return [colormaps["viridis"](0.85 * i / max(depth - 1, 1)) for i in range(depth)]


def _speed_panel(ax, speeds: np.ndarray, title: str, legend: bool = True) -> None:
    epochs = np.arange(len(speeds))
    for i, color in enumerate(_layer_colors(speeds.shape[1])):
        ax.semilogy(epochs, speeds[:, i], color=color,
                    label=f"hidden layer {i + 1}")
    ax.set(title=title, xlabel="epoch (full-batch GD steps)",
           ylabel="speed of learning ‖∂C/∂b‖ (log)", xlim=(0, len(speeds)))
    ax.grid(True, which="major", alpha=0.3)
    if legend:
        ax.legend(fontsize=7, loc="best")


def _draw_sigmoid(training: dict, ctx: Context) -> Figure:
    fig, axes = plots.subplots(1, len(DEPTHS), size=(4.4, 3.6), sharey=True)
    for ax, depth in zip(axes, DEPTHS, strict=True):
        _speed_panel(ax, training["sigmoid-nielsen"][depth]["speeds"],
                     f"sigmoid, {depth} hidden layers")
    fig.suptitle("Speed of learning per hidden layer (Nielsen's set-up)")
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-sigmoid"))
    return Figure(path, say(TEXT, "sigmoid_caption"))


def _draw_deepest(training: dict, ctx: Context) -> Figure:
    deep = max(DEPTHS)
    fig, axes = plots.subplots(2, 3, size=(4.2, 3.3), sharey=True)
    for ax, key in zip(axes.ravel(), SETUPS, strict=True):
        activation, init, _ = SETUPS[key]
        _speed_panel(ax, training[key][deep]["speeds"], f"{activation}, {_INIT_EN[init]}",
                     legend=False)
        ax.title.set_color(plots.activation_color(activation))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncols=deep, loc="outside lower center")
    fig.suptitle(f"Speed of learning per hidden layer, {deep} hidden layers of {HIDDEN}")
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-deepest"))
    return Figure(path, say(TEXT, "deepest_caption", deep=deep))


def _draw_depth(initial: dict, training: dict, ctx: Context) -> Figure:
    fig, (ratio_ax, acc_ax) = plots.subplots(1, 2, size=(5.0, 3.8))
    for key, (activation, init, nielsen) in SETUPS.items():
        style = {"color": plots.activation_color(activation), "marker": "o",
                 "linestyle": "--" if nielsen else "-", "label": f"{activation}, {_INIT_EN[init]}"}
        ratio_ax.semilogy(DEPTHS, [initial[key][d]["ratio"] for d in DEPTHS], **style)
        acc_ax.plot(DEPTHS, [training[key][d]["test_accuracy"] for d in DEPTHS], **style)
    ratio_ax.axhline(FACTOR, color="0.5", linestyle=":", linewidth=1, label=f"k = {FACTOR:g}")
    acc_ax.axhline(TRAINS, color="0.5", linestyle=":", linewidth=1, label=f"trains: {TRAINS:g}")
    ratio_ax.set(title="Last / first hidden layer speed at init", xticks=DEPTHS,
                 xlabel="number of hidden layers", ylabel="ratio of ‖∂C/∂b‖ (log)")
    acc_ax.set(title="Test accuracy after the same budget", xticks=DEPTHS, ylim=(0, 1),
               xlabel="number of hidden layers", ylabel="test accuracy (fraction correct)")
    ratio_ax.legend(fontsize=7)
    acc_ax.legend(fontsize=7, loc="center right")
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-depth"))
    return Figure(path, say(TEXT, "depth_caption"))


# --- tables and text -------------------------------------------------------------------------

_INIT_EN = {"lecun_normal": "Nielsen init", "xavier_uniform": "Xavier init",
            "he_normal": "He init"}
"""Initializer → its name in the figures."""


def _label(key: str) -> Text:
    activation, init, _ = SETUPS[key]
    return say(TEXT, "setup_label", init, activation=activation)


def _tables(initial: dict, training: dict) -> list[Table]:
    at_init = Table(say(TEXT, "initial_table"), labels(TEXT, "initial_columns"),
                    [[_label(k), d, initial[k][d]["speed"], initial[k][d]["ratio"],
                      initial[k][d]["spread"]] for k in SETUPS for d in DEPTHS])
    trained = Table(say(TEXT, "training_table"), labels(TEXT, "training_columns"),
                    [[_label(k), d, training[k][d]["speeds"][-1].tolist(),
                      training[k][d]["max_spread"], training[k][d]["final_loss"],
                      training[k][d]["train_accuracy"], training[k][d]["test_accuracy"]]
                     for k in SETUPS for d in DEPTHS])
    return [at_init, trained]


TEXT = {
    "en": {
        "title": "Vanishing gradients: the speed of learning of each hidden layer",
        "setup": (
            "Nielsen's chapter-5 set-up: networks with {hidden_layers[0]}, {hidden_layers[1]} and "
            "{hidden_layers[2]} hidden layers of {hidden_units} units, {output} outputs and "
            "network2's cross-entropy cost −1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], weights "
            "N(0, 1/fan_in), biases N(0, 1). The speed of learning of a hidden layer is the norm "
            "‖∂C/∂b‖ of the gradient of the mean cost over the first {full[n_train]:,} training "
            "images of {full[data]} (quick mode: {quick[n_train]} images of the 8×8 "
            "{quick[data]}). At initialisation it is the geometric mean over several random "
            "initialisations ({full[init_seeds]}; quick: {quick[init_seeds]}); during training "
            "it is read, at every epoch, from the very gradient that full-batch gradient descent "
            "(learning rate {lr:g}) steps along. The full run trains {full[epochs]} epochs like "
            "Nielsen (quick: {quick[epochs]}), without his L2 term (λ = 5), which does not touch "
            "∂C/∂b.\n\n"
            "The same networks with tanh and with ReLU hidden units (same initialisation), and "
            "with modern initialisation: Xavier (Glorot) uniform for sigmoid and tanh, He normal "
            "for ReLU, biases 0. After training, the test accuracy (1,000 test images; quick: "
            "the digits test split) compares depths for the same budget."),
        "c4": (
            "in Nielsen's sigmoid nets at initialisation, the last hidden layer learns ≥ "
            "{factor:g}× faster than the first (speed ‖∂C/∂b‖, geometric mean over random "
            "initialisations) in the net with {depth} hidden layers ({layers} layers in all, i.e. "
            "within {weights} layers of weights), and this ratio grows with every added hidden "
            "layer"),
        "c6": (
            "tanh also loses gradient (the part of C6 this experiment tests; the convergence part "
            "is judged in zero_mean): in the deepest net with Nielsen's initialisation, tanh's "
            "last hidden layer learns ≥ {factor:g}× faster than its first at initialisation, and "
            "this ratio is smaller than sigmoid's in the same net"),
        "c7": (
            "with ReLU and He initialisation, the fastest hidden layer learns at most {factor:g}× "
            "faster than the slowest, at initialisation and at every epoch of training, at every "
            "depth; and after the same training budget the deepest ReLU net reaches a test "
            "accuracy ≥ {trains:g} (it trains) while the deepest sigmoid net with Nielsen's "
            "set-up stays below it"),
        "sigmoid_caption": (
            "Nielsen's chapter-5 figures, remade: the speed of learning ‖∂C/∂b‖ of each hidden "
            "layer of the sigmoid nets during full-batch gradient descent (log scale). Layer 1 is "
            "nearest the input; the gap between layers widens with depth."),
        "deepest_caption": (
            "The net with {deep} hidden layers for every set-up: top row Nielsen's "
            "initialisation (weights N(0, 1/fan_in), biases N(0, 1)), bottom row modern "
            "initialisation (Xavier for sigmoid and tanh, He for ReLU, biases 0)."),
        "depth_caption": (
            "Left: how many times faster the last hidden layer learns than the first, at "
            "initialisation (geometric mean over random initialisations). Right: test accuracy "
            "after the training budget. Dashed: Nielsen's initialisation; solid: Xavier/He."),
        "setup_label": {"lecun_normal": "{activation}, Nielsen init",
                        "xavier_uniform": "{activation}, Xavier init",
                        "he_normal": "{activation}, He init"},
        "initial_table": "Speed of learning at initialisation",
        "initial_columns": ["set-up", "hidden layers", "‖∂C/∂b‖ per hidden layer (first → last)",
                            "last / first", "fastest / slowest"],
        "training_table": "Training",
        "training_columns": ["set-up", "hidden layers",
                             "‖∂C/∂b‖ per hidden layer at the last epoch",
                             "largest fastest / slowest during training", "final training loss",
                             "training accuracy", "test accuracy"],
    },
    "zh": {
        "title": "梯度消失:每个隐藏层的学习速度",
        "setup": (
            "Nielsen 第 5 章的设置:具有 {hidden_layers[0]}、{hidden_layers[1]}、{hidden_layers[2]} "
            "个隐藏层(每层 {hidden_units} 个神经元)的网络,{output} 输出,network2 的交叉熵代价 "
            "−1/n Σₓ Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)],权重 N(0, 1/fan_in),偏置 N(0, 1)。一个"
            "隐藏层的学习速度是平均代价(对 {full[data]} 的前 {full[n_train]:,} 张训练图像;快速模式:"
            "8×8 {quick[data]} 的 {quick[n_train]} 张图像)关于该层偏置的梯度范数 ‖∂C/∂b‖。初始化时"
            "取多次随机初始化({full[init_seeds]} 次;快速模式:{quick[init_seeds]} 次)的几何平均;"
            "训练中每一轮都直接读取全批量梯度下降(学习率 {lr:g})所沿的那个梯度。完整运行像 Nielsen "
            "一样训练 {full[epochs]} 轮(快速模式:{quick[epochs]} 轮),但去掉了他的 L2 正则项"
            "(λ = 5),该项不影响 ∂C/∂b。\n\n"
            "同样的网络再用 tanh 与 ReLU 隐藏层(相同初始化),以及现代初始化:sigmoid 与 tanh 用 "
            "Xavier(Glorot)均匀分布,ReLU 用 He 正态分布,偏置为 0。训练后用测试准确率(1,000 张"
            "测试图像;快速模式:digits 测试集)比较相同预算下不同深度的网络。"),
        "c4": (
            "在 Nielsen 的 sigmoid 网络中,初始化时具有 {depth} 个隐藏层(共 {layers} 层,即 "
            "{weights} 层权重之内)的网络,最后一个隐藏层的学习速度 ‖∂C/∂b‖(对多次随机初始化取几何"
            "平均)至少是第一个隐藏层的 {factor:g} 倍,并且这一比值随每增加一个隐藏层而增大"),
        "c6": (
            "tanh 同样会梯度消失(这里检验 C6 的这一部分;收敛速度部分由 zero_mean 实验判断):在使用 "
            "Nielsen 初始化的最深网络中,初始化时 tanh 最后一个隐藏层的学习速度至少是第一个隐藏层的 "
            "{factor:g} 倍,且该比值小于同一网络中 sigmoid 的比值"),
        "c7": (
            "使用 ReLU 与 He 初始化时,在每个深度上、初始化时以及训练的每一轮,最快的隐藏层的学习速度"
            "至多是最慢的 {factor:g} 倍;并且在相同的训练预算下,最深的 ReLU 网络测试准确率 ≥ "
            "{trains:g}(能够训练),而采用 Nielsen 设置的最深 sigmoid 网络低于该值"),
        "sigmoid_caption": (
            "重现 Nielsen 第 5 章的图:全批量梯度下降过程中 sigmoid 网络每个隐藏层的学习速度 "
            "‖∂C/∂b‖(对数坐标)。第 1 层最靠近输入;网络越深,各层之间的差距越大。"),
        "deepest_caption": (
            "各设置下具有 {deep} 个隐藏层的网络:上排为 Nielsen 初始化(权重 N(0, 1/fan_in),偏置 "
            "N(0, 1)),下排为现代初始化(sigmoid 与 tanh 用 Xavier,ReLU 用 He,偏置为 0)。"),
        "depth_caption": (
            "左:初始化时最后一个隐藏层比第一个隐藏层学得快多少倍(对多次随机初始化取几何平均)。"
            "右:训练预算用完后的测试准确率。虚线:Nielsen 初始化;实线:Xavier/He 初始化。"),
        "setup_label": {"lecun_normal": "{activation},Nielsen 初始化",
                        "xavier_uniform": "{activation},Xavier 初始化",
                        "he_normal": "{activation},He 初始化"},
        "initial_table": "初始化时的学习速度",
        "initial_columns": ["设置", "隐藏层数", "各隐藏层的 ‖∂C/∂b‖(第一层 → 最后一层)",
                            "最后一层 / 第一层", "最快 / 最慢"],
        "training_table": "训练",
        "training_columns": ["设置", "隐藏层数", "最后一轮各隐藏层的 ‖∂C/∂b‖",
                             "训练中最快 / 最慢的最大值", "最终训练损失", "训练准确率",
                             "测试准确率"],
    },
}
