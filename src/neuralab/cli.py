"""The ``neuralab`` command line: ``neuralab activations``, ``train`` and ``evaluate``.

Each subcommand is two functions registered in ``COMMANDS``: ``add_<name>_parser(subparsers)``
declares its options (every one documented, with its default, in ``--help``) and
``run_<name>(args) -> int`` does the work and returns the exit status. To add a command, write
the pair and add one line to ``COMMANDS``.

A mistake the user can make (a bad option, an unknown name, a missing or foreign model file, a
training run that diverges) ends in ``main`` with exit status 2 and one line on stderr,
``neuralab: error: …``, never a traceback. Only this module prints; the library raises.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import textwrap
import time

import numpy as np

from neuralab import __version__, activations, datasets, initializers, losses, optimizers
from neuralab.bench import add_bench_parser, run_bench
from neuralab.lab.cli import add_lab_parser, run_lab
from neuralab.network import load, mlp
from neuralab.training import EarlyStopping

__all__ = ["main", "build_parser", "format_table", "COMMANDS"]


# --- plumbing: one-line errors, help with defaults, aligned tables ---------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are raised, so ``main`` reports them in one line."""

    def error(self, message):
        raise ValueError(f"{message} (see '{self.prog} --help')")


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Adds "(default: …)" to each option's help unless the default is None or a flag's False;
    prints the description and the example as ``_add_command`` laid them out."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def _add_command(subparsers, name: str, summary: str, description: str, example: str):
    """A subcommand parser; ``summary`` is its line in ``neuralab --help``.

    The description's paragraphs (separated by blank lines) are wrapped to 79 columns; the
    example is shown as written.
    """
    paragraphs = (textwrap.fill(p, 79) for p in description.split("\n\n"))
    return subparsers.add_parser(name, help=summary, description="\n\n".join(paragraphs),
                                 epilog=f"example:\n  {example}", formatter_class=_HelpFormatter)


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def format_table(rows, header=None) -> str:
    """Rows of cells as aligned text: numeric columns right-aligned, text left, header ruled.

    ``rows`` is a list of equal-length sequences; every cell is shown with ``str``.
    """
    body = [[str(cell) for cell in row] for row in rows]
    head = [[str(cell) for cell in header]] if header is not None else []
    widths = [max(len(row[i]) for row in head + body) for i in range(len((head + body)[0]))]
    numeric = [all(_is_number(row[i]) for row in body if row[i]) for i in range(len(widths))]

    def line(row):
        cells = zip(row, widths, numeric, strict=True)
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in cells).rstrip()

    rule = [line(["-" * w for w in widths])] if head else []
    return "\n".join([line(row) for row in head] + rule + [line(row) for row in body])


# --- option types: argparse calls these on the text; a bad value becomes a one-line error -----


