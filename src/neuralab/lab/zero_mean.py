"""Experiment ``zero_mean`` (claims C5, C6): sigmoid's offset against tanh's zero mean.

C5: sigmoid outputs lie in (0, 1), so a sigmoid layer's mean output sits near 0.5 (the seed's
偏移, "offset") and the next layer gets non-zero-mean input; tanh outputs average about 0.
C6: the seed says tanh therefore converges faster. We train the same network with each,
with the same initial weights, optimizer and learning rate, over several seeds, and count the
epochs until the test accuracy reaches a target.

tanh differs from sigmoid in two ways, not one: tanh(z) = 2σ(2z) − 1 is centred *and* four
times steeper (tanh′(0) = 1, σ′(0) = 1/4). Two controls separate them: the centred sigmoid
σ(z) − ½ (sigmoid's slope, zero mean) and the offset tanh 2σ(2z) = tanh(z) + 1 (tanh's slope,
mean near 1). Both are :class:`ScaledSigmoid`, f(z) = α·σ(β·z) + c.
"""

from __future__ import annotations

import numpy as np

from neuralab import activations, plots
from neuralab.activations import Activation
from neuralab.layers import Dense
from neuralab.network import Network

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .measures import epochs_or_never, epochs_to_target, hidden_layers, later, median_epochs
from .text import labels, say

OFFSET = 0.25
"""C5: a layer is offset if its mean output is at least 0.25 (sigmoid's range is (0, 1))."""
TARGET = 0.9
"""C6: the test accuracy whose first epoch we count."""
SIZES = (64, 32, 32, 10)


class ScaledSigmoid(Activation):
    """f(z) = α·σ(β·z) + c, f′(z) = α·β·σ(βz)(1 − σ(βz)).

    Sigmoid is (α, β, c) = (1, 1, 0) and tanh is (2, 2, −1). Shapes: any; float32 stays float32.
    """

    name = "scaled_sigmoid"
    saturation = "soft"
    _params = ("scale", "slope", "shift")

    def __init__(self, scale: float, slope: float, shift: float):
        self.scale, self.slope, self.shift = float(scale), float(slope), float(shift)
        self.max_derivative = self.scale * self.slope / 4

    def _sigma(self, z, out):
        return _SIGMOID.forward(np.multiply(z, self.slope, dtype=z.dtype), out=out)

    def _forward(self, z, out):
        self._sigma(z, out)
        out *= self.scale
        out += self.shift
        return out

    def _derivative(self, z, out):
        self._sigma(z, out)
        np.multiply(out, 1 - out, out=out)
        out *= self.scale * self.slope
        return out


_SIGMOID = activations.get("sigmoid")
ARMS = {
    "sigmoid": "sigmoid",
    "centred_sigmoid": ScaledSigmoid(1.0, 1.0, -0.5),
    "offset_tanh": ScaledSigmoid(2.0, 2.0, 0.0),
    "tanh": "tanh",
}
"""The claim's pair (sigmoid, tanh) and the two controls, in the figures' order."""


class ZeroMean(Experiment):
    """Every arm trained from the same weights on several seeds; offsets and convergence."""

    id = "zero_mean"
    claims = ("C5", "C6")
    params = {"data": "digits", "sizes": list(SIZES), "init": "xavier_uniform", "biases": 0,
              "output": "softmax", "loss": "cross_entropy", "optimizer": "sgd", "lr": 0.1,
              "batch_size": 32, "epochs": PerMode(quick=20, full=80),
              "seeds": PerMode(quick=3, full=5), "target_accuracy": TARGET}

    def units(self, p):
        return list(ARMS)

    def measure(self, arm, ctx):
        data = ctx.dataset(ctx.params["data"])
        return [train(arm, data, ctx.params, seed) for seed in ctx.seeds(ctx.params["seeds"])]

    def summarise(self, measured, ctx):
        return {"runs": measured,
                "summary": {arm: summarise(r, ctx.params["epochs"]) for arm, r in measured.items()}}

    def judge(self, numbers):
        runs = numbers["runs"]
        return [verdict_c5(layer_values(runs, "sigmoid", "mean"),
                           layer_values(runs, "sigmoid", "min"),
                           layer_values(runs, "tanh", "mean")),
                verdict_c6([r["epochs_to_target"] for r in runs["sigmoid"]],
                           [r["epochs_to_target"] for r in runs["tanh"]])]

    def tables(self, numbers, ctx):
        return [_table(numbers["summary"])]

    def draw(self, numbers, ctx):
        return [_draw_accuracy(numbers["runs"], ctx.params, ctx),
                _draw_means(numbers["summary"], ctx)]


