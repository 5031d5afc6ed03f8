"""Experiment ``optimizers`` (claim C12): the optimization functions at work.

The seed names GD, Adagrad and Adam and stops ("to be continued"). Here every optimizer of the
library — GD, SGD, SGD with momentum, Nesterov, Adagrad, RMSprop, Adam and AdamW — descends two
classic surfaces from the same start (see :mod:`neuralab.lab.surfaces`: Rosenbrock's valley and
an ill-conditioned bowl), and trains the same network on the digits at its default learning
rate, every optimizer for the same number of steps: full-batch GD takes as many steps as the
mini-batch optimizers, each on the whole training set. An optimization function "works" if it
lowers the training loss and reaches the bowl's minimum. Figures: :mod:`.optimizers_figures`.
"""

from __future__ import annotations

from neuralab import optimizers
from neuralab.network import mlp
from neuralab.training import Callback

from . import optimizers_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .surfaces import CURVATURES, ROTATION_DEGREES, SURFACES, TOLERANCE, best_descent
from .text import say

NAMES = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
DERIVATION = "optimizers.md#gradient-descent-full-batch-stochastic-mini-batch"


class Optimizers(Experiment):
    """Every optimizer on both surfaces (best rate of a grid) and on the digits (default rate)."""

    id = "optimizers"
    claims = ("C12",)
    params = {
        "tolerance": TOLERANCE,
        "lr_grid": PerMode(quick=[1e-3, 1e-2, 1e-1, 1.0],
                           full=[float(f"{10 ** (k / 2):.1g}") for k in range(-8, 1)]),
        "budget": {"rosenbrock": PerMode(quick=2000, full=10000),
                   "bowl": PerMode(quick=1000, full=2000)},
        "starts": {k: s["start"] for k, s in SURFACES.items()},
        "bowl_curvatures": CURVATURES.tolist(), "bowl_rotation_degrees": ROTATION_DEGREES,
        "digits": {"sizes": [64, 64, 10], "activation": "relu", "batch_size": 32,
                   "gd_batch": "full", "epochs": PerMode(quick=5, full=30),
                   "lr": {name: optimizers.get(name).lr for name in NAMES}},
    }
    settable = ("lr_grid", "budget.rosenbrock", "budget.bowl", "digits.batch_size",
                "digits.epochs")

    def units(self, p):
        return [*(("surfaces", name) for name in NAMES), *(("digits", name) for name in NAMES)]

    def measure(self, unit, ctx):
        kind, name = unit
        p = ctx.params
        if kind == "surfaces":
            return {key: best_descent(name, key, p["lr_grid"], p["budget"][key], ctx.seed)
                    for key in SURFACES}
        return train_digits(name, ctx.dataset("digits"), p["digits"], ctx.seed)

    def summarise(self, measured, ctx):
        return {"surfaces": {key: {n: measured["surfaces", n][key] for n in NAMES}
                             for key in SURFACES},
                "digits": {name: measured["digits", name] for name in NAMES}}

    def record(self, numbers):
        return {"surfaces": {k: {n: kept(r) for n, r in v.items()}
                             for k, v in numbers["surfaces"].items()},
                "digits": numbers["digits"]}

    def judge(self, numbers):
        digits, bowl = numbers["digits"], numbers["surfaces"]["bowl"]
        return [verdict_c12({n: (r["initial_loss"], r["final_loss"]) for n, r in digits.items()},
                            {n: r["steps"] for n, r in bowl.items()})]

    def tables(self, numbers, ctx):
        return figures.tables(numbers, TEXT)

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


# --- measuring -------------------------------------------------------------------------------


def kept(result: dict) -> dict:
    """A descent for results.json: no path, f at the start and the end."""
    values = result["values"]
    return {"lr": result["lr"], "steps": result["steps"], "initial_value": values[0],
            "final_value": values[-1], "steps_run": len(values) - 1,
            "steps_per_lr": result["steps_per_lr"]}


