"""Draw the figures of docs/optimizers.md into docs/figures/opt_*.png.

    .venv/bin/python scripts/make_optimizer_figures.py [OUT_DIR]

Deterministic: every run draws the same pictures. The optimizers and step counts are those of
tests/test_optimizers.py, so the pictures show what the tests assert.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neuralab import optimizers, plots, schedules  # noqa: E402
from neuralab.layers import Parameter  # noqa: E402


def bowl(x, y):
    return 0.5 * (x**2 + 100 * y**2)


def bowl_grad(theta):
    return np.array([theta[0], 100.0 * theta[1]])


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(theta):
    x, y = theta
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


BOWL = {"GD": ("gd", 0.018), "momentum": ("momentum", 0.01),
        "Nesterov": ("nesterov", 0.01), "Adagrad": ("adagrad", 0.1),
        "RMSprop": ("rmsprop", 0.01), "Adam": ("adam", 0.01)}
ROSENBROCK = {"GD": ("gd", 0.001), "momentum": ("momentum", 0.001),
              "Nesterov": ("nesterov", 0.001), "Adagrad": ("adagrad", 0.5),
              "RMSprop": ("rmsprop", 0.001), "Adam": ("adam", 0.02)}


def trajectory(name, lr, grad_fn, start, steps):
    """Every point visited by optimizer ``name`` from ``start``: shape (steps + 1, 2)."""
    opt, parameter = optimizers.get(name, lr=lr), Parameter(np.array(start, dtype=float))
    points = [parameter.value.copy()]
    for _ in range(steps):
        parameter.grad[...] = grad_fn(parameter.value)
        opt.step([parameter])
        points.append(parameter.value.copy())
    return np.array(points)


def draw_paths(ax, f, paths, box, optimum, title):
    x, y = np.meshgrid(np.linspace(*box[0], 300), np.linspace(*box[1], 300))
    ax.contour(x, y, np.log1p(f(x, y)), levels=25, colors=plots.ZERO, linewidths=0.6)
    for label, (name, points) in paths.items():
        ax.plot(points[:, 0], points[:, 1], lw=1.2, label=label, color=plots.optimizer_color(name))
    ax.plot(*optimum, "k*", ms=10)
    ax.set(xlim=box[0], ylim=box[1], title=title, xlabel="x", ylabel="y")
    ax.legend(fontsize=8, loc="best")


def figure_paths(out: Path):
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    bowl_paths = {k: (n, trajectory(n, lr, bowl_grad, (1.0, 1.0), 150))
                  for k, (n, lr) in BOWL.items()}
    draw_paths(axes[0], bowl, bowl_paths, ((-1.1, 1.1), (-1.1, 1.1)), (0, 0),
               "½(x² + 100y²), 150 steps from (1, 1)")
    rosen_paths = {k: (n, trajectory(n, lr, rosenbrock_grad, (-1.5, 2.0), 3000))
                   for k, (n, lr) in ROSENBROCK.items()}
    draw_paths(axes[1], rosenbrock, rosen_paths, ((-2, 2), (-1, 3)), (1, 1),
               "Rosenbrock, 3000 steps from (−1.5, 2)")
    fig.tight_layout()
    fig.savefig(out / "opt_paths.png", dpi=90)
    plt.close(fig)


def figure_convergence(out: Path):
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    problems = [(BOWL, bowl_grad, (1.0, 1.0), (0.0, 0.0), 1200, "ill-conditioned bowl"),
                (ROSENBROCK, rosenbrock_grad, (-1.5, 2.0), (1.0, 1.0), 20_000, "Rosenbrock")]
    for ax, (table, grad_fn, start, optimum, steps, title) in zip(axes, problems, strict=True):
        for label, (name, lr) in table.items():
            distance = np.linalg.norm(trajectory(name, lr, grad_fn, start, steps) - optimum, axis=1)
            ax.semilogy(np.maximum(distance, 1e-16), lw=1.2, label=f"{label} (lr={lr})",
                        color=plots.optimizer_color(name))
        ax.set(title=f"{title}: distance to the minimum", xlabel="step", ylabel="‖θ − θ*‖")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "opt_convergence.png", dpi=90)
    plt.close(fig)


def figure_schedules(out: Path):
    epochs, base_lr = np.arange(60), 0.1
    fig, ax = plt.subplots(figsize=(8, 4.5))
    fixed = {"StepDecay(20, gamma=0.5)": schedules.StepDecay(20, gamma=0.5),
             "Exponential(0.95)": schedules.Exponential(0.95),
             "Cosine(60, warmup=5)": schedules.Cosine(60, warmup=5),
             "InverseScaling(0.5)": schedules.InverseScaling(0.5)}
    for label, schedule in fixed.items():
        ax.plot(epochs, [schedule(int(t), base_lr) for t in epochs], label=label, linewidth=2.2,
                color=plots.schedule_color(schedule.name))
    plateau, rates = schedules.ReduceOnPlateau(factor=0.5, patience=4), []
    for t in epochs:  # a loss that stops improving at epochs 15, 30 and 45
        rates.append(plateau(int(t), base_lr))
        plateau.observe(1.0 / (1 + min(t % 15, 8)) + 0.1 * (t // 15))
    ax.step(epochs, rates, where="post", label="ReduceOnPlateau(0.5, patience=4)", linewidth=2.2,
            color=plots.schedule_color(plateau.name))
    ax.set(xlabel="epoch t", ylabel="learning rate", title=f"Schedules from base_lr = {base_lr}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "opt_schedules.png", dpi=90)
    plt.close(fig)


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs" / "figures"
    out.mkdir(parents=True, exist_ok=True)
    figure_paths(out)
    figure_convergence(out)
    figure_schedules(out)


if __name__ == "__main__":
    main(sys.argv[1:])
