"""Export as code: a short Python script that repeats a tab's run with neuralab.

The script builds the same data, features and network (same seed, so the same initial weights),
and trains with the same calls the playground made — one ``net.fit(…, epochs=1)`` per step with
the same shuffle seed — so after the same number of epochs it holds the same weights, as long as
nothing was changed in the middle of the run (the script says so when something was). Every
value written into it comes from a checked :class:`~neuralab.play.config.Config` (registered
names, bounded numbers), never from text the page sent.
"""

from __future__ import annotations

import math

from neuralab.layers import Dense, Dropout
from neuralab.play import config as settings
from neuralab.play import limits
from neuralab.play.model import FEATURE_CODE

__all__ = ["python_snippet"]


def python_snippet(session) -> str:
    """The script that reproduces ``session``'s run up to its current epoch."""
    c = session.config
    lines = [f'"""A neuralab playground run: {c.dataset}, {session.epoch} epochs.',
             "", "Made by `neuralab play` (Export: code). Run it with python.", '"""', "",
             "import numpy as np", "", "import neuralab as nl",
             "from neuralab.layers import Dense, Dropout", "", ""]
    lines += _data(session) + [""] + _features(c) + [""] + _network(session) + [""]
    lines += _training(session)
    return "\n".join(lines) + "\n"


def _data(session) -> list[str]:
    c = session.config
    test_fraction = 1 - c.ratio / 100
    if c.dataset != "upload":
        extra = f", n_classes={c.classes}" if c.dataset in settings.MULTICLASS else ""
        return [f"# the data: {c.ratio}% of the points for training, seed {c.seed}",
                f"data = nl.datasets.load({c.dataset!r}, seed={c.seed}, "
                f"n_samples={limits.GENERATED_POINTS},",
                f"                        noise={c.noise / 100!r}, "
                f"test_fraction={test_fraction!r}{extra})",
                "x_train, y_train = data.x_train, data.y_train",
                "x_test, y_test = data.x_test, data.y_test"]
    up = session.upload
    n_test = min(max(math.ceil(len(up.y) * test_fraction), 1), len(up.y) - 1)
    labels = ("np.searchsorted(np.unique(table[:, 2]), table[:, 2])" if up.classes
              else "table[:, 2].astype(np.float32)")
    return [f"# the data: your CSV (x1, x2, label), {c.ratio}% for training, seed {c.seed}",
            f"table = np.loadtxt({up.name!r}, delimiter=',', skiprows={int(up.header)}, ndmin=2)",
            f"x, y = table[:, :2].astype(np.float32), {labels}",
            f"test, train = np.split(np.random.default_rng({c.seed}).permutation(len(y)), "
            f"[{n_test}])",
            "x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]"]


def _features(c) -> list[str]:
    columns = ", ".join(FEATURE_CODE[name] for name in c.features)
    lines = ["def features(x):", f'    """The input features: {", ".join(c.features)}."""',
             f"    return np.column_stack([{columns}]).astype(np.float32)", "", "",
             "x_train, x_test = features(x_train), features(x_test)"]
    if c.classes == 0 or (c.loss != "cross_entropy" and c.classes == 2):
        lines.append("t_train, t_test = (y.astype(np.float32).reshape(-1, 1) "
                     "for y in (y_train, y_test))")
    elif c.loss != "cross_entropy":
        lines.append(f"t_train, t_test = (nl.datasets.one_hot(y, {c.classes}) "
                     "for y in (y_train, y_test))")
    else:
        lines.append("t_train, t_test = y_train, y_test")
    return lines


def _network(session) -> list[str]:
    c = session.config
    init = "" if c.init == "auto" else f", init={c.init!r}"
    layers = []
    for layer in session.net.layers:
        if isinstance(layer, Dense):
            layers.append(f"    Dense({layer.in_features}, {layer.out_features}, "
                          f"{layer.activation.name!r}{init}, seed=rng),")
        elif isinstance(layer, Dropout):
            layers.append(f"    Dropout({layer.rate!r}, seed=rng),")
    lines = [f"rng = np.random.default_rng({session.run_seed})  # the initial weights",
             "net = nl.Network([", *layers, f"], loss={c.loss!r})"]
    if session.start_weights:
        lines.append("dense = [layer for layer in net.layers if isinstance(layer, Dense)]")
        lines += [f"dense[{lay}].weight.value[{i}, {j}] = {value!r}  # set by hand"
                  for lay, i, j, value in session.start_weights]
    return lines


def _training(session) -> list[str]:
    c = session.config
    args = settings.SCHEDULE_ARGUMENTS[c.schedule]
    schedule_args = "".join(f", {key}={value!r}" for key, value in args.items())
    l1 = c.reg_rate if c.reg == "l1" else 0.0
    l2 = c.reg_rate if c.reg == "l2" else 0.0
    lines = []
    if session.changed_in_run:
        changed = ", ".join(sorted(session.changed_in_run))
        lines += [f"# Changed during the run in the playground: {changed}. This script uses",
                  "# the settings as they are now, so its numbers will differ a little."]
    lines += [f"optimizer = nl.optimizers.get({c.optimizer!r}, lr={c.lr!r})",
              f"schedule = nl.schedules.get({c.schedule!r}{schedule_args})",
              f"for epoch in range({session.epoch}):  # one playground step = one epoch",
              f"    optimizer.lr = schedule(epoch, {c.lr!r})",
              f"    history = net.fit(x_train, t_train, epochs=1, batch_size={c.batch}, "
              "optimizer=optimizer,",
              f"                      seed={session.run_seed} * 100_000 + epoch, "
              f"progress=False, l1={l1!r}, l2={l2!r})",
              '    schedule.observe(history.history["loss"][-1])', "",
              'print("test:", net.evaluate(x_test, t_test))',
              'net.save("playground.safetensors")']
    return lines
