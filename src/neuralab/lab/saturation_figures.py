"""The figures and table of the ``saturation_dynamics`` experiment, and their words (merged into
the experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

from neuralab import plots

from .base import Context, Figure, Table
from .text import labels, say


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Glorot & Bengio's figure 2 (sigmoid: mean ± std per layer) and figure 3 (tanh: 98th
    percentile and std per layer), each with the saturated shares and the probe's accuracy."""
    return [_draw_sigmoid(numbers["sigmoid"], ctx, text), _draw_tanh(numbers["tanh"], ctx, text)]


def _layers(run: dict) -> range:
    return range(run["mean"].shape[1])


def _shares(ax, run: dict, ctx: Context, text) -> None:
    """The share of each layer's pairs saturated on the left (solid) and right (dashed)."""
    for i in _layers(run):
        ax.plot(run["updates"], run["left"][:, i], color=plots.layer_color(i + 1))
        ax.plot(run["updates"], run["right"][:, i], color=plots.layer_color(i + 1),
                linestyle="--")
    acc = ax.twinx()
    acc.plot(run["updates"], run["accuracy"], color=plots.REFERENCE, linewidth=2.2, alpha=0.8)
    acc.set(ylim=(0, 1), ylabel=ctx.say(text, "fig", "accuracy_axis"))
    top = min(1.02, max(0.1, 1.2 * float(max(run["left"].max(), run["right"].max()))))
    ax.set(ylim=(-0.01 * top, top), xlabel=ctx.say(text, "fig", "update_axis"),
           ylabel=ctx.say(text, "fig", "share_axis"), title=ctx.say(text, "fig", "share_title"))
    colours = {ctx.say(text, "fig", "layer", i=i + 1): plots.layer_color(i + 1)
               for i in _layers(run)}
    colours[ctx.say(text, "fig", "accuracy")] = plots.REFERENCE
    styles = {ctx.say(text, "fig", "left"): "-", ctx.say(text, "fig", "right"): "--"}
    plots.legends(ax, colours, styles, titles=("", ""), loc=("center right", "upper right"))


def _draw_sigmoid(run: dict, ctx: Context, text) -> Figure:
    fig, (mean_ax, share_ax) = plots.subplots(1, 2, size=(5.6, 4.2))
    for i in _layers(run):
        colour = plots.layer_color(i + 1)
        mean, std = run["mean"][:, i], run["std"][:, i]
        mean_ax.fill_between(run["updates"], mean - std, mean + std, color=colour, alpha=0.15)
        mean_ax.plot(run["updates"], mean, color=colour, label=ctx.say(text, "fig", "layer",
                                                                        i=i + 1))
    mean_ax.set(ylim=(-0.02, 1.02), xlabel=ctx.say(text, "fig", "update_axis"),
                ylabel=ctx.say(text, "fig", "sigmoid_axis"),
                title=ctx.say(text, "fig", "sigmoid_panel"))
    mean_ax.legend(fontsize=8, loc="center right")
    _shares(share_ax, run, ctx, text)
    kind = "came_back" if run["left_again"] else "stayed"
    fig.suptitle(ctx.say(text, "fig", "sigmoid_title", kind, peak=run["top_left_peak"],
                         update=run["top_left_peak_update"], end=run["top_left_end"]))
    path = plots.save(fig, ctx.figure_path("saturation-dynamics-sigmoid"))
    return Figure(path, say(text, "sigmoid_caption"))


def _draw_tanh(run: dict, ctx: Context, text) -> Figure:
    fig, (p98_ax, share_ax) = plots.subplots(1, 2, size=(5.6, 4.2))
    for i in _layers(run):
        colour = plots.layer_color(i + 1)
        p98_ax.plot(run["updates"], run["p98"][:, i], "o", color=colour, markersize=3,
                    label=ctx.say(text, "fig", "layer", i=i + 1))
        p98_ax.plot(run["updates"], run["std"][:, i], color=colour)
    p98_ax.set(ylim=(0, 1.05), xlabel=ctx.say(text, "fig", "update_axis"),
               ylabel=ctx.say(text, "fig", "tanh_axis"), title=ctx.say(text, "fig", "tanh_panel"))
    p98_ax.legend(fontsize=8, loc="lower right")
    _shares(share_ax, run, ctx, text)
    reached = [i + 1 for i, u in sorted(enumerate(run["first_saturated"]),
                                        key=lambda iu: (iu[1] is None, iu[1])) if u is not None]
    fig.suptitle(ctx.say(text, "fig", "tanh_title", order=reached or ["—"]))
    path = plots.save(fig, ctx.figure_path("saturation-dynamics-tanh"))
    return Figure(path, say(text, "tanh_caption"))


def tables(numbers: dict, text) -> list[Table]:
    """Per network and hidden layer: start and end of each statistic, when it saturated."""
    rows = []
    for arm, run in numbers.items():
        for i in _layers(run):
            rows.append([arm, i + 1, run["mean"][0, i], run["mean"][-1, i], run["std"][-1, i],
                         run["p98"][-1, i], float(run["left"][:, i].max()),
                         float(run["right"][:, i].max()), run["first_saturated"][i]])
    return [Table(say(text, "table"), labels(text, "columns"), rows)]