# --- measuring -------------------------------------------------------------------------------


def build(arm: str, seed: int) -> Network:
    """The arm's network; for one seed, every arm starts from the same weights (Xavier, b = 0)."""
    rng = np.random.default_rng(seed)
    hidden = ARMS[arm]
    layers = [Dense(n_in, n_out, hidden if i < len(SIZES) - 2 else "softmax",
                    init="xavier_uniform", seed=rng)
              for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True))]
    return Network(layers, loss="cross_entropy")


def _output_stats(net: Network, x) -> dict:
    """The mean and the smallest output of each hidden layer for inputs x."""
    layers = hidden_layers(net, x)
    return {"mean": [float(layer.a.mean()) for layer in layers],
            "min": [float(layer.a.min()) for layer in layers]}


def train(arm: str, data, p: dict, seed: int) -> dict:
    """Train one arm from one seed; test accuracy per epoch and hidden-layer output statistics."""
    net = build(arm, seed)
    before = _output_stats(net, data.x_train)
    history = net.fit(data.x_train, data.y_train, epochs=p["epochs"],
                      batch_size=p["batch_size"], optimizer=p["optimizer"], lr=p["lr"],
                      validation_data=(data.x_test, data.y_test), progress=False, seed=seed)
    accuracy = [float(a) for a in history.history["val_accuracy"]]
    return {"seed": seed, "val_accuracy": accuracy,
            "epochs_to_target": epochs_to_target(accuracy, p["target_accuracy"]),
            "init": before, "trained": _output_stats(net, data.x_train)}


def summarise(runs: list[dict], budget: int) -> dict:
    """Per arm: epochs to target (median and per seed), mean output per layer (over seeds)."""
    return {"epochs_to_target": [r["epochs_to_target"] for r in runs],
            "median_epochs": median_epochs([r["epochs_to_target"] for r in runs]),
            "budget": budget,
            "mean_output_init": np.mean([r["init"]["mean"] for r in runs], axis=0).tolist(),
            "mean_output_trained": np.mean([r["trained"]["mean"] for r in runs], axis=0).tolist(),
            "final_accuracy": float(np.median([r["val_accuracy"][-1] for r in runs]))}


def layer_values(runs: dict, arm: str, stat: str) -> list[float]:
    """``stat`` ("mean" or "min") of every hidden layer of ``arm``, over seeds, at
    initialisation and after training."""
    return [m for r in runs[arm] for when in ("init", "trained") for m in r[when][stat]]


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c5(sigmoid_means: list[float], sigmoid_mins: list[float], tanh_means: list[float],
               offset: float = OFFSET) -> Verdict:
    """C5: every sigmoid hidden output is > 0 and every sigmoid layer's mean is ≥ ``offset``
    (layers × seeds × before/after training). tanh's means are evidence for contrast only:
    the claim is about sigmoid."""
    ok = min(sigmoid_mins) > 0 and min(sigmoid_means) >= offset
    return Verdict("C5", bool(ok), say(TEXT, "c5", offset=offset),
                   {"sigmoid_smallest_mean": min(sigmoid_means),
                    "sigmoid_smallest_output": min(sigmoid_mins),
                    "tanh_largest_abs_mean": max(abs(m) for m in tanh_means), "offset": offset})


def verdict_c6(sigmoid_epochs: list[int | None], tanh_epochs: list[int | None]) -> Verdict:
    """C6 (convergence): tanh reaches the target in fewer epochs than sigmoid — lower median,
    and fewer epochs in more than half of the seeds (paired: same initial weights)."""
    faster = sum(later(s, t) for s, t in zip(sigmoid_epochs, tanh_epochs, strict=True))
    medians = median_epochs(sigmoid_epochs), median_epochs(tanh_epochs)
    ok = medians[1] < medians[0] and faster > len(tanh_epochs) / 2
    return Verdict("C6", bool(ok), say(TEXT, "c6", target=TARGET),
                   {"sigmoid_epochs": sigmoid_epochs, "tanh_epochs": tanh_epochs,
                    "sigmoid_median": _finite(medians[0]), "tanh_median": _finite(medians[1]),
                    "seeds_tanh_faster": faster})


