"""The figures and tables of the ``activations`` experiment, and their words (merged into the
experiment's ``TEXT``, which these functions receive); saturation kinds in both languages."""

from __future__ import annotations

import numpy as np

from neuralab import activations, plots

from .base import Context, Figure, Table
from .text import Text, labels, say

_SIDE = {"soft": "软饱和", "hard": "硬饱和", "none": "不饱和"}
_DECLARED = {"soft": ("soft", "soft"), "hard": ("hard", "hard"), "none": ("none", "none"),
             "soft (left)": ("soft", "none"), "hard (left)": ("hard", "none")}
"""The library's words for an activation's saturation (``Activation.saturation``) → sides."""


def side_text(kind: str) -> Text:
    """One side's saturation kind ("soft", "hard", "none") in both languages."""
    return Text(kind, _SIDE[kind])


def saturation_text(left: str, right: str) -> Text:
    """Both sides' saturation in both languages: "soft" / 两侧软饱和, "hard (left)" / 左侧硬饱和."""
    if left == right:
        return Text(left, "两侧" + _SIDE[left] if left != "none" else "不饱和")
    if right == "none":
        return Text(f"{left} (left)", "左侧" + _SIDE[left])
    return Text(f"left {left}, right {right}", f"左侧{_SIDE[left]},右侧{_SIDE[right]}")


def declared_text(declared: str) -> Text:
    """An activation's declared saturation (the library's words) in both languages."""
    return saturation_text(*_DECLARED[declared]) if declared in _DECLARED else Text(declared,
                                                                                     declared)


def _exp():
    from . import activations as experiment  # its constants (it imports this module)

    return experiment


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """Every function and its derivative; the hidden layers of the trained networks."""
    return [_draw_functions(numbers["functions"], ctx, text),
            _draw_layers(numbers["layers"], ctx, text)]


def _draw_functions(props: dict, ctx: Context, text) -> Figure:
    fig, axes = plots.subplots(3, 4, size=(3.2, 2.6), squeeze=False)
    z = np.linspace(-5, 5, 801)
    for ax, name in zip(axes.ravel(), props, strict=True):
        act, color = activations.get(name), plots.activation_color(name)
        ax.plot(z, act.forward(z), color=color, label="f(z)")
        ax.plot(z, act.derivative(z), color=color, linestyle="--", label="f′(z)")
        ax.axhline(0, color=plots.ZERO, linewidth=0.6)
        kind = saturation_text(props[name]["left"], props[name]["right"])(ctx.figure_lang)
        ax.set(title=ctx.say(text, "fig", "function_title", name=name, kind=kind),
               xlabel=ctx.say(text, "fig", "z_axis"), ylabel="f(z), f′(z)", ylim=(-1.5, 3))
        ax.title.set_fontsize(9)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(ctx.say(text, "fig", "functions_title"))
    path = plots.save(fig, ctx.figure_path("activations-functions"))
    return Figure(path, say(text, "functions_caption"))


def _column(stats: list[dict], key: str) -> list:
    return [layer[key] for layer in stats]


def _draw_layers(layers: dict, ctx: Context, text) -> Figure:
    fig, axes = plots.subplots(1, 4, size=(3.5, 3.6))
    mean_ax, sample_ax, frozen_ax, grad_ax = axes
    for shift, (name, stats) in zip((-0.1, 0.0, 0.1), layers.items(), strict=True):
        depth = np.arange(1, len(stats) + 1)
        style = {"color": plots.activation_color(name), "marker": "o", "label": name}
        mean_ax.errorbar(depth + shift, _column(stats, "activation_mean"),
                         yerr=_column(stats, "activation_std"), capsize=3, **style)
        sample_ax.plot(depth, _column(stats, "saturated_fraction"), **style)
        frozen_ax.plot(depth + shift / 2, _column(stats, "frozen_fraction"), **style)
        grad_ax.semilogy(depth, _column(stats, "init_grad_norm_bias"), **style)
    mean_ax.axhline(0, color=plots.ZERO, linewidth=0.8)
    mean_ax.set(title=ctx.say(text, "fig", "mean_title"),
                ylabel=ctx.say(text, "fig", "mean_axis"))
    sample_ax.set(title=ctx.say(text, "fig", "per_sample_title"),
                  ylabel=ctx.say(text, "fig", "per_sample_axis"), ylim=(-0.02, 1))
    frozen_ax.set(title=ctx.say(text, "fig", "frozen_title"),
                  ylabel=ctx.say(text, "fig", "frozen_axis"), ylim=(-0.02, 1))
    grad_ax.set(title=ctx.say(text, "fig", "speed_title"),
                ylabel=ctx.say(text, "fig", "speed_axis"))
    for ax in axes:
        ax.set(xlabel=ctx.say(text, "fig", "layer_axis"), xticks=depth)
        ax.legend(fontsize=8)
    fig.suptitle(ctx.say(text, "fig", "layers_title",
                         relu=max(_column(layers["relu"], "saturated_fraction")),
                         relu_frozen=max(_column(layers["relu"], "frozen_fraction")),
                         sigmoid=max(_column(layers["sigmoid"], "frozen_fraction"))))
    path = plots.save(fig, ctx.figure_path("activations-layers"))
    return Figure(path, say(text, "layers_caption"))


def _math(interval: str) -> str:
    """An interval as the library declares it, "(-1, inf)", with a true minus and ∞."""
    return interval.replace("-", "−").replace("inf", "∞")


