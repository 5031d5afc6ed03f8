"""Experiment ``dead_relu`` (claim C8): dead ReLU units, and ReLU's positive mean output.

Two words for units that stopped learning, as :func:`neuralab.diagnostics.layer_stats` defines
them, counted over the whole training set:

- *dead*: the unit's output is exactly 0 for every sample. For ReLU that is z = x·w + b ≤ 0
  everywhere; then relu′(z) = 0 too, backpropagation sends it δ = ∂C/∂z = 0 and its weights and
  bias get exactly zero gradient — they stop updating (the seed's 神经元死亡).
- *frozen*: its slope |f′(z)| is below 1% of f′'s maximum for every sample, so (almost) no
  gradient passes, whatever the output. A dead ReLU is frozen; Leaky ReLU (f′ = 0.01 on the
  left, 1% of its maximum) never is; ELU (f′ = eᶻ on the left) is where z < ln 0.01 ≈ −4.6 for
  every sample. Neither of them outputs exactly 0, so neither can be dead.

We train the same network on the digits with ReLU, Leaky ReLU and ELU at growing Adam learning
rates, with hidden biases starting at 0 and at a negative value, and count dead, frozen and
inactive units (z ≤ 0 for every sample: for Leaky ReLU and ELU these still learn and can come
back) before and after training. Figures and table: :mod:`.dead_relu_figures`.
"""

from __future__ import annotations

import numpy as np

from neuralab.network import mlp
from neuralab.training import TrainingDivergedError

from . import dead_relu_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .measures import hidden_layers
from .text import say

ACTIVATIONS = ("relu", "leaky_relu", "elu")
SHIFTS = (0.0, 0.5)
"""Hidden biases start at −shift: 0 (the usual) and a negative shift that starts some units dead."""
FROZEN_SLOPE = 0.01
"""A unit is frozen when |f′(z)| < 1% of max |f′| on every training sample (as diagnostics)."""
GROWTH = 0.1
"""C8: the ReLU dead fraction must grow by at least 10 percentage points."""
SIZES = (64, 100, 100, 10)
DERIVATION = "activations.md#dead-relu-units-c8"


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
              "frozen_slope": FROZEN_SLOPE}
    settable = ("learning_rates", "epochs", "seeds", "batch_size")

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
        return {"runs": runs, "activity": activity,
                "learning_rates": ctx.params["learning_rates"]}

    def record(self, numbers):
        return {"runs": numbers["runs"]}

    def judge(self, numbers):
        return [verdict_c8(*c8_numbers(numbers["runs"]), learning_rates=numbers["learning_rates"])]

    def tables(self, numbers, ctx):
        return [figures.table(numbers["runs"], ctx.params, TEXT)]

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


# --- measuring -------------------------------------------------------------------------------


def unit_census(net, x) -> dict:
    """Per hidden layer: dead, frozen and inactive masks, the share of samples each unit is
    active on, and the mean and standard deviation of the layer's outputs."""
    census: dict[str, list] = {"dead": [], "frozen": [], "inactive": [], "activity": [],
                               "mean": [], "std": []}
    for layer in hidden_layers(net, x):
        act, z, a = layer.activation, layer.z, layer.a
        slope = np.abs(act.derivative(z))
        census["dead"].append(np.all(a == 0, axis=0))
        census["frozen"].append(np.all(slope < FROZEN_SLOPE * act.max_derivative, axis=0))
        census["inactive"].append(np.all(z <= 0, axis=0))
        census["activity"].append(np.mean(z > 0, axis=0))
        census["mean"].append(float(a.mean()))
        census["std"].append(float(a.std()))
    return census


def dead_unit_gradient(net, x, y, dead: list[np.ndarray]) -> float:
    """The largest |∂C/∂W| or |∂C/∂b| over the weights into the given units (whole set)."""
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
    """Train one net; dead/frozen/inactive fractions before and after, outputs, accuracy."""
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
        "frozen_init": _fraction(before["frozen"]), "frozen": _fraction(after["frozen"]),
        "dead_per_layer": [float(m.mean()) for m in after["dead"]],
        "inactive": _fraction(after["inactive"]),
        "stayed_dead": float(after["dead"][0][first_dead].mean()) if first_dead.any() else None,
        "dead_gradient": dead_unit_gradient(net, x, y, after["dead"]),
        "mean_output": after["mean"], "std_output": after["std"],
        "train_accuracy": net.evaluate(x, y)["accuracy"],
        "test_accuracy": net.evaluate(data.x_test, data.y_test)["accuracy"],
        "diverged": diverged, "activity": np.concatenate(after["activity"]),
    }


