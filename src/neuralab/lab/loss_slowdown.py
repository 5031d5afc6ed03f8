"""Experiment ``loss_slowdown`` (claims C9, C10, C11): why cross-entropy learns where the
quadratic cost stalls.

Nielsen's single sigmoid neuron (chapter 3): input x = 1, target y = 0, gradient descent with
learning rate 0.15 for 300 epochs, started once near the answer (w = 0.6, b = 0.9, output 0.82)
and once far from it and saturated (w = 2, b = 2, output 0.98). With the quadratic cost
C = (a − y)²/2 the gradient is ∂C/∂w = (a − y)·σ′(z)·x, so a saturated start learns slowly; with
the cross-entropy C = −[y ln a + (1 − y) ln(1 − a)] it is (a − y)·x, with no σ′. Then the same
comparison on the digits (sigmoid outputs + quadratic against softmax + cross-entropy), and the
library's cross-entropy values against the formulas the seed writes down.
"""

from __future__ import annotations

import numpy as np

from neuralab import datasets, losses, optimizers, plots
from neuralab.layers import Dense
from neuralab.network import Network, mlp

from .base import Context, ExperimentResult, Figure, Table, Text, Verdict

ID = "loss_slowdown"
CLAIMS = ["C9", "C10", "C11"]
TITLE = Text("Quadratic cost against cross-entropy: learning slowdown",
             "平方损失与交叉熵:学习变慢")

STARTS = {"near": (0.6, 0.9), "far": (2.0, 2.0)}
COSTS = {"quadratic": "quadratic", "cross_entropy": "binary_cross_entropy"}
THRESHOLD = 0.2
FORMULA_TOL = 1e-9


def steps(quick: bool) -> int:
    """Four neuron runs, two digits networks, the formula check and the figures."""
    return 4 + 2 + 1 + 1


def parameters(quick: bool) -> dict:
    """Nielsen's neuron, and the digits comparison's budget."""
    return {
        "neuron": {"x": 1.0, "y": 0.0, "lr": 0.15, "epochs": 300, "optimizer": "gd",
                   "starts": {k: {"w": w, "b": b} for k, (w, b) in STARTS.items()},
                   "output_threshold": THRESHOLD},
        "digits": {"sizes": [64, 30, 10], "hidden": "sigmoid", "optimizer": "sgd", "lr": 0.5,
                   "batch_size": 10, "epochs": 8 if quick else 30, "target_accuracy": 0.9},
    }


def run(ctx: Context) -> ExperimentResult:
    """Train the neuron four ways and the digits net two ways; check the loss formulas."""
    params = parameters(ctx.quick)
    neuron = {}
    for cost in COSTS:
        for start in STARTS:
            neuron[f"{cost}/{start}"] = train_neuron(cost, *STARTS[start], params["neuron"])
            ctx.advance()
    digits = {}
    data = datasets.load("digits", seed=ctx.seed)
    for cost in ("quadratic", "cross_entropy"):
        digits[cost] = train_digits(cost, data, params["digits"], ctx.seed)
        ctx.advance()
    formulas = check_formulas(ctx.seed)
    formulas["neuron_trajectory"] = trajectory_error(neuron)
    ctx.advance()
    figures = [_draw_neuron(neuron, ctx), _draw_digits(digits, params["digits"], ctx)]
    ctx.advance()
    summary = {key: _summary(run) for key, run in neuron.items()}
    target = params["digits"]["target_accuracy"]
    digits_epochs = {k: epochs_to_target(v["val_accuracy"], target) for k, v in digits.items()}
    return ExperimentResult(
        id=ID, claims=CLAIMS, title=TITLE, setup=_SETUP, parameters=params,
        numbers={"neuron": neuron, "neuron_summary": summary, "digits": digits,
                 "digits_epochs_to_target": digits_epochs, "formula_errors": formulas},
        verdicts=[verdict_c9(summary), verdict_c10(summary, digits_epochs),
                  verdict_c11(formulas)],
        tables=[_neuron_table(summary), _digits_table(digits, digits_epochs),
                _formula_table(formulas)],
        figures=figures,
    )


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


