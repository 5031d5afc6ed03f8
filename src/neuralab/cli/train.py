"""``neuralab train``: train a multilayer perceptron on a data set and save it."""

from __future__ import annotations

import os
import sys
import time

from neuralab.cli.common import (
    add_command,
    architecture,
    batch_size,
    format_table,
    fraction,
    integer,
    layer_sizes,
    n_parameters,
    positive,
)

__all__ = ["add_parser", "run"]


def add_parser(subparsers):
    """Add the ``train`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "train", "train a multilayer perceptron and save it",
        "Train an MLP (inputs -> hidden layers -> one output per class) on a data set and save "
        "it as one .safetensors file. A share of the training split is held out as validation "
        "data (shown in the progress bar, watched by --early-stopping); the test split is only "
        "used once, for the summary at the end.\n\n"
        "Data sets, activations, losses, optimizers and initializers are given by name, in any "
        "case, with '-' and '_' alike; an unknown name is an error that lists the known ones, "
        "and 'neuralab activations' shows every activation.",
        "neuralab train --data digits --layers 64,32 --activation relu "
        "--optimizer adam --epochs 20 --out model.safetensors")
    add = parser.add_argument
    add("--data", default="digits", metavar="NAME",
        help="data set (e.g. digits, mnist, moons), or your own .csv or .npz file (features, "
             "then a label column; see docs/sweeps.md)")
    add("--layers", type=layer_sizes, default="64,32",
        help="hidden-layer widths, comma-separated; '' for none (softmax regression)")
    add("--activation", default="relu", metavar="NAME", help="hidden-layer activation")
    add("--loss", default="cross_entropy", metavar="NAME", help="loss (e.g. cross_entropy, mse)")
    add("--optimizer", default="adam", metavar="NAME", help="optimizer (e.g. sgd, rmsprop, adam)")
    add("--lr", type=positive, default=None,
        help="learning rate (default: the optimizer's own, e.g. 0.001 for adam)")
    add("--batch-size", type=batch_size, default=32,
        help="samples per step, or 'full' for full-batch gradient descent")
    add("--epochs", type=integer(1), default=20, help="passes over the training data")
    add("--init", default=None, metavar="NAME",
        help="weight initializer (e.g. he_normal, xavier_uniform); "
             "default: He for the ReLU family, Xavier otherwise")
    add("--validation-split", type=fraction, default=0.1,
        help="share of the training split held out for validation; 0 for none")
    add("--early-stopping", type=integer(1), default=None, metavar="PATIENCE",
        help="stop after PATIENCE epochs without a lower validation loss, keeping the best "
             "weights (default: off)")
    add("--seed", type=integer(0), default=0,
        help="seed of the data split, the initial weights and the shuffling")
    add("--out", default="model.safetensors", help="where to save the trained model")
    add("--checkpoint", default=None, metavar="FILE",
        help="save the whole run there after every epoch; if FILE exists (the same command "
             "was interrupted), resume after its last epoch")
    add("--no-progress", action="store_true",
        help="no progress bar (it is shown only when stderr is a terminal anyway)")
    return parser


def _hold_out(x, y, share: float, seed: int):
    """(x_fit, y_fit, (x_val, y_val) or None): a random ``share`` of the rows held out."""
    import numpy as np

    if share == 0:
        return x, y, None
    n_val = round(share * len(x))
    if not 0 < n_val < len(x):
        raise ValueError(f"--validation-split {share} of {len(x)} training samples leaves "
                         "an empty set; choose a larger or smaller share")
    order = np.random.default_rng(seed).permutation(len(x))
    val, fit = order[:n_val], order[n_val:]
    return x[fit], y[fit], (x[val], y[val])


def _check_paths(args) -> None:
    """Fail before training, not after, when the model or checkpoint cannot be written."""
    from neuralab import safefile

    for option, path in (("--out", args.out), ("--checkpoint", args.checkpoint)):
        if path is not None:
            try:
                safefile.check_writable(path, "model" if option == "--out" else "checkpoint")
            except ValueError as err:
                raise ValueError(f"{option}: {err}") from None


def _epochs_run(history, stopper, epochs: int) -> str:
    resumed = (f" (resumed from the checkpoint after epoch {history.initial_epoch})"
               if history.initial_epoch else "")
    if stopper is None or stopper.stopped_epoch is None:
        return f"{len(history.epoch)}{resumed}"
    return (f"{len(history.epoch)} of {epochs}, stopped early; weights of epoch "
            f"{stopper.best_epoch + 1} kept{resumed}")


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
    from neuralab.callbacks import EarlyStopping

    if args.early_stopping is not None and validation is None:
        raise ValueError("--early-stopping needs validation data: use --validation-split > 0")
    stopper = None if args.early_stopping is None else EarlyStopping(patience=args.early_stopping)
    start = time.perf_counter()
    history = net.fit(x, y, epochs=args.epochs, batch_size=args.batch_size, optimizer=optimizer,
                      validation_data=validation, callbacks=[stopper] if stopper else [],
                      progress=False if args.no_progress else None, seed=args.seed,
                      checkpoint=args.checkpoint)
    return history, stopper, time.perf_counter() - start


def run(args) -> int:
    """Train, save, print the run's summary and the metrics per split; return 0."""
    from neuralab import datasets, mlp, optimizers

    _check_paths(args)
    if args.checkpoint is not None and os.path.exists(args.checkpoint):
        print(f"neuralab: resuming from the checkpoint {args.checkpoint}", file=sys.stderr)
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
        ["architecture", architecture(net)],
        ["parameters", n_parameters(net)],
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