_AVERAGED = ("dead_init", "dead", "frozen_init", "frozen", "inactive", "train_accuracy",
             "test_accuracy")


def _mean_over_seeds(results: list[dict]) -> dict:
    """One learning rate's runs: fractions and accuracies averaged, worst cases kept."""
    mean = {k: float(np.mean([r[k] for r in results])) for k in _AVERAGED}
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
    remedies = {a: [(runs[f"relu/{s:g}"][i]["dead"], runs[f"{a}/{s:g}"][i]["frozen"])
                    for s in SHIFTS for i in range(len(relu))] for a in ACTIVATIONS[1:]}
    return ([r["dead_init"] for r in relu], [r["dead"] for r in relu],
            max(r["dead_gradient"] for r in (*relu, *shifted)),
            min((r["stayed_dead"] for r in shifted if r["stayed_dead"] is not None), default=None),
            pairs, remedies)


# --- the verdict (numbers in, Verdict out) ---------------------------------------------------


def verdict_c8(dead_init: list[float], dead_trained: list[float], dead_gradient: float,
               stayed_dead: float | None, mean_std: list[tuple[float, float]],
               remedies: dict[str, list[tuple[float, float]]], growth: float = GROWTH,
               learning_rates: list[float] | None = None) -> Verdict:
    """C8, four parts: ReLU units die as training goes on, more at larger learning rates; dead
    units get zero gradient and stay dead; ReLU outputs are offset; the remedies freeze less.

    Args:
        dead_init, dead_trained: ReLU dead fractions per learning rate (ascending), biases 0.
        dead_gradient: the largest |gradient| into a dead ReLU unit in any trained net.
        stayed_dead: the smallest share of first-layer units dead at initialisation (bias shift)
            still dead after training.
        mean_std: (mean, std) of the outputs of every ReLU hidden layer with a live unit.
        remedies: per remedy, (ReLU dead, remedy frozen) at every setting.
        learning_rates: the learning rates of ``dead_trained``, for the finding.
    """
    last = dead_trained[-1]
    dies = last >= dead_trained[0] + growth and last >= dead_init[-1] + growth
    frozen = dead_gradient == 0 and stayed_dead == 1
    offset = all(m > 0 for m, _ in mean_std)
    remedied = all(r < d for pairs in remedies.values() for d, r in pairs if d > 0)
    worst = {a: max(pairs, key=lambda dr: dr[1] - dr[0]) for a, pairs in remedies.items()}
    lrs = learning_rates or [0.0] * len(dead_trained)
    finding = say(TEXT, "c8_found", low=dead_trained[0], high=last, lr_low=lrs[0],
                  lr_high=lrs[-1], gradient=dead_gradient,
                  leaky=max(r for _, r in remedies["leaky_relu"]),
                  elu=max(r for _, r in remedies["elu"]))
    evidence = {
        "relu_dead_init": dead_init, "relu_dead_trained": dead_trained,
        "dead_unit_largest_gradient": dead_gradient, "first_layer_stayed_dead": stayed_dead,
        "smallest_mean_output": min(m for m, _ in mean_std),
        "smallest_mean_to_std": min(m / s for m, s in mean_std),
        "remedy_frozen_worst_vs_relu_dead": worst,
        "parts": {"dies": dies, "frozen": frozen, "offset": offset, "remedied": remedied}}
    return Verdict("C8", bool(dies and frozen and offset and remedied),
                   say(TEXT, "c8", growth=growth), evidence, finding=finding,
                   derivation=DERIVATION)


