"""Draw the figures of docs/losses.md into docs/figures/loss_*.png.

Every curve is computed with neuralab's own losses and activations (value, gradient, delta), so
the figures show what the library does. Run from the repository root:

    .venv/bin/python scripts/make_loss_figures.py [--out docs/figures]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from neuralab import activations, losses, plots

SIGMOID = activations.get("sigmoid")
A = np.linspace(0.005, 0.995, 400).reshape(-1, 1)  # outputs, one sample per row


def per_sample(loss, a, y):
    """ℓ(a, y) and ∂ℓ/∂a for each row separately (undo the 1/n of the batch mean)."""
    targets = np.full_like(a, y)
    values = np.array([loss.value(a[i : i + 1], targets[i : i + 1]) for i in range(len(a))])
    return values, loss.gradient(a, targets) * len(a)


def cost_and_gradient_figure(name, a, title):
    """Left: the cost of one output a for targets 0 and 1. Right: ∂C/∂a."""
    loss, color = losses.get(name), plots.loss_color(name)
    fig, (left, right) = plots.subplots(1, 2)
    for y, style in ((0.0, "-"), (1.0, "--")):
        values, grads = per_sample(loss, a, y)
        left.plot(a[:, 0], values, style, color=color, label=f"y = {y:g}")
        right.plot(a[:, 0], grads[:, 0], style, color=color, label=f"y = {y:g}")
    left.set(xlabel="output a", ylabel="C(a, y)", title=title)
    right.set(xlabel="output a", ylabel="∂C/∂a", title="its gradient")
    for ax in (left, right):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.legend()
    return fig


def binary_cross_entropy_figure():
    fig = cost_and_gradient_figure("binary_cross_entropy", A, "−[y ln a + (1 − y) ln(1 − a)]")
    fig.axes[1].set_ylim(-40, 40)
    return fig


def cross_entropy_figure():
    """Left: −ln p of the true class. Right: the fused ∂C/∂z of softmax + cross-entropy."""
    loss, softmax = losses.get("cross_entropy"), activations.get("softmax")
    color = plots.loss_color("cross_entropy")
    fig, (left, right) = plots.subplots(1, 2)
    costs = [loss.value(np.array([[p, 1 - p]]), [0]) for p in A[:, 0]]  # two classes, 0 true
    left.plot(A[:, 0], costs, color=color)
    left.set(xlabel="probability a_c of the true class", ylabel="C = −ln a_c",
             title="cross-entropy of one sample")  # fmt: skip
    t = np.linspace(-6, 6, 300)
    z = np.column_stack([t, np.zeros_like(t), np.zeros_like(t)])  # 3 classes, class 0 true
    labels = np.zeros(len(t), dtype=int)
    delta = loss.delta(z, softmax.forward(z), labels, softmax) * len(t)
    right.plot(t, delta[:, 0], color=color, label="∂C/∂z₀ = a₀ − 1 (true class)")
    right.plot(t, delta[:, 1], "--", color=color, label="∂C/∂z₁ = a₁ (a wrong class)")
    right.axhline(0, color="0.8", lw=0.8)
    right.set(xlabel="logit z₀ of the true class (z₁ = z₂ = 0)", ylabel="∂C/∂z",
              title="softmax + cross-entropy: ∂C/∂z = a − y")  # fmt: skip
    right.legend()
    return fig


def delta_comparison_figure():
    """∂C/∂z of one sigmoid neuron with target 0: quadratic a·σ′(z) against cross-entropy a."""
    z = np.linspace(-8, 8, 400).reshape(-1, 1)
    a, y = SIGMOID.forward(z), np.zeros_like(z)
    fig, axes = plots.subplots(1, 2)
    for name, label in (("quadratic", "quadratic: (a − y)·σ′(z)"),
                        ("binary_cross_entropy", "cross-entropy: a − y")):  # fmt: skip
        delta = losses.get(name).delta(z, a, y, SIGMOID) * len(z)
        for ax in axes:
            ax.plot(z[:, 0], delta[:, 0], color=plots.loss_color(name), label=label)
    axes[0].set(xlabel="z (target y = 0)", ylabel="∂C/∂z", title="how hard the error pushes")
    axes[1].set(xlabel="z (target y = 0)", ylabel="∂C/∂z (log scale)", yscale="log",
                title="the wronger, the slower (quadratic)")  # fmt: skip
    axes[0].legend()
    return fig


FIGURES = {
    "loss_quadratic": lambda: cost_and_gradient_figure("quadratic", A, "½(a − y)²"),
    "loss_mse": lambda: cost_and_gradient_figure("mse", A, "(a − y)², averaged"),
    "loss_binary_cross_entropy": binary_cross_entropy_figure,
    "loss_cross_entropy": cross_entropy_figure,
    "loss_delta_comparison": delta_comparison_figure,
}
"""The neuron trained with each cost (claims C9, C10) is the lab's figure, copied into
docs/figures by scripts/make_lab_figures.py."""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/figures"))
    args = parser.parse_args(argv)
    for stem, draw in FIGURES.items():
        print(plots.save(draw(), args.out / f"{stem}.png"))


if __name__ == "__main__":
    main()
