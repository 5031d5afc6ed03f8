"""The figures and table of the ``zero_mean`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

import numpy as np

from neuralab import plots

from .base import Context, Figure, Table
from .measures import epochs_or_never
from .text import labels, say

STYLE = {"sigmoid": ("sigmoid", "-"), "centred_sigmoid": ("sigmoid", "--"),
         "offset_tanh": ("tanh", "--"), "tanh": ("tanh", "-")}
"""Arm → (the activation whose colour it takes, line style): a control is dashed in the colour
of the function whose slope it has."""


def _exp():
    from . import zero_mean  # the experiment's constants (it imports this module)

    return zero_mean


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Accuracy per epoch of every arm; mean output per hidden layer."""
    return [_draw_accuracy(numbers, ctx, text), _draw_means(numbers["summary"], ctx, text)]


def _draw_accuracy(numbers: dict, ctx: Context, text) -> Figure:
    exp, runs, p = _exp(), numbers["runs"], ctx.params
    fig, ax = plots.subplots(size=(7.0, 4.2))
    epochs = np.arange(1, p["epochs"] + 1)
    for arm, arm_runs in runs.items():
        name, line = STYLE[arm]
        curves = np.array([r["val_accuracy"] for r in arm_runs])
        color = plots.activation_color(name)
        ax.fill_between(epochs, curves.min(axis=0), curves.max(axis=0), color=color, alpha=0.12)
        ax.plot(epochs, np.median(curves, axis=0), color=color, linestyle=line,
                label=ctx.say(text, "arms", arm))
    plots.reference_line(ax, numbers["target"],
                         ctx.say(text, "fig", "target", target=numbers["target"]))
    medians = {arm: s["median_epochs"] for arm, s in numbers["summary"].items()}
    ax.set(title=ctx.say(text, "fig", "accuracy_title", exp.reason(medians),
                         target=numbers["target"]),
           xlabel=ctx.say(text, "fig", "epoch_axis", lr=p["lr"], seeds=p["seeds"]),
           ylabel=ctx.say(text, "fig", "accuracy_axis"), ylim=(0, 1), xlim=(1, p["epochs"]))
    ax.legend(fontsize=8, loc="lower right")
    path = plots.save(fig, ctx.figure_path("zero-mean-accuracy"))
    return Figure(path, say(text, "accuracy_caption"))


def _draw_means(summary: dict, ctx: Context, text) -> Figure:
    exp = _exp()
    fig, axes = plots.subplots(1, 2, size=(4.4, 3.8), sharey=True)
    layers = np.arange(1, len(exp.SIZES) - 1)
    width = 0.8 / len(exp.ARMS)
    for ax, when in zip(axes, ("init", "trained"), strict=True):
        for i, arm in enumerate(exp.ARMS):
            name, line = STYLE[arm]
            color, values = plots.activation_color(name), summary[arm][f"mean_output_{when}"]
            x = layers + (i - 1.5) * width
            ax.bar(x, values, width, color=color, alpha=0.45 if line == "--" else 0.9,
                   hatch="//" if line == "--" else None, edgecolor=color, linewidth=1.2,
                   label=ctx.say(text, "arms", arm))
            ax.plot(x, values, "o", color=color, markersize=4)  # a value near 0 stays visible
            for xi, v in zip(x, values, strict=True):
                ax.annotate(f"{v:.2f}", (xi, v), textcoords="offset points",
                            xytext=(0, 4 if v >= 0 else -10), ha="center", fontsize=6.5)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set(title=ctx.say(text, "fig", f"means_{when}"), xticks=layers,
               xlabel=ctx.say(text, "fig", "layer_axis"),
               ylabel=ctx.say(text, "fig", "mean_axis"), ylim=(-0.15, 1.25))
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, ncols=2, loc="outside lower center")
    sigmoid = np.mean(summary["sigmoid"]["mean_output_trained"])
    tanh = np.mean(summary["tanh"]["mean_output_trained"])
    fig.suptitle(ctx.say(text, "fig", "means_title", sigmoid=sigmoid, tanh=tanh))
    path = plots.save(fig, ctx.figure_path("zero-mean-offset"))
    return Figure(path, say(text, "offset_caption"))


def table(summary: dict, target: float, text) -> Table:
    """Per arm: epochs to the target per seed and their median, accuracy, mean outputs."""
    rows = [[say(text, "arms", arm), [e if e is not None else "—" for e in s["epochs_to_target"]],
             epochs_or_never(s["median_epochs"], s["budget"]), s["final_accuracy"],
             s["mean_output_init"], s["mean_output_trained"]] for arm, s in summary.items()]
    return Table(say(text, "table"), labels(text, "columns", target=target), rows)