def first_epoch(values: list[float], level: float, above: bool = False) -> int | None:
    """The first epoch whose value is below ``level`` (above it if ``above``); None if never."""
    for epoch, value in enumerate(values):
        if (value >= level) if above else (value < level):
            return epoch
    return None


def _summary(run: dict) -> dict:
    return {"initial_output": run["output"][0], "initial_grad_w": run["grad_w"][0],
            "epochs_below_threshold": first_epoch(run["output"], THRESHOLD),
            "final_output": run["output"][-1], "final_cost": run["cost"][-1]}


def _later(epochs: int | None, other: int | None) -> bool:
    """Whether ``epochs`` comes strictly after ``other`` (None, never, is after everything)."""
    if epochs is None:
        return other is not None
    return other is not None and epochs > other


def verdict_c9(summary: dict) -> Verdict:
    """C9: with the quadratic cost the far start (larger error) learns more slowly."""
    near, far = summary["quadratic/near"], summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) < abs(near["initial_grad_w"])
          and _later(far["epochs_below_threshold"], near["epochs_below_threshold"]))
    return Verdict("C9", bool(ok), Text(
        "with the quadratic cost, the start far from the target (w = b = 2, output 0.98) has a "
        "smaller initial |∂C/∂w| than the near start (w = 0.6, b = 0.9, output 0.82) although its "
        f"error is larger, and takes more epochs to bring the output below {THRESHOLD} "
        "(never, within the budget, counts as more)",
        "使用平方损失时,远离目标的起点(w = b = 2,输出 0.98)虽然误差更大,初始 |∂C/∂w| "
        "却比靠近目标的起点(w = 0.6,b = 0.9,输出 0.82)更小,并且需要更多轮才能让输出低于 "
        f"{THRESHOLD}(在预算内始终未达到也算更多)"),
        {"near_initial_grad_w": near["initial_grad_w"], "far_initial_grad_w": far["initial_grad_w"],
         "near_epochs": near["epochs_below_threshold"],
         "far_epochs": far["epochs_below_threshold"]})


def verdict_c10(summary: dict, digits_epochs: dict) -> Verdict:
    """C10: with cross-entropy a larger error gives a larger gradient, and it beats the quadratic
    cost from the saturated start and on the digits."""
    near, far = summary["cross_entropy/near"], summary["cross_entropy/far"]
    quad_far = summary["quadratic/far"]
    ok = (abs(far["initial_grad_w"]) > abs(near["initial_grad_w"])
          and _later(quad_far["epochs_below_threshold"], far["epochs_below_threshold"])
          and _later(digits_epochs["quadratic"], digits_epochs["cross_entropy"]))
    return Verdict("C10", bool(ok), Text(
        "with cross-entropy the far start has the larger initial |∂C/∂w| (no σ′ factor: the "
        f"larger the error, the faster), it brings the output below {THRESHOLD} in fewer epochs "
        "than the quadratic cost from the same start, and on the digits softmax + cross-entropy "
        "reaches the target test accuracy in fewer epochs than sigmoid + quadratic",
        "使用交叉熵时,远离目标的起点初始 |∂C/∂w| 更大(没有 σ′ 因子:误差越大,更新越快),"
        f"它让输出低于 {THRESHOLD} 所需的轮数少于同一起点的平方损失;在 digits 上,"
        "softmax + 交叉熵达到目标测试准确率所需的轮数少于 sigmoid + 平方损失"),
        {"near_initial_grad_w": near["initial_grad_w"], "far_initial_grad_w": far["initial_grad_w"],
         "cross_entropy_far_epochs": far["epochs_below_threshold"],
         "quadratic_far_epochs": quad_far["epochs_below_threshold"],
         "digits_epochs_to_target": digits_epochs})


