"""Experiment ``saturation_dynamics`` (claims C3, C6): Glorot & Bengio (2010), figures 2 and 3.

"Understanding the difficulty of training deep feedforward neural networks" follows each hidden
layer's activations while a deep network trains with the then-standard initialisation
W ~ U[−1/√n, 1/√n] (n inputs), biases 0. Figure 2 (sigmoid): the top hidden layer is quickly
pushed to 0 — saturated on the left, σ′ ≈ 0 — and only slowly leaves it, while learning stalls.
Figure 3 (tanh): the 98th percentile of each layer's activations climbs to 1, layer after layer.

We remake both on MNIST (quick mode: the 8×8 digits) with 4 hidden layers, softmax outputs and
mini-batch SGD (batches of 10, as the paper), and follow, on a fixed probe of test images, each
hidden layer's mean, standard deviation and 98th percentile, the share of (unit, sample) pairs
saturated on each side (|f′| below 1% of its maximum, a on the left or the right of the
centre), and the probe's accuracy. What the seed says — sigmoid saturates softly on both sides
(C3), tanh saturates too (C6) — is judged from those numbers. Figures: :mod:`.saturation_figures`.
"""

from __future__ import annotations

import numpy as np

from neuralab.layers import Dense
from neuralab.network import Network
from neuralab.training import Callback

from . import saturation_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .text import join, say

SATURATED = 0.01
"""A (unit, sample) pair is saturated when |f′(z)| < 1% of f′'s maximum (as diagnostics)."""
PINNED = 0.25
"""C3: the top layer is pinned when at least a quarter of its pairs are saturated on the left."""
LEFT = 0.5
"""C3: it has left the saturation when that share has fallen to half its peak or less."""
TANH_SHARE = 0.02
"""C6: a tanh layer saturates when ≥ 2% of its pairs do (its 98th percentile of |a| ≥ 0.995)."""
ARMS = ("sigmoid", "tanh")
DERIVATION = "activations.md#soft-and-hard-saturation-c3-c7"


class SaturationDynamics(Experiment):
    """One sigmoid and one tanh network, followed layer by layer while they train."""

    id = "saturation_dynamics"
    claims = ("C3", "C6")
    params = {
        "data": PerMode(quick="digits", full="mnist-5k"), "hidden_layers": 4,
        "hidden_units": 100, "init": "U[−1/√n, 1/√n]", "biases": 0, "output": "softmax",
        "loss": "cross_entropy", "optimizer": "sgd", "batch_size": 10,
        "lr": {"sigmoid": 2.0, "tanh": PerMode(quick=0.2, full=0.1)},
        "epochs": PerMode(quick=15, full=20),
        "probe": 300, "every": PerMode(quick=50, full=100),
    }
    settable = ("data", "hidden_units", "lr.sigmoid", "lr.tanh", "epochs", "probe", "every")
    choices = {"data": ("digits", "mnist-5k", "mnist")}

    def units(self, p):
        return list(ARMS)

    def measure(self, arm, ctx):
        return follow(arm, ctx.dataset(ctx.params["data"]), ctx.params, ctx.seed)

    def summarise(self, measured, ctx):
        return {arm: {**measured[arm], **summary(arm, measured[arm])} for arm in ARMS}

    def judge(self, numbers):
        return [verdict_c3(numbers["sigmoid"]), verdict_c6(numbers["tanh"])]

    def tables(self, numbers, ctx):
        return figures.tables(numbers, TEXT)

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


# --- measuring -------------------------------------------------------------------------------


def build(arm: str, n_inputs: int, p: dict, seed: int) -> Network:
    """Glorot & Bengio's "standard" network: W ~ U[−1/√n, 1/√n], b = 0, softmax outputs."""
    rng = np.random.default_rng(seed)
    sizes = [n_inputs, *[p["hidden_units"]] * p["hidden_layers"], 10]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layer = Dense(n_in, n_out, arm if i < p["hidden_layers"] else "softmax", seed=rng)
        bound = 1 / np.sqrt(n_in)
        layer.weight.value = rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32)
        layer.bias.value[...] = 0
        layers.append(layer)
    return Network(layers, loss="cross_entropy")


