"""The figures and tables of the ``vanishing_gradient`` experiment, and their words.

Kept apart from :mod:`.vanishing_gradient` so that each file stays short; the experiment merges
:data:`TEXT_EN` and :data:`TEXT_ZH` into its ``TEXT``, which these functions receive.
"""

from __future__ import annotations

import numpy as np

from neuralab import plots

from .base import Context, Figure, Table
from .text import Text, labels, say


def _exp():
    from . import vanishing_gradient  # the experiment's constants (it imports this module)

    return vanishing_gradient


def draw(numbers: dict, ctx: Context, text) -> list[Figure]:
    """The three figures: the sigmoid nets, every set-up's deepest net, ratio and accuracy
    against depth."""
    return [_draw_sigmoid(numbers, ctx, text), _draw_deepest(numbers, ctx, text),
            _draw_depth(numbers, ctx, text)]


def _speed_panel(ax, speeds: np.ndarray, title: str, ctx: Context, text) -> None:
    epochs = np.arange(len(speeds))
    for i in range(speeds.shape[1]):
        ax.semilogy(epochs, speeds[:, i], color=plots.layer_color(i + 1),
                    label=ctx.say(text, "fig", "layer", i=i + 1))
    ax.set(title=title, xlabel=ctx.say(text, "fig", "epoch_axis"),
           ylabel=ctx.say(text, "fig", "speed_axis"), xlim=(0, len(speeds)))
    ax.grid(True, which="major", alpha=0.3)


def _final_spread(run: dict) -> float:
    last = run["speeds"][-1]
    return float(np.max(last) / np.min(last))


def _draw_sigmoid(numbers: dict, ctx: Context, text) -> Figure:
    exp, training = _exp(), numbers["training"]["sigmoid-nielsen"]
    fig, axes = plots.subplots(1, len(exp.DEPTHS), size=(4.4, 3.7), sharey=True)
    for ax, depth in zip(axes, exp.DEPTHS, strict=True):
        run = training[depth]
        _speed_panel(ax, run["speeds"], ctx.say(text, "fig", "sigmoid_panel", depth=depth,
                                                ratio=run["final_ratio"]), ctx, text)
        ax.legend(fontsize=7, loc="upper right")
    deep = training[max(exp.DEPTHS)]
    kind = "persists" if deep["final_ratio"] >= exp.FACTOR else "closes"
    fig.suptitle(ctx.say(text, "fig", "sigmoid_title", kind, ratio=deep["final_ratio"],
                         epochs=numbers["budget"]["epochs"], depth=max(exp.DEPTHS)))
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-sigmoid"))
    return Figure(path, say(text, "sigmoid_caption", kind, ratio=deep["final_ratio"],
                            **numbers["budget"]))


def _draw_deepest(numbers: dict, ctx: Context, text) -> Figure:
    exp, training = _exp(), numbers["training"]
    deep = max(exp.DEPTHS)
    fig, axes = plots.subplots(2, 3, size=(4.2, 3.3), sharey=True)
    for ax, key in zip(axes.ravel(), exp.SETUPS, strict=True):
        activation = exp.SETUPS[key][0]
        _speed_panel(ax, training[key][deep]["speeds"],
                     ctx.say(text, "fig", "deepest_panel", key,
                             spread=_final_spread(training[key][deep])), ctx, text)
        ax.title.set_color(plots.activation_color(activation))
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, fontsize=8, ncols=deep, loc="outside lower center")
    fig.suptitle(ctx.say(text, "fig", "deepest_title", deep=deep, hidden=exp.HIDDEN,
                         sigmoid=_final_spread(training["sigmoid-nielsen"][deep]),
                         relu=_final_spread(training["relu-he"][deep])))
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-deepest"))
    return Figure(path, say(text, "deepest_caption", deep=deep))