def verdict_c11(errors: dict) -> Verdict:
    """C11: every library cross-entropy value equals its formula to ``FORMULA_TOL``."""
    worst = max(errors.values())
    return Verdict("C11", bool(worst <= FORMULA_TOL), Text(
        "every relative difference between the library's loss values and the formulas "
        "(average cross-entropy over samples and classes, with one-hot and with integer labels; "
        "the logistic form −[y ln a + (1 − y) ln(1 − a)]; two-class cross-entropy equal to the "
        f"logistic form; the neuron's recorded costs) is ≤ {FORMULA_TOL:g} in float64",
        "库的损失值与公式(对样本与类别平均的交叉熵,分别用 one-hot 与整数标签;logistic 形式 "
        "−[y ln a + (1 − y) ln(1 − a)];两类交叉熵等于 logistic 形式;单个神经元记录的代价)"
        f"之间的每个相对差在 float64 下都 ≤ {FORMULA_TOL:g}"),
        {**errors, "worst": worst})


def train_digits(cost: str, data, p: dict, seed: int) -> dict:
    """Nielsen's [64, 30, 10] sigmoid network with ``cost``; test accuracy after each epoch."""
    output = "sigmoid" if cost == "quadratic" else "softmax"
    net = mlp(p["sizes"], activation=p["hidden"], output=output, loss=cost, seed=seed)
    history = net.fit(data.x_train, data.y_train, epochs=p["epochs"], batch_size=p["batch_size"],
                      optimizer=p["optimizer"], lr=p["lr"], progress=False, seed=seed,
                      validation_data=(data.x_test, data.y_test))
    return {"val_accuracy": [float(v) for v in history.history["val_accuracy"]],
            "loss": [float(v) for v in history.history["loss"]]}


def epochs_to_target(accuracy: list[float], target: float) -> int | None:
    """Epochs of training until the test accuracy first reaches ``target`` (None if never)."""
    index = first_epoch(accuracy, target, above=True)
    return None if index is None else index + 1


def _relative(value: float, reference: float) -> float:
    return float(abs(value - reference) / abs(reference))


