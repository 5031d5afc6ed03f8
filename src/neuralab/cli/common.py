"""What the subcommands share: the help layout, option types, tables and model summaries.

Everything here uses the standard library only, so that building the parsers (``neuralab
--help``) imports neither NumPy nor the library.
"""

from __future__ import annotations

import argparse
import math
import textwrap

__all__ = ["Parser", "HelpFormatter", "add_command", "format_table", "integer", "positive",
           "fraction", "batch_size", "layer_sizes", "points", "architecture", "n_parameters"]


# --- parsers: one-line errors, help with defaults ---------------------------------------------


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are raised, so ``main`` reports them in one line."""

    def error(self, message):
        raise ValueError(f"{message} (see '{self.prog} --help')")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Adds "(default: …)" to each option's help unless the default is None or a flag's False;
    prints the description and the example as :func:`add_command` laid them out."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def add_command(subparsers, name: str, summary: str, description: str, example: str):
    """A subcommand parser; ``summary`` is its line in ``neuralab --help``.

    The description's paragraphs (separated by blank lines) are wrapped to 79 columns; the
    example is shown as written.
    """
    paragraphs = (textwrap.fill(p, 79) for p in description.split("\n\n"))
    return subparsers.add_parser(name, help=summary, description="\n\n".join(paragraphs),
                                 epilog=f"example:\n  {example}", formatter_class=HelpFormatter)


# --- tables -------------------------------------------------------------------------------------


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


def integer(minimum: int):
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


def positive(text: str) -> float:
    """A finite number > 0 (a learning rate)."""
    value = _float(text)
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def fraction(text: str) -> float:
    """A number in [0, 1) (the share of the training set held out)."""
    value = _float(text)
    if not 0 <= value < 1:  # False for NaN too
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def batch_size(text: str) -> int | None:
    """A positive integer, or "full" for full-batch gradient descent (None)."""
    return None if text.strip().lower() == "full" else integer(1)(text)


def layer_sizes(text: str) -> list[int]:
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


def points(text: str) -> list[float]:
    """'-3,-1,0,1,3' → [-3.0, -1.0, 0.0, 1.0, 3.0]."""
    values = [_float(item) for item in text.split(",")]
    if not all(math.isfinite(p) for p in values):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated finite numbers like -3,-1,0,1,3, got {text!r}")
    return values


# --- model summaries (train and evaluate) -------------------------------------------------------


def architecture(net) -> str:
    """'64 -> 32 -> 10 (relu, softmax)': layer widths and each Dense layer's activation."""
    dense = [layer for layer in net.layers if hasattr(layer, "weight")]
    widths = " -> ".join(str(n) for n in [net.n_inputs, *(d.out_features for d in dense)])
    return f"{widths} ({', '.join(d.activation.name for d in dense)})"


def n_parameters(net) -> str:
    """The number of trainable values of ``net``, with thousands separators."""
    return f"{sum(p.value.size for p in net.parameters()):,}"