def _draw_depth(numbers: dict, ctx: Context, text) -> Figure:
    exp, initial, training = _exp(), numbers["initial"], numbers["training"]
    depths = list(exp.DEPTHS)
    fig, (ratio_ax, acc_ax) = plots.subplots(1, 2, size=(5.8, 4.2))
    for key, (activation, _, nielsen) in exp.SETUPS.items():
        style = {"color": plots.activation_color(activation), "marker": "o",
                 "linestyle": "--" if nielsen else "-"}
        ratio_ax.semilogy(depths, [initial[key][d]["ratio"] for d in depths], **style)
        acc_ax.plot(depths, [training[key][d]["test_accuracy"] for d in depths], **style)
    plots.reference_line(ratio_ax, exp.FACTOR, f"k = {exp.FACTOR:g}")
    plots.reference_line(acc_ax, exp.TRAINS, ctx.say(text, "fig", "trains", trains=exp.TRAINS))
    ratios = [initial["sigmoid-nielsen"][d]["ratio"] for d in depths]
    growth = (ratios[-1] / ratios[0]) ** (1 / (len(depths) - 1))
    ratio_ax.set(title=ctx.say(text, "fig", "ratio_title", growth=growth), xticks=depths,
                 xlabel=ctx.say(text, "fig", "depth_axis"),
                 ylabel=ctx.say(text, "fig", "ratio_axis"))
    deep = max(depths)
    acc_ax.set(title=ctx.say(text, "fig", "accuracy_title", epochs=numbers["budget"]["epochs"],
                             relu=training["relu-he"][deep]["test_accuracy"],
                             sigmoid=training["sigmoid-nielsen"][deep]["test_accuracy"]),
               xticks=depths, ylim=(0, 1), xlabel=ctx.say(text, "fig", "depth_axis"),
               ylabel=ctx.say(text, "fig", "accuracy_axis"))
    colours = {name: plots.activation_color(name) for name in ("sigmoid", "tanh", "relu")}
    styles = {ctx.say(text, "fig", "init_nielsen"): "--", ctx.say(text, "fig", "init_modern"): "-"}
    plots.legends(ratio_ax, colours, styles, titles=(ctx.say(text, "fig", "colour_title"),
                                                     ctx.say(text, "fig", "style_title")),
                  loc=("upper left", "lower right"))
    acc_ax.legend(fontsize=7.5, loc="center left")
    path = plots.save(fig, ctx.figure_path("vanishing-gradient-depth"))
    return Figure(path, say(text, "depth_caption"))


def _label(key: str, text) -> Text:
    activation, init, _ = _exp().SETUPS[key]
    return say(text, "setup_label", init, activation=activation)


def tables(initial: dict, training: dict, text) -> list[Table]:
    """Speeds at initialisation; speeds, ratios and accuracies after training."""
    exp = _exp()
    at_init = Table(say(text, "initial_table"), labels(text, "initial_columns"),
                    [[_label(k, text), d, initial[k][d]["speed"], initial[k][d]["ratio"],
                      initial[k][d]["spread"]] for k in exp.SETUPS for d in exp.DEPTHS])
    trained = Table(say(text, "training_table"), labels(text, "training_columns"),
                    [[_label(k, text), d, training[k][d]["speeds"][-1].tolist(),
                      training[k][d]["final_ratio"], training[k][d]["max_spread"],
                      training[k][d]["final_loss"], training[k][d]["train_accuracy"],
                      training[k][d]["test_accuracy"]]
                     for k in exp.SETUPS for d in exp.DEPTHS])
    return [at_init, trained]


