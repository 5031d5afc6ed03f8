"""Start-up work: what ``import neuralab`` and ``neuralab --help`` import.

Each check runs in a fresh interpreter and looks at the modules loaded (``sys.modules``, or
``python -X importtime``), never at the clock: the work done is the same on every machine.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neuralab.cli import COMMANDS

HEAVY = ("matplotlib", "scipy", "sklearn")


def imported_after(code: str) -> set[str]:
    """The top-level packages in ``sys.modules`` after running ``code`` in a fresh Python."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


def test_import_neuralab_loads_no_heavy_package():
    loaded = imported_after("import neuralab")
    assert not loaded & {*HEAVY, "numpy"}


def test_the_library_itself_loads_no_plotting_scipy_or_sklearn():
    loaded = imported_after(
        "import neuralab\n"
        "from neuralab import Network, mlp, load, activations, losses, optimizers\n"
        "from neuralab import initializers, layers, datasets, diagnostics, training\n"
        "data = datasets.load('xor')\n"
        "mlp([2, 3, 2], seed=0).fit(data.x_train, data.y_train, epochs=1, progress=False)")
    assert "numpy" in loaded
    assert not loaded & set(HEAVY)


def test_public_names_load_on_first_use():
    import neuralab

    assert isinstance(neuralab.mlp([2, 2], seed=0), neuralab.Network)
    assert callable(neuralab.load)
    assert neuralab.activations.get("relu").name == "relu"
    assert {"Network", "mlp", "load", "lab", "sklearn"} <= set(dir(neuralab))
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        neuralab.nosuch  # noqa: B018


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_imports_neither_numpy_nor_the_library(command):
    argv = [command, "--help"] if command else ["--help"]
    loaded = imported_after(
        "import contextlib, io\nfrom neuralab.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main({argv!r}) == 0")
    assert not loaded & {*HEAVY, "numpy", "tqdm", "safetensors"}


def test_console_script_help_imports_no_numpy():
    script = Path(sys.executable).with_name("neuralab")
    done = subprocess.run([sys.executable, "-X", "importtime", script, "--help"],
                          capture_output=True, text=True, check=True)
    modules = {line.split("|")[-1].strip().split(".")[0]
               for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "neuralab" in modules and "argparse" in modules
    assert not modules & {*HEAVY, "numpy"}
