"""Experiment ``loss_slowdown`` (claims C9, C10, C11): why cross-entropy learns where the
quadratic cost stalls.

Nielsen's single sigmoid neuron (chapter 3, with his η = 0.15): input x = 1, target y = 0,
plain gradient descent, started once near the answer and once far from it, where the neuron
saturates. With the quadratic cost C = (a − y)²/2 the gradient is ∂C/∂w = (a − y)·σ′(z)·x, so a
saturated start learns slowly; with the cross-entropy C = −[y ln a + (1 − y) ln(1 − a)] it is
(a − y)·x, with no σ′. Then the same comparison on the digits, where only the cost changes: a
sigmoid output layer with the quadratic cost against the same sigmoid outputs with
cross-entropy. Last, the library's cross-entropy values against the formulas the seed writes
down. Figures and tables: :mod:`.loss_slowdown_figures`.
"""

from __future__ import annotations

import numpy as np

from neuralab import losses, optimizers
from neuralab.layers import Dense
from neuralab.network import Network, mlp

from . import loss_slowdown_figures as figures
from .base import Verdict
from .experiment import Experiment, PerMode
from .measures import epochs_text, epochs_to_target, first_epoch, later
from .text import say

STARTS = {"near": (0.6, 0.9), "far": (2.0, 2.0)}
"""The neuron's starting (w, b): near the target, and far from it where σ saturates."""
COSTS = {"quadratic": "quadratic", "cross_entropy": "binary_cross_entropy"}
"""The two costs, by the library's loss names (with sigmoid outputs, for the neuron and the
digits alike)."""
FORMULA_TOL = 1e-9
DOCS = {"C9": "losses.md#c9-the-quadratic-cost-makes-a-saturated-neuron-learn-slowly",
        "C10": "losses.md#c10-with-cross-entropy-the-factor-cancels",
        "C11": "losses.md#c11-the-average-cross-entropy-and-its-binary-form"}


class LossSlowdown(Experiment):
    """The neuron four ways (two costs × two starts), the digits net two ways, the formulas."""

    id = "loss_slowdown"
    claims = ("C9", "C10", "C11")
    params = {
        "neuron": {"x": 1.0, "y": 0.0, "lr": 0.15, "epochs": 300, "optimizer": "gd",
                   "starts": {k: {"w": w, "b": b} for k, (w, b) in STARTS.items()},
                   "output_threshold": 0.2},
        "digits": {"sizes": [64, 30, 10], "hidden": "sigmoid", "output": "sigmoid",
                   "optimizer": "sgd", "lr": 0.5, "batch_size": 10,
                   "epochs": PerMode(quick=8, full=30), "target_accuracy": 0.9},
    }
    settable = ("neuron.lr", "neuron.epochs", "neuron.output_threshold", "digits.lr",
                "digits.batch_size", "digits.epochs", "digits.target_accuracy")

    def units(self, p):
        return [*(("neuron", cost, start) for cost in COSTS for start in STARTS),
                *(("digits", cost) for cost in COSTS), ("formulas",)]

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
        digits = {cost: measured["digits", cost] for cost in COSTS}
        p = ctx.params
        threshold = p["neuron"]["output_threshold"]
        return {"neuron": neuron,
                "neuron_summary": {k: summary(r, threshold) for k, r in neuron.items()},
                "digits": digits,
                "digits_epochs_to_target": {
                    k: epochs_to_target(v["val_accuracy"], p["digits"]["target_accuracy"])
                    for k, v in digits.items()},
                "formula_errors": {**measured[("formulas",)],
                                   "neuron_trajectory": trajectory_error(neuron)},
                "budgets": {"neuron": p["neuron"]["epochs"], "digits": p["digits"]["epochs"],
                            "threshold": threshold,
                            "target": p["digits"]["target_accuracy"]}}

    def judge(self, numbers):
        summary, budgets = numbers["neuron_summary"], numbers["budgets"]
        return [verdict_c9(summary, budgets),
                verdict_c10(summary, numbers["digits_epochs_to_target"], budgets),
                verdict_c11(numbers["formula_errors"])]

    def tables(self, numbers, ctx):
        return figures.tables(numbers, TEXT)

    def draw(self, numbers, ctx):
        return figures.draw(numbers, ctx, TEXT)


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


def summary(run: dict, threshold: float) -> dict:
    """A neuron run in a few numbers: where it starts, when its output falls below
    ``threshold`` (None: not within the budget), where it ends."""
    return {"initial_output": run["output"][0], "initial_grad_w": run["grad_w"][0],
            "epochs_below_threshold": first_epoch(run["output"], threshold),
            "final_output": run["output"][-1], "final_cost": run["cost"][-1]}


def train_digits(cost: str, data, p: dict, seed: int) -> dict:
    """Nielsen's sigmoid network (``p["sizes"]``, sigmoid outputs) with ``cost``; test accuracy
    after each epoch. Only the cost differs between the two runs."""
    net = mlp(p["sizes"], activation=p["hidden"], output=p["output"], loss=COSTS[cost],
              seed=seed)
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


