"""The ``neuralab`` command line: ``neuralab COMMAND [options]``.

Commands, one module each in this package:

- ``activations``: every activation with f, f' and their properties, as a table;
- ``train``: train a multilayer perceptron on a data set and save it;
- ``evaluate``: loss, accuracy and confusion matrix of a saved model;
- ``lab``: run the seed's claims as experiments and write the HTML report;
- ``bench``: time training and prediction against this machine's matrix-product rate;
- ``play``: the playground, a live network in the browser.

Each command module has ``add_parser(subparsers)``, which declares its options (every one
documented, with its default, in ``--help``), and ``run(args) -> int``, which does the work and
returns the exit status. Building the parsers imports only the standard library: a command
imports NumPy and the parts of neuralab it needs inside ``run``, so ``neuralab --help`` answers
at once. To add a command, write its module and add it to ``COMMANDS``; the shared help layout,
option types and tables are in :mod:`neuralab.cli.common`.

A mistake the user can make (a bad option, an unknown name, a missing or foreign model file, a
training run that diverges) ends in :func:`main` with exit status 2 and one line on stderr,
``neuralab: error: …``, never a traceback. Only this package prints; the library raises.
"""

from __future__ import annotations

import argparse
import os
import sys

from neuralab import __version__
from neuralab.cli import activations, bench, evaluate, export, lab, play, sweep, train
from neuralab.cli.common import HelpFormatter, Parser

__all__ = ["main", "build_parser", "COMMANDS"]

COMMANDS = {"activations": activations, "train": train, "evaluate": evaluate, "lab": lab,
            "bench": bench, "export": export, "sweep": sweep, "play": play}
"""Command name → its module (``add_parser``, ``run``), in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The ``neuralab`` parser with one subparser per entry of ``COMMANDS``."""
    parser = Parser(prog="neuralab", description="neuralab: neural networks on NumPy, "
                    "every function with its derivative.", formatter_class=HelpFormatter,
                    epilog="'neuralab COMMAND --help' lists the options of a command.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback when something goes wrong")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                       required=True)
    for command in COMMANDS.values():
        command.add_parser(subparsers)
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
    1 when the reader of stdout goes away, 130 when interrupted with Ctrl-C. Anything else that
    goes wrong (out of memory, a recursion too deep, a bug) is also one line and status 2;
    ``neuralab --debug COMMAND …`` shows the traceback instead.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv[:1]
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help and --version print, then exit 0
            return done.code if isinstance(done.code, int) else 0
        return COMMANDS[args.command].run(args)
    except BrokenPipeError:  # the reader left early (`neuralab activations | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit flush
        return 1
    except (ValueError, TypeError, OSError, ImportError) as error:
        if debug:
            raise
        print(f"neuralab: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except MemoryError as error:
        if debug:
            raise
        print(f"neuralab: error: out of memory{': ' + _one_line(error) if str(error) else ''}; "
              "try a smaller network, batch or data set", file=sys.stderr)
        return 2
    except Exception as error:  # a bug or a resource limit: still one line, never a traceback
        if debug:
            raise
        print(f"neuralab: error: {type(error).__name__}: {_one_line(error)} (run "
              "'neuralab --debug …' to see where)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("neuralab: interrupted", file=sys.stderr)
        return 130