def _integer(minimum: int):
    """An option type: an integer >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
        return value

    return parse


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _positive(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    value = _float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _fraction(text: str) -> float:
    """A number in [0, 1) (the share of the training set held out)."""
    value = _float(text)
    if not 0 <= value < 1:  # False for NaN too
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def _batch_size(text: str) -> int | None:
    """A positive integer, or "full" for full-batch gradient descent (None)."""
    return None if text.strip().lower() == "full" else _integer(1)(text)


def _layer_sizes(text: str) -> list[int]:
    """'64,32' → [64, 32]; an empty string → [] (no hidden layer)."""
    if not text.strip():
        return []
    try:
        sizes = [int(item) for item in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive integers like 64,32, got {text!r}")
    return sizes


def _points(text: str) -> list[float]:
    """'-3,-1,0,1,3' → [-3.0, -1.0, 0.0, 1.0, 3.0]."""
    points = [_float(item) for item in text.split(",")]
    if not all(math.isfinite(p) for p in points):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated finite numbers like -3,-1,0,1,3, got {text!r}")
    return points


# --- neuralab activations -----------------------------------------------------------------------


def add_activations_parser(subparsers):
    parser = _add_command(
        subparsers, "activations", "table of every activation: f, f' and their properties",
        "Print every registered activation with f(x) and f'(x) at a few points, its range, "
        "whether it is zero-centred, how it saturates and the largest |f'|.\n\nsoftmax is not "
        "elementwise: its f row is softmax of the whole vector of points, and its f' row the "
        "diagonal of its Jacobian, da_i/dz_i = a_i (1 - a_i).",
        "neuralab activations --points=-5,-2,0,2,5 --dtype float64")
    parser.add_argument("--points", type=_points, default="-3,-1,0,1,3",
                        help="comma-separated points x; write --points=-3,... (with '=') when "
                             "the first one is negative")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="floating-point type the functions are evaluated in")
    return parser


def _f_and_derivative(act, z):
    """f(z) and f'(z) at the points; for softmax f' is its Jacobian's diagonal, via backward."""
    a = act.forward(z)
    if act.name != "softmax":
        return a, act.derivative(z)
    n = len(z)
    rows = act.backward(np.tile(z, (n, 1)), np.tile(a, (n, 1)), np.eye(n, dtype=z.dtype))
    return a, np.diagonal(rows)  # row i = ∂a/∂z_i; its entry i is a_i (1 − a_i)


def run_activations(args) -> int:
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


# --- neuralab train -----------------------------------------------------------------------------


def add_train_parser(subparsers):
    parser = _add_command(
        subparsers, "train", "train a multilayer perceptron and save it",
        "Train an MLP (inputs -> hidden layers -> one output per class) on a data set and save "
        "it as one .safetensors file. A share of the training split is held out as validation "
        "data (shown in the progress bar, watched by --early-stopping); the test split is only "
        "used once, for the summary at the end.",
        "neuralab train --data digits --layers 64,32 --activation relu "
        "--optimizer adam --epochs 20 --out model.safetensors")
    add = parser.add_argument
    add("--data", default="digits", help=f"data set: {', '.join(datasets.names())}")
    add("--layers", type=_layer_sizes, default="64,32",
        help="hidden-layer widths, comma-separated; '' for none (softmax regression)")
    add("--activation", default="relu",
        help=f"hidden-layer activation: {', '.join(activations.names())}")
    add("--loss", default="cross_entropy", help=f"loss: {', '.join(losses.names())}")
    add("--optimizer", default="adam", help=f"optimizer: {', '.join(optimizers.names())}")
    add("--lr", type=_positive, default=None,
        help="learning rate (default: the optimizer's own, e.g. 0.001 for adam)")
    add("--batch-size", type=_batch_size, default=32,
        help="samples per step, or 'full' for full-batch gradient descent")
    add("--epochs", type=_integer(1), default=20, help="passes over the training data")
    add("--init", default=None, help=f"weight initializer: {', '.join(initializers.names())}; "
                                     "default: He for the ReLU family, Xavier otherwise")
    add("--validation-split", type=_fraction, default=0.1,
        help="share of the training split held out for validation; 0 for none")
    add("--early-stopping", type=_integer(1), default=None, metavar="PATIENCE",
        help="stop after PATIENCE epochs without a lower validation loss, keeping the best "
             "weights (default: off)")
    add("--seed", type=_integer(0), default=0,
        help="seed of the data split, the initial weights and the shuffling")
    add("--out", default="model.safetensors", help="where to save the trained model")
    add("--no-progress", action="store_true",
        help="no progress bar (it is shown only when stderr is a terminal anyway)")
    return parser


def _hold_out(x, y, fraction: float, seed: int):
    """(x_fit, y_fit, (x_val, y_val) or None): a random ``fraction`` of the rows held out."""
    if fraction == 0:
        return x, y, None
    n_val = round(fraction * len(x))
    if not 0 < n_val < len(x):
        raise ValueError(f"--validation-split {fraction} of {len(x)} training samples leaves "
                         "an empty set; choose a larger or smaller share")
    order = np.random.default_rng(seed).permutation(len(x))
    val, fit = order[:n_val], order[n_val:]
    return x[fit], y[fit], (x[val], y[val])