class _Evaluate(Callback):
    """Every ``every`` optimizer steps: the training loss over the whole training set and the
    test accuracy, with the step count."""

    def __init__(self, data, every: int):
        self.data, self.every, self.steps = data, every, 0
        self.step: list[int] = []
        self.loss: list[float] = []
        self.accuracy: list[float] = []

    def on_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps % self.every == 0:
            self.step.append(self.steps)
            self.loss.append(self.network.evaluate(self.data.x_train, self.data.y_train)["loss"])
            self.accuracy.append(
                self.network.evaluate(self.data.x_test, self.data.y_test)["accuracy"])


def train_digits(name: str, data, p: dict, seed: int) -> dict:
    """The digits net trained by optimizer ``name`` at its default learning rate, for as many
    steps as ``p["epochs"]`` epochs of mini-batches give (GD: that many full-batch steps)."""
    net = mlp(p["sizes"], p["activation"], seed=seed)
    start = net.evaluate(data.x_train, data.y_train)
    per_epoch = -(-len(data.x_train) // p["batch_size"])  # mini-batch steps per epoch
    full_batch = name == "gd"
    record = _Evaluate(data, every=per_epoch)
    net.fit(data.x_train, data.y_train, epochs=p["epochs"] * (per_epoch if full_batch else 1),
            optimizer=name, batch_size=None if full_batch else p["batch_size"],
            callbacks=[record], progress=False, seed=seed)
    return {"lr": p["lr"][name], "step": [0, *record.step], "loss": [start["loss"], *record.loss],
            "test_accuracy": [start["accuracy"], *record.accuracy],
            "initial_loss": start["loss"], "final_loss": record.loss[-1]}


# --- the verdict (numbers in, Verdict out) ---------------------------------------------------


def verdict_c12(digits_loss: dict[str, tuple[float, float]],
                bowl_steps: dict[str, int | None]) -> Verdict:
    """C12: every optimizer lowers the digits training loss and reaches the tolerance on the bowl.

    Args:
        digits_loss: optimizer → (training loss before, after training).
        bowl_steps: optimizer → steps to f ≤ TOLERANCE on the bowl at its best rate (None: never).
    """
    lowers = {n: after < before for n, (before, after) in digits_loss.items()}
    reaches = {n: steps is not None for n, steps in bowl_steps.items()}
    ok = all(lowers.values()) and all(reaches.values())
    worst = max(digits_loss, key=lambda n: digits_loss[n][1])
    best = min(digits_loss, key=lambda n: digits_loss[n][1])
    seed_three = {n: bowl_steps.get(n) for n in ("gd", "adagrad", "adam")}
    finding = say(TEXT, "c12_found", lowered=sum(lowers.values()), total=len(lowers),
                  best=best, best_loss=digits_loss[best][1], worst=worst,
                  worst_loss=digits_loss[worst][1], reached=sum(reaches.values()),
                  steps=", ".join(f"{n} {s if s is not None else '—'}"
                                  for n, s in seed_three.items()))
    return Verdict("C12", bool(ok), say(TEXT, "c12", tolerance=TOLERANCE),
                   {"digits_loss_before_after": {n: list(v) for n, v in digits_loss.items()},
                    "bowl_steps": bowl_steps, "lowers_loss": lowers, "reaches_tolerance": reaches},
                   finding=finding, derivation=DERIVATION)


TEXT = {
    "en": {
        "title": "Optimization functions: GD, Adagrad, Adam and their relatives",
        "setup": (
            "Surfaces: Rosenbrock's valley from ({starts[rosenbrock][0]:g}, "
            "{starts[rosenbrock][1]:g}) and an ill-conditioned bowl (curvatures "
            "{bowl_curvatures[0]:g} and {bowl_curvatures[1]:g} along axes turned by "
            "{bowl_rotation_degrees}°) from ({starts[bowl][0]:g}, {starts[bowl][1]:g}), both with "
            "minimum 0. Each optimizer (the library's GD, SGD, SGD with momentum 0.9, Nesterov, "
            "Adagrad, RMSprop, Adam and AdamW with their other defaults) runs from the same start "
            "with every learning rate of a grid ({lr_grid:, }), until f ≤ {tolerance:g}, the step "
            "budget ends ({budget[rosenbrock]} steps on the valley, {budget[bowl]} on the bowl), "
            "or f diverges; the learning rate that gets there in fewest steps (or ends lowest) is "
            "kept. Each surface is the sum of two terms; SGD steps along one term picked at "
            "random times two, an unbiased estimate of the gradient as a mini-batch gives.\n\n"
            "Digits: a {digits[sizes]:–} {digits[activation]} network (He initialisation, the "
            "same initial weights for all) trained with softmax and cross-entropy by each "
            "optimizer at its default learning rate for the same number of steps: "
            "{digits[epochs]} epochs of batches of {digits[batch_size]} for the mini-batch "
            "optimizers, and as many steps for GD, each on the whole training set instead of "
            "{digits[batch_size]} images. The loss over the whole training set and "
            "the test accuracy are measured every epoch's worth of steps."),
        "c12": (
            "each optimizer the library implements — GD, SGD, momentum, Nesterov, Adagrad, "
            "RMSprop, Adam, AdamW; the seed names GD, Adagrad and Adam — is an optimization "
            "function that works: at its default learning rate it lowers the training loss of "
            "the digits network (whole training set, before against after), and at its best "
            "learning rate of the grid it brings the ill-conditioned bowl to f ≤ {tolerance:g} "
            "within the step budget"),
        "c12_found": ("{lowered} of {total} optimizers lower the digits loss in the same number "
                      "of steps (lowest: {best}, {best_loss:.3f}; highest: {worst}, "
                      "{worst_loss:.3f}); {reached} of {total} reach the bowl's minimum — steps "
                      "for the seed's three: {steps}"),
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "优化函数:GD、Adagrad、Adam 及其同类",
        "setup": (
            "曲面:从 ({starts[rosenbrock][0]:g}, {starts[rosenbrock][1]:g}) 出发的 Rosenbrock "
            "山谷,以及从 ({starts[bowl][0]:g}, {starts[bowl][1]:g}) 出发的病态二次碗(沿旋转 "
            "{bowl_rotation_degrees}° 的坐标轴曲率为 {bowl_curvatures[0]:g} 与 "
            "{bowl_curvatures[1]:g}),两者最小值都是 0。每个优化器(库中的 GD、SGD、动量 0.9 的 "
            "SGD、Nesterov、Adagrad、RMSprop、Adam 与 AdamW,其余参数取默认值)从同一起点出发,依次"
            "使用网格中的每个学习率({lr_grid:、}),直到 f ≤ {tolerance:g}、用完步数预算(山谷 "
            "{budget[rosenbrock]} 步,二次碗 {budget[bowl]} 步)或发散为止;保留最快达到(或最终"
            "最低)的学习率。每个曲面都是两项之和;SGD 每步随机取一项的梯度乘以 2,这是梯度的无偏"
            "估计,正如小批量给出的那样。\n\n"
            "digits:{digits[sizes]:–} 的 {digits[activation]} 网络(He 初始化,所有优化器使用相同"
            "的初始权重),softmax 与交叉熵,由各优化器以默认学习率训练相同的步数:小批量优化器训练 "
            "{digits[epochs]} 轮,批大小 {digits[batch_size]};GD 走同样多的步,每步使用整个训练集"
            "而不是 {digits[batch_size]} 张图像。每走完相当于一轮的步数,"
            "测量一次整个训练集上的损失与测试准确率。"),
        "c12": (
            "库实现的每个优化器——GD、SGD、动量、Nesterov、Adagrad、RMSprop、Adam、AdamW(笔记列出 "
            "GD、Adagrad 与 Adam)——都是有效的优化函数:在默认学习率下,它降低 digits 网络的训练损失"
            "(整个训练集上训练前后对比);在网格中最好的学习率下,它在步数预算内把病态二次碗的 f 降到 "
            "≤ {tolerance:g}"),
        "c12_found": ("在相同步数下 {total} 个优化器中有 {lowered} 个降低了 digits 的损失(最低:"
                      "{best},{best_loss:.3f};最高:{worst},{worst_loss:.3f});{total} 个中有 "
                      "{reached} 个到达二次碗的最小值——笔记所列三个的步数:{steps}"),
        **figures.TEXT_ZH,
    },
}