class Follow(Callback):
    """Every ``every`` updates: per hidden layer, statistics of its activations on the probe."""

    def __init__(self, x, y, every: int):
        self.x, self.y, self.every, self.updates = x, y, every, 0
        self.rows: list[dict] = []

    def on_train_begin(self, logs=None):
        self.record()

    def on_batch_end(self, batch, logs=None):
        self.updates += 1
        if self.updates % self.every == 0:
            self.record()

    def record(self):
        net = self.network
        output = net.forward(self.x)
        self.rows.append({"update": self.updates,
                          "accuracy": float(np.mean(np.argmax(output, axis=1) == self.y)),
                          "layers": [layer_numbers(layer) for layer in net.layers[:-1]]})


def layer_numbers(layer) -> dict:
    """Mean, spread, 98th percentile and the left/right saturated shares of a layer's a."""
    a, act = layer.a, layer.activation
    saturated = np.abs(act.derivative(layer.z)) < SATURATED * act.max_derivative
    centre = 0.5 if act.name == "sigmoid" else 0.0
    return {"mean": float(a.mean()), "std": float(a.std()), "p98": float(np.percentile(a, 98)),
            "left": float(np.mean(saturated & (a < centre))),
            "right": float(np.mean(saturated & (a > centre)))}


def follow(arm: str, data, p: dict, seed: int) -> dict:
    """Train the ``arm`` network and follow its hidden layers on a probe of test images."""
    net = build(arm, data.x_train.shape[1], p, seed)
    probe = Follow(data.x_test[:p["probe"]], data.y_test[:p["probe"]], p["every"])
    net.fit(data.x_train, data.y_train, epochs=p["epochs"], batch_size=p["batch_size"],
            optimizer=p["optimizer"], lr=p["lr"][arm], callbacks=[probe], progress=False,
            seed=seed)
    return {"updates": [r["update"] for r in probe.rows],
            "accuracy": [r["accuracy"] for r in probe.rows],
            **{key: np.array([[layer[key] for layer in r["layers"]] for r in probe.rows])
               for key in ("mean", "std", "p98", "left", "right")}}


def first_update(values: np.ndarray, updates: list[int], level: float) -> int | None:
    """The first recorded update at which ``values`` reaches ``level`` (None: never)."""
    hits = np.flatnonzero(values >= level)
    return int(updates[hits[0]]) if hits.size else None


def summary(arm: str, run: dict) -> dict:
    """The numbers the verdicts read from one followed run."""
    top, updates = run["left"][:, -1], run["updates"]
    peak = int(np.argmax(top))
    saturated = run["left"] + run["right"]
    order = [first_update(saturated[:, i], updates, TANH_SHARE) for i in range(saturated.shape[1])]
    return {"top_left_peak": float(top[peak]), "top_left_peak_update": int(updates[peak]),
            "top_left_end": float(top[-1]), "left_again": bool(top[-1] <= LEFT * top[peak]),
            "right_max": float(run["right"].max()),
            "saturated_max": float(saturated.max()), "first_saturated": order,
            "final_accuracy": float(run["accuracy"][-1])}


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c3(sigmoid: dict, pinned: float = PINNED, left: float = LEFT) -> Verdict:
    """C3, inside a training network: sigmoid saturates (its top layer pinned on the left, σ′ ≈ 0
    for at least ``pinned`` of its pairs), on both sides (some pairs saturate on the right), and
    softly — the layer leaves the saturation again (its share falls to ``left`` × its peak).
    Saturated but never left within the budget, or on one side only: reproduced, but …"""
    peak, end, right = sigmoid["top_left_peak"], sigmoid["top_left_end"], sigmoid["right_max"]
    saturates, leaves, both = peak >= pinned, end <= left * peak, right > 0
    values = {"peak": peak, "update": sigmoid["top_left_peak_update"], "end": end,
              "right": right, "accuracy": sigmoid["final_accuracy"]}
    finding = join(say(TEXT, "c3_found", "came_back" if leaves else "stayed", **values),
                   say(TEXT, "c3_found", "both" if both else "left_only", **values))
    return Verdict("C3", bool(saturates), say(TEXT, "c3", pinned=pinned, left=left),
                   {"top_layer_left_saturated_peak": peak,
                    "top_layer_left_saturated_at_end": end,
                    "largest_right_saturated_share": right, "left_again": leaves,
                    "both_sides": both},
                   finding=finding, qualified=bool(saturates and not (leaves and both)),
                   derivation=DERIVATION)


