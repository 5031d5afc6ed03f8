"""Experiment ``dead_relu`` (claim C8): dead ReLU units, and ReLU's positive mean output.

A ReLU unit is dead on a data set when its input z = x·w + b is ≤ 0 for every sample: its output
is 0 and its slope relu′(z) = 0 everywhere, so backpropagation sends it δ = ∂C/∂z = 0 and its
weights and bias get exactly zero gradient — they stop updating (the seed's 神经元死亡). We train
the same network on the digits with ReLU, Leaky ReLU and ELU at growing learning rates, with biases
starting at 0 and shifted to a negative value, and count the dead units on the whole training
set before and after training.

For any activation we call a unit *dead* when |f′(z)| ≤ 10⁻³ · max |f′| for every training
sample: gradient ~0 whatever the sample. For ReLU that is z ≤ 0 everywhere; Leaky ReLU
(f′ = 0.01 for z < 0) can never be dead; ELU (f′ = eᶻ for z < 0) is dead only where z < −6.9
for every sample. We also count *inactive* units (z ≤ 0 for every sample), which for Leaky ReLU
and ELU still learn and can come back.
"""

from __future__ import annotations

import numpy as np

from neuralab import plots
from neuralab.network import mlp
from neuralab.training import TrainingDivergedError

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .measures import hidden_layers
from .text import labels, say

ACTIVATIONS = ("relu", "leaky_relu", "elu")
SHIFTS = (0.0, 0.5)
"""Hidden biases start at −shift: 0 (the usual) and a negative shift that starts some units dead."""
DEAD_SLOPE = 1e-3
"""A unit is dead when |f′(z)| ≤ DEAD_SLOPE · max |f′| on every training sample."""
GROWTH = 0.1
"""C8: the ReLU dead fraction must grow by at least 10 percentage points."""
SIZES = (64, 100, 100, 10)


class DeadReLU(Experiment):
    """Every (activation, initial bias, learning rate, seed) trained; units counted on the way."""

    id = "dead_relu"
    claims = ("C8",)
    params = {"data": "digits", "sizes": list(SIZES), "init": "he_normal",
              "initial_hidden_biases": [-s if s else 0.0 for s in SHIFTS], "optimizer": "adam",
              "batch_size": 32,
              "learning_rates": PerMode(quick=[1e-3, 1e-2, 1e-1],
                                        full=[1e-3, 3e-3, 1e-2, 3e-2, 1e-1]),
              "epochs": PerMode(quick=5, full=20), "seeds": PerMode(quick=1, full=3),
              "dead_slope": DEAD_SLOPE}

    def units(self, p):
        return [(act, shift) for act in ACTIVATIONS for shift in SHIFTS]

    def measure(self, unit, ctx):
        p, data = ctx.params, ctx.dataset(ctx.params["data"])
        return [[train(*unit, lr, data, p, s) for s in ctx.seeds(p["seeds"])]
                for lr in p["learning_rates"]]

    def summarise(self, measured, ctx):
        runs, activity = {}, {}
        for (act, shift), per_lr in measured.items():  # per learning rate, a run per seed
            runs[f"{act}/{shift:g}"] = [_mean_over_seeds(seeds) for seeds in per_lr]
            activity[f"{act}/{shift:g}"] = [seeds[0]["activity"] for seeds in per_lr]
        return {"runs": runs, "activity": activity}

    def record(self, numbers):
        return {"runs": numbers["runs"]}

    def judge(self, numbers):
        return [verdict_c8(*c8_numbers(numbers["runs"]))]

    def tables(self, numbers, ctx):
        return [_table(numbers["runs"], ctx.params)]

    def draw(self, numbers, ctx):
        return [_draw_sweep(numbers["runs"], ctx.params, ctx),
                _draw_activity(numbers["activity"], ctx.params, ctx)]


# --- measuring -------------------------------------------------------------------------------


def unit_census(net, x) -> dict:
    """Per hidden layer: dead and inactive masks, the share of samples each unit is active on,
    and the mean and standard deviation of the layer's outputs."""
    census: dict[str, list] = {"dead": [], "inactive": [], "activity": [], "mean": [], "std": []}
    for layer in hidden_layers(net, x):
        act, z = layer.activation, layer.z
        slope = np.abs(act.derivative(z))
        census["dead"].append(np.all(slope <= DEAD_SLOPE * act.max_derivative, axis=0))
        census["inactive"].append(np.all(z <= 0, axis=0))
        census["activity"].append(np.mean(z > 0, axis=0))
        census["mean"].append(float(layer.a.mean()))
        census["std"].append(float(layer.a.std()))
    return census


