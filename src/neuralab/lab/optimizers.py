"""Experiment ``optimizers`` (claim C12): the optimization functions at work.

The seed names GD, Adagrad and Adam and stops ("to be continued"). Here every optimizer of the
library — GD, SGD, SGD with momentum, Nesterov, Adagrad, RMSprop, Adam and AdamW — descends two
classic surfaces from the same start (see :mod:`neuralab.lab.surfaces`: Rosenbrock's valley and
an ill-conditioned bowl), and trains the same network on the digits at its default learning rate.
An optimization function "works" if it lowers the training loss and reaches the bowl's minimum.
"""

from __future__ import annotations

import numpy as np

from neuralab import optimizers, plots
from neuralab.network import mlp
from neuralab.training import Callback

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .surfaces import CURVATURES, ROTATION_DEGREES, SURFACES, TOLERANCE, best_descent
from .text import labels, say

NAMES = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")


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
        return [_surface_table(numbers["surfaces"]), _digits_table(numbers["digits"])]

    def draw(self, numbers, ctx):
        surfaces = numbers["surfaces"]
        return [*(_draw_paths(key, surfaces[key], ctx) for key in SURFACES),
                _draw_values(surfaces, ctx), _draw_digits(numbers["digits"], ctx)]


# --- measuring -------------------------------------------------------------------------------


def kept(result: dict) -> dict:
    """A descent for results.json: no path, f at the start and the end."""
    values = result["values"]
    return {"lr": result["lr"], "steps": result["steps"], "initial_value": values[0],
            "final_value": values[-1], "steps_run": len(values) - 1,
            "steps_per_lr": result["steps_per_lr"]}


class _Evaluate(Callback):
    """After each epoch: the training loss over the whole training set and the test accuracy."""

    def __init__(self, data):
        self.data, self.loss, self.accuracy = data, [], []

    def on_epoch_end(self, epoch, logs=None):
        self.loss.append(self.network.evaluate(self.data.x_train, self.data.y_train)["loss"])
        self.accuracy.append(self.network.evaluate(self.data.x_test, self.data.y_test)["accuracy"])


