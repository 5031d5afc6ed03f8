"""Experiment ``loss_slowdown`` (claims C9, C10, C11): why cross-entropy learns where the
quadratic cost stalls.

Nielsen's single sigmoid neuron (chapter 3): input x = 1, target y = 0, plain gradient descent,
started once near the answer and once far from it, where the neuron saturates. With the
quadratic cost C = (a − y)²/2 the gradient is ∂C/∂w = (a − y)·σ′(z)·x, so a saturated start
learns slowly; with the cross-entropy C = −[y ln a + (1 − y) ln(1 − a)] it is (a − y)·x, with no
σ′. Then the same comparison on the digits (sigmoid outputs + quadratic against softmax +
cross-entropy), and the library's cross-entropy values against the formulas the seed writes down.
"""

from __future__ import annotations

import numpy as np

from neuralab import losses, optimizers, plots
from neuralab.layers import Dense
from neuralab.network import Network, mlp

from .base import Context, Figure, Table, Verdict
from .experiment import Experiment, PerMode
from .measures import epochs_or_never, epochs_to_target, first_epoch, later
from .text import labels, say

STARTS = {"near": (0.6, 0.9), "far": (2.0, 2.0)}
"""The neuron's starting (w, b): near the target, and far from it where σ saturates."""
COSTS = {"quadratic": "quadratic", "cross_entropy": "binary_cross_entropy"}
"""The neuron's two costs, by the library's loss names."""
DIGITS_COSTS = ("quadratic", "cross_entropy")
THRESHOLD = 0.2
"""The neuron has learned once its output is below 0.2."""
FORMULA_TOL = 1e-9


class LossSlowdown(Experiment):
    """The neuron four ways (two costs × two starts), the digits net two ways, the formulas."""

    id = "loss_slowdown"
    claims = ("C9", "C10", "C11")
    params = {
        "neuron": {"x": 1.0, "y": 0.0, "lr": 0.15, "epochs": 300, "optimizer": "gd",
                   "starts": {k: {"w": w, "b": b} for k, (w, b) in STARTS.items()},
                   "output_threshold": THRESHOLD},
        "digits": {"sizes": [64, 30, 10], "hidden": "sigmoid", "optimizer": "sgd", "lr": 0.5,
                   "batch_size": 10, "epochs": PerMode(quick=8, full=30),
                   "target_accuracy": 0.9},
    }

    def units(self, p):
        return [*(("neuron", cost, start) for cost in COSTS for start in STARTS),
                *(("digits", cost) for cost in DIGITS_COSTS), ("formulas",)]

    def measure(self, unit, ctx):
        kind, *key = unit
        if kind == "neuron":
            cost, start = key
            return train_neuron(cost, *STARTS[start], ctx.params["neuron"])
        if kind == "digits":
            return train_digits(key[0], ctx.dataset("digits"), ctx.params["digits"], ctx.seed)
        return check_formulas(ctx.seed)

    def summarise(self, measured, ctx):
        neuron = {f"{cost}/{start}": measured["neuron", cost, start]
                  for cost in COSTS for start in STARTS}
        digits = {cost: measured["digits", cost] for cost in DIGITS_COSTS}
        target = ctx.params["digits"]["target_accuracy"]
        return {"neuron": neuron, "neuron_summary": {k: _summary(r) for k, r in neuron.items()},
                "digits": digits,
                "digits_epochs_to_target": {k: epochs_to_target(v["val_accuracy"], target)
                                            for k, v in digits.items()},
                "formula_errors": {**measured[("formulas",)],
                                   "neuron_trajectory": trajectory_error(neuron)}}

    def judge(self, numbers):
        summary = numbers["neuron_summary"]
        return [verdict_c9(summary), verdict_c10(summary, numbers["digits_epochs_to_target"]),
                verdict_c11(numbers["formula_errors"])]

    def tables(self, numbers, ctx):
        return [_neuron_table(numbers["neuron_summary"], ctx.params["neuron"]["epochs"]),
                _digits_table(numbers["digits"], numbers["digits_epochs_to_target"]),
                Table(say(TEXT, "formula_table"), labels(TEXT, "formula_columns"),
                      [[name, value] for name, value in numbers["formula_errors"].items()])]

    def draw(self, numbers, ctx):
        return [_draw_neuron(numbers["neuron"], ctx),
                _draw_digits(numbers["digits"], ctx.params["digits"], ctx)]