TEXT_EN = {
    "sigmoid_caption": {
        "persists": (
            "Nielsen's chapter-5 figures, remade with his L2 term: the speed of learning ‖∂C/∂b‖ "
            "of each hidden layer of the sigmoid nets during {epochs} full-batch steps on "
            "{n_train:,} images (log scale; layer 1 is nearest the input). The layers keep their "
            "order, and in the deepest net the first hidden layer still learns {ratio:.0f}× "
            "slower than the last at the last epoch, as in his figure."),
        "closes": (
            "The speed of learning ‖∂C/∂b‖ of each hidden layer of the sigmoid nets during "
            "{epochs} full-batch steps on {n_train:,} images (log scale; layer 1 is nearest the "
            "input). In the deepest net the gap between the first and the last hidden layer "
            "closes to {ratio:.1f}× by the last epoch.")},
    "deepest_caption": (
        "The net with {deep} hidden layers for every set-up: top row Nielsen's "
        "initialisation (weights N(0, 1/fan_in), biases N(0, 1)), bottom row modern "
        "initialisation (Xavier for sigmoid and tanh, He for ReLU, biases 0)."),
    "depth_caption": (
        "Left: how many times faster the last hidden layer learns than the first, at "
        "initialisation (geometric mean over random initialisations). Right: test accuracy "
        "after the training budget. Colour: the activation; line style: the initialisation."),
    "setup_label": {"lecun_normal": "{activation}, Nielsen init",
                    "xavier_uniform": "{activation}, Xavier init",
                    "he_normal": "{activation}, He init"},
    "initial_table": "Speed of learning at initialisation",
    "initial_columns": ["set-up", "hidden layers", "‖∂C/∂b‖ per hidden layer (first → last)",
                        "last / first", "fastest / slowest"],
    "training_table": "Training",
    "training_columns": ["set-up", "hidden layers", "‖∂C/∂b‖ per hidden layer at the last epoch",
                         "last / first at the last epoch",
                         "largest fastest / slowest during training", "final training loss",
                         "training accuracy", "test accuracy"],
    "fig": {
        "layer": "hidden layer {i}",
        "epoch_axis": "epoch (one full-batch step each)",
        "speed_axis": "speed of learning ‖∂C/∂b‖ (log)",
        "sigmoid_panel": "sigmoid, {depth} hidden layers: {ratio:.0f}× at the end",
        "sigmoid_title": {
            "persists": ("With Nielsen's L2 term the gap persists: after {epochs} epochs hidden "
                         "layer 1 of {depth} still learns {ratio:.0f}× slower than the last"),
            "closes": ("The gap closes: after {epochs} epochs hidden layer 1 of {depth} learns "
                       "only {ratio:.1f}× slower than the last")},
        "deepest_panel": {k: f"{a}, {i}: {{spread:.0f}}× apart at the end"
                          for k, (a, i) in {"sigmoid-nielsen": ("sigmoid", "Nielsen init"),
                                            "tanh-nielsen": ("tanh", "Nielsen init"),
                                            "relu-nielsen": ("relu", "Nielsen init"),
                                            "sigmoid-xavier": ("sigmoid", "Xavier init"),
                                            "tanh-xavier": ("tanh", "Xavier init"),
                                            "relu-he": ("relu", "He init")}.items()},
        "deepest_title": ("{deep} hidden layers of {hidden}: at the last epoch sigmoid's layers "
                          "are {sigmoid:.0f}× apart, ReLU + He's {relu:.1f}×"),
        "trains": "trains: {trains:g}",
        "ratio_title": "At initialisation sigmoid's gap grows {growth:.1f}× per hidden layer",
        "accuracy_title": ("After {epochs} full-batch steps: ReLU + He {relu:.0%}, "
                           "sigmoid {sigmoid:.0%}"),
        "depth_axis": "number of hidden layers",
        "ratio_axis": "last / first hidden layer ‖∂C/∂b‖ (log)",
        "accuracy_axis": "test accuracy (fraction correct)",
        "init_nielsen": "Nielsen init (biases N(0, 1))",
        "init_modern": "Xavier / He init (biases 0)",
        "colour_title": "activation",
        "style_title": "initialisation",
    },
}

