"""Copy the lab's figures that the guides show into docs/figures/lab-*.png.

docs/activations.md, docs/losses.md and docs/optimizers.md show, beside each derivation, the lab
figure that measures it. They come from a full lab run (``neuralab lab``, English)::

    .venv/bin/python scripts/make_lab_figures.py               # runs the experiments it needs
    .venv/bin/python scripts/make_lab_figures.py --from DIR    # copies from a run in DIR

Run it after changing one of these experiments. (docs/figures/lab-nonlinearity.png, the C2
figure, comes from scripts/make_readme_figure.py.)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from neuralab import lab  # noqa: E402 (after choosing the backend)

FIGURES = ("activations-layers", "saturation-dynamics-sigmoid", "saturation-dynamics-tanh",
           "vanishing-gradient-sigmoid", "vanishing-gradient-depth", "zero-mean-accuracy",
           "dead-relu-sweep", "loss-slowdown-neuron", "loss-slowdown-digits",
           "optimizers-digits", "optimizers-bowl", "optimizer-paper")
"""The lab figures the guides show, by file name (without .png)."""
EXPERIMENTS = ("activations", "saturation_dynamics", "vanishing_gradient", "zero_mean",
               "dead_relu", "loss_slowdown", "optimizers", "optimizer_paper")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "figures"


def copy(source: Path) -> None:
    for name in FIGURES:
        target = DOCS / f"lab-{name}.png"
        shutil.copy(source / f"{name}.png", target)
        print(f"wrote {target}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=None, metavar="DIR",
                        help="a folder `neuralab lab` wrote (full run, English)")
    args = parser.parse_args(argv)
    if args.source is not None:
        copy(args.source)
        return
    with tempfile.TemporaryDirectory() as out:
        lab.run(list(EXPERIMENTS), quick=False, out=out, progress=False)
        copy(Path(out))


if __name__ == "__main__":
    main()