def verdict_c9(summary: dict, budgets: dict) -> Verdict:
    """C9: with the quadratic cost the far start (larger error) learns more slowly."""
    near, far = summary["quadratic/near"], summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) < abs(near["initial_grad_w"])
          and later(far["epochs_below_threshold"], near["epochs_below_threshold"]))
    threshold, budget = budgets["threshold"], budgets["neuron"]
    finding = say(TEXT, "c9_found", far=far["initial_grad_w"], near=near["initial_grad_w"],
                  threshold=threshold,
                  far_epochs=epochs_text(far["epochs_below_threshold"], budget),
                  near_epochs=epochs_text(near["epochs_below_threshold"], budget))
    return Verdict("C9", bool(ok), say(TEXT, "c9", threshold=threshold, **figures.starts()),
                   {"near_initial_grad_w": near["initial_grad_w"],
                    "far_initial_grad_w": far["initial_grad_w"],
                    "near_epochs": near["epochs_below_threshold"],
                    "far_epochs": far["epochs_below_threshold"]},
                   finding=finding, derivation=DOCS["C9"])


def verdict_c10(summary: dict, digits_epochs: dict, budgets: dict) -> Verdict:
    """C10: with cross-entropy a larger error gives a larger gradient, and it beats the quadratic
    cost from the saturated start and on the digits (same sigmoid outputs, only the cost
    differs)."""
    near, far = summary["cross_entropy/near"], summary["cross_entropy/far"]
    quad_far = summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) > abs(near["initial_grad_w"])
          and later(quad_far["epochs_below_threshold"], far["epochs_below_threshold"])
          and later(digits_epochs["quadratic"], digits_epochs["cross_entropy"]))
    neuron, digits = budgets["neuron"], budgets["digits"]
    finding = say(TEXT, "c10_found", far=far["initial_grad_w"], near=near["initial_grad_w"],
                  threshold=budgets["threshold"], target=budgets["target"],
                  ce=epochs_text(far["epochs_below_threshold"], neuron),
                  quad=epochs_text(quad_far["epochs_below_threshold"], neuron),
                  digits_ce=epochs_text(digits_epochs["cross_entropy"], digits),
                  digits_quad=epochs_text(digits_epochs["quadratic"], digits))
    return Verdict("C10", bool(ok), say(TEXT, "c10", threshold=budgets["threshold"]),
                   {"near_initial_grad_w": near["initial_grad_w"],
                    "far_initial_grad_w": far["initial_grad_w"],
                    "cross_entropy_far_epochs": far["epochs_below_threshold"],
                    "quadratic_far_epochs": quad_far["epochs_below_threshold"],
                    "digits_epochs_to_target": digits_epochs},
                   finding=finding, derivation=DOCS["C10"])


def verdict_c11(errors: dict) -> Verdict:
    """C11: every library cross-entropy value equals its formula to ``FORMULA_TOL``."""
    worst = max(errors.values())
    return Verdict("C11", bool(worst <= FORMULA_TOL), say(TEXT, "c11", tol=FORMULA_TOL),
                   {**errors, "worst": worst}, finding=say(TEXT, "c11_found", worst=worst),
                   derivation=DOCS["C11"])


