"""The figure and table of the ``optimizer_paper`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

from neuralab import plots

from .base import Context, Figure, Table
from .text import labels, say

NAMES = {"adam": "Adam", "adagrad": "Adagrad", "rmsprop": "RMSprop",
         "nesterov": "SGD Nesterov"}


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Training cost against iterations at each best rate; final cost against the rate."""
    best, runs = numbers["best"], numbers["runs"]
    fig, (cost_ax, grid_ax) = plots.subplots(1, 2, size=(5.2, 4.0))
    for name, r in best.items():
        colour = plots.optimizer_color(name)
        cost_ax.semilogy(r["iterations"], r["cost"], color=colour, linewidth=1.6,
                         label=ctx.say(text, "fig", "run", name=NAMES[name], lr=r["lr"]))
        rates = sorted(runs[name])
        grid_ax.loglog(rates, [runs[name][lr]["cost"][-1] for lr in rates], "o-", color=colour,
                       label=NAMES[name])
    lowest = min(best, key=lambda n: best[n]["cost"][-1])
    fig.suptitle(ctx.say(text, "fig", "title", "adam" if lowest == "adam" else "other",
                         lowest=NAMES[lowest], epochs=numbers["epochs"]))
    cost_ax.set(title=ctx.say(text, "fig", "cost_title"),
                xlabel=ctx.say(text, "fig", "iterations_axis"),
                ylabel=ctx.say(text, "fig", "cost_axis"))
    grid_ax.set(title=ctx.say(text, "fig", "grid_title"), xlabel=ctx.say(text, "fig", "lr_axis"),
                ylabel=ctx.say(text, "fig", "final_axis"))
    cost_ax.legend(fontsize=8, loc="upper right")
    grid_ax.legend(fontsize=8)
    path = plots.save(fig, ctx.figure_path("optimizer-paper"))
    return [Figure(path, say(text, "caption"))]


def tables(numbers: dict, text) -> list[Table]:
    """Every optimizer and learning rate: the final training cost and test accuracy."""
    rows = [[NAMES[name], lr, r["cost"][0], r["cost"][-1], r["test_accuracy"],
             lr == numbers["best"][name]["lr"]]
            for name, by_lr in numbers["runs"].items() for lr, r in by_lr.items()]
    return [Table(say(text, "table"), labels(text, "columns"), rows)]


TEXT_EN = {
    "caption": (
        "Left: the training cost (cross-entropy over the whole training set, dropout off) "
        "against the iterations, each optimizer at the best learning rate of its grid, as in "
        "Kingma & Ba's figure 2(a). Right: the final training cost at every learning rate tried."),
    "table": "Every optimizer and learning rate",
    "columns": ["optimizer", "learning rate", "training cost at the start",
                "training cost at the end", "test accuracy", "best of its grid"],
    "fig": {
        "run": "{name} (lr {lr:g})",
        "title": {"adam": "After {epochs} epochs Adam's training cost is the lowest, as in the "
                          "paper",
                  "other": "After {epochs} epochs {lowest} ends below Adam, unlike the paper"},
        "cost_title": "Training cost at each one's best learning rate",
        "iterations_axis": "iterations (mini-batches of 128)",
        "cost_axis": "training cost (log)",
        "grid_title": "Final training cost per learning rate",
        "lr_axis": "learning rate",
        "final_axis": "final training cost (log)",
    },
}

TEXT_ZH = {
    "caption": (
        "左:训练代价(关闭随机失活后整个训练集上的交叉熵)随迭代次数的变化,每个优化器取其网格中"
        "最佳的学习率,对应 Kingma 与 Ba 的图 2(a)。右:每个学习率下的最终训练代价。"),
    "table": "每个优化器与学习率",
    "columns": ["优化器", "学习率", "开始时的训练代价", "结束时的训练代价", "测试准确率",
                "是否为其网格中最佳"],
    "fig": {
        "run": "{name}(学习率 {lr:g})",
        "title": {"adam": "{epochs} 轮后 Adam 的训练代价最低,与论文一致",
                  "other": "{epochs} 轮后 {lowest} 低于 Adam,与论文不同"},
        "cost_title": "各自最佳学习率下的训练代价",
        "iterations_axis": "迭代次数(每批 128 个样本)",
        "cost_axis": "训练代价(对数坐标)",
        "grid_title": "各学习率下的最终训练代价",
        "lr_axis": "学习率",
        "final_axis": "最终训练代价(对数坐标)",
    },
}