def dead_unit_gradient(net, x, y, dead: list[np.ndarray]) -> float:
    """The largest |∂C/∂W| or |∂C/∂b| over the weights into dead units, whole training set."""
    net.zero_grad()
    net.forward(x)
    net.backward(y)
    largest = 0.0
    for layer, mask in zip(net.layers[:-1], dead, strict=True):
        if mask.any():
            grads = np.abs(layer.weight.grad[:, mask]).max(), np.abs(layer.bias.grad[mask]).max()
            largest = max(largest, float(max(grads)))
    return largest


def _fraction(masks: list[np.ndarray]) -> float:
    return float(np.mean(np.concatenate(masks)))


def train(act: str, shift: float, lr: float, data, p: dict, seed: int) -> dict:
    """Train one net; dead/inactive fractions before and after, outputs, accuracy."""
    net = mlp(list(SIZES), act, seed=seed)
    for layer in net.layers[:-1]:
        layer.bias.value = np.full(layer.out_features, -shift, net.dtype)
    x, y = data.x_train, data.y_train
    before = unit_census(net, x)
    try:
        net.fit(x, y, epochs=p["epochs"], batch_size=p["batch_size"], optimizer=p["optimizer"],
                lr=lr, progress=False, seed=seed)
        diverged = False
    except TrainingDivergedError:  # the weights are back at the start of the failed epoch
        diverged = True
    after = unit_census(net, x)
    first_dead = before["dead"][0]
    return {
        "dead_init": _fraction(before["dead"]), "dead": _fraction(after["dead"]),
        "dead_per_layer": [float(m.mean()) for m in after["dead"]],
        "inactive": _fraction(after["inactive"]),
        "stayed_dead": float(after["dead"][0][first_dead].mean()) if first_dead.any() else None,
        "dead_gradient": dead_unit_gradient(net, x, y, after["dead"]),
        "mean_output": after["mean"], "std_output": after["std"],
        "train_accuracy": net.evaluate(x, y)["accuracy"],
        "test_accuracy": net.evaluate(data.x_test, data.y_test)["accuracy"],
        "diverged": diverged, "activity": np.concatenate(after["activity"]),
    }


def _mean_over_seeds(results: list[dict]) -> dict:
    """One learning rate's runs: fractions and accuracies averaged, worst cases kept."""
    mean = {k: float(np.mean([r[k] for r in results]))
            for k in ("dead_init", "dead", "inactive", "train_accuracy", "test_accuracy")}
    stayed = [r["stayed_dead"] for r in results if r["stayed_dead"] is not None]
    return {**mean, "dead_per_layer": np.mean([r["dead_per_layer"] for r in results], 0).tolist(),
            "stayed_dead": min(stayed) if stayed else None,
            "dead_gradient": max(r["dead_gradient"] for r in results),
            "mean_output": [m for r in results for m in r["mean_output"]],
            "std_output": [s for r in results for s in r["std_output"]],
            "diverged": sum(r["diverged"] for r in results)}


def c8_numbers(runs: dict) -> tuple:
    """The numbers ``verdict_c8`` reads, taken from ``runs``."""
    relu, shifted = runs["relu/0"], runs[f"relu/{SHIFTS[-1]:g}"]
    pairs = [(m, s) for r in (*relu, *shifted)
             for m, s in zip(r["mean_output"], r["std_output"], strict=True) if s > 0]
    remedies = {a: [(runs[f"relu/{s:g}"][i]["dead"], runs[f"{a}/{s:g}"][i]["dead"])
                    for s in SHIFTS for i in range(len(relu))] for a in ACTIVATIONS[1:]}
    return ([r["dead_init"] for r in relu], [r["dead"] for r in relu],
            max(r["dead_gradient"] for r in (*relu, *shifted)),
            min((r["stayed_dead"] for r in shifted if r["stayed_dead"] is not None), default=None),
            pairs, remedies)


# --- the verdict (numbers in, Verdict out) ---------------------------------------------------


def verdict_c8(dead_init: list[float], dead_trained: list[float], dead_gradient: float,
               stayed_dead: float, mean_std: list[tuple[float, float]],
               remedies: dict[str, list[tuple[float, float]]], growth: float = GROWTH) -> Verdict:
    """C8, four parts: ReLU units die as training goes on, more at larger learning rates; dead
    units get zero gradient and stay dead; ReLU outputs are offset; the remedies die less.

    Args:
        dead_init, dead_trained: ReLU dead fractions per learning rate (ascending), biases 0.
        dead_gradient: the largest |gradient| into a dead ReLU unit in any trained net.
        stayed_dead: the smallest share of first-layer units dead at initialisation (bias shift)
            still dead after training.
        mean_std: (mean, std) of the outputs of every ReLU hidden layer with a live unit.
        remedies: per remedy, (ReLU dead, remedy dead) at every setting.
    """
    last = dead_trained[-1]
    dies = last >= dead_trained[0] + growth and last >= dead_init[-1] + growth
    frozen = dead_gradient == 0 and stayed_dead == 1
    offset = all(m > 0 for m, _ in mean_std)
    remedied = all(r < d for pairs in remedies.values() for d, r in pairs if d > 0)
    evidence = {
        "relu_dead_init": dead_init, "relu_dead_trained": dead_trained,
        "dead_unit_largest_gradient": dead_gradient, "first_layer_stayed_dead": stayed_dead,
        "smallest_mean_output": min(m for m, _ in mean_std),
        "smallest_mean_to_std": min(m / s for m, s in mean_std),
        "remedy_worst_vs_relu": {a: max(pairs, key=lambda dr: dr[1] - dr[0])
                                 for a, pairs in remedies.items()},
        "parts": {"dies": dies, "frozen": frozen, "offset": offset, "remedied": remedied}}
    return Verdict("C8", bool(dies and frozen and offset and remedied),
                   say(TEXT, "c8", growth=growth), evidence)


