"""The figures and tables of the ``optimizers`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

import numpy as np

from neuralab import plots

from .base import Context, Figure, Table
from .surfaces import CURVATURES, ROTATION_DEGREES, SURFACES, TOLERANCE
from .text import labels, say


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Paths on each surface, f along the paths, the digits against steps."""
    surfaces = numbers["surfaces"]
    return [*(_draw_paths(key, surfaces[key], ctx, text) for key in SURFACES),
            _draw_values(surfaces, ctx, text), _draw_digits(numbers["digits"], ctx, text)]


def surface_name(key: str, text):
    return say(text, "surfaces", key, curvatures=CURVATURES.tolist(), degrees=ROTATION_DEGREES)


def _contours(ax, key: str, ctx: Context, text) -> None:
    s = SURFACES[key]
    (x0, x1), (y0, y1) = s["xlim"], s["ylim"]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    levels = np.logspace(-2, 3.5, 14) if key == "rosenbrock" else np.logspace(-2, 2.5, 12)
    ax.contour(gx, gy, s["f"](gx, gy), levels=levels, colors=plots.ZERO, linewidths=0.7)
    ax.plot(*s["start"], "ko", markersize=6, label=ctx.say(text, "fig", "start"))
    ax.plot(*s["minimum"], "k*", markersize=12, label=ctx.say(text, "fig", "minimum"))


def _outcome(r: dict, ctx: Context, text) -> str:
    if r["steps"] is None:
        return ctx.say(text, "fig", "not_converged")
    return ctx.say(text, "fig", "steps", steps=r["steps"])


def _draw_paths(key: str, results: dict, ctx: Context, text) -> Figure:
    s = SURFACES[key]
    height = 2.7 * (s["ylim"][1] - s["ylim"][0]) / (s["xlim"][1] - s["xlim"][0]) + 0.3
    fig, axes = plots.subplots(2, 4, size=(2.7, height), sharex=True, sharey=True)
    for ax, (name, r) in zip(axes.ravel(), results.items(), strict=True):
        _contours(ax, key, ctx, text)
        ax.plot(r["path"][:, 0], r["path"][:, 1], color=plots.optimizer_color(name),
                linewidth=1.3, marker=".", markersize=2)
        ax.set_title(ctx.say(text, "fig", "path_title", name=name, lr=r["lr"],
                             outcome=_outcome(r, ctx, text)),
                     fontsize=9, color=plots.optimizer_color(name))
        ax.set(xlim=s["xlim"], ylim=s["ylim"], aspect="equal")
    for ax in axes[-1]:
        ax.set_xlabel("θ₁")
    for ax in axes[:, 0]:
        ax.set_ylabel("θ₂")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fastest = min(((r["steps"], n) for n, r in results.items() if r["steps"] is not None),
                  default=None)
    fig.suptitle(ctx.say(text, "fig", "paths_title" if fastest else "paths_none",
                         surface=surface_name(key, text), name=fastest[1] if fastest else "",
                         steps=fastest[0] if fastest else 0))
    path = plots.save(fig, ctx.figure_path(f"optimizers-{key}"))
    return Figure(path, say(text, "paths_caption", surface=surface_name(key, text),
                            tolerance=TOLERANCE))


def _line(name: str) -> dict:
    """The optimizer's colour; dashed for those that often overlap another (GD on SGD at the
    same rate and number of steps, Nesterov on momentum, AdamW on Adam)."""
    return {"color": plots.optimizer_color(name),
            "linestyle": "--" if name in ("gd", "nesterov", "adamw") else "-"}


def _draw_values(surfaces: dict, ctx: Context, text) -> Figure:
    fig, axes = plots.subplots(1, 2, size=(5.0, 3.9))
    for ax, (key, results) in zip(axes, surfaces.items(), strict=True):
        for name, r in results.items():
            ax.loglog(np.arange(1, len(r["values"]) + 1), r["values"], linewidth=1.2,
                      label=name, **_line(name))
        plots.reference_line(ax, TOLERANCE, ctx.say(text, "fig", "tolerance"))
        ax.set(title=ctx.say(text, "fig", "values_title", surface=say(text, "short_names", key)),
               xlabel=ctx.say(text, "fig", "step_axis"), ylabel="f(θ)")
        ax.legend(fontsize=7, loc="lower left", ncols=2)
    path = plots.save(fig, ctx.figure_path("optimizers-values"))
    return Figure(path, say(text, "values_caption"))


def _draw_digits(digits: dict, ctx: Context, text) -> Figure:
    fig, (loss_ax, acc_ax) = plots.subplots(1, 2, size=(5.0, 4.0))
    for name, r in digits.items():
        style = {**_line(name), "linewidth": 1.4,
                 "label": ctx.say(text, "fig", "digits_run", name=name, lr=r["lr"])}
        loss_ax.semilogy(r["step"], r["loss"], **style)
        acc_ax.plot(r["step"], r["test_accuracy"], **style)
    best = min(digits, key=lambda n: digits[n]["final_loss"])
    steps = digits[best]["step"][-1]
    fig.suptitle(ctx.say(text, "fig", "digits_title", steps=steps, best=best,
                         gd=digits["gd"]["final_loss"], loss=digits[best]["final_loss"]))
    loss_ax.set(title=ctx.say(text, "fig", "loss_title"), xlabel=ctx.say(text, "fig", "steps_axis"),
                ylabel=ctx.say(text, "fig", "loss_axis"))
    acc_ax.set(title=ctx.say(text, "fig", "accuracy_title"),
               xlabel=ctx.say(text, "fig", "steps_axis"),
               ylabel=ctx.say(text, "fig", "accuracy_axis"), ylim=(0, 1))
    loss_ax.legend(fontsize=7, loc="lower left")
    path = plots.save(fig, ctx.figure_path("optimizers-digits"))
    return Figure(path, say(text, "digits_caption", **ctx.params["digits"]))


