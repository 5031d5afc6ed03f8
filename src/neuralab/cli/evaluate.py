"""``neuralab evaluate``: loss, accuracy and confusion matrix of a saved model on a data set."""

from __future__ import annotations

from neuralab.cli.common import add_command, architecture, format_table, integer, n_parameters

__all__ = ["add_parser", "run"]


def add_parser(subparsers):
    """Add the ``evaluate`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "evaluate", "loss, accuracy and confusion matrix of a saved model",
        "Load a model saved by 'neuralab train' and print its loss, accuracy and confusion "
        "matrix on a data set's test (or train) split. Give the --seed the model was trained "
        "with, so that the split is the one it was tested on.",
        "neuralab evaluate model.safetensors --data digits")
    parser.add_argument("model", metavar="MODEL", help="a .safetensors file written by train")
    parser.add_argument("--data", default="digits", metavar="NAME",
                        help="data set, by name as for train")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="which split of the data set to evaluate on")
    parser.add_argument("--seed", type=integer(0), default=0,
                        help="seed of the train/test split (use the one given to train)")
    return parser


def _confusion_matrix(y_true, y_pred, n_classes: int):
    """(n_classes, n_classes) counts: entry [i, j] = samples of true class i predicted as j."""
    import numpy as np

    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def run(args) -> int:
    """Print the model's metrics and confusion matrix; return 0."""
    from neuralab import datasets, load

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
        ["model", f"{args.model}: {architecture(net)}, {n_parameters(net)} parameters"],
        ["data", f"{data.name}, {args.split} split (seed {args.seed}): {len(y):,} samples"],
        ["loss", f"{metrics['loss']:.4f}"],
        ["accuracy", f"{100 * metrics['accuracy']:.2f}% ({correct:,} of {len(y):,})"],
    ]))
    matrix = _confusion_matrix(y, predicted, n_classes)
    print("\nconfusion matrix (rows: true label, columns: predicted label)")
    print(format_table([[label, *row] for label, row in enumerate(matrix)],
                       ["true", *range(n_classes)]))
    return 0
