"""The README's shell sessions run as written: every `$` command of "The command line", in order,
in a fresh folder, with the exit status and the output the README shows. (Its Python blocks run
in tests/test_docs_examples.py; its lab session is checked against a lab run in
tests/test_lab_language.py.)"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def session(heading: str, which: int = 0) -> list[tuple[str, list[str]]]:
    """Code block ``which`` after ``heading``: (command, the output lines shown after it)."""
    start = README.index(heading)
    for _ in range(which):
        start = README.index("```", README.index("```\n", start) + 4) + 3
    block = README[README.index("```\n", start) + 4:]
    block = block[:block.index("```")]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def measured(line: str) -> bool:
    """Whether a line shows measured numbers (times, losses, a confusion matrix's counts), which
    may vary with the machine's BLAS."""
    return (bool(re.search(r"\d\.\d|\d%|\d,\d{3}", line) or re.fullmatch(r"[\s\d]+", line))
            or line.strip() == "...")


def test_the_command_line_session_runs_as_written(tmp_path):
    steps = session("### The command line")
    assert [c.split()[0] for c, _ in steps] == ["neuralab", "neuralab", "head", "neuralab"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "MPLBACKEND": "Agg"}
    for command, shown in steps:
        done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        output = (done.stdout + done.stderr).splitlines()
        if "error" in " ".join(shown):
            assert done.returncode == 2, command
            assert output == shown, command  # the one-line error, exactly
            continue
        assert done.returncode == 0, f"{command}: {done.stderr}"
        for line in shown:  # every line without a measured number, as shown
            if not measured(line) and not line.lstrip().startswith("epoch "):
                assert line in output, f"{command}: {line!r} not in its output"


def test_the_lab_parameter_commands_run_as_written(tmp_path):
    steps = session("### The lab", which=1)
    assert [c for c, _ in steps] == [
        "neuralab lab --only loss_slowdown --set neuron.lr=0.6 --out lab-report",
        "neuralab lab --list-params"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "MPLBACKEND": "Agg"}
    for command, _ in steps:
        done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"{command}: {done.stderr}"
    report = (tmp_path / "lab-report" / "report.html").read_text(encoding="utf-8")
    assert "<code>loss_slowdown neuron.lr=0.6</code>" in report
    assert "neuron.lr" in done.stdout


@pytest.mark.parametrize("heading", ["### The command line", "### The lab"])
def test_sessions_are_found(heading):
    assert session(heading)