def train_digits(name: str, data, p: dict, seed: int) -> dict:
    """The digits net trained by optimizer ``name`` at its default learning rate."""
    net = mlp(p["sizes"], p["activation"], seed=seed)
    start = net.evaluate(data.x_train, data.y_train)
    record = _Evaluate(data)
    net.fit(data.x_train, data.y_train, epochs=p["epochs"], optimizer=name,
            batch_size=None if name == "gd" else p["batch_size"], callbacks=[record],
            progress=False, seed=seed)
    return {"lr": p["lr"][name], "loss": [start["loss"], *record.loss],
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
    return Verdict("C12", bool(ok), say(TEXT, "c12", tolerance=TOLERANCE),
                   {"digits_loss_before_after": {n: list(v) for n, v in digits_loss.items()},
                    "bowl_steps": bowl_steps, "lowers_loss": lowers, "reaches_tolerance": reaches})


# --- figures and tables ----------------------------------------------------------------------


def _surface_name(key: str):
    return say(TEXT, "surfaces", key, curvatures=CURVATURES.tolist(), degrees=ROTATION_DEGREES)


def _contours(ax, key: str) -> None:
    s = SURFACES[key]
    (x0, x1), (y0, y1) = s["xlim"], s["ylim"]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    levels = np.logspace(-2, 3.5, 14) if key == "rosenbrock" else np.logspace(-2, 2.5, 12)
    ax.contour(gx, gy, s["f"](gx, gy), levels=levels, colors="0.75", linewidths=0.7)
    ax.plot(*s["start"], "ko", markersize=6, label="start")
    ax.plot(*s["minimum"], "k*", markersize=12, label="minimum")


def _draw_paths(key: str, results: dict, ctx: Context) -> Figure:
    s = SURFACES[key]
    height = 2.7 * (s["ylim"][1] - s["ylim"][0]) / (s["xlim"][1] - s["xlim"][0]) + 0.3
    fig, axes = plots.subplots(2, 4, size=(2.7, height), sharex=True, sharey=True)
    for ax, (name, r) in zip(axes.ravel(), results.items(), strict=True):
        _contours(ax, key)
        ax.plot(r["path"][:, 0], r["path"][:, 1], color=plots.optimizer_color(name),
                linewidth=1.3, marker=".", markersize=2)
        outcome = f"{r['steps']} steps" if r["steps"] is not None else "not converged"
        ax.set_title(f"{name}, lr {r['lr']:g}: {outcome}", fontsize=9,
                     color=plots.optimizer_color(name))
        ax.set(xlim=s["xlim"], ylim=s["ylim"], aspect="equal")
    for ax in axes[-1]:
        ax.set_xlabel("θ₁")
    for ax in axes[:, 0]:
        ax.set_ylabel("θ₂")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.suptitle(f"{_surface_name(key).en}: each optimizer's path at its best learning rate")
    path = plots.save(fig, ctx.figure_path(f"optimizers-{key}"))
    return Figure(path, say(TEXT, "paths_caption", surface=_surface_name(key),
                            tolerance=TOLERANCE))


def _line(name: str) -> dict:
    """The optimizer's colour; dashed for the variants that often overlap their base
    (Nesterov on momentum, AdamW on Adam)."""
    return {"color": plots.optimizer_color(name),
            "linestyle": "--" if name in ("nesterov", "adamw") else "-"}


def _draw_values(surfaces: dict, ctx: Context) -> Figure:
    fig, axes = plots.subplots(1, 2, size=(5.0, 3.8))
    for ax, (key, results) in zip(axes, surfaces.items(), strict=True):
        for name, r in results.items():
            ax.loglog(np.arange(1, len(r["values"]) + 1), r["values"], linewidth=1.2,
                      label=name, **_line(name))
        ax.axhline(TOLERANCE, color="0.4", linestyle=":", linewidth=1, label="tolerance")
        ax.set(title=f"{_surface_name(key).en.split(' (')[0]}: f along the path",
               xlabel="step + 1 (log)",
               ylabel="f(θ) (log)")
        ax.legend(fontsize=7, loc="lower left", ncols=2)
    path = plots.save(fig, ctx.figure_path("optimizers-values"))
    return Figure(path, say(TEXT, "values_caption"))


def _draw_digits(digits: dict, ctx: Context) -> Figure:
    fig, (loss_ax, acc_ax) = plots.subplots(1, 2, size=(5.0, 3.8))
    for name, r in digits.items():
        style = {**_line(name), "linewidth": 1.4, "label": f"{name} (lr {r['lr']:g})"}
        loss_ax.semilogy(r["loss"], **style)
        acc_ax.plot(r["test_accuracy"], **style)
    loss_ax.set(title="Training loss (whole training set)", xlabel="epoch",
                ylabel="cross-entropy (log)")
    acc_ax.set(title="Test accuracy", xlabel="epoch", ylabel="fraction correct", ylim=(0, 1))
    loss_ax.legend(fontsize=7, loc="lower left")
    path = plots.save(fig, ctx.figure_path("optimizers-digits"))
    return Figure(path, say(TEXT, "digits_caption", **ctx.params["digits"]))


def _steps(steps: int | None, budget: int):
    return say(TEXT, "not_within", budget=budget) if steps is None else steps


def _surface_table(surfaces: dict) -> Table:
    rows = [[name, *(c for key in SURFACES for c in (
        surfaces[key][name]["lr"], _steps(surfaces[key][name]["steps"],
                                          len(surfaces[key][name]["values"]) - 1),
        surfaces[key][name]["values"][-1]))] for name in NAMES]
    columns = [say(TEXT, "optimizer")]
    for key in SURFACES:
        columns += labels(TEXT, "surface_columns", surface=say(TEXT, "short_names", key),
                          tolerance=TOLERANCE)
    return Table(say(TEXT, "surface_table"), columns, rows)


def _digits_table(digits: dict) -> Table:
    rows = [[name, r["lr"], r["initial_loss"], r["final_loss"], r["test_accuracy"][-1]]
            for name, r in digits.items()]
    return Table(say(TEXT, "digits_table"), labels(TEXT, "digits_columns"), rows)


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
            "optimizer at its default learning rate for {digits[epochs]} epochs, GD on the whole "
            "training set per step and the others on batches of {digits[batch_size]}; after each "
            "epoch the loss over the whole training set and the test accuracy are measured."),
        "c12": (
            "each optimizer the library implements — GD, SGD, momentum, Nesterov, Adagrad, "
            "RMSprop, Adam, AdamW; the seed names GD, Adagrad and Adam — is an optimization "
            "function that works: at its default learning rate it lowers the training loss of "
            "the digits network (whole training set, before against after), and at its best "
            "learning rate of the grid it brings the ill-conditioned bowl to f ≤ {tolerance:g} "
            "within the step budget"),
        "surfaces": {
            "rosenbrock": "Rosenbrock's valley",
            "bowl": ("Ill-conditioned bowl (curvatures {curvatures[0]:g} and "
                     "{curvatures[1]:g}, axes turned {degrees}°)")},
        "paths_caption": (
            "{surface}: each optimizer's path from the start (black dot) towards the minimum "
            "(star) over the contour lines, at the learning rate of the grid that reached "
            "f ≤ {tolerance:g} in fewest steps (or ended lowest)."),
        "values_caption": (
            "The value of each surface along each optimizer's path (log–log). A line ends where "
            "it reached the tolerance (dotted) or ran out of steps."),
        "digits_caption": (
            "The {sizes:–} {activation} network on the digits, trained by each optimizer at its "
            "default learning rate (GD: the whole training set per step; the others: batches of "
            "{batch_size})."),
        "not_within": "not within {budget}",
        "optimizer": "optimizer",
        "short_names": {"rosenbrock": "rosenbrock", "bowl": "bowl"},
        "surface_columns": ["{surface}: best lr", "{surface}: steps to f ≤ {tolerance:g}",
                            "{surface}: final f"],
        "surface_table": "Descents on the two surfaces",
        "digits_table": "Training on the digits at the default learning rates",
        "digits_columns": ["optimizer", "default lr", "training loss before",
                           "training loss after", "final test accuracy"],
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
            "的初始权重),softmax 与交叉熵,由各优化器以默认学习率训练 {digits[epochs]} 轮,GD 每步"
            "使用整个训练集,其余使用大小为 {digits[batch_size]} 的批;每轮之后测量整个训练集上的"
            "损失与测试准确率。"),
        "c12": (
            "库实现的每个优化器——GD、SGD、动量、Nesterov、Adagrad、RMSprop、Adam、AdamW(原文列出 "
            "GD、Adagrad 与 Adam)——都是有效的优化函数:在默认学习率下,它降低 digits 网络的训练损失"
            "(整个训练集上训练前后对比);在网格中最好的学习率下,它在步数预算内把病态二次碗的 f 降到 "
            "≤ {tolerance:g}"),
        "surfaces": {
            "rosenbrock": "Rosenbrock 山谷",
            "bowl": ("病态二次碗(曲率 {curvatures[0]:g} 与 {curvatures[1]:g},坐标轴旋转 "
                     "{degrees}°)")},
        "paths_caption": (
            "{surface}:各优化器从起点(黑点)走向最小值(星号)的路径,背景为等高线;学习率取网格中"
            "以最少步数达到 f ≤ {tolerance:g}(或最终最低)的那个。"),
        "values_caption": (
            "各优化器路径上曲面函数值的变化(双对数坐标)。曲线在达到容差(点线)或用完步数预算处"
            "结束。"),
        "digits_caption": (
            "digits 上的 {sizes:–} {activation} 网络,由各优化器以默认学习率训练(GD:每步用整个"
            "训练集;其余:批大小 {batch_size})。"),
        "not_within": "{budget} 步内未达到",
        "optimizer": "优化器",
        "short_names": {"rosenbrock": "Rosenbrock", "bowl": "二次碗"},
        "surface_columns": ["{surface}:最佳学习率", "{surface}:f ≤ {tolerance:g} 所需步数",
                            "{surface}:最终 f"],
        "surface_table": "两个曲面上的下降",
        "digits_table": "在 digits 上以默认学习率训练",
        "digits_columns": ["优化器", "默认学习率", "训练前训练损失", "训练后训练损失",
                           "最终测试准确率"],
    },
}
