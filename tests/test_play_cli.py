"""``neuralab play``: serves on loopback, prints the URL, needs a token when exposed, stops
cleanly on Ctrl-C (with a tab open too), and explains what it lacks in one line."""

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

pytest.importorskip("uvicorn", reason="the playground needs: pip install 'neuralab[play]'")

from neuralab.cli import main  # noqa: E402
from neuralab.cli.play import is_loopback  # noqa: E402


def start(*options):
    """A ``neuralab play --no-browser`` process and the URL it printed."""
    process = subprocess.Popen([sys.executable, "-m", "neuralab", "play", "--no-browser",
                                *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline()
    match = re.search(r"http://\S+", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return process, match.group(0)


def stop(process) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)  # a guard against a hang
    return process.returncode, out, err


def status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_serves_on_loopback_and_stops_cleanly_on_ctrl_c_with_a_tab_open():
    from websockets.sync.client import connect

    process, url = start()
    try:
        assert url.startswith("http://127.0.0.1:") and status(url) == 200
        assert "data-testid" in urllib.request.urlopen(url, timeout=30).read().decode()
        ws_url = url.replace("http", "ws") + "ws"
        with connect(ws_url, origin=url.rstrip("/"), max_size=None) as ws:
            assert json.loads(ws.recv(timeout=30))["type"] == "config"
            code, out, err = stop(process)
    finally:
        process.kill()
    assert code == 0 and out.strip().endswith("neuralab playground: stopped")
    assert "Traceback" not in err


def test_exposed_host_warns_and_requires_the_token():
    process, url = start("--host", "0.0.0.0")
    try:
        port = re.search(r":(\d+)/", url).group(1)
        token = re.search(r"token=([\w-]+)", url).group(1)
        local = f"http://127.0.0.1:{port}/"
        assert status(local) == 403 and status(local + "api/meta?token=nope") == 403
        assert status(f"{local}?token={token}") == 200
    finally:
        code, _, err = stop(process)
    assert code == 0 and "warning:" in err and "reachable from other machines" in err


def test_a_port_in_use_is_one_line(capsys):
    process, url = start()
    try:
        port = re.search(r":(\d+)/", url).group(1)
        assert main(["play", "--no-browser", "--port", port]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"neuralab: error: --host 127.0.0.1 --port {port}: cannot listen")
        assert err.count("\n") == 1
    finally:
        stop(process)


def test_without_the_extra_it_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if uvicorn were not installed
    monkeypatch.delitem(sys.modules, "neuralab.play.server", raising=False)
    assert main(["play", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'neuralab[play]'" in err and err.count("\n") == 1


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.0.0.2", True),
                                                ("::1", True), ("localhost", True),
                                                ("0.0.0.0", False), ("192.168.1.5", False),
                                                ("example.org", False)])
def test_only_loopback_goes_without_a_token(host, loopback):
    assert is_loopback(host) is loopback