def verdict_c6(tanh: dict, share: float = TANH_SHARE) -> Verdict:
    """C6 (its saturation part), inside a training network: at least ``share`` of some tanh
    layer's pairs saturate (tanh′ below 1% of its maximum). The order in which the layers get
    there is reported beside Glorot & Bengio's (first layer first)."""
    order = tanh["first_saturated"]
    reached = [i + 1 for i, u in sorted(enumerate(order), key=lambda iu: (iu[1] is None, iu[1]))
               if u is not None]
    ok = tanh["saturated_max"] >= share
    if len(reached) < len(order):
        kind = "some" if reached else "none"
    else:
        kind = "in_order" if reached == sorted(reached) else "other_order"
    finding = say(TEXT, "c6_found", kind, share=tanh["saturated_max"], order=reached or ["—"],
                  threshold=share)
    return Verdict("C6", bool(ok), say(TEXT, "c6", share=share),
                   {"largest_saturated_share": tanh["saturated_max"],
                    "first_update_saturated_per_layer": order, "order": reached},
                   finding=finding, derivation=DERIVATION)


TEXT = {
    "en": {
        "title": "Saturation while training: Glorot & Bengio (2010), figures 2 and 3",
        "setup": (
            "Glorot & Bengio's set-up, scaled to this lab: {hidden_layers} hidden layers of "
            "{hidden_units} units (theirs: 1,000), weights U[−1/√n, 1/√n] for n inputs (their "
            "“standard” initialisation), biases 0, softmax outputs and cross-entropy, trained by "
            "SGD in batches of {batch_size} for {full[epochs]} epochs on {full[data]} (quick "
            "mode: {quick[epochs]} epochs on the 8×8 {quick[data]}); learning rate "
            "{lr[sigmoid]:g} for sigmoid (with a smaller one the top layer stays saturated for "
            "the whole budget) and {lr[tanh]:g} for tanh. Every {full[every]} updates (quick: "
            "{quick[every]}) the first {probe} test images go through the network and each "
            "hidden layer reports the mean, standard deviation and 98th percentile of its "
            "activations, and the share of its (unit, sample) pairs saturated on the left or "
            "on the right (|f′| below 1% of its maximum)."),
        "c3": (
            "sigmoid saturates inside a training network: at some point at least {pinned:.0%} of "
            "the top hidden layer's pairs are saturated on the left (outputs near 0). It is "
            "reproduced in full when the saturation is soft and two-sided, as the seed says: "
            "the layer leaves it again (that share falls to {left:g}× its peak or less) and some "
            "pairs saturate on the right (outputs near 1); otherwise reproduced, but …"),
        "c3_found": {
            "came_back": ("the top hidden layer is pinned at 0 — {peak:.0%} of its pairs "
                          "saturated on the left at update {update} — and leaves it again "
                          "({end:.0%} at the end) as the probe accuracy climbs to {accuracy:.0%}"),
            "stayed": ("the top hidden layer is pinned at 0 — {peak:.0%} of its pairs saturated "
                       "on the left at update {update} — and is still there at the end "
                       "({end:.0%}, probe accuracy {accuracy:.0%}): within this budget it does "
                       "not leave"),
            "both": "up to {right:.0%} of a layer's pairs saturate on the right",
            "left_only": "no layer saturates on the right within this budget"},
        "c6": (
            "tanh saturates too, inside a training network: at some point at least {share:.0%} "
            "of some hidden layer's pairs are saturated (|a| > 0.995, tanh′ below 1% of its "
            "maximum), i.e. its 98th percentile of |a| reaches 0.995"),
        "c6_found": {
            "in_order": ("up to {share:.0%} of a layer's pairs saturate; the layers get there "
                         "in the order {order:, }, first layer first, as in the paper's "
                         "figure 3"),
            "other_order": ("up to {share:.0%} of a layer's pairs saturate; the layers get "
                            "there in the order {order:, }, not first layer first as in the "
                            "paper's figure 3"),
            "some": ("up to {share:.0%} of a layer's pairs saturate; within this budget only "
                     "layers {order:, } reach {threshold:.0%}"),
            "none": ("at most {share:.1%} of a layer's pairs saturate: no layer reaches "
                     "{threshold:.0%} within this budget")},
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "训练中的饱和:Glorot 与 Bengio(2010)的图 2 与图 3",
        "setup": (
            "按本实验室的规模缩小的 Glorot 与 Bengio 设置:{hidden_layers} 个隐藏层,每层 "
            "{hidden_units} 个神经元(原文 1,000 个),权重 U[−1/√n, 1/√n](n 为输入数,即他们所说的"
            "“标准”初始化),偏置为 0,softmax 输出与交叉熵,用随机梯度下降(批大小 {batch_size})在 "
            "{full[data]} 上训练 {full[epochs]} 轮(快速模式:在 8×8 {quick[data]} 上训练 "
            "{quick[epochs]} 轮);sigmoid 的学习率为 {lr[sigmoid]:g}(学习率更小时,最上面的隐藏层"
            "在整个预算内都一直饱和),tanh 为 {lr[tanh]:g}。每 {full[every]} 次更新(快速模式:"
            "{quick[every]} 次)把前 {probe} 张测试图像送入网络,每个隐藏层报告其激活值的均值、标准差"
            "与第 98 百分位数,以及在左侧或右侧饱和(|f′| 低于其最大值的 1%)的(神经元, 样本)对所占"
            "比例。"),
        "c3": (
            "sigmoid 在训练中的网络里会饱和:某一时刻最上面的隐藏层至少 {pinned:.0%} 的(神经元, "
            "样本)对在左侧饱和(输出接近 0)。如果饱和如笔记所说是软的、两侧的——该层之后又离开"
            "饱和区(这一比例降到峰值的 {left:g} 倍或更低),并且有的(神经元, 样本)对在右侧饱和"
            "(输出接近 1)——则完全复现;否则为“已复现,但……”"),
        "c3_found": {
            "came_back": ("最上面的隐藏层被压在 0 附近——第 {update} 次更新时 {peak:.0%} 的(神经元, "
                          "样本)对在左侧饱和——随后又离开(最后 {end:.0%}),同时探测集准确率升到 "
                          "{accuracy:.0%}"),
            "stayed": ("最上面的隐藏层被压在 0 附近——第 {update} 次更新时 {peak:.0%} 的(神经元, "
                       "样本)对在左侧饱和——到最后仍是如此({end:.0%},探测集准确率 "
                       "{accuracy:.0%}):在这个预算内它没有离开饱和区"),
            "both": "某一层最多有 {right:.0%} 的(神经元, 样本)对在右侧饱和",
            "left_only": "在这个预算内没有一层在右侧饱和"},
        "c6": (
            "tanh 在训练中的网络里同样会饱和:某一时刻某个隐藏层至少 {share:.0%} 的(神经元, 样本)对"
            "饱和(|a| > 0.995,tanh′ 低于其最大值的 1%),即 |a| 的第 98 百分位数达到 0.995"),
        "c6_found": {
            "in_order": ("某一层最多有 {share:.0%} 的(神经元, 样本)对饱和;各层达到饱和的顺序为 "
                         "{order:、},第一层最先,与论文的图 3 一致"),
            "other_order": ("某一层最多有 {share:.0%} 的(神经元, 样本)对饱和;各层达到饱和的顺序为 "
                            "{order:、},并不像论文的图 3 那样第一层最先"),
            "some": ("某一层最多有 {share:.0%} 的(神经元, 样本)对饱和;在这个预算内只有第 "
                     "{order:、} 层达到 {threshold:.0%}"),
            "none": ("每层最多只有 {share:.1%} 的(神经元, 样本)对饱和:在这个预算内没有一层达到 "
                     "{threshold:.0%}")},
        **figures.TEXT_ZH,
    },
}