def _finite(value: float) -> float | None:
    """``value``, or None for "never" (inf), as the report and results.json show it."""
    return None if np.isinf(value) else value


# --- figures and table -----------------------------------------------------------------------

_STYLE = {"sigmoid": ("sigmoid", "-"), "centred_sigmoid": ("sigmoid", "--"),
          "offset_tanh": ("tanh", "--"), "tanh": ("tanh", "-")}


def _draw_accuracy(runs: dict, p: dict, ctx: Context) -> Figure:
    fig, ax = plots.subplots(size=(6.4, 4.0))
    epochs = np.arange(1, p["epochs"] + 1)
    for arm, arm_runs in runs.items():
        name, line = _STYLE[arm]
        curves = np.array([r["val_accuracy"] for r in arm_runs])
        color = plots.activation_color(name)
        ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=color, alpha=0.12)
        ax.plot(epochs, np.median(curves, axis=0), color=color, linestyle=line,
                label=say(TEXT, "arms", arm).en)
    ax.axhline(TARGET, color="0.4", linestyle=":", linewidth=1, label=f"target {TARGET:.0%}")
    ax.set(title=f"Digits, {'-'.join(map(str, SIZES))} net, SGD lr {p['lr']:g}: "
                 f"median of {p['seeds']} seeds", xlabel="epoch",
           ylabel="test accuracy (fraction correct)", ylim=(0, 1), xlim=(1, p["epochs"]))
    ax.legend(fontsize=8, loc="lower right")
    path = plots.save(fig, ctx.figure_path("zero-mean-accuracy"))
    return Figure(path, say(TEXT, "accuracy_caption"))


def _draw_means(summary: dict, ctx: Context) -> Figure:
    fig, axes = plots.subplots(1, 2, size=(4.2, 3.6), sharey=True)
    layers = np.arange(1, len(SIZES) - 1)
    width = 0.8 / len(ARMS)
    for ax, when, title in zip(axes, ("init", "trained"), ("at initialisation", "after training"),
                               strict=True):
        for i, arm in enumerate(ARMS):
            name, line = _STYLE[arm]
            ax.bar(layers + (i - 1.5) * width, summary[arm][f"mean_output_{when}"], width,
                   color=plots.activation_color(name), hatch="//" if line == "--" else None,
                   edgecolor="white", label=say(TEXT, "arms", arm).en)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set(title=f"Mean output, {title}", xticks=layers, xlabel="hidden layer",
               ylabel="mean output over the training set")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, ncols=2, loc="outside lower center")
    path = plots.save(fig, ctx.figure_path("zero-mean-offset"))
    return Figure(path, say(TEXT, "offset_caption"))


def _table(summary: dict) -> Table:
    rows = [[say(TEXT, "arms", arm), [e if e is not None else "—" for e in s["epochs_to_target"]],
             epochs_or_never(s["median_epochs"], s["budget"]), s["final_accuracy"],
             s["mean_output_init"], s["mean_output_trained"]] for arm, s in summary.items()]
    return Table(say(TEXT, "table"), labels(TEXT, "columns", target=TARGET), rows)


