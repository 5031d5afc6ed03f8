"""Experiment ``optimizers`` (claim C12): the optimization functions at work.

The seed names GD, Adagrad and Adam and stops ("to be continued"). Here every optimizer of the
library — GD, SGD, SGD with momentum, Nesterov, Adagrad, RMSprop, Adam and AdamW — descends two
classic surfaces from the same start, and trains the same network on the digits at its default
learning rate.

- Rosenbrock's valley f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1): the way down is a
  long, curved, nearly flat valley.
- An ill-conditioned bowl f(θ) = ½ Σᵢ λᵢ (uᵢ·θ)² with curvatures λ = (1, 50) along axes u turned
  by 30°: plain gradient steps zig-zag across the steep direction.

Each surface is a sum of two terms, as a training loss is a sum over samples. GD and the other
optimizers step along the full gradient; SGD steps along the gradient of one term picked at random,
times the number of terms — an unbiased estimate, as a mini-batch gradient is.
"""

from __future__ import annotations

import numpy as np

from neuralab import datasets, optimizers, plots
from neuralab.layers import Parameter
from neuralab.network import mlp
from neuralab.training import Callback

from .base import Context, ExperimentResult, Figure, Table, Text, Verdict

ID = "optimizers"
CLAIMS = ["C12"]
TITLE = Text("Optimization functions: GD, Adagrad, Adam and their relatives",
             "优化函数:GD、Adagrad、Adam 及其同类")

NAMES = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
TOLERANCE = 1e-6
"""A descent has converged when f(θ) ≤ 1e-6 (both surfaces have minimum 0)."""
_ROTATION = np.deg2rad(30.0)
_AXES = np.array([[np.cos(_ROTATION), np.sin(_ROTATION)], [-np.sin(_ROTATION), np.cos(_ROTATION)]])
_CURVATURES = np.array([1.0, 50.0])


def rosenbrock(x, y):
    """f = (1 − x)² + 100(y − x²)², elementwise on arrays."""
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_terms(p) -> list[np.ndarray]:
    """Gradients of the two terms r₁² = (1 − x)² and r₂² = 100(y − x²)² at p = (x, y)."""
    x, y = p
    return [np.array([-2 * (1 - x), 0.0]), np.array([-400 * x * (y - x * x), 200 * (y - x * x)])]


def bowl(x, y):
    """f = ½ Σᵢ λᵢ (uᵢ·θ)² at θ = (x, y), elementwise on arrays."""
    return sum(0.5 * lam * (u[0] * x + u[1] * y) ** 2
               for lam, u in zip(_CURVATURES, _AXES, strict=True))


def bowl_terms(p) -> list[np.ndarray]:
    """Gradients λᵢ (uᵢ·θ) uᵢ of the two terms ½ λᵢ (uᵢ·θ)²."""
    return [lam * (u @ p) * u for lam, u in zip(_CURVATURES, _AXES, strict=True)]


SURFACES = {
    "rosenbrock": {"f": rosenbrock, "terms": rosenbrock_terms, "start": (-1.2, 1.0),
                   "minimum": (1.0, 1.0), "xlim": (-2.0, 2.0), "ylim": (-1.0, 3.0)},
    "bowl": {"f": bowl, "terms": bowl_terms, "start": (-3.0, 2.0), "minimum": (0.0, 0.0),
             "xlim": (-4.0, 4.0), "ylim": (-3.0, 3.0)},
}


def steps(quick: bool) -> int:
    """One step per optimizer on the surfaces, one per optimizer on the digits, one for figures."""
    return 2 * len(NAMES) + 1


def parameters(quick: bool) -> dict:
    """The learning-rate grid, step budgets and the digits set-up."""
    grid = [1e-3, 1e-2, 1e-1, 1.0] if quick else [float(f"{10 ** (k / 2):.1g}")
                                                     for k in range(-8, 1)]
    return {"tolerance": TOLERANCE, "lr_grid": grid,
            "budget": {"rosenbrock": 2000 if quick else 10000, "bowl": 1000 if quick else 2000},
            "starts": {k: s["start"] for k, s in SURFACES.items()},
            "bowl_curvatures": _CURVATURES.tolist(), "bowl_rotation_degrees": 30,
            "digits": {"sizes": [64, 64, 10], "activation": "relu", "batch_size": 32,
                       "gd_batch": "full", "epochs": 5 if quick else 30,
                       "lr": {name: optimizers.get(name).lr for name in NAMES}}}