# --- measuring -------------------------------------------------------------------------------


def train_neuron(cost: str, w: float, b: float, p: dict) -> dict:
    """Full-batch GD on one sigmoid neuron; per epoch (before its update): a, C and ∂C/∂w."""
    neuron = Dense(1, 1, activation="sigmoid", dtype="float64")
    net = Network([neuron], loss=COSTS[cost])
    neuron.weight.value, neuron.bias.value = [[w]], [b]
    optimizer = optimizers.get(p["optimizer"], lr=p["lr"])
    x, y = np.full((1, 1), p["x"]), np.full((1, 1), p["y"])
    output, cost_value, grad_w = [], [], []
    for epoch in range(p["epochs"] + 1):
        net.zero_grad()
        output.append(float(net.forward(x)[0, 0]))
        cost_value.append(net.backward(y))
        grad_w.append(float(neuron.weight.grad[0, 0]))
        if epoch < p["epochs"]:
            optimizer.step(net.parameters())
    return {"output": output, "cost": cost_value, "grad_w": grad_w}


def _summary(run: dict) -> dict:
    return {"initial_output": run["output"][0], "initial_grad_w": run["grad_w"][0],
            "epochs_below_threshold": first_epoch(run["output"], THRESHOLD),
            "final_output": run["output"][-1], "final_cost": run["cost"][-1]}


def train_digits(cost: str, data, p: dict, seed: int) -> dict:
    """Nielsen's sigmoid network (``p["sizes"]``) with ``cost``; test accuracy after each
    epoch."""
    output = "sigmoid" if cost == "quadratic" else "softmax"
    net = mlp(p["sizes"], activation=p["hidden"], output=output, loss=cost, seed=seed)
    history = net.fit(data.x_train, data.y_train, epochs=p["epochs"], batch_size=p["batch_size"],
                      optimizer=p["optimizer"], lr=p["lr"], progress=False, seed=seed,
                      validation_data=(data.x_test, data.y_test))
    return {"val_accuracy": [float(v) for v in history.history["val_accuracy"]],
            "loss": [float(v) for v in history.history["loss"]]}


def _relative(value: float, reference: float | np.floating) -> float:
    return float(abs(value - reference) / abs(reference))


def check_formulas(seed: int) -> dict:
    """Relative differences between the library's cross-entropies and the seed's formulas."""
    rng = np.random.default_rng(seed)
    n, k = 64, 5
    a = rng.dirichlet(np.ones(k), size=n)
    labels_ = rng.integers(k, size=n)
    one_hot = np.eye(k)[labels_]
    average = -np.sum(one_hot * np.log(a)) / n  # −1/n Σₓ Σᵢ yᵢ ln aᵢ
    p, y = rng.uniform(0.02, 0.98, size=(n, 1)), rng.uniform(size=(n, 1))
    logistic = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    hard = np.round(y)
    hard_logistic = -np.mean(hard * np.log(p) + (1 - hard) * np.log(1 - p))
    ce, bce = losses.get("cross_entropy"), losses.get("binary_cross_entropy")
    per_sample = np.mean([ce.value(a[i:i + 1], one_hot[i:i + 1]) for i in range(n)])
    return {
        "cross_entropy_one_hot": _relative(ce.value(a, one_hot), average),
        "cross_entropy_labels": _relative(ce.value(a, labels_), average),
        "mean_of_per_sample_costs": _relative(ce.value(a, one_hot), per_sample),
        "logistic_form": _relative(bce.value(p, y), logistic),
        "two_class_equals_logistic": _relative(
            ce.value(np.hstack([1 - p, p]), hard[:, 0].astype(int)), hard_logistic),
    }


def trajectory_error(neuron: dict) -> float:
    """Largest relative difference between the neuron's recorded costs and the formulas
    (y = 0: quadratic a²/2, cross-entropy −ln(1 − a))."""
    worst = 0.0
    for key, run in neuron.items():
        a = np.array(run["output"])
        formula = a**2 / 2 if key.startswith("quadratic") else -np.log1p(-a)
        worst = max(worst, float(np.max(np.abs(np.array(run["cost"]) - formula) / formula)))
    return worst


