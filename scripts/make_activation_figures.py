"""Draw every activation and its derivative: one PNG per activation, for docs/activations.md.

Usage: python scripts/make_activation_figures.py [--out docs/figures]

Writes ``act_<name>.png`` for each name in ``neuralab.activations.names()``: f and f′ on one
axes over z ∈ [−5, 5], with a dotted line at sup |f′| (the most a layer can pass back per unit).
Softmax has no elementwise derivative; its figure shows the first output of softmax([z, 0]) and
∂a₁/∂z₁ = a₁(1 − a₁), the diagonal Jacobian entry computed by ``backward``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from neuralab import activations, plots

Z = np.linspace(-5, 5, 1001)


def curves(act):
    """(f, f′, label of f, label of f′) on Z for any activation."""
    if act.name != "softmax":
        return act.forward(Z), act.derivative(Z), "f(z)", "f′(z)"
    logits = np.column_stack([Z, np.zeros_like(Z)])
    a = act.forward(logits)
    first = np.zeros_like(logits)
    first[:, 0] = 1.0
    slope = act.backward(logits, a, first)[:, 0]  # e₁ᵀ J e₁ = ∂a₁/∂z₁
    return a[:, 0], slope, "a₁ = softmax([z, 0])₁", "∂a₁/∂z"


def draw(act, path: Path) -> None:
    f, slope, f_label, slope_label = curves(act)
    slope[1:][np.abs(np.diff(slope)) > 0.2] = np.nan  # break the line at a jump (relu′ at 0)
    fig = Figure(figsize=(6, 4), dpi=110)
    ax = fig.add_subplot()
    color = plots.activation_color(act.name)  # the one palette: f solid, f′ dashed, same colour
    ax.plot(Z, f, color=color, linewidth=2, label=f_label)
    ax.plot(Z, slope, color=color, linewidth=2, linestyle="--", label=slope_label)
    if act.max_derivative is not None:
        plots.reference_line(ax, act.max_derivative, f"sup |f′| = {act.max_derivative:.4g}")
    ax.axhline(0, color=plots.ZERO, linewidth=0.8)
    ax.axvline(0, color=plots.ZERO, linewidth=0.8)
    ax.set_title(f"{act!r}: range {act.output_range}, saturation: {act.saturation}", fontsize=10)
    ax.set_xlabel("z (pre-activation)")
    ax.set_ylabel("value")
    ax.set_ylim(max(-2.0, f.min() - 0.3), min(5.0, max(f.max(), slope.max()) + 0.3))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "docs" / "figures"
    parser.add_argument("--out", type=Path, default=default, help="folder for the PNGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in activations.names():
        draw(activations.get(name), args.out / f"act_{name}.png")


if __name__ == "__main__":
    main()
