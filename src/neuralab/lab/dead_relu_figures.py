"""The figures and table of the ``dead_relu`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

import numpy as np

from neuralab import plots

from .base import Context, Figure, Table
from .text import labels, say

DASH = {0.0: "-", 0.5: "--"}
"""Initial hidden bias 0 (solid) or −0.5 (dashed)."""


def _start(shift: float) -> str:
    """The initial bias −shift as text, without a "−0"."""
    return f"−{shift:g}" if shift else "0"


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Frozen (and dead) units and accuracy against the learning rate; ReLU units by activity."""
    return [_draw_sweep(numbers, ctx, text), _draw_activity(numbers, ctx, text)]


def _draw_sweep(numbers: dict, ctx: Context, text) -> Figure:
    runs, lrs = numbers["runs"], numbers["learning_rates"]
    fig, (frozen_ax, acc_ax) = plots.subplots(1, 2, size=(4.9, 4.0))
    for key, rows in runs.items():
        act, shift = key.split("/")
        style = {"color": plots.activation_color(act), "linestyle": DASH[float(shift)],
                 "marker": "o"}
        frozen_ax.plot(lrs, [100 * r["frozen"] for r in rows], **style)
        acc_ax.plot(lrs, [r["train_accuracy"] for r in rows], **style)
    relu, leaky, elu = (runs[f"{a}/0"][-1]["frozen"] for a in ("relu", "leaky_relu", "elu"))
    fig.suptitle(ctx.say(text, "fig", "sweep_title", lr=lrs[-1], relu=relu, elu=elu,
                         leaky=leaky))
    frozen_ax.set(xscale="log", ylim=(-3, 103), title=ctx.say(text, "fig", "frozen_title"),
                  xlabel=ctx.say(text, "fig", "lr_axis"),
                  ylabel=ctx.say(text, "fig", "frozen_axis"))
    acc_ax.set(xscale="log", title=ctx.say(text, "fig", "accuracy_title"),
               xlabel=ctx.say(text, "fig", "lr_axis"),
               ylabel=ctx.say(text, "fig", "accuracy_axis"), ylim=(0, 1.02))
    colours = {ctx.say(text, "fig", "names", a): plots.activation_color(a)
               for a in ("relu", "leaky_relu", "elu")}
    styles = {ctx.say(text, "fig", "bias", start=_start(s)): DASH[s] for s in DASH}
    plots.legends(frozen_ax, colours, styles, titles=(ctx.say(text, "fig", "colour_title"),
                                                      ctx.say(text, "fig", "style_title")),
                  loc=("upper left", "center left"))
    path = plots.save(fig, ctx.figure_path("dead-relu-sweep"))
    return Figure(path, say(text, "sweep_caption"))


def _draw_activity(numbers: dict, ctx: Context, text) -> Figure:
    activity, lrs = numbers["activity"], numbers["learning_rates"]
    fig, ax = plots.subplots(size=(6.2, 4.0))
    bins = np.linspace(0, 1, 21)
    for i, style in ((0, ":"), (len(lrs) - 1, "-")):
        share = activity["relu/0"][i]
        ax.hist(share, bins=bins, histtype="step", linewidth=1.8, linestyle=style,
                color=plots.activation_color("relu"),
                label=ctx.say(text, "fig", "activity_run", lr=lrs[i], dead=int(np.sum(share == 0))))
    ax.set(title=ctx.say(text, "fig", "activity_title"),
           xlabel=ctx.say(text, "fig", "activity_axis"), ylabel=ctx.say(text, "fig", "units_axis"))
    ax.legend(fontsize=8, loc="upper center")
    path = plots.save(fig, ctx.figure_path("dead-relu-activity"))
    return Figure(path, say(text, "activity_caption"))


def table(runs: dict, p: dict, text) -> Table:
    """Per activation, initial bias and learning rate: the census and the accuracies."""
    rows = [[key.split("/")[0], _start(float(key.split("/")[1])), lr, r["dead_init"], r["dead"],
             r["frozen"], r["inactive"], r["stayed_dead"], r["train_accuracy"],
             r["test_accuracy"], r["diverged"]]
            for key, rs in runs.items() for lr, r in zip(p["learning_rates"], rs, strict=True)]
    return Table(say(text, "table"), labels(text, "columns"), rows)