def _check_out(path: str) -> None:
    """Fail before training, not after, when the model cannot be written to ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path) or not os.path.isdir(folder):
        raise ValueError(f"--out {path!r}: give a file path in an existing folder")


def _architecture(net) -> str:
    """'64 -> 32 -> 10 (relu, softmax)': layer widths and each Dense layer's activation."""
    dense = [layer for layer in net.layers if hasattr(layer, "weight")]
    widths = " -> ".join(str(n) for n in [net.n_inputs, *(d.out_features for d in dense)])
    return f"{widths} ({', '.join(d.activation.name for d in dense)})"


def _n_parameters(net) -> str:
    return f"{sum(p.value.size for p in net.parameters()):,}"


def _epochs_run(history, stopper, epochs: int) -> str:
    if stopper is None or stopper.stopped_epoch is None:
        return f"{len(history.epoch)}"
    return (f"{len(history.epoch)} of {epochs}, stopped early; weights of epoch "
            f"{stopper.best_epoch + 1} kept")


def _metric_rows(net, splits) -> list[list[str]]:
    """One row per (name, x, y): samples, loss and accuracy of ``net``."""
    rows = []
    for name, x, y in splits:
        metrics = net.evaluate(x, y)
        accuracy = f"{100 * metrics['accuracy']:.2f}%" if "accuracy" in metrics else "-"
        rows.append([name, f"{len(x):,}", f"{metrics['loss']:.4f}", accuracy])
    return rows


def _fit(args, net, optimizer, x, y, validation):
    """Train ``net`` as the options say; (History, the EarlyStopping or None, seconds)."""
    if args.early_stopping is not None and validation is None:
        raise ValueError("--early-stopping needs validation data: use --validation-split > 0")
    stopper = None if args.early_stopping is None else EarlyStopping(patience=args.early_stopping)
    start = time.perf_counter()
    history = net.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, optimizer=optimizer,
                      validation_data=validation, callbacks=[stopper] if stopper else [],
                      progress=False if args.no_progress else None, seed=args.seed)
    return history, stopper, time.perf_counter() - start


def run_train(args) -> int:
    _check_out(args.out)
    data = datasets.load(args.data, seed=args.seed)
    net = mlp([data.n_features, *args.layers, data.n_classes], activation=args.activation,
              loss=args.loss, init=args.init, seed=args.seed)
    x_fit, y_fit, validation = _hold_out(data.x_train, data.y_train, args.validation_split,
                                         args.seed)
    optimizer = optimizers.get(args.optimizer, **({} if args.lr is None else {"lr": args.lr}))
    history, stopper, seconds = _fit(args, net, optimizer, x_fit, y_fit, validation)
    net.save(args.out)
    batch = "full" if args.batch_size is None else args.batch_size
    print(format_table([
        ["data", f"{data.name}: {data.n_features} features, {data.n_classes} classes"],
        ["architecture", _architecture(net)],
        ["parameters", _n_parameters(net)],
        ["training", f"{args.optimizer} (lr {optimizer.lr:g}), batch size {batch}, "
                     f"loss {net.loss.name}, seed {args.seed}"],
        ["epochs", _epochs_run(history, stopper, args.epochs)],
        ["time", f"{seconds:.2f} s"],
        ["saved to", args.out],
    ]))
    splits = [("train", x_fit, y_fit), *([("validation", *validation)] if validation else []),
              ("test", data.x_test, data.y_test)]
    print()
    print(format_table(_metric_rows(net, splits), ["split", "samples", "loss", "accuracy"]))
    return 0


# --- neuralab evaluate --------------------------------------------------------------------------