# --- figures, table, text --------------------------------------------------------------------

_DASH = {SHIFTS[0]: "-", SHIFTS[1]: "--"}


def _start(shift: float) -> str:
    """The initial bias −shift as text, without a "−0"."""
    return f"−{shift:g}" if shift else "0"


def _draw_sweep(runs: dict, p: dict, ctx: Context) -> Figure:
    fig, (dead_ax, acc_ax) = plots.subplots(1, 2, size=(4.8, 3.8))
    lrs = p["learning_rates"]
    for key, rows in runs.items():
        act, shift = key.split("/")
        style = {"color": plots.activation_color(act), "linestyle": _DASH[float(shift)],
                 "marker": "o", "label": f"{act}, biases start at {_start(float(shift))}"}
        dead_ax.plot(lrs, [100 * r["dead"] for r in rows], **style)
        acc_ax.plot(lrs, [r["train_accuracy"] for r in rows], **style)
    dead_ax.set(xscale="log", title="Dead hidden units after training", xlabel="Adam learning rate",
                ylabel="dead units (% of all hidden units)", ylim=(-3, 103))
    acc_ax.set(xscale="log", title="Training accuracy after training", xlabel="Adam learning rate",
               ylabel="training accuracy (fraction correct)", ylim=(0, 1.02))
    dead_ax.legend(fontsize=7, loc="upper left")
    path = plots.save(fig, ctx.figure_path("dead-relu-sweep"))
    return Figure(path, say(TEXT, "sweep_caption"))


def _draw_activity(activity: dict, p: dict, ctx: Context) -> Figure:
    fig, ax = plots.subplots(size=(6.0, 3.8))
    lrs, bins = p["learning_rates"], np.linspace(0, 1, 21)
    for i, style in ((0, ":"), (len(lrs) - 1, "-")):
        share = activity["relu/0"][i]
        ax.hist(share, bins=bins, histtype="step", linewidth=1.8, linestyle=style,
                color=plots.activation_color("relu"),
                label=f"ReLU, learning rate {lrs[i]:g}: {np.sum(share == 0)} dead units")
    ax.set(title="How often each ReLU unit is active after training (first seed)",
           xlabel="share of training samples with z > 0", ylabel="number of hidden units")
    ax.legend(fontsize=8, loc="upper center")
    path = plots.save(fig, ctx.figure_path("dead-relu-activity"))
    return Figure(path, say(TEXT, "activity_caption"))


def _table(runs: dict, p: dict) -> Table:
    rows = [[key.split("/")[0], _start(float(key.split("/")[1])), lr, r["dead_init"], r["dead"],
             r["inactive"], r["stayed_dead"], r["train_accuracy"], r["test_accuracy"],
             r["diverged"]]
            for key, rs in runs.items() for lr, r in zip(p["learning_rates"], rs, strict=True)]
    return Table(say(TEXT, "table"), labels(TEXT, "columns"), rows)