TEXT_ZH = {
    "sigmoid_caption": {
        "persists": (
            "按 Nielsen 第 5 章重做的图(带他的 L2 正则项):在 {n_train:,} 张图像上做 {epochs} "
            "步全批量梯度下降时,sigmoid 网络每个隐藏层的学习速度 ‖∂C/∂b‖(对数坐标;第 1 层最靠近"
            "输入)。各层始终保持先后顺序;在最深的网络中,到最后一轮第一个隐藏层仍比最后一个慢 "
            "{ratio:.0f} 倍,与他的图一致。"),
        "closes": (
            "在 {n_train:,} 张图像上做 {epochs} 步全批量梯度下降时,sigmoid 网络每个隐藏层的学习"
            "速度 ‖∂C/∂b‖(对数坐标;第 1 层最靠近输入)。在最深的网络中,到最后一轮第一个与最后一个"
            "隐藏层之间的差距缩小到 {ratio:.1f} 倍。")},
    "deepest_caption": (
        "各设置下具有 {deep} 个隐藏层的网络:上排为 Nielsen 初始化(权重 N(0, 1/n),偏置 "
        "N(0, 1)),下排为现代初始化(sigmoid 与 tanh 用 Xavier,ReLU 用 He,偏置为 0)。"),
    "depth_caption": (
        "左:初始化时最后一个隐藏层比第一个隐藏层学得快多少倍(对多次随机初始化取几何平均)。"
        "右:训练预算用完后的测试准确率。颜色表示激活函数,线型表示初始化方法。"),
    "setup_label": {"lecun_normal": "{activation},Nielsen 初始化",
                    "xavier_uniform": "{activation},Xavier 初始化",
                    "he_normal": "{activation},He 初始化"},
    "initial_table": "初始化时的学习速度",
    "initial_columns": ["设置", "隐藏层数", "各隐藏层的 ‖∂C/∂b‖(第一层 → 最后一层)",
                        "最后一层 / 第一层", "最快 / 最慢"],
    "training_table": "训练",
    "training_columns": ["设置", "隐藏层数", "最后一轮各隐藏层的 ‖∂C/∂b‖",
                         "最后一轮的最后一层 / 第一层", "训练中最快 / 最慢的最大值",
                         "最终训练损失", "训练准确率", "测试准确率"],
    "fig": {
        "layer": "隐藏层 {i}",
        "epoch_axis": "轮(每轮一步全批量梯度下降)",
        "speed_axis": "学习速度 ‖∂C/∂b‖(对数坐标)",
        "sigmoid_panel": "sigmoid,{depth} 个隐藏层:最后相差 {ratio:.0f} 倍",
        "sigmoid_title": {
            "persists": ("带 Nielsen 的 L2 项时差距一直存在:{epochs} 轮后,{depth} 个隐藏层中的"
                         "第 1 层仍比最后一层慢 {ratio:.0f} 倍"),
            "closes": ("差距会缩小:{epochs} 轮后,{depth} 个隐藏层中的第 1 层只比最后一层慢 "
                       "{ratio:.1f} 倍")},
        "deepest_panel": {k: f"{a},{i}:最后相差 {{spread:.0f}} 倍"
                          for k, (a, i) in {"sigmoid-nielsen": ("sigmoid", "Nielsen 初始化"),
                                            "tanh-nielsen": ("tanh", "Nielsen 初始化"),
                                            "relu-nielsen": ("ReLU", "Nielsen 初始化"),
                                            "sigmoid-xavier": ("sigmoid", "Xavier 初始化"),
                                            "tanh-xavier": ("tanh", "Xavier 初始化"),
                                            "relu-he": ("ReLU", "He 初始化")}.items()},
        "deepest_title": ("{deep} 个各含 {hidden} 个神经元的隐藏层:最后一轮 sigmoid 各层相差 "
                          "{sigmoid:.0f} 倍,ReLU + He 相差 {relu:.1f} 倍"),
        "trains": "能够训练:{trains:g}",
        "ratio_title": "初始化时 sigmoid 的差距每多一个隐藏层扩大 {growth:.1f} 倍",
        "accuracy_title": "{epochs} 步全批量梯度下降后:ReLU + He {relu:.0%},sigmoid {sigmoid:.0%}",
        "depth_axis": "隐藏层数",
        "ratio_axis": "最后一个 / 第一个隐藏层的 ‖∂C/∂b‖(对数坐标)",
        "accuracy_axis": "测试准确率(正确比例)",
        "init_nielsen": "Nielsen 初始化(偏置 N(0, 1))",
        "init_modern": "Xavier / He 初始化(偏置 0)",
        "colour_title": "激活函数",
        "style_title": "初始化方法",
    },
}