def run(ctx: Context) -> ExperimentResult:
    """Descend both surfaces with every optimizer, train the digits net with each, judge C12."""
    p = parameters(ctx.quick)
    surfaces = {key: {} for key in SURFACES}
    for name in NAMES:
        for key in SURFACES:
            surfaces[key][name] = best_descent(name, key, p["lr_grid"], p["budget"][key],
                                               ctx.seed)
        ctx.advance()
    data = datasets.load("digits", seed=ctx.seed)
    digits = {}
    for name in NAMES:
        digits[name] = train_digits(name, data, p["digits"], ctx.seed)
        ctx.advance()
    figures = [*(_draw_paths(key, surfaces[key], ctx) for key in SURFACES),
               _draw_values(surfaces, ctx), _draw_digits(digits, ctx)]
    ctx.advance()
    numbers = {"surfaces": {k: {n: _kept(r) for n, r in v.items()} for k, v in surfaces.items()},
               "digits": digits}
    return ExperimentResult(
        id=ID, claims=CLAIMS, title=TITLE, setup=_SETUP, parameters=p, numbers=numbers,
        verdicts=[verdict_c12({n: (r["initial_loss"], r["final_loss"]) for n, r in digits.items()},
                              {n: r["steps"] for n, r in surfaces["bowl"].items()})],
        tables=[_surface_table(surfaces), _digits_table(digits)], figures=figures)


# --- measuring -------------------------------------------------------------------------------


def descend(name: str, lr: float, surface: str, budget: int, seed: int) -> dict:
    """Up to ``budget`` steps of optimizer ``name`` on ``surface`` from its start.

    Returns the path (steps+1, 2), f along it, and the first step count at which f ≤ TOLERANCE
    (None if never; a descent whose f becomes non-finite or grows 10⁶-fold stops: diverged).
    """
    s = SURFACES[surface]
    point = Parameter(np.array(s["start"], dtype=np.float64), "theta")
    opt, rng = optimizers.get(name, lr=lr), np.random.default_rng(seed)
    path, values, reached = [point.value.copy()], [float(s["f"](*point.value))], None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, budget + 1):
            terms = s["terms"](point.value)
            point.grad = (len(terms) * terms[rng.integers(len(terms))] if name == "sgd"
                          else sum(terms))
            opt.step([point])
            path.append(point.value.copy())
            values.append(float(s["f"](*point.value)))
            if values[-1] <= TOLERANCE:
                reached = step
                break
            if not np.isfinite(values[-1]) or values[-1] > 1e6 * values[0]:
                break
    return {"lr": lr, "steps": reached, "path": np.array(path), "values": values}


def _rank(result: dict) -> tuple:
    """Order descents: reached the tolerance first, then the lowest final value."""
    last = result["values"][-1]
    return (result["steps"] is None, result["steps"] or 0, last if np.isfinite(last) else np.inf)


def best_descent(name: str, surface: str, grid: list[float], budget: int, seed: int) -> dict:
    """The descent with the best learning rate of ``grid``, and each rate's step count."""
    tries = [descend(name, lr, surface, budget, seed) for lr in grid]
    best = min(tries, key=_rank)
    return {**best, "steps_per_lr": {f"{t['lr']:g}": t["steps"] for t in tries}}


def _kept(result: dict) -> dict:
    """A descent for results.json: no path, f at the start and the end."""
    values = result["values"]
    return {"lr": result["lr"], "steps": result["steps"], "initial_value": values[0],
            "final_value": values[-1], "steps_run": len(values) - 1,
            "steps_per_lr": result["steps_per_lr"]}


