"""``neuralab activations``: every activation with f, f' and their properties, as a table."""

from __future__ import annotations

from neuralab.cli.common import add_command, format_table, points

__all__ = ["add_parser", "run"]


def add_parser(subparsers):
    """Add the ``activations`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "activations", "table of every activation: f, f' and their properties",
        "Print every registered activation with f(x) and f'(x) at a few points, its range, "
        "whether it is zero-centred, how it saturates and the largest |f'|.\n\nsoftmax is not "
        "elementwise: its f row is softmax of the whole vector of points, and its f' row the "
        "diagonal of its Jacobian, da_i/dz_i = a_i (1 - a_i).",
        "neuralab activations --points=-5,-2,0,2,5 --dtype float64")
    parser.add_argument("--points", type=points, default="-3,-1,0,1,3",
                        help="comma-separated points x; write --points=-3,... (with '=') when "
                             "the first one is negative")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="floating-point type the functions are evaluated in")
    return parser


def _f_and_derivative(act, z):
    """f(z) and f'(z) at the points; for softmax f' is its Jacobian's diagonal, via backward."""
    import numpy as np

    a = act.forward(z)
    if act.name != "softmax":
        return a, act.derivative(z)
    n = len(z)
    rows = act.backward(np.tile(z, (n, 1)), np.tile(a, (n, 1)), np.eye(n, dtype=z.dtype))
    return a, np.diagonal(rows)  # row i = ∂a/∂z_i; its entry i is a_i (1 − a_i)


def run(args) -> int:
    """Print the table; return 0."""
    import numpy as np

    from neuralab import activations

    with np.errstate(over="ignore"):  # a point beyond the dtype's range becomes inf: caught next
        z = np.asarray(args.points, dtype=args.dtype)
    if not np.isfinite(z).all():
        raise ValueError(f"--points: {args.points} goes beyond the {args.dtype} range; "
                         "use --dtype float64 or smaller points")
    header = ["activation", "", *(f"x={p:g}" for p in args.points),
              "range", "zero-centred", "saturation", "max |f'|"]
    rows = []
    for name in activations.names():
        act = activations.get(name)
        f, df = _f_and_derivative(act, z)
        biggest = "-" if act.max_derivative is None else f"{act.max_derivative:.4g}"
        rows.append([name, "f", *(f"{v:.4f}" for v in f), act.output_range,
                     "yes" if act.zero_centred else "no", act.saturation, biggest])
        rows.append(["", "f'", *(f"{v:.4f}" for v in df), "", "", "", ""])
    print(format_table(rows, header))
    return 0