def tables(numbers: dict, text) -> list[Table]:
    """The functions, measured; the hidden layers of the trained networks."""
    tol = _exp().ZERO_MEAN_TOL
    functions = [[name, p["min"], p["max"], _math(p["declared_range"]), p["max_derivative"],
                  p["mean_of_standard_normal"], abs(p["mean_of_standard_normal"]) < tol,
                  saturation_text(p["left"], p["right"]), declared_text(p["declared_saturation"])]
                 for name, p in numbers["functions"].items()]
    layers = [[name, i + 1, s["activation_mean"], s["activation_std"], s["activation_min"],
               s["saturated_fraction"], s["frozen_fraction"], s["dead_fraction"],
               s["init_grad_norm_bias"], s["grad_norm_bias"], s["test_accuracy"]]
              for name, stats in numbers["layers"].items() for i, s in enumerate(stats)]
    return [Table(say(text, "function_table"), labels(text, "function_columns", tol=tol),
                  functions),
            Table(say(text, "layer_table"), labels(text, "layer_columns"), layers)]


TEXT_EN = {
    "functions_caption": (
        "Each activation f and its derivative f′. Where the dashed curve runs into 0 the unit "
        "saturates: softly for sigmoid and tanh on both sides, hard for ReLU on the left."),
    "layers_caption": (
        "Hidden layers of the networks trained on the digits. Per sample, f′ ≈ 0 (|f′| below 1% "
        "of its maximum) is common for ReLU — every z ≤ 0, the inactive half of its inputs — and "
        "says nothing about a unit as a whole; a frozen unit has f′ ≈ 0 on every sample, and "
        "only it has stopped learning. Last: the gradient norm of each layer's biases at "
        "initialisation."),
    "function_table": "The functions, measured",
    "function_columns": [
        "activation", "min f on the grid", "max f on the grid", "declared range",
        "max |f′| (numerical)", "E f(z), z ~ N(0, 1)", "zero-centred (|E f| < {tol:g})",
        "saturation (measured)", "saturation (declared)"],
    "layer_table": "Hidden layers of the trained networks (training set)",
    "layer_columns": [
        "activation", "layer", "mean", "std", "min", "share of (unit, sample) pairs with f′ ≈ 0",
        "frozen units", "dead units", "‖∂C/∂b‖ at init", "‖∂C/∂b‖ trained", "test accuracy"],
    "fig": {
        "function_title": "{name} (saturation: {kind})",
        "z_axis": "pre-activation z",
        "functions_title": "Activation functions (solid) and their derivatives (dashed)",
        "mean_title": "Mean output (± std), trained",
        "mean_axis": "mean activation",
        "per_sample_title": "Per sample: f′ ≈ 0",
        "per_sample_axis": "share of (unit, sample) pairs with f′ ≈ 0",
        "frozen_title": "Frozen units: f′ ≈ 0 on every sample",
        "frozen_axis": "share of the layer's units",
        "speed_title": "Speed of learning at initialisation",
        "speed_axis": "‖∂C/∂b‖ (log scale)",
        "layer_axis": "hidden layer (1 = nearest the input)",
        "layers_title": ("Per sample, ReLU's f′ = 0 on up to {relu:.0%} of pairs (its inactive "
                         "half); frozen units, at most: ReLU {relu_frozen:.0%}, sigmoid "
                         "{sigmoid:.0%} of a layer"),
    },
}

TEXT_ZH = {
    "functions_caption": (
        "每个激活函数 f 及其导数 f′。虚线趋于 0 的地方神经元饱和:sigmoid 与 tanh 两侧软饱和,"
        "ReLU 左侧硬饱和。"),
    "layers_caption": (
        "在 digits 上训练的网络的各隐藏层。按样本看,ReLU 常常 f′ ≈ 0(|f′| 低于其最大值的 1%)——"
        "即所有 z ≤ 0 的输入,也就是它不激活的那一半——这并不说明整个神经元怎样;冻结的神经元在"
        "每个样本上都 f′ ≈ 0,只有它才停止了学习。最后一幅:初始化时各层偏置梯度的范数。"),
    "function_table": "激活函数的测量值",
    "function_columns": [
        "激活函数", "网格上 f 的最小值", "网格上 f 的最大值", "声明的值域", "最大 |f′|(数值)",
        "E f(z),z ~ N(0, 1)", "0 均值(|E f| < {tol:g})", "饱和(测量)", "饱和(声明)"],
    "layer_table": "训练后网络的各隐藏层(训练集)",
    "layer_columns": [
        "激活函数", "层", "均值", "标准差", "最小值", "f′ ≈ 0 的(神经元, 样本)对所占比例",
        "冻结的神经元", "死亡的神经元", "初始 ‖∂C/∂b‖", "训练后 ‖∂C/∂b‖", "测试准确率"],
    "fig": {
        "function_title": "{name}(饱和:{kind})",
        "z_axis": "激活前的输入 z",
        "functions_title": "激活函数(实线)及其导数(虚线)",
        "mean_title": "训练后的平均输出(± 标准差)",
        "mean_axis": "平均激活值",
        "per_sample_title": "按样本:f′ ≈ 0",
        "per_sample_axis": "f′ ≈ 0 的(神经元, 样本)对所占比例",
        "frozen_title": "冻结的神经元:每个样本上都 f′ ≈ 0",
        "frozen_axis": "占该层神经元的比例",
        "speed_title": "初始化时的学习速度",
        "speed_axis": "‖∂C/∂b‖(对数坐标)",
        "layer_axis": "隐藏层(1 = 最靠近输入)",
        "layers_title": ("按样本看,ReLU 在多达 {relu:.0%} 的(神经元, 样本)对上 f′ = 0(它不激活的"
                         "那一半);每层冻结的神经元最多:ReLU {relu_frozen:.0%},sigmoid "
                         "{sigmoid:.0%}"),
    },
}
