"""Every Python example in the README, the docs and the docstrings runs, so the docs cannot
drift from the code.

Each page's ```python blocks run in order in one namespace (like a notebook: a later block may
use what an earlier one defined), in a temporary folder, with matplotlib drawing off screen.
A block that cannot run here (it needs a cluster, a download, a package neuralab does not
install) is preceded by an HTML comment ``<!-- not run: the reason -->``, which the rendered
page does not show; the reason is required. The ``>>>`` examples of the docstrings, which the
API reference shows, run as doctests.
"""

import contextlib
import doctest
import importlib
import io
import json
import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"(?:<!--\s*not run:(?P<reason>[^>]*)-->\s*\n)?^(?P<indent>[ ]*)```"
                   r"(?P<info>[^\n`]*)\n(?P<code>.*?)^(?P=indent)```[ ]*$",
                   re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[tuple[int, str, str | None]]:
    """(line number, code, reason not run or None) of each python block of ``page``."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        if match["info"].strip().split(" ")[0] not in ("python", "py"):
            continue
        indent = len(match["indent"])
        code = "\n".join(line[indent:] for line in match["code"].splitlines())
        line = text.count("\n", 0, match.start("code"))
        blocks.append((line, code, match["reason"]))
    return blocks


def page_id(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    for line, code, reason in python_blocks(page):
        if reason is not None:
            assert reason.strip(), f"{page_id(page)}:{line}: say why the block is not run"
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"{page_id(page)}:{line}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{page_id(page)}, block at line {line}: {type(error).__name__}: "
                        f"{error}")


def test_examples_are_found():
    counted = sum(len(python_blocks(page)) for page in PAGES)
    assert counted >= 30


def test_notebooks_are_committed_without_outputs():
    for path in sorted((ROOT / "examples").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


def modules_with_examples() -> list[str]:
    """The modules of neuralab whose docstrings hold ``>>>`` examples (shown in the API pages)."""
    package = ROOT / "src" / "neuralab"
    found = []
    for path in sorted(package.rglob("*.py")):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = path.relative_to(package.parent).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=flags)
    report: list[str] = []
    for test in finder.find(module, name):  # each runs in a copy of the module's globals
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted and not failed, "".join(report)