TEXT_EN = {
    "sigmoid_caption": (
        "Glorot & Bengio's figure 2, remade. Left: the mean (line) and ± one standard deviation "
        "(band) of each sigmoid hidden layer's outputs on the probe, against the number of "
        "updates. Right: the share of each layer's (unit, sample) pairs saturated on the left "
        "(solid, outputs near 0) and on the right (dashed, near 1), and the probe's accuracy "
        "(grey, right axis)."),
    "tanh_caption": (
        "Glorot & Bengio's figure 3, remade. Left: the 98th percentile (markers) and the "
        "standard deviation (lines) of each tanh hidden layer's outputs. Right: the share of "
        "each layer's pairs saturated on the left (solid, near −1) and on the right (dashed, "
        "near 1), and the probe's accuracy (grey, right axis)."),
    "table": "Each hidden layer, at the start and at the end",
    "columns": ["network", "hidden layer", "mean at the start", "mean at the end",
                "std at the end", "98th percentile at the end", "largest share saturated left",
                "largest share saturated right", "first update with ≥ 2% saturated"],
    "fig": {
        "layer": "hidden layer {i}",
        "accuracy": "probe accuracy",
        "left": "saturated left",
        "right": "saturated right",
        "update_axis": "updates (mini-batches of 10)",
        "accuracy_axis": "probe accuracy",
        "share_axis": "share of (unit, sample) pairs saturated",
        "share_title": "Saturated pairs (|f′| < 1% of max)",
        "sigmoid_axis": "sigmoid output: mean ± std",
        "sigmoid_panel": "Mean and spread of each layer's outputs",
        "sigmoid_title": {
            "came_back": ("Sigmoid: the top hidden layer is pinned at 0 ({peak:.0%} of pairs by "
                          "update {update}), then leaves it ({end:.0%} at the end)"),
            "stayed": ("Sigmoid: the top hidden layer is pinned at 0 ({peak:.0%} of pairs by "
                       "update {update}) and stays there ({end:.0%} at the end)")},
        "tanh_axis": "tanh output: 98th percentile (markers), std (lines)",
        "tanh_panel": "98th percentile and spread of each layer",
        "tanh_title": "tanh: the hidden layers saturate in the order {order:, }",
    },
}

TEXT_ZH = {
    "sigmoid_caption": (
        "重做 Glorot 与 Bengio 的图 2。左:探测集上每个 sigmoid 隐藏层输出的均值(线)及正负一个"
        "标准差(阴影),横轴为更新次数。右:每层在左侧饱和(实线,输出接近 0)与右侧饱和(虚线,"
        "接近 1)的(神经元, 样本)对所占比例,以及探测集准确率(灰色,右侧纵轴)。"),
    "tanh_caption": (
        "重做 Glorot 与 Bengio 的图 3。左:每个 tanh 隐藏层输出的第 98 百分位数(点)与标准差"
        "(线)。右:每层在左侧饱和(实线,接近 −1)与右侧饱和(虚线,接近 1)的(神经元, 样本)对"
        "所占比例,以及探测集准确率(灰色,右侧纵轴)。"),
    "table": "各隐藏层在开始与结束时的数据",
    "columns": ["网络", "隐藏层", "开始时的均值", "结束时的均值", "结束时的标准差",
                "结束时的第 98 百分位数", "左侧饱和的最大比例", "右侧饱和的最大比例",
                "饱和比例首次 ≥ 2% 的更新次数"],
    "fig": {
        "layer": "隐藏层 {i}",
        "accuracy": "探测集准确率",
        "left": "左侧饱和",
        "right": "右侧饱和",
        "update_axis": "更新次数(每批 10 个样本)",
        "accuracy_axis": "探测集准确率",
        "share_axis": "饱和的(神经元, 样本)对所占比例",
        "share_title": "饱和的(神经元, 样本)对(|f′| < 最大值的 1%)",
        "sigmoid_axis": "sigmoid 输出:均值 ± 标准差",
        "sigmoid_panel": "各层输出的均值与离散程度",
        "sigmoid_title": {
            "came_back": ("sigmoid:最上面的隐藏层被压在 0 附近(第 {update} 次更新时占 {peak:.0%}),"
                          "随后又离开(最后 {end:.0%})"),
            "stayed": ("sigmoid:最上面的隐藏层被压在 0 附近(第 {update} 次更新时占 {peak:.0%}),"
                       "并一直停在那里(最后 {end:.0%})")},
        "tanh_axis": "tanh 输出:第 98 百分位数(点),标准差(线)",
        "tanh_panel": "各层的第 98 百分位数与离散程度",
        "tanh_title": "tanh:各隐藏层依次饱和的顺序为 {order:、}",
    },
}
