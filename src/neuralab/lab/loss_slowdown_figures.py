"""The figures and tables of the ``loss_slowdown`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive)."""

from __future__ import annotations

import numpy as np

from neuralab import plots

from .base import Context, Figure, Table
from .measures import epochs_or_never, epochs_text
from .text import labels, say

LINE = {"near": "-", "far": "--"}


def _exp():
    from . import loss_slowdown  # the experiment's constants (it imports this module)

    return loss_slowdown


def starts() -> dict:
    """Each start's w, b and first output σ(w + b) (input 1), for the text."""
    return {k: {"w": w, "b": b, "output": 1 / (1 + np.exp(-(w + b)))}
            for k, (w, b) in _exp().STARTS.items()}


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """The neuron (output and gradient per epoch), the digits (accuracy per epoch)."""
    return [_draw_neuron(numbers, ctx, text), _draw_digits(numbers, ctx, text)]


def _draw_neuron(numbers: dict, ctx: Context, text) -> Figure:
    """Output and ∂C/∂w — never two costs on one "cost" axis: each cost is its own function,
    but ∂C/∂w is, for both, what a gradient-descent step moves w by (times η)."""
    p, budgets = ctx.params["neuron"], numbers["budgets"]
    fig, (out_ax, grad_ax) = plots.subplots(1, 2, size=(5.4, 4.0))
    for key, run in numbers["neuron"].items():
        cost, start = key.split("/")
        w, b = _exp().STARTS[start]
        style = {"color": plots.loss_color(cost), "linestyle": LINE[start],
                 "label": ctx.say(text, "fig", "run", cost, w=w, b=b)}
        out_ax.plot(run["output"], **style)
        grad_ax.semilogy(np.abs(run["grad_w"]), **style)
    plots.reference_line(out_ax, p["output_threshold"],
                         ctx.say(text, "fig", "threshold", threshold=p["output_threshold"]))
    out_ax.set(title=ctx.say(text, "fig", "output_title"),
               xlabel=ctx.say(text, "fig", "epoch_axis"),
               ylabel=ctx.say(text, "fig", "output_axis"), ylim=(0, 1))
    grad_ax.set(title=ctx.say(text, "fig", "gradient_title"),
                xlabel=ctx.say(text, "fig", "epoch_axis"),
                ylabel=ctx.say(text, "fig", "gradient_axis"))
    out_ax.legend(fontsize=8)
    grad_ax.legend(fontsize=8, loc="lower left")
    summary = numbers["neuron_summary"]
    fig.suptitle(ctx.say(text, "fig", "neuron_title", threshold=budgets["threshold"],
                         quad=_epochs(summary["quadratic/far"], budgets["neuron"], ctx),
                         ce=_epochs(summary["cross_entropy/far"], budgets["neuron"], ctx)))
    path = plots.save(fig, ctx.figure_path("loss-slowdown-neuron"))
    return Figure(path, say(text, "neuron_caption", **p))


def _epochs(s: dict, budget: int, ctx: Context) -> str:
    return epochs_text(s["epochs_below_threshold"], budget)(ctx.figure_lang)


def _draw_digits(numbers: dict, ctx: Context, text) -> Figure:
    p, reached = ctx.params["digits"], numbers["digits_epochs_to_target"]
    fig, ax = plots.subplots(size=(7.6, 4.2))
    for cost, run in numbers["digits"].items():
        epochs = np.arange(1, len(run["val_accuracy"]) + 1)
        ax.plot(epochs, run["val_accuracy"], marker="o", markersize=3,
                color=plots.loss_color(cost), label=ctx.say(text, "fig", "digits_run", cost))
    plots.reference_line(ax, p["target_accuracy"],
                         ctx.say(text, "fig", "target", target=p["target_accuracy"]))
    budget = p["epochs"]
    ax.set(title=ctx.say(text, "fig", "digits_title", target=p["target_accuracy"],
                         ce=epochs_text(reached["cross_entropy"], budget)(ctx.figure_lang),
                         quad=epochs_text(reached["quadratic"], budget)(ctx.figure_lang)),
           xlabel=ctx.say(text, "fig", "digits_epoch_axis", lr=p["lr"]),
           ylabel=ctx.say(text, "fig", "accuracy_axis"), ylim=(0, 1))
    ax.legend(fontsize=8, loc="lower right")
    path = plots.save(fig, ctx.figure_path("loss-slowdown-digits"))
    return Figure(path, say(text, "digits_caption"))


def tables(numbers: dict, text) -> list[Table]:
    """The neuron's four runs, the digits' two, the formula checks."""
    budget, threshold = numbers["budgets"]["neuron"], numbers["budgets"]["threshold"]
    neuron = [[*(_name(part, text) for part in key.split("/")), s["initial_output"],
               s["initial_grad_w"], epochs_or_never(s["epochs_below_threshold"], budget),
               s["final_output"], s["final_cost"]]
              for key, s in numbers["neuron_summary"].items()]
    digits = [[_name(cost, text), epochs_or_never(numbers["digits_epochs_to_target"][cost],
                                                  len(run["val_accuracy"])),
               run["val_accuracy"][-1]] for cost, run in numbers["digits"].items()]
    return [Table(say(text, "neuron_table"),
                  labels(text, "neuron_columns", threshold=threshold, epochs=budget), neuron),
            Table(say(text, "digits_table"), labels(text, "digits_columns"), digits),
            Table(say(text, "formula_table"), labels(text, "formula_columns"),
                  [[name, value] for name, value in numbers["formula_errors"].items()])]