TEXT = {
    "en": {
        "title": "Dead ReLU units as the learning rate grows",
        "setup": (
            "The 8×8 {data} (1,437 training images), a {sizes:–} network with He-normal "
            "weights, softmax outputs and cross-entropy, trained with {optimizer} in batches of "
            "{batch_size} for {epochs} epochs at each learning rate ({learning_rates:, }), with "
            "ReLU, Leaky ReLU (slope 0.01) and ELU (α = 1) hidden units; hidden biases start at "
            "{initial_hidden_biases[0]:g} or at {initial_hidden_biases[1]:g}. Before and after "
            "training we pass the whole training set through the net and count, per hidden "
            "unit: dead (its output is exactly 0 on every sample), frozen (|f′(z)| below "
            "{frozen_slope:.0%} of its maximum on every sample: no gradient passes, whatever the "
            "output; a dead ReLU is frozen) and inactive (z ≤ 0 on every sample). For the "
            "trained nets we also backpropagate the whole training set and read the gradient of "
            "the weights into dead units, and the mean and spread of each layer's outputs."),
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
            "units, have fewer frozen units (they cannot be dead: their output is not exactly 0). "
            "(The seed's remark that offset and dead units hurt convergence is shown by the "
            "accuracies in the table, not judged.)"),
        "c8_found": (
            "after training, {low:.0%} of the ReLU units are dead at learning rate {lr_low:g} "
            "and {high:.0%} at {lr_high:g}; their largest gradient is {gradient:g}, and units "
            "dead at the start stay dead; Leaky ReLU freezes at most {leaky:.0%} of its units, "
            "ELU {elu:.0%}"),
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "ReLU 神经元死亡与学习率",
        "setup": (
            "8×8 {data} 数据集(1,437 张训练图像),{sizes:–} 网络,He 正态分布初始化权重,softmax "
            "输出与交叉熵,用 {optimizer}(批大小 {batch_size},{epochs} 轮)在各个学习率"
            "({learning_rates:、})下训练,隐藏层激活函数分别为 ReLU、Leaky ReLU(负斜率 0.01)与 "
            "ELU(α = 1);隐藏层偏置从 {initial_hidden_biases[0]:g} 或 "
            "{initial_hidden_biases[1]:g} 开始。训练前后把整个训练集送入网络,对每个隐藏神经元"
            "统计:死亡(对每个样本输出都恰好为 0)、冻结(对每个样本 |f′(z)| 都低于其最大值的 "
            "{frozen_slope:.0%}:无论输出是什么都几乎没有梯度通过;死亡的 ReLU 也是冻结的)以及不激活"
            "(对每个样本都有 z ≤ 0)。对训练后的网络,我们还在整个训练集上做反向传播,读取连到死亡"
            "神经元的权重的梯度,以及每层输出的均值与标准差。"),
        "c8": (
            "需同时满足四点。(1) 训练中出现死亡神经元:偏置从 0 开始时,最大学习率训练后 ReLU 的"
            "死亡比例比最小学习率时以及初始化时都至少高 {growth:g}。(2) 其权重无法更新:在整个训练集"
            "上,连到死亡 ReLU 神经元的每个权重和偏置的梯度都恰好为 0,并且初始化时(负偏置偏移)就"
            "死亡的第一层神经元训练后仍然是死的。(3) 偏移现象:每个含有存活神经元的 ReLU 隐藏层在"
            "训练集上的平均输出 > 0(ReLU 的输出从不为负,这是在训练后的网络上检验这一结构性质;其"
            "大小相对于输出标准差的比值作为证据给出)。(4) 在 ReLU 出现死亡神经元的每个设置下,Leaky "
            "ReLU 和 ELU 的冻结比例都更低(它们不会死亡:输出不会恰好为 0)。(笔记中“偏移现象和神经元"
            "死亡会共同影响网络的收敛性”一句由表中的准确率展示,不参与判断。)"),
        "c8_found": (
            "训练后,学习率 {lr_low:g} 时 {low:.0%} 的 ReLU 神经元死亡,{lr_high:g} 时 {high:.0%};"
            "它们的最大梯度为 {gradient:g},一开始就死亡的神经元一直是死的;Leaky ReLU 最多冻结 "
            "{leaky:.0%} 的神经元,ELU 最多 {elu:.0%}"),
        **figures.TEXT_ZH,
    },
}