def add_evaluate_parser(subparsers):
    parser = _add_command(
        subparsers, "evaluate", "loss, accuracy and confusion matrix of a saved model",
        "Load a model saved by 'neuralab train' and print its loss, accuracy and confusion "
        "matrix on a data set's test (or train) split. Give the --seed the model was trained "
        "with, so that the split is the one it was tested on.",
        "neuralab evaluate model.safetensors --data digits")
    parser.add_argument("model", metavar="MODEL", help="a .safetensors file written by train")
    parser.add_argument("--data", default="digits",
                        help=f"data set: {', '.join(datasets.names())}")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="which split of the data set to evaluate on")
    parser.add_argument("--seed", type=_integer(0), default=0,
                        help="seed of the train/test split (use the one given to train)")
    return parser


def _confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) counts: entry [i, j] = samples of true class i predicted as j."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def run_evaluate(args) -> int:
    net = load(args.model)
    data = datasets.load(args.data, seed=args.seed)
    if data.n_features != net.n_inputs:
        raise ValueError(f"{args.model} takes {net.n_inputs} input features but data set "
                         f"{data.name!r} has {data.n_features}; evaluate it on the data it "
                         "was trained on")
    x, y = (data.x_test, data.y_test) if args.split == "test" else (data.x_train, data.y_train)
    metrics = net.evaluate(x, y)
    predicted = net.predict_classes(x)
    n_classes = max(data.n_classes, int(predicted.max()) + 1)
    correct = int((predicted == y).sum())
    print(format_table([
        ["model", f"{args.model}: {_architecture(net)}, {_n_parameters(net)} parameters"],
        ["data", f"{data.name}, {args.split} split (seed {args.seed}): {len(y):,} samples"],
        ["loss", f"{metrics['loss']:.4f}"],
        ["accuracy", f"{100 * metrics['accuracy']:.2f}% ({correct:,} of {len(y):,})"],
    ]))
    matrix = _confusion_matrix(y, predicted, n_classes)
    print("\nconfusion matrix (rows: true label, columns: predicted label)")
    print(format_table([[label, *row] for label, row in enumerate(matrix)],
                       ["true", *range(n_classes)]))
    return 0


# --- the command table and main -----------------------------------------------------------------

COMMANDS = {
    "activations": (add_activations_parser, run_activations),
    "train": (add_train_parser, run_train),
    "evaluate": (add_evaluate_parser, run_evaluate),
    "lab": (add_lab_parser, run_lab),
    "bench": (add_bench_parser, run_bench),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``neuralab`` parser with one subparser per entry of ``COMMANDS``."""
    parser = _Parser(prog="neuralab", description="neuralab: neural networks on NumPy, "
                     "every function with its derivative.", formatter_class=_HelpFormatter,
                     epilog="'neuralab COMMAND --help' lists the options of a command.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                       required=True)
    for add_parser, _ in COMMANDS.values():
        add_parser(subparsers)
    return parser


def _one_line(error: Exception) -> str:
    """The error's message on one line; an OSError as 'path: reason'."""
    if isinstance(error, OSError) and error.filename and error.strerror:
        message = f"{error.filename}: {error.strerror}"
    else:
        message = str(error) or type(error).__name__
    return " ".join(message.split())


def main(argv=None) -> int:
    """Run ``neuralab`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    0 on success (``--help`` included), 2 for a usage or input error (one line on stderr),
    1 when the reader of stdout goes away, 130 when interrupted with Ctrl-C.
    """
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help and --version print, then exit 0
            return done.code if isinstance(done.code, int) else 0
        return COMMANDS[args.command][1](args)
    except BrokenPipeError:  # the reader left early (`neuralab activations | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit flush
        return 1
    except (ValueError, TypeError, OSError, ImportError) as error:
        print(f"neuralab: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neuralab: interrupted", file=sys.stderr)
        return 130