def _name(part: str, text):
    """A cost's name, or a start with its w and b."""
    return say(text, "names", part, **starts().get(part, {}))


TEXT_EN = {
    "neuron_caption": (
        "Nielsen's neuron, learning rate {lr:g}. Left: its output; right: the gradient "
        "∂C/∂w that each step multiplies by η. The quadratic cost (blue) from the saturated "
        "start (dashed) has a tiny gradient and sits on a plateau; cross-entropy (red) has its "
        "largest gradient exactly where the error is largest."),
    "digits_caption": (
        "Test accuracy after each epoch on the digits: the same network, sigmoid outputs, "
        "initial weights, optimizer and learning rate; only the cost differs."),
    "names": {"quadratic": "quadratic", "cross_entropy": "cross-entropy",
              "near": "near: w = {w:g}, b = {b:g}", "far": "far: w = {w:g}, b = {b:g}"},
    "neuron_table": "The single neuron",
    "neuron_columns": ["cost", "start", "initial output", "initial ∂C/∂w",
                       "epochs until output < {threshold:g}", "output after {epochs} epochs",
                       "final cost"],
    "digits_table": "Digits, sigmoid outputs",
    "digits_columns": ["cost", "epochs to the target accuracy", "final test accuracy"],
    "formula_table": "Loss values against the formulas",
    "formula_columns": ["check", "relative difference"],
    "fig": {
        "run": {"quadratic": "quadratic, w = {w:g}, b = {b:g}",
                "cross_entropy": "cross-entropy, w = {w:g}, b = {b:g}"},
        "threshold": "output {threshold:g}",
        "output_title": "Output a = σ(w·1 + b), target 0",
        "gradient_title": "Gradient ∂C/∂w: how far each step moves w",
        "epoch_axis": "epoch (gradient-descent steps)",
        "output_axis": "output a",
        "gradient_axis": "|∂C/∂w| (log scale)",
        "neuron_title": ("From the saturated start, output below {threshold:g}: quadratic cost "
                         "{quad}, cross-entropy {ce}"),
        "digits_run": {"quadratic": "sigmoid outputs + quadratic cost",
                       "cross_entropy": "sigmoid outputs + cross-entropy"},
        "target": "target {target:.0%}",
        "digits_title": ("Only the cost differs. Epochs to {target:.0%}: cross-entropy {ce}, "
                         "quadratic {quad}"),
        "digits_epoch_axis": "epoch (SGD, learning rate {lr:g})",
        "accuracy_axis": "test accuracy (fraction correct)",
    },
}

TEXT_ZH = {
    "neuron_caption": (
        "Nielsen 的单个神经元,学习率 {lr:g}。左:输出;右:每一步乘以 η 的梯度 ∂C/∂w。平方损失"
        "(蓝)从饱和的起点(虚线)出发时梯度极小,长时间停留在平台上;交叉熵(红)恰恰在误差最大时"
        "梯度最大。"),
    "digits_caption": (
        "digits 上每轮之后的测试准确率:网络、sigmoid 输出、初始权重、优化器与学习率都相同,"
        "只有损失函数不同。"),
    "names": {"quadratic": "平方损失", "cross_entropy": "交叉熵",
              "near": "近:w = {w:g},b = {b:g}", "far": "远:w = {w:g},b = {b:g}"},
    "neuron_table": "单个神经元",
    "neuron_columns": ["损失函数", "起点", "初始输出", "初始 ∂C/∂w",
                       "输出 < {threshold:g} 所需轮数", "{epochs} 轮后的输出", "最终代价"],
    "digits_table": "digits 数据集,sigmoid 输出",
    "digits_columns": ["损失函数", "达到目标准确率的轮数", "最终测试准确率"],
    "formula_table": "损失值与公式的比较",
    "formula_columns": ["检验", "相对差"],
    "fig": {
        "run": {"quadratic": "平方损失,w = {w:g},b = {b:g}",
                "cross_entropy": "交叉熵,w = {w:g},b = {b:g}"},
        "threshold": "输出 {threshold:g}",
        "output_title": "输出 a = σ(w·1 + b),目标 0",
        "gradient_title": "梯度 ∂C/∂w:每一步让 w 移动多远",
        "epoch_axis": "轮(梯度下降步数)",
        "output_axis": "输出 a",
        "gradient_axis": "|∂C/∂w|(对数坐标)",
        "neuron_title": "从饱和的起点出发,输出降到 {threshold:g} 以下:平方损失 {quad},交叉熵 {ce}",
        "digits_run": {"quadratic": "sigmoid 输出 + 平方损失",
                       "cross_entropy": "sigmoid 输出 + 交叉熵"},
        "target": "目标 {target:.0%}",
        "digits_title": "只有损失函数不同。达到 {target:.0%} 所需:交叉熵 {ce},平方损失 {quad}",
        "digits_epoch_axis": "轮(随机梯度下降,学习率 {lr:g})",
        "accuracy_axis": "测试准确率(正确比例)",
    },
}