class _Evaluate(Callback):
    """After each epoch: the training loss over the whole training set and the test accuracy."""

    def __init__(self, data):
        self.data, self.loss, self.accuracy = data, [], []

    def on_epoch_end(self, epoch, logs=None):
        self.loss.append(self.network.evaluate(self.data.x_train, self.data.y_train)["loss"])
        self.accuracy.append(self.network.evaluate(self.data.x_test, self.data.y_test)["accuracy"])


def train_digits(name: str, data, p: dict, seed: int) -> dict:
    """The digits net trained by optimizer ``name`` at its default learning rate."""
    net = mlp(p["sizes"], p["activation"], seed=seed)
    start = net.evaluate(data.x_train, data.y_train)
    record = _Evaluate(data)
    net.fit(data.x_train, data.y_train, epochs=p["epochs"], optimizer=name,
            batch_size=None if name == "gd" else p["batch_size"], callbacks=[record],
            progress=False, seed=seed)
    return {"lr": p["lr"][name], "loss": [start["loss"], *record.loss],
            "test_accuracy": [start["accuracy"], *record.accuracy],
            "initial_loss": start["loss"], "final_loss": record.loss[-1]}


# --- the verdict (numbers in, Verdict out) ---------------------------------------------------


def verdict_c12(digits_loss: dict[str, tuple[float, float]],
                bowl_steps: dict[str, int | None]) -> Verdict:
    """C12: every optimizer lowers the digits training loss and reaches the tolerance on the bowl.

    Args:
        digits_loss: optimizer → (training loss before, after training).
        bowl_steps: optimizer → steps to f ≤ TOLERANCE on the bowl at its best rate (None: never).
    """
    lowers = {n: after < before for n, (before, after) in digits_loss.items()}
    reaches = {n: steps is not None for n, steps in bowl_steps.items()}
    ok = all(lowers.values()) and all(reaches.values())
    return Verdict("C12", bool(ok), Text(
        "each optimizer the library implements — GD, SGD, momentum, Nesterov, Adagrad, RMSprop, "
        "Adam, AdamW; the seed names GD, Adagrad and Adam — is an optimization function that "
        "works: at its default learning rate it lowers the training loss of the digits network "
        "(whole training set, before against after), and at its best learning rate of the grid "
        f"it brings the ill-conditioned bowl to f ≤ {TOLERANCE:g} within the step budget",
        "库实现的每个优化器——GD、SGD、动量、Nesterov、Adagrad、RMSprop、Adam、AdamW(原文列出 GD、"
        "Adagrad 与 Adam)——都是有效的优化函数:在默认学习率下,它降低 digits 网络的训练损失(整个"
        "训练集上训练前后对比);在网格中最好的学习率下,它在步数预算内把病态二次碗的 f 降到 "
        f"≤ {TOLERANCE:g}"),
        {"digits_loss_before_after": {n: list(v) for n, v in digits_loss.items()},
         "bowl_steps": bowl_steps, "lowers_loss": lowers, "reaches_tolerance": reaches})


# --- figures, tables, text -------------------------------------------------------------------


def _contours(ax, key: str) -> None:
    s = SURFACES[key]
    gx, gy = np.meshgrid(np.linspace(*s["xlim"], 300), np.linspace(*s["ylim"], 300))
    levels = np.logspace(-2, 3.5, 14) if key == "rosenbrock" else np.logspace(-2, 2.5, 12)
    ax.contour(gx, gy, s["f"](gx, gy), levels=levels, colors="0.75", linewidths=0.7)
    ax.plot(*s["start"], "ko", markersize=6, label="start")
    ax.plot(*s["minimum"], "k*", markersize=12, label="minimum")