TEXT = {
    "en": {
        "title": "Zero-mean outputs: sigmoid against tanh",
        "setup": (
            "The 8×8 {data} (1,437 training and 360 test images), a {sizes:–} network with "
            "{output} outputs and cross-entropy. For each seed every arm starts from the same "
            "Xavier-uniform weights (biases {biases}) and trains with the same {optimizer} "
            "optimizer (learning rate {lr:g}, batches of {batch_size}, the same shuffling) for "
            "{epochs} epochs; the test accuracy is measured after each epoch. The mean output of "
            "each hidden layer is taken over the whole training set, at initialisation and after "
            "training.\n\n"
            "tanh(z) = 2σ(2z) − 1 is zero-mean and also 4× steeper than sigmoid. To see which of "
            "the two makes it converge faster, two controls run alongside: σ(z) − ½ (sigmoid's "
            "slope, zero mean) and 2σ(2z) = tanh(z) + 1 (tanh's slope, offset by 1). Only sigmoid "
            "and tanh enter the verdicts; the controls explain them."),
        "c5": (
            "in every hidden layer, for every seed, at initialisation and after training, every "
            "sigmoid output is > 0 and the layer's mean output is ≥ {offset:g}, half-way from 0 "
            "to sigmoid's centre 0.5: the next layer's input is not zero-mean (the same layers "
            "with tanh are shown for contrast, not judged)"),
        "c6": (
            "tanh converges faster (the part of C6 this experiment tests; its gradient loss is "
            "judged in vanishing_gradient): with the same network, initial weights, optimizer and "
            "learning rate, tanh's median number of epochs to reach {target:.0%} test accuracy is "
            "lower than sigmoid's, and tanh gets there first for more than half of the seeds "
            "(never reaching it counts as slower than any number of epochs)"),
        "accuracy_caption": (
            "Test accuracy after each epoch: median over seeds, band from the slowest to the "
            "fastest seed. Solid: the seed's sigmoid and tanh; dashed: the controls with "
            "sigmoid's slope but zero mean, and with tanh's slope but an offset."),
        "offset_caption": (
            "Mean output of each hidden layer over the training set (mean over seeds): sigmoid "
            "sits near 0.5 (the offset), tanh near 0. Hatched: the controls."),
        "arms": {"sigmoid": "sigmoid σ(z)",
                 "centred_sigmoid": "centred sigmoid σ(z) − ½ (control)",
                 "offset_tanh": "offset tanh 2σ(2z) = tanh(z) + 1 (control)", "tanh": "tanh"},
        "table": "Convergence and mean output per arm",
        "columns": ["hidden activation", "epochs to {target:.0%} (per seed; — never)",
                    "median epochs", "final test accuracy (median)",
                    "mean output per layer at init", "mean output per layer after training"],
    },
    "zh": {
        "title": "0 均值输出:sigmoid 与 tanh 的比较",
        "setup": (
            "8×8 {data} 数据集(1,437 张训练图像、360 张测试图像),{sizes:–} 网络,{output} 输出与"
            "交叉熵。对每个随机种子,各组从相同的 Xavier 均匀分布初始权重(偏置为 {biases})出发,用"
            "相同的 {optimizer} 优化器(学习率 {lr:g},批大小 {batch_size},相同的打乱顺序)训练 "
            "{epochs} 轮,每轮之后测量测试准确率。每个隐藏层的平均输出在整个训练集上计算,分别在"
            "初始化时和训练后。\n\n"
            "tanh(z) = 2σ(2z) − 1 既是 0 均值,又比 sigmoid 陡 4 倍。为了分辨是哪一点使它收敛更快,"
            "另设两个对照组:σ(z) − ½(sigmoid 的斜率,0 均值)和 2σ(2z) = tanh(z) + 1(tanh 的斜率,"
            "偏移 1)。只有 sigmoid 与 tanh 参与结论判断;对照组用来解释结论。"),
        "c5": (
            "在每个隐藏层、每个随机种子、初始化时和训练后,sigmoid 的每个输出都 > 0,且该层的平均"
            "输出 ≥ {offset:g}(0 到 sigmoid 中心 0.5 的一半):下一层得到的输入不是 0 均值(同一层"
            "换成 tanh 的结果仅作对比,不参与判断)"),
        "c6": (
            "tanh 收敛更快(这里检验 C6 的这一部分;梯度消失部分由 vanishing_gradient 实验判断):"
            "在相同的网络、初始权重、优化器与学习率下,tanh 达到 {target:.0%} 测试准确率所需轮数的"
            "中位数低于 sigmoid,并且在超过一半的随机种子上 tanh 先达到(始终未达到算作比任何轮数都"
            "慢)"),
        "accuracy_caption": (
            "每轮之后的测试准确率:各随机种子的中位数,阴影为最慢到最快的种子之间的范围。实线:原文中"
            "的 sigmoid 与 tanh;虚线:对照组——与 sigmoid 斜率相同但均值为 0,以及与 tanh 斜率相同"
            "但有偏移。"),
        "offset_caption": (
            "每个隐藏层在训练集上的平均输出(对随机种子取平均):sigmoid 在 0.5 附近(偏移现象),"
            "tanh 在 0 附近。斜线填充:对照组。"),
        "arms": {"sigmoid": "sigmoid σ(z)", "centred_sigmoid": "中心化 sigmoid σ(z) − ½(对照)",
                 "offset_tanh": "偏移 tanh 2σ(2z) = tanh(z) + 1(对照)", "tanh": "tanh"},
        "table": "各组的收敛速度与平均输出",
        "columns": ["隐藏层激活函数", "达到 {target:.0%} 的轮数(各种子;— 为未达到)",
                    "轮数中位数", "最终测试准确率(中位数)", "初始化时各层平均输出",
                    "训练后各层平均输出"],
    },
}