# --- verdicts (numbers in, Verdict out) ------------------------------------------------------


def verdict_c9(summary: dict) -> Verdict:
    """C9: with the quadratic cost the far start (larger error) learns more slowly."""
    near, far = summary["quadratic/near"], summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) < abs(near["initial_grad_w"])
          and later(far["epochs_below_threshold"], near["epochs_below_threshold"]))
    return Verdict("C9", bool(ok), say(TEXT, "c9", threshold=THRESHOLD, **_starts()),
                   {"near_initial_grad_w": near["initial_grad_w"],
                    "far_initial_grad_w": far["initial_grad_w"],
                    "near_epochs": near["epochs_below_threshold"],
                    "far_epochs": far["epochs_below_threshold"]})


def verdict_c10(summary: dict, digits_epochs: dict) -> Verdict:
    """C10: with cross-entropy a larger error gives a larger gradient, and it beats the quadratic
    cost from the saturated start and on the digits."""
    near, far = summary["cross_entropy/near"], summary["cross_entropy/far"]
    quad_far = summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) > abs(near["initial_grad_w"])
          and later(quad_far["epochs_below_threshold"], far["epochs_below_threshold"])
          and later(digits_epochs["quadratic"], digits_epochs["cross_entropy"]))
    return Verdict("C10", bool(ok), say(TEXT, "c10", threshold=THRESHOLD),
                   {"near_initial_grad_w": near["initial_grad_w"],
                    "far_initial_grad_w": far["initial_grad_w"],
                    "cross_entropy_far_epochs": far["epochs_below_threshold"],
                    "quadratic_far_epochs": quad_far["epochs_below_threshold"],
                    "digits_epochs_to_target": digits_epochs})


def verdict_c11(errors: dict) -> Verdict:
    """C11: every library cross-entropy value equals its formula to ``FORMULA_TOL``."""
    worst = max(errors.values())
    return Verdict("C11", bool(worst <= FORMULA_TOL), say(TEXT, "c11", tol=FORMULA_TOL),
                   {**errors, "worst": worst})


# --- figures and tables ----------------------------------------------------------------------

_STYLE = {"near": "-", "far": "--"}


def _draw_neuron(neuron: dict, ctx: Context) -> Figure:
    fig, (out_ax, cost_ax) = plots.subplots(1, 2, size=(5.2, 3.8))
    for key, run in neuron.items():
        cost, start = key.split("/")
        w, b = STARTS[start]
        style = {"color": plots.loss_color(cost), "linestyle": _STYLE[start],
                 "label": f"{cost.replace('_', '-')}, w={w:g}, b={b:g}"}
        out_ax.plot(run["output"], **style)
        cost_ax.semilogy(run["cost"], **style)
    out_ax.axhline(THRESHOLD, color="0.5", linewidth=0.8, linestyle=":",
                   label=f"output {THRESHOLD}")
    out_ax.set(title="Output of the neuron (target 0)", xlabel="epoch (gradient-descent steps)",
               ylabel="output a = σ(w·1 + b)", ylim=(0, 1))
    cost_ax.set(title="Cost", xlabel="epoch (gradient-descent steps)", ylabel="cost C (log scale)")
    out_ax.legend(fontsize=8)
    cost_ax.legend(fontsize=8)
    path = plots.save(fig, ctx.figure_path("loss-slowdown-neuron"))
    return Figure(path, say(TEXT, "neuron_caption", **ctx.params["neuron"]))


_DIGITS_LABELS = {"quadratic": "sigmoid outputs + quadratic",
                  "cross_entropy": "softmax + cross-entropy"}


def _draw_digits(digits: dict, p: dict, ctx: Context) -> Figure:
    fig, ax = plots.subplots(size=(5.6, 3.8))
    for cost, run in digits.items():
        epochs = np.arange(1, len(run["val_accuracy"]) + 1)
        ax.plot(epochs, run["val_accuracy"], marker="o", markersize=3, color=plots.loss_color(cost),
                label=_DIGITS_LABELS[cost])
    ax.axhline(p["target_accuracy"], color="0.5", linewidth=0.8, linestyle=":",
               label=f"target {p['target_accuracy']:.0%}")
    ax.set(title=f"Digits, {'-'.join(map(str, p['sizes']))} {p['hidden']} network, "
                 f"{p['optimizer'].upper()}", xlabel="epoch",
           ylabel="test accuracy (fraction correct)", ylim=(0, 1))
    ax.legend(fontsize=8, loc="lower right")
    path = plots.save(fig, ctx.figure_path("loss-slowdown-digits"))
    return Figure(path, say(TEXT, "digits_caption"))