def _steps(steps: int | None, budget: int, text):
    return say(text, "not_within", budget=budget) if steps is None else steps


def tables(numbers: dict, text) -> list[Table]:
    """The descents on both surfaces; the digits at the default learning rates."""
    surfaces, digits = numbers["surfaces"], numbers["digits"]
    names = list(digits)
    rows = [[name, *(c for key in SURFACES for c in (
        surfaces[key][name]["lr"], _steps(surfaces[key][name]["steps"],
                                          len(surfaces[key][name]["values"]) - 1, text),
        surfaces[key][name]["values"][-1]))] for name in names]
    columns = [say(text, "optimizer")]
    for key in SURFACES:
        columns += labels(text, "surface_columns", surface=say(text, "short_names", key),
                          tolerance=TOLERANCE)
    digit_rows = [[name, r["lr"], r["step"][-1], r["initial_loss"], r["final_loss"],
                   r["test_accuracy"][-1]] for name, r in digits.items()]
    return [Table(say(text, "surface_table"), columns, rows),
            Table(say(text, "digits_table"), labels(text, "digits_columns"), digit_rows)]


TEXT_EN = {
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
        "default learning rate for the same number of steps (GD: each on the whole training "
        "set; the others: batches of {batch_size}), against the steps taken."),
    "not_within": "not within {budget}",
    "optimizer": "optimizer",
    "short_names": {"rosenbrock": "Rosenbrock", "bowl": "bowl"},
    "surface_columns": ["{surface}: best lr", "{surface}: steps to f ≤ {tolerance:g}",
                        "{surface}: final f"],
    "surface_table": "Descents on the two surfaces",
    "digits_table": "Training on the digits at the default learning rates, same number of steps",
    "digits_columns": ["optimizer", "default lr", "steps", "training loss before",
                       "training loss after", "final test accuracy"],
    "fig": {
        "start": "start",
        "minimum": "minimum",
        "not_converged": "not converged",
        "steps": "{steps} steps",
        "path_title": "{name}, lr {lr:g}: {outcome}",
        "paths_title": "{surface}: fastest {name}, {steps} steps (best learning rate of each)",
        "paths_none": "{surface}: no optimizer reached the tolerance",
        "tolerance": "tolerance",
        "values_title": "{surface}: f along the path",
        "step_axis": "step + 1 (log)",
        "digits_run": "{name} (lr {lr:g})",
        "digits_title": ("Same number of steps ({steps}): {best} ends lowest at {loss:.3f}, "
                         "full-batch GD at {gd:.3f}"),
        "loss_title": "Training loss (whole training set)",
        "steps_axis": "optimizer steps",
        "loss_axis": "cross-entropy (log)",
        "accuracy_title": "Test accuracy",
        "accuracy_axis": "fraction correct",
    },
}

TEXT_ZH = {
    "surfaces": {
        "rosenbrock": "Rosenbrock 山谷",
        "bowl": "病态二次碗(曲率 {curvatures[0]:g} 与 {curvatures[1]:g},坐标轴旋转 {degrees}°)"},
    "paths_caption": (
        "{surface}:各优化器从起点(黑点)走向最小值(星号)的路径,背景为等高线;学习率取网格中"
        "以最少步数达到 f ≤ {tolerance:g}(或最终最低)的那个。"),
    "values_caption": (
        "各优化器路径上曲面函数值的变化(双对数坐标)。曲线在达到容差(点线)或用完步数预算处"
        "结束。"),
    "digits_caption": (
        "digits 上的 {sizes:–} {activation} 网络,由各优化器以默认学习率训练相同的步数(GD:每步"
        "用整个训练集;其余:批大小 {batch_size}),横轴为所走的步数。"),
    "not_within": "{budget} 步内未达到",
    "optimizer": "优化器",
    "short_names": {"rosenbrock": "Rosenbrock 山谷", "bowl": "二次碗"},
    "surface_columns": ["{surface}:最佳学习率", "{surface}:f ≤ {tolerance:g} 所需步数",
                        "{surface}:最终 f"],
    "surface_table": "两个曲面上的下降",
    "digits_table": "在 digits 上以默认学习率训练相同的步数",
    "digits_columns": ["优化器", "默认学习率", "步数", "训练前训练损失", "训练后训练损失",
                       "最终测试准确率"],
    "fig": {
        "start": "起点",
        "minimum": "最小值",
        "not_converged": "未收敛",
        "steps": "{steps} 步",
        "path_title": "{name},学习率 {lr:g}:{outcome}",
        "paths_title": "{surface}:最快的是 {name},{steps} 步(各自取最佳学习率)",
        "paths_none": "{surface}:没有优化器达到容差",
        "tolerance": "容差",
        "values_title": "{surface}:路径上的 f",
        "step_axis": "步数 + 1(对数坐标)",
        "digits_run": "{name}(学习率 {lr:g})",
        "digits_title": "相同步数({steps} 步):{best} 最终最低,为 {loss:.3f};全批量 GD 为 {gd:.3f}",
        "loss_title": "训练损失(整个训练集)",
        "steps_axis": "优化器步数",
        "loss_axis": "交叉熵(对数坐标)",
        "accuracy_title": "测试准确率",
        "accuracy_axis": "正确比例",
    },
}