TEXT = {
    "en": {
        "title": "Dead ReLU units as the learning rate grows",
        "setup": (
            "The 8×8 {data} (1,437 training images), a {sizes:–} network with He-normal "
            "weights, softmax outputs and cross-entropy, trained with {optimizer} in batches of "
            "{batch_size} for {epochs} epochs at each learning rate ({learning_rates:, }), with "
            "ReLU, Leaky ReLU (slope 0.01) and ELU (α = 1) hidden units; hidden biases start at "
            "{initial_hidden_biases[0]:g} or at {initial_hidden_biases[1]:g}. Before and after "
            "training we pass the whole training set through the net and count, per hidden unit: "
            "dead (|f′(z)| ≤ {dead_slope:g}·max|f′| on every sample: gradient ~0 whatever the "
            "sample; for ReLU exactly z ≤ 0 everywhere) and inactive (z ≤ 0 on every sample). "
            "For the trained nets we also backpropagate the whole training set and read the "
            "gradient of the weights into dead units, and the mean and spread of each layer's "
            "outputs."),
        "c8": (
            "four parts must hold. (1) Dead units appear as training goes on: with biases "
            "starting at 0, the ReLU dead fraction after training at the largest learning rate "
            "is ≥ {growth:g} above both its value at the smallest learning rate and its value at "
            "initialisation. (2) Their weights stop updating: over the whole training set, every "
            "weight and bias into a dead ReLU unit has gradient exactly 0, and every first-layer "
            "unit dead at initialisation (negative bias shift) is still dead after training. "
            "(3) The offset: every ReLU hidden layer with a live unit has a mean output > 0 over "
            "the training set (ReLU outputs are never negative, so this is the structural "
            "property checked on the trained nets; its size, relative to the outputs' spread, is "
            "given as evidence). (4) Leaky ReLU and ELU, at every setting where ReLU has dead "
            "units, have fewer. (The seed's remark that offset and dead units hurt convergence "
            "is shown by the accuracies in the table, not judged.)"),
        "sweep_caption": (
            "Left: the share of hidden units that are dead (gradient ~0 on every training "
            "sample) after training, against the learning rate. Right: the training accuracy "
            "reached. Dashed: hidden biases start at a negative value."),
        "activity_caption": (
            "Each hidden ReLU unit of the trained network, by the share of training samples on "
            "which it is active. The first bar holds the dead units (active on no sample, "
            "counted in the legend) and the units active on fewer than 5% of the samples."),
        "table": "Dead units and accuracy (mean over seeds)",
        "columns": ["activation", "initial bias", "learning rate", "dead at init",
                    "dead after training", "inactive after training (z ≤ 0 always)",
                    "first-layer units dead at init still dead", "training accuracy",
                    "test accuracy", "seeds diverged"],
    },
    "zh": {
        "title": "ReLU 神经元死亡与学习率",
        "setup": (
            "8×8 {data} 数据集(1,437 张训练图像),{sizes:–} 网络,He 正态分布初始化权重,softmax "
            "输出与交叉熵,用 {optimizer}(批大小 {batch_size},{epochs} 轮)在各个学习率"
            "({learning_rates:、})下训练,隐藏层激活函数分别为 ReLU、Leaky ReLU(负斜率 0.01)与 "
            "ELU(α = 1);隐藏层偏置从 {initial_hidden_biases[0]:g} 或 "
            "{initial_hidden_biases[1]:g} 开始。训练前后把整个训练集送入网络,对每个隐藏神经元"
            "统计:死亡(对每个样本都有 |f′(z)| ≤ {dead_slope:g}·max|f′|:无论哪个样本梯度都约为 0;"
            "对 ReLU 即处处 z ≤ 0)以及不激活(对每个样本都有 z ≤ 0)。对训练后的网络,我们还在整个"
            "训练集上做反向传播,读取连到死亡神经元的权重的梯度,以及每层输出的均值与标准差。"),
        "c8": (
            "需同时满足四点。(1) 训练中出现死亡神经元:偏置从 0 开始时,最大学习率训练后 ReLU 的"
            "死亡比例比最小学习率时以及初始化时都至少高 {growth:g}。(2) 其权重无法更新:在整个训练集"
            "上,连到死亡 ReLU 神经元的每个权重和偏置的梯度都恰好为 0,并且初始化时(负偏置偏移)就"
            "死亡的第一层神经元训练后仍然是死的。(3) 偏移现象:每个含有存活神经元的 ReLU 隐藏层在"
            "训练集上的平均输出 > 0(ReLU 的输出从不为负,这是在训练后的网络上检验这一结构性质;其"
            "大小相对于输出标准差的比值作为证据给出)。(4) 在 ReLU 出现死亡神经元的每个设置下,Leaky "
            "ReLU 和 ELU 的死亡比例都更低。(原文中“偏移现象和神经元死亡共同影响收敛性”一句由表中的"
            "准确率展示,不参与判断。)"),
        "sweep_caption": (
            "左:训练后死亡(在每个训练样本上梯度都约为 0)的隐藏神经元比例随学习率的变化。右:达到的"
            "训练准确率。虚线:隐藏层偏置从负值开始。"),
        "activity_caption": (
            "训练后网络中的每个 ReLU 隐藏神经元,按其被激活的训练样本比例分组。第一根柱子包括死亡"
            "神经元(对任何样本都不激活,数目见图例)以及在不到 5% 的样本上激活的神经元。"),
        "table": "死亡神经元与准确率(对随机种子取平均)",
        "columns": ["激活函数", "初始偏置", "学习率", "初始化时死亡比例", "训练后死亡比例",
                    "训练后不激活比例(z 始终 ≤ 0)", "初始化时死亡的第一层神经元仍死亡的比例",
                    "训练准确率", "测试准确率", "发散的种子数"],
    },
}