def _neuron_table(summary: dict, budget: int) -> Table:
    rows = [[*(_name(part) for part in key.split("/")), s["initial_output"], s["initial_grad_w"],
             epochs_or_never(s["epochs_below_threshold"], budget), s["final_output"],
             s["final_cost"]]
            for key, s in summary.items()]
    return Table(say(TEXT, "neuron_table"),
                 labels(TEXT, "neuron_columns", threshold=THRESHOLD, epochs=budget), rows)


def _digits_table(digits: dict, epochs: dict) -> Table:
    rows = [[_name(cost), epochs_or_never(epochs[cost], len(run["val_accuracy"])),
             run["val_accuracy"][-1]] for cost, run in digits.items()]
    return Table(say(TEXT, "digits_table"), labels(TEXT, "digits_columns"), rows)


def _name(part: str):
    """A cost's name, or a start with its w and b."""
    return say(TEXT, "names", part, **_starts().get(part, {}))


def _starts() -> dict:
    """Each start's w, b and first output σ(w + b) (input 1), for the text."""
    return {k: {"w": w, "b": b, "output": 1 / (1 + np.exp(-(w + b)))}
            for k, (w, b) in STARTS.items()}


TEXT = {
    "en": {
        "title": "Quadratic cost against cross-entropy: learning slowdown",
        "setup": (
            "One sigmoid neuron built from the library's Dense layer, float64, input "
            "{neuron[x]:g} and target {neuron[y]:g}, trained by the library's GD optimizer "
            "(learning rate {neuron[lr]:g}, {neuron[epochs]} epochs) with the quadratic and with "
            "the binary cross-entropy cost, from w = {neuron[starts][near][w]:g}, "
            "b = {neuron[starts][near][b]:g} and from w = {neuron[starts][far][w]:g}, "
            "b = {neuron[starts][far][b]:g}. The output, the cost and ∂C/∂w are recorded before "
            "every step.\n\n"
            "On the 8×8 digits, a {digits[sizes]:–} network with {digits[hidden]} hidden units is "
            "trained twice with the same SGD settings: sigmoid outputs with the quadratic cost, "
            "and softmax outputs with cross-entropy; the test accuracy is measured after every "
            "epoch.\n\n"
            "The library's cross-entropy values on random probabilities are compared with the "
            "formulas computed directly in NumPy."),
        "c9": (
            "with the quadratic cost, the start far from the target (w = {far[w]:g}, "
            "b = {far[b]:g}, output {far[output]:.2f}) has a smaller initial |∂C/∂w| than the "
            "near start (w = {near[w]:g}, b = {near[b]:g}, output {near[output]:.2f}) although its "
            "error is larger, and takes more epochs to bring the output below {threshold} "
            "(never, within the budget, counts as more)"),
        "c10": (
            "with cross-entropy the far start has the larger initial |∂C/∂w| (no σ′ factor: the "
            "larger the error, the faster), it brings the output below {threshold} in fewer "
            "epochs than the quadratic cost from the same start, and on the digits softmax + "
            "cross-entropy reaches the target test accuracy in fewer epochs than sigmoid + "
            "quadratic"),
        "c11": (
            "every relative difference between the library's loss values and the formulas "
            "(average cross-entropy over samples and classes, with one-hot and with integer "
            "labels; the logistic form −[y ln a + (1 − y) ln(1 − a)]; two-class cross-entropy "
            "equal to the logistic form; the neuron's recorded costs) is ≤ {tol:g} in float64"),
        "neuron_caption": (
            "Nielsen's neuron, learning rate {lr:g}. The quadratic cost (blue) from the saturated "
            "start (dashed) stays on a plateau before it learns; cross-entropy (red) learns "
            "fastest exactly where the error is largest."),
        "digits_caption": (
            "Test accuracy after each epoch on the digits: the same network, optimizer and "
            "learning rate, with sigmoid outputs and the quadratic cost or softmax and "
            "cross-entropy."),
        "names": {"quadratic": "quadratic", "cross_entropy": "cross-entropy",
                  "near": "near: w = {w:g}, b = {b:g}", "far": "far: w = {w:g}, b = {b:g}"},
        "neuron_table": "The single neuron",
        "neuron_columns": ["cost", "start", "initial output", "initial ∂C/∂w",
                           "epochs until output < {threshold}", "output after {epochs} epochs",
                           "final cost"],
        "digits_table": "Digits",
        "digits_columns": ["cost", "epochs to the target accuracy", "final test accuracy"],
        "formula_table": "Loss values against the formulas",
        "formula_columns": ["check", "relative difference"],
    },
    "zh": {
        "title": "平方损失与交叉熵:学习变慢",
        "setup": (
            "用库的 Dense 层构造一个 sigmoid 神经元(float64),输入 {neuron[x]:g},目标 "
            "{neuron[y]:g},用库的 GD 优化器(学习率 {neuron[lr]:g},{neuron[epochs]} 轮)分别以平方"
            "损失与二元交叉熵训练,起点为 w = {neuron[starts][near][w]:g}、"
            "b = {neuron[starts][near][b]:g} 以及 w = {neuron[starts][far][w]:g}、"
            "b = {neuron[starts][far][b]:g};每一步之前记录输出、代价与 ∂C/∂w。\n\n"
            "在 8×8 digits 上,用相同的 SGD 设置训练两次 {digits[sizes]:–}、隐层为 "
            "{digits[hidden]} 的网络:sigmoid 输出 + 平方损失,以及 softmax 输出 + 交叉熵;每轮之后"
            "测量测试准确率。\n\n"
            "在随机概率上把库的交叉熵值与直接用 NumPy 按公式计算的结果进行比较。"),
        "c9": (
            "使用平方损失时,远离目标的起点(w = {far[w]:g},b = {far[b]:g},输出 "
            "{far[output]:.2f})虽然误差更大,初始 |∂C/∂w| 却比靠近目标的起点(w = {near[w]:g},"
            "b = {near[b]:g},输出 {near[output]:.2f})更小,并且需要更多轮才能让输出低于 "
            "{threshold}(在预算内始终未达到也算更多)"),
        "c10": (
            "使用交叉熵时,远离目标的起点初始 |∂C/∂w| 更大(没有 σ′ 因子:误差越大,更新越快),"
            "它让输出低于 {threshold} 所需的轮数少于同一起点的平方损失;在 digits 上,"
            "softmax + 交叉熵达到目标测试准确率所需的轮数少于 sigmoid + 平方损失"),
        "c11": (
            "库的损失值与公式(对样本与类别平均的交叉熵,分别用 one-hot 与整数标签;logistic 形式 "
            "−[y ln a + (1 − y) ln(1 − a)];两类交叉熵等于 logistic 形式;单个神经元记录的代价)"
            "之间的每个相对差在 float64 下都 ≤ {tol:g}"),
        "neuron_caption": (
            "Nielsen 的单个神经元,学习率 {lr:g}。平方损失(蓝)从饱和的起点(虚线)出发时长时间停留"
            "在平台上;交叉熵(红)恰恰在误差最大时学得最快。"),
        "digits_caption": (
            "digits 上每轮之后的测试准确率:网络、优化器与学习率相同,输出分别为 sigmoid + 平方损失"
            "和 softmax + 交叉熵。"),
        "names": {"quadratic": "平方损失", "cross_entropy": "交叉熵",
                  "near": "近:w = {w:g},b = {b:g}", "far": "远:w = {w:g},b = {b:g}"},
        "neuron_table": "单个神经元",
        "neuron_columns": ["损失函数", "起点", "初始输出", "初始 ∂C/∂w",
                           "输出 < {threshold} 所需轮数", "{epochs} 轮后的输出", "最终代价"],
        "digits_table": "digits 数据集",
        "digits_columns": ["损失函数", "达到目标准确率的轮数", "最终测试准确率"],
        "formula_table": "损失值与公式的比较",
        "formula_columns": ["检验", "相对差"],
    },
}