def check_formulas(seed: int) -> dict:
    """Relative differences between the library's cross-entropies and the seed's formulas."""
    rng = np.random.default_rng(seed)
    n, k = 64, 5
    a = rng.dirichlet(np.ones(k), size=n)
    labels = rng.integers(k, size=n)
    one_hot = np.eye(k)[labels]
    average = -np.sum(one_hot * np.log(a)) / n  # −1/n Σₓ Σᵢ yᵢ ln aᵢ
    p, y = rng.uniform(0.02, 0.98, size=(n, 1)), rng.uniform(size=(n, 1))
    logistic = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    hard = np.round(y)
    hard_logistic = -np.mean(hard * np.log(p) + (1 - hard) * np.log(1 - p))
    ce, bce = losses.get("cross_entropy"), losses.get("binary_cross_entropy")
    per_sample = np.mean([ce.value(a[i:i + 1], one_hot[i:i + 1]) for i in range(n)])
    return {
        "cross_entropy_one_hot": _relative(ce.value(a, one_hot), average),
        "cross_entropy_labels": _relative(ce.value(a, labels), average),
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
    return Figure(path, Text(
        "Nielsen's neuron, learning rate 0.15. The quadratic cost (blue) from the saturated start "
        "(dashed) stays on a plateau before it learns; cross-entropy (red) learns fastest exactly "
        "where the error is largest.",
        "Nielsen 的单个神经元,学习率 0.15。平方损失(蓝)从饱和的起点(虚线)出发时长时间停留在平台上;"
        "交叉熵(红)恰恰在误差最大时学得最快。"))


def _draw_digits(digits: dict, p: dict, ctx: Context) -> Figure:
    fig, ax = plots.subplots(size=(5.6, 3.8))
    labels = {"quadratic": "sigmoid outputs + quadratic",
              "cross_entropy": "softmax + cross-entropy"}
    for cost, run in digits.items():
        epochs = np.arange(1, len(run["val_accuracy"]) + 1)
        ax.plot(epochs, run["val_accuracy"], marker="o", markersize=3, color=plots.loss_color(cost),
                label=labels[cost])
    ax.axhline(p["target_accuracy"], color="0.5", linewidth=0.8, linestyle=":",
               label=f"target {p['target_accuracy']:.0%}")
    ax.set(title="Digits, 64-30-10 sigmoid network, SGD", xlabel="epoch",
           ylabel="test accuracy (fraction correct)", ylim=(0, 1))
    ax.legend(fontsize=8, loc="lower right")
    path = plots.save(fig, ctx.figure_path("loss-slowdown-digits"))
    return Figure(path, Text(
        "Test accuracy after each epoch on the digits: the same network, optimizer and learning "
        "rate, with sigmoid outputs and the quadratic cost or softmax and cross-entropy.",
        "digits 上每轮之后的测试准确率:网络、优化器与学习率相同,输出分别为 sigmoid + 平方损失"
        "和 softmax + 交叉熵。"))


_NAMES = {"quadratic": Text("quadratic", "平方损失"),
          "cross_entropy": Text("cross-entropy", "交叉熵"),
          "near": Text("near: w = 0.6, b = 0.9", "近:w = 0.6,b = 0.9"),
          "far": Text("far: w = 2, b = 2", "远:w = 2,b = 2")}


def _never(epochs: int | None, budget: int) -> int | Text:
    return Text(f"never (> {budget})", f"未达到(> {budget})") if epochs is None else epochs


def _neuron_table(summary: dict) -> Table:
    rows = [[*(_NAMES[part] for part in key.split("/")), s["initial_output"], s["initial_grad_w"],
             _never(s["epochs_below_threshold"], 300), s["final_output"], s["final_cost"]]
            for key, s in summary.items()]
    return Table(Text("The single neuron", "单个神经元"), [
        Text("cost", "损失函数"), Text("start", "起点"), Text("initial output", "初始输出"),
        Text("initial ∂C/∂w", "初始 ∂C/∂w"),
        Text(f"epochs until output < {THRESHOLD}", f"输出 < {THRESHOLD} 所需轮数"),
        Text("output after 300 epochs", "300 轮后的输出"), Text("final cost", "最终代价"),
    ], rows)


def _digits_table(digits: dict, epochs: dict) -> Table:
    rows = [[_NAMES[cost], _never(epochs[cost], len(run["val_accuracy"])), run["val_accuracy"][-1]]
            for cost, run in digits.items()]
    return Table(Text("Digits", "digits 数据集"), [
        Text("cost", "损失函数"), Text("epochs to the target accuracy", "达到目标准确率的轮数"),
        Text("final test accuracy", "最终测试准确率")], rows)


def _formula_table(errors: dict) -> Table:
    return Table(Text("Loss values against the formulas", "损失值与公式的比较"),
                 [Text("check", "检验"), Text("relative difference", "相对差")],
                 [[name, value] for name, value in errors.items()])


_SETUP = Text(
    "One sigmoid neuron built from the library's Dense layer, float64, input 1 and target 0, "
    "trained by the library's GD optimizer (learning rate 0.15, 300 epochs) with the quadratic "
    "and with the binary cross-entropy cost, from w = 0.6, b = 0.9 and from w = 2, b = 2. The "
    "output, the cost and ∂C/∂w are recorded before every step.\n\n"
    "On the 8×8 digits, a 64–30–10 network with sigmoid hidden units is trained twice with the "
    "same SGD settings: sigmoid outputs with the quadratic cost, and softmax outputs with "
    "cross-entropy; the test accuracy is measured after every epoch.\n\n"
    "The library's cross-entropy values on random probabilities are compared with the formulas "
    "computed directly in NumPy.",
    "用库的 Dense 层构造一个 sigmoid 神经元(float64),输入 1,目标 0,用库的 GD 优化器(学习率 0.15,"
    "300 轮)分别以平方损失与二元交叉熵训练,起点为 w = 0.6、b = 0.9 以及 w = 2、b = 2;每一步之前"
    "记录输出、代价与 ∂C/∂w。\n\n"
    "在 8×8 digits 上,用相同的 SGD 设置训练两次 64–30–10、隐层为 sigmoid 的网络:sigmoid 输出 + "
    "平方损失,以及 softmax 输出 + 交叉熵;每轮之后测量测试准确率。\n\n"
    "在随机概率上把库的交叉熵值与直接用 NumPy 按公式计算的结果进行比较。",
)
