"""Draw docs/figures/lab-nonlinearity.png, the lab figure on the README's first screen.

It is the figure of the lab's ``nonlinearity`` experiment (claim C2) in its quick form: run
``python scripts/make_readme_figure.py`` after changing that experiment.
"""

import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from neuralab import lab  # noqa: E402 (after choosing the backend)

TARGET = Path(__file__).resolve().parents[1] / "docs" / "figures" / "lab-nonlinearity.png"

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as out:
        lab.run(["nonlinearity"], quick=True, out=out, progress=False)
        shutil.copy(Path(out) / "nonlinearity-boundaries.png", TARGET)
    print(f"wrote {TARGET}")
