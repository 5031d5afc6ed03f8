"""The package as the index will get it: sdist and wheel built, checked, installed fresh.

`python -m build` makes both archives from a copy of the source tree; `twine check` reads
their metadata as PyPI would; the wheel goes into a new virtual environment (its dependencies
from the package index, nothing from this checkout), where `neuralab --help` answers and a tiny
network trains, saves, loads and runs the lab's quickest experiment.
"""

import re
import shutil
import subprocess
import sys
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.release

ROOT = Path(__file__).resolve().parents[2]

TINY_RUN = """
import neuralab as nl
data = nl.datasets.load("xor", seed=0)
net = nl.mlp([2, 8, 2], activation="tanh", seed=0)
history = net.fit(data.x_train, data.y_train, epochs=3, progress=False, seed=0)
net.save("tiny.safetensors")
assert (nl.load("tiny.safetensors").predict(data.x_test) == net.predict(data.x_test)).all()
print("fit ok", len(history.history["loss"]), nl.__version__)
"""


def run(*command, cwd=None):
    """Run a command; fail the test with its output if it fails."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """(sdist, wheel) built from a copy of the source tree (no build output left in it)."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns(".venv", ".git", "site", "dist", "build", "*.egg-info",
                                    "__pycache__", "lab-report", ".*_cache", "*.nbc", "*.nbi")
    shutil.copytree(ROOT, src / "neuralab", ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", str(out), str(src / "neuralab"))
    sdist, wheel = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    assert len(sdist) == len(wheel) == 1
    return sdist[0], wheel[0]


def test_twine_check_passes(dist):
    output = run(sys.executable, "-m", "twine", "check", "--strict", *map(str, dist))
    assert output.count("PASSED") == 2


def test_wheel_carries_the_package_and_nothing_else(dist):
    names = zipfile.ZipFile(dist[1]).namelist()
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "docs/", "examples/"))]
    package = {n for n in names if n.startswith("neuralab/")}
    expected = {f"neuralab/{p.relative_to(ROOT / 'src' / 'neuralab').as_posix()}"
                for p in (ROOT / "src" / "neuralab").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
                and p.suffix not in (".nbc", ".nbi")}
    assert expected <= package, f"missing from the wheel: {sorted(expected - package)}"
    assert "neuralab/py.typed" in package


def test_version_is_the_one_in_the_package(dist):
    from neuralab import __version__

    assert dist[1].name.startswith(f"neuralab-{__version__}-")


def test_wheel_installs_into_a_fresh_venv_and_trains(dist, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--quiet", f"{dist[1]}[play]")
    assert "export" in run(str(env / "bin" / "neuralab"), "--help")
    assert "fit ok 3" in run(str(python), "-c", TINY_RUN, cwd=tmp_path)
    report = run(str(env / "bin" / "neuralab"), "lab", "--quick", "--only", "nonlinearity",
                 "--out", str(tmp_path / "lab"), cwd=tmp_path)
    assert "reproduced" in report and (tmp_path / "lab" / "report.html").is_file()
    serve_playground(env / "bin" / "neuralab", tmp_path)


def serve_playground(neuralab, cwd):
    """Start the installed playground, fetch its page and every file the page links to."""
    server = subprocess.Popen([str(neuralab), "play", "--port", "0", "--no-browser"], cwd=cwd,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline() if server.stdout else ""
        url = re.search(r"http://\S+", line)
        assert url, f"no URL in {line!r}"
        with urllib.request.urlopen(url[0], timeout=30) as answer:
            page = answer.read().decode()
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
        assert assets
        for asset in assets:
            with urllib.request.urlopen(url[0].rstrip("/") + asset, timeout=30) as answer:
                assert answer.status == 200 and answer.read()
    finally:
        server.terminate()
        server.communicate(timeout=30)  # reads what is left and closes the pipe


def test_changelog_has_a_section_for_this_version():
    from neuralab import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}]" in changelog