TEXT_EN = {
    "accuracy_caption": (
        "Test accuracy after each epoch: median over seeds, band from the slowest to the "
        "fastest seed. Solid: the seed's sigmoid and tanh; dashed: the controls, in the colour "
        "of the function whose slope they have — σ(z) − ½ (sigmoid's slope, zero mean) and "
        "2σ(2z) (tanh's slope, offset)."),
    "offset_caption": (
        "Mean output of each hidden layer over the training set (mean over seeds), with its "
        "value: sigmoid sits near 0.5 (the offset), tanh near 0. Hatched: the controls."),
    "arms": {"sigmoid": "sigmoid σ(z)",
             "centred_sigmoid": "centred sigmoid σ(z) − ½ (control)",
             "offset_tanh": "offset tanh 2σ(2z) = tanh(z) + 1 (control)", "tanh": "tanh"},
    "table": "Convergence and mean output per arm",
    "columns": ["hidden activation", "epochs to {target:.0%} (one per seed; — never)",
                "median epochs", "final test accuracy (median)",
                "mean output per layer at init", "mean output per layer after training"],
    "fig": {
        "target": "target {target:.0%}",
        "accuracy_title": {
            "slope": ("tanh is fast for its slope, not its zero mean: 2σ(2z) keeps up, "
                      "σ(z) − ½ lags"),
            "mean": "The zero mean makes tanh fast: σ(z) − ½ keeps up with tanh",
            "neither": "Epochs to {target:.0%}: the controls do not separate slope and mean"},
        "epoch_axis": "epoch (SGD, learning rate {lr:g}; median of {seeds} seeds)",
        "accuracy_axis": "test accuracy (fraction correct)",
        "means_init": "at initialisation",
        "means_trained": "after training",
        "layer_axis": "hidden layer",
        "mean_axis": "mean output over the training set",
        "means_title": ("Mean output per hidden layer: sigmoid ≈ {sigmoid:.2f} (offset), "
                        "tanh ≈ {tanh:.2f}"),
    },
}

TEXT_ZH = {
    "accuracy_caption": (
        "每轮之后的测试准确率:各随机种子的中位数,阴影为最慢到最快的种子之间的范围。实线:笔记中"
        "的 sigmoid 与 tanh;虚线:对照组,颜色取自与其斜率相同的函数——σ(z) − ½(斜率与 sigmoid "
        "相同,0 均值)和 2σ(2z)(斜率与 tanh 相同,有偏移)。"),
    "offset_caption": (
        "每个隐藏层在训练集上的平均输出(对随机种子取平均),并标出数值:sigmoid 在 0.5 附近"
        "(偏移现象),tanh 在 0 附近。斜线填充:对照组。"),
    "arms": {"sigmoid": "sigmoid σ(z)", "centred_sigmoid": "中心化 sigmoid σ(z) − ½(对照)",
             "offset_tanh": "偏移 tanh 2σ(2z) = tanh(z) + 1(对照)", "tanh": "tanh"},
    "table": "各组的收敛速度与平均输出",
    "columns": ["隐藏层激活函数", "达到 {target:.0%} 的轮数(每个随机种子一个数;“—”表示未达到)",
                "轮数中位数", "最终测试准确率(中位数)", "初始化时各层平均输出",
                "训练后各层平均输出"],
    "fig": {
        "target": "目标 {target:.0%}",
        "accuracy_title": {
            "slope": "tanh 快在斜率,不在 0 均值:2σ(2z) 跟得上,σ(z) − ½ 落在后面",
            "mean": "让 tanh 变快的是 0 均值:σ(z) − ½ 与 tanh 一样快",
            "neither": "达到 {target:.0%} 的轮数:对照组无法区分斜率与均值"},
        "epoch_axis": "轮(随机梯度下降,学习率 {lr:g};{seeds} 个随机种子的中位数)",
        "accuracy_axis": "测试准确率(正确比例)",
        "means_init": "初始化时",
        "means_trained": "训练后",
        "layer_axis": "隐藏层",
        "mean_axis": "训练集上的平均输出",
        "means_title": "各隐藏层的平均输出:sigmoid ≈ {sigmoid:.2f}(偏移),tanh ≈ {tanh:.2f}",
    },
}