TEXT = {
    "en": {
        "title": "Quadratic cost against cross-entropy: learning slowdown",
        "setup": (
            "One sigmoid neuron built from the library's Dense layer, float64, input "
            "{neuron[x]:g} and target {neuron[y]:g}, trained by the library's GD optimizer "
            "with Nielsen's learning rate η = {neuron[lr]:g} (chapter 3) for {neuron[epochs]} "
            "epochs, with the quadratic and with the binary cross-entropy cost, from "
            "w = {neuron[starts][near][w]:g}, b = {neuron[starts][near][b]:g} and from "
            "w = {neuron[starts][far][w]:g}, b = {neuron[starts][far][b]:g}. The output, the "
            "cost and ∂C/∂w are recorded before every step; the neuron has learned once its "
            "output is below {neuron[output_threshold]:g}.\n\n"
            "On the 8×8 digits, a {digits[sizes]:–} network with {digits[hidden]} hidden units "
            "and {digits[output]} outputs is trained twice with the same SGD settings (learning "
            "rate {digits[lr]:g}, batches of {digits[batch_size]}, {digits[epochs]} epochs) and "
            "the same initial weights: once with the quadratic cost, once with cross-entropy. "
            "Only the cost differs. The test accuracy is measured after every epoch.\n\n"
            "The library's cross-entropy values on random probabilities are compared with the "
            "formulas computed directly in NumPy."),
        "c9": (
            "with the quadratic cost, the start far from the target (w = {far[w]:g}, "
            "b = {far[b]:g}, output {far[output]:.2f}) has a smaller initial |∂C/∂w| than the "
            "near start (w = {near[w]:g}, b = {near[b]:g}, output {near[output]:.2f}) although its "
            "error is larger, and takes more epochs to bring the output below {threshold:g} "
            "(never, within the budget, counts as more)"),
        "c9_found": ("with the quadratic cost the saturated start begins with ∂C/∂w = "
                     "{far:.3f}, the near start with {near:.3f}; to bring the output below "
                     "{threshold:g}: far {far_epochs}, near {near_epochs}"),
        "c10": (
            "with cross-entropy the far start has the larger initial |∂C/∂w| (no σ′ factor: the "
            "larger the error, the faster), it brings the output below {threshold:g} in fewer "
            "epochs than the quadratic cost from the same start, and on the digits the sigmoid "
            "outputs reach the target test accuracy in fewer epochs with cross-entropy than with "
            "the quadratic cost"),
        "c10_found": ("with cross-entropy the saturated start begins with ∂C/∂w = {far:.2f} "
                      "(near start: {near:.2f}) and brings the output below {threshold:g} in "
                      "{ce} (quadratic cost: {quad}); on the digits the sigmoid outputs reach "
                      "{target:.0%} in {digits_ce} with cross-entropy, {digits_quad} with the "
                      "quadratic cost"),
        "c11": (
            "every relative difference between the library's loss values and the formulas "
            "(average cross-entropy over samples and classes, with one-hot and with integer "
            "labels; the logistic form −[y ln a + (1 − y) ln(1 − a)]; two-class cross-entropy "
            "equal to the logistic form; the neuron's recorded costs) is ≤ {tol:g} in float64"),
        "c11_found": "the largest relative difference from the formulas is {worst:.1e}",
        **figures.TEXT_EN,
    },
    "zh": {
        "title": "平方损失与交叉熵:学习变慢",
        "setup": (
            "用库的 Dense 层构造一个 sigmoid 神经元(float64),输入 {neuron[x]:g},目标 "
            "{neuron[y]:g},用库的 GD 优化器以 Nielsen(第 3 章)的学习率 η = {neuron[lr]:g} 训练 "
            "{neuron[epochs]} 轮,分别使用平方损失与二元交叉熵,起点为 w = "
            "{neuron[starts][near][w]:g}、b = {neuron[starts][near][b]:g} 以及 w = "
            "{neuron[starts][far][w]:g}、b = {neuron[starts][far][b]:g};每一步之前记录输出、代价"
            "与 ∂C/∂w;输出低于 {neuron[output_threshold]:g} 即算学会。\n\n"
            "在 8×8 digits 上,用相同的 SGD 设置(学习率 {digits[lr]:g},批大小 "
            "{digits[batch_size]},{digits[epochs]} 轮)和相同的初始权重训练两次 {digits[sizes]:–} "
            "网络(隐藏层 {digits[hidden]},输出层 {digits[output]}):一次用平方损失,一次用交叉熵。"
            "两次只有损失函数不同。每轮之后测量测试准确率。\n\n"
            "在随机概率上把库的交叉熵值与直接用 NumPy 按公式计算的结果进行比较。"),
        "c9": (
            "使用平方损失时,远离目标的起点(w = {far[w]:g},b = {far[b]:g},输出 "
            "{far[output]:.2f})虽然误差更大,初始 |∂C/∂w| 却比靠近目标的起点(w = {near[w]:g},"
            "b = {near[b]:g},输出 {near[output]:.2f})更小,并且需要更多轮才能让输出低于 "
            "{threshold:g}(在预算内始终未达到也算更多)"),
        "c9_found": ("使用平方损失时,饱和的起点初始 ∂C/∂w = {far:.3f},靠近目标的起点为 "
                     "{near:.3f};让输出低于 {threshold:g}:远的起点 {far_epochs},近的起点 "
                     "{near_epochs}"),
        "c10": (
            "使用交叉熵时,远离目标的起点初始 |∂C/∂w| 更大(没有 σ′ 因子:误差越大,更新越快),"
            "它让输出低于 {threshold:g} 所需的轮数少于同一起点的平方损失;在 digits 上,同样的 "
            "sigmoid 输出用交叉熵达到目标测试准确率所需的轮数少于用平方损失"),
        "c10_found": ("使用交叉熵时,饱和的起点初始 ∂C/∂w = {far:.2f}(近的起点:{near:.2f}),"
                      "让输出低于 {threshold:g} 需要 {ce}(平方损失:{quad});在 digits 上,sigmoid "
                      "输出达到 {target:.0%} 所需:交叉熵 {digits_ce},平方损失 {digits_quad}"),
        "c11": (
            "库的损失值与公式(对样本与类别平均的交叉熵,分别用独热向量与整数标签;logistic 形式 "
            "−[y ln a + (1 − y) ln(1 − a)];两类交叉熵等于 logistic 形式;单个神经元记录的代价)"
            "之间的每个相对差在 float64 下都 ≤ {tol:g}"),
        "c11_found": "与公式的最大相对差为 {worst:.1e}",
        **figures.TEXT_ZH,
    },
}