def _draw_paths(key: str, results: dict, ctx: Context) -> Figure:
    s = SURFACES[key]
    height = 2.7 * (s["ylim"][1] - s["ylim"][0]) / (s["xlim"][1] - s["xlim"][0]) + 0.3
    fig, axes = plots.subplots(2, 4, size=(2.7, height), sharex=True, sharey=True)
    for ax, (name, r) in zip(axes.ravel(), results.items(), strict=True):
        _contours(ax, key)
        ax.plot(r["path"][:, 0], r["path"][:, 1], color=plots.optimizer_color(name),
                linewidth=1.3, marker=".", markersize=2)
        outcome = f"{r['steps']} steps" if r["steps"] is not None else "not converged"
        ax.set_title(f"{name}, lr {r['lr']:g}: {outcome}", fontsize=9,
                     color=plots.optimizer_color(name))
        ax.set(xlim=s["xlim"], ylim=s["ylim"], aspect="equal")
    for ax in axes[-1]:
        ax.set_xlabel("θ₁")
    for ax in axes[:, 0]:
        ax.set_ylabel("θ₂")
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.suptitle(f"{_SURFACE_NAMES[key].en}: each optimizer's path at its best learning rate")
    path = plots.save(fig, ctx.figure_path(f"optimizers-{key}"))
    return Figure(path, Text(
        f"{_SURFACE_NAMES[key].en}: each optimizer's path from the start (black dot) towards the "
        "minimum (star) over the contour lines, at the learning rate of the grid that reached "
        f"f ≤ {TOLERANCE:g} in fewest steps (or ended lowest).",
        f"{_SURFACE_NAMES[key].zh}:各优化器从起点(黑点)走向最小值(星号)的路径,背景为等高线;"
        f"学习率取网格中以最少步数达到 f ≤ {TOLERANCE:g}(或最终最低)的那个。"))


_SURFACE_NAMES = {
    "rosenbrock": Text("Rosenbrock's valley", "Rosenbrock 山谷"),
    "bowl": Text("Ill-conditioned bowl (curvatures 1 and 50, axes turned 30°)",
                 "病态二次碗(曲率 1 与 50,坐标轴旋转 30°)"),
}


def _line(name: str) -> dict:
    """The optimizer's colour; dashed for the variants that often overlap their base
    (Nesterov on momentum, AdamW on Adam)."""
    return {"color": plots.optimizer_color(name),
            "linestyle": "--" if name in ("nesterov", "adamw") else "-"}


def _draw_values(surfaces: dict, ctx: Context) -> Figure:
    fig, axes = plots.subplots(1, 2, size=(5.0, 3.8))
    for ax, (key, results) in zip(axes, surfaces.items(), strict=True):
        for name, r in results.items():
            ax.loglog(np.arange(1, len(r["values"]) + 1), r["values"], linewidth=1.2,
                      label=name, **_line(name))
        ax.axhline(TOLERANCE, color="0.4", linestyle=":", linewidth=1, label="tolerance")
        ax.set(title=f"{_SURFACE_NAMES[key].en.split(' (')[0]}: f along the path",
               xlabel="step + 1 (log)",
               ylabel="f(θ) (log)")
        ax.legend(fontsize=7, loc="lower left", ncols=2)
    path = plots.save(fig, ctx.figure_path("optimizers-values"))
    return Figure(path, Text(
        "The value of each surface along each optimizer's path (log–log). A line ends where it "
        "reached the tolerance (dotted) or ran out of steps.",
        "各优化器路径上曲面函数值的变化(双对数坐标)。曲线在达到容差(点线)或用完步数预算处结束。"))


def _draw_digits(digits: dict, ctx: Context) -> Figure:
    fig, (loss_ax, acc_ax) = plots.subplots(1, 2, size=(5.0, 3.8))
    for name, r in digits.items():
        style = {**_line(name), "linewidth": 1.4, "label": f"{name} (lr {r['lr']:g})"}
        loss_ax.semilogy(r["loss"], **style)
        acc_ax.plot(r["test_accuracy"], **style)
    loss_ax.set(title="Training loss (whole training set)", xlabel="epoch",
                ylabel="cross-entropy (log)")
    acc_ax.set(title="Test accuracy", xlabel="epoch", ylabel="fraction correct", ylim=(0, 1))
    loss_ax.legend(fontsize=7, loc="lower left")
    path = plots.save(fig, ctx.figure_path("optimizers-digits"))
    return Figure(path, Text(
        "The 64–64–10 ReLU network on the digits, trained by each optimizer at its default "
        "learning rate (GD: the whole training set per step; the others: batches of 32).",
        "digits 上的 64–64–10 ReLU 网络,由各优化器以默认学习率训练(GD:每步用整个训练集;其余:批大小 "
        "32)。"))


