"""Every notebook in examples/ runs end to end in a fresh Jupyter kernel, without an error.

Each is executed by nbclient as Jupyter would run "Run all", in a temporary folder (files the
notebook writes go there, not into the checkout); outputs are checked here and never saved.
"""

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.release

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def execute(path: Path, cwd: Path):
    """The notebook at ``path`` after running every cell in ``cwd``.

    The kernel draws with Jupyter's inline backend, as in a browser: a MPLBACKEND set for the
    test run is not passed on to it.
    """
    import nbformat  # the docs extra, installed by make release-check: imported here so that
    from nbclient import NotebookClient  # collecting this file under plain `make test` works

    notebook = nbformat.read(path, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MPLBACKEND", raising=False)
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    return notebook


def outputs_of(notebook, kind):
    return [o for cell in notebook.cells if cell.cell_type == "code"
            for o in cell.get("outputs", []) if kind in o.get("data", {})]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Notebook name → the notebook after running it, each run once for all the tests here."""
    done = {}
    for path in NOTEBOOKS:
        folder = tmp_path_factory.mktemp(path.stem)
        shutil.copy(path, folder / path.name)
        try:
            done[path.name] = execute(folder / path.name, folder)
        except Exception as error:  # reported by that notebook's own test
            done[path.name] = error
    return done


def ran(executed, name: str):
    """The executed notebook ``name``; the test fails with its error if it did not run."""
    notebook = executed[name]
    if isinstance(notebook, Exception):
        pytest.fail(f"{name} failed: {notebook}")
    return notebook


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, executed):
    notebook = ran(executed, path.name)
    errors = [o for cell in notebook.cells for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert outputs_of(notebook, "text/html") or outputs_of(notebook, "image/png")


def test_optimizer_race_draws_its_figure(executed):
    assert outputs_of(ran(executed, "03-optimizer-race.ipynb"), "image/png")


def test_first_network_displays_its_pictures(executed):
    notebook = ran(executed, "01-first-network.ipynb")
    html = "".join(o["data"]["text/html"] for o in outputs_of(notebook, "text/html"))
    assert "output shape" in html          # the Network's summary table
    assert "<polyline" in html             # the History's curves
    assert "speed of learning" in html     # layer_stats' bar chart