TEXT_EN = {
    "sweep_caption": (
        "Left: the share of hidden units that are frozen (slope below 1% of its maximum on "
        "every training sample) after training, against the Adam learning rate; for ReLU these "
        "are exactly the dead units (output 0 on every sample). Right: the training accuracy "
        "reached. Colour: the activation; dashed: hidden biases start at −0.5."),
    "activity_caption": (
        "Each hidden ReLU unit of the trained network, by the share of training samples on "
        "which it is active. The first bar holds the dead units (active on no sample, counted "
        "in the legend) and the units active on fewer than 5% of the samples."),
    "table": "Dead and frozen units, and accuracy (mean over seeds)",
    "columns": ["activation", "initial bias", "learning rate", "dead at init",
                "dead after training", "frozen after training",
                "inactive after training (z ≤ 0 always)",
                "first-layer units dead at init still dead", "training accuracy",
                "test accuracy", "seeds diverged"],
    "fig": {
        "sweep_title": ("At learning rate {lr:g}, {relu:.0%} of ReLU units die; ELU freezes "
                        "{elu:.0%}, Leaky ReLU {leaky:.0%}"),
        "frozen_title": "Frozen hidden units after training",
        "accuracy_title": "Training accuracy after training",
        "lr_axis": "Adam learning rate",
        "frozen_axis": "frozen units, % of hidden units (ReLU: dead)",
        "accuracy_axis": "training accuracy (fraction correct)",
        "names": {"relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU"},
        "bias": "hidden biases start at {start}",
        "colour_title": "activation",
        "style_title": "initial bias",
        "activity_run": "ReLU, learning rate {lr:g}: {dead} dead units",
        "activity_title": "How often each ReLU unit is active after training (first seed)",
        "activity_axis": "share of training samples with z > 0",
        "units_axis": "number of hidden units",
    },
}

TEXT_ZH = {
    "sweep_caption": (
        "左:训练后冻结(在每个训练样本上斜率都低于其最大值的 1%)的隐藏神经元比例随 Adam 学习率的"
        "变化;对 ReLU 而言,冻结的正是死亡的神经元(对每个样本输出都为 0)。右:达到的训练准确率。"
        "颜色表示激活函数;虚线:隐藏层偏置从 −0.5 开始。"),
    "activity_caption": (
        "训练后网络中的每个 ReLU 隐藏神经元,按其被激活的训练样本比例分组。第一根柱子包括死亡"
        "神经元(对任何样本都不激活,数目见图例)以及在不到 5% 的样本上激活的神经元。"),
    "table": "死亡与冻结的神经元,以及准确率(对随机种子取平均)",
    "columns": ["激活函数", "初始偏置", "学习率", "初始化时死亡比例", "训练后死亡比例",
                "训练后冻结比例", "训练后不激活比例(z 始终 ≤ 0)",
                "初始化时死亡的第一层神经元仍死亡的比例", "训练准确率", "测试准确率",
                "发散的随机种子数"],
    "fig": {
        "sweep_title": ("学习率 {lr:g} 时 {relu:.0%} 的 ReLU 神经元死亡;ELU 冻结 {elu:.0%},"
                        "Leaky ReLU {leaky:.0%}"),
        "frozen_title": "训练后冻结的隐藏神经元",
        "accuracy_title": "训练后的训练准确率",
        "lr_axis": "Adam 学习率",
        "frozen_axis": "冻结的神经元占隐藏神经元的百分比(ReLU:死亡)",
        "accuracy_axis": "训练准确率(正确比例)",
        "names": {"relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU"},
        "bias": "隐藏层偏置从 {start} 开始",
        "colour_title": "激活函数",
        "style_title": "初始偏置",
        "activity_run": "ReLU,学习率 {lr:g}:{dead} 个死亡神经元",
        "activity_title": "训练后每个 ReLU 神经元被激活的频率(第一个随机种子)",
        "activity_axis": "z > 0 的训练样本所占比例",
        "units_axis": "隐藏神经元个数",
    },
}