def _steps(steps: int | None, budget: int):
    return Text(f"not within {budget}", f"{budget} 步内未达到") if steps is None else steps


def _surface_table(surfaces: dict) -> Table:
    rows = [[name, *(c for key in SURFACES for c in (
        surfaces[key][name]["lr"], _steps(surfaces[key][name]["steps"],
                                          len(surfaces[key][name]["values"]) - 1),
        surfaces[key][name]["values"][-1]))] for name in NAMES]
    columns = [Text("optimizer", "优化器")]
    for key, zh in (("rosenbrock", "Rosenbrock"), ("bowl", "二次碗")):
        columns += [Text(f"{key}: best lr", f"{zh}:最佳学习率"),
                    Text(f"{key}: steps to f ≤ {TOLERANCE:g}", f"{zh}:f ≤ {TOLERANCE:g} 所需步数"),
                    Text(f"{key}: final f", f"{zh}:最终 f")]
    return Table(Text("Descents on the two surfaces", "两个曲面上的下降"), columns, rows)


def _digits_table(digits: dict) -> Table:
    rows = [[name, r["lr"], r["initial_loss"], r["final_loss"], r["test_accuracy"][-1]]
            for name, r in digits.items()]
    return Table(Text("Training on the digits at the default learning rates",
                      "在 digits 上以默认学习率训练"), [
        Text("optimizer", "优化器"), Text("default lr", "默认学习率"),
        Text("training loss before", "训练前训练损失"),
        Text("training loss after", "训练后训练损失"),
        Text("final test accuracy", "最终测试准确率")], rows)


_SETUP = Text(
    "Surfaces: Rosenbrock's valley from (−1.2, 1) and an ill-conditioned bowl (curvatures 1 and "
    "50 along axes turned by 30°) from (−3, 2), both with minimum 0. Each optimizer (the "
    "library's GD, SGD, SGD with momentum 0.9, Nesterov, Adagrad, RMSprop, Adam and AdamW with "
    "their other defaults) runs from the same start with every learning rate of a grid, until "
    f"f ≤ {TOLERANCE:g}, the step budget ends, or f diverges; the learning rate that gets there "
    "in fewest steps (or ends lowest) is kept. Each surface is the sum of two terms; SGD steps "
    "along one term picked at random times two, an unbiased estimate of the gradient as a "
    "mini-batch gives.\n\n"
    "Digits: a 64–64–10 ReLU network (He initialisation, the same initial weights for all) "
    "trained with softmax and cross-entropy by each optimizer at its default learning rate, GD "
    "on the whole training set per step and the others on batches of 32; after each epoch the "
    "loss over the whole training set and the test accuracy are measured.",
    f"曲面:从 (−1.2, 1) 出发的 Rosenbrock 山谷,以及从 (−3, 2) 出发的病态二次碗(沿旋转 30° 的"
    "坐标轴曲率为 1 与 50),两者最小值都是 0。每个优化器(库中的 GD、SGD、动量 0.9 的 SGD、Nesterov、"
    "Adagrad、RMSprop、Adam 与 AdamW,其余参数取默认值)从同一起点出发,依次使用网格中的每个学习率,"
    f"直到 f ≤ {TOLERANCE:g}、用完步数预算或发散为止;保留最快达到(或最终最低)的学习率。每个曲面都是"
    "两项之和;SGD 每步随机取一项的梯度乘以 2,这是梯度的无偏估计,正如小批量给出的那样。\n\n"
    "digits:64–64–10 的 ReLU 网络(He 初始化,所有优化器使用相同的初始权重),softmax 与交叉熵,"
    "由各优化器以默认学习率训练,GD 每步使用整个训练集,其余使用大小为 32 的批;每轮之后测量整个训练集"
    "上的损失与测试准确率。",
)
