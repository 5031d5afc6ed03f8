"""The playground server through Starlette's test client: the page, security, and one tab's
WebSocket — frames, errors that leave the connection open, limits, isolation, closing."""

import json
import time

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground needs: pip install 'neuralab[play]'")
pytest.importorskip("httpx2", reason="Starlette's test client needs httpx2")

from starlette.testclient import TestClient  # noqa: E402
from starlette.websockets import WebSocketDisconnect  # noqa: E402

import neuralab  # noqa: E402
from neuralab.play import limits, protocol  # noqa: E402
from neuralab.play.server import CSP, create_app  # noqa: E402

BASE = "http://127.0.0.1:8000"
OWN = {"host": "127.0.0.1:8000", "origin": BASE}  # the test client's WebSocket sends no Host


class Tab:
    """A page's side of one WebSocket: send messages, read them back decoded, ack frames."""

    def __init__(self, ws):
        self.ws = ws

    def send(self, **message):
        self.ws.send_text(json.dumps(message))

    def receive(self) -> dict:
        raw = self.ws.receive()
        if raw.get("text") is not None:
            return json.loads(raw["text"])
        header, arrays = protocol.unpack(raw["bytes"])
        if header["type"] == "frame":
            self.send(type="ack")  # as the page does after drawing
        return {**header, "arrays": arrays}

    def until(self, kind: str, limit: int = 200) -> dict:
        """Messages up to the first of ``kind``; fails on an unexpected error."""
        for _ in range(limit):
            message = self.receive()
            if message["type"] == kind:
                return message
            assert message["type"] != "error", message
        raise AssertionError(f"no {kind!r} message in {limit}")

    def opened(self) -> "Tab":
        self.until("config"), self.until("data"), self.until("frame")
        return self


@pytest.fixture
def app():
    return create_app(max_connections=3)


@pytest.fixture
def client(app):
    with TestClient(app, base_url=BASE) as test_client:
        yield test_client


def tab(client, **headers):
    return client.websocket_connect("/ws", headers={**OWN, **headers})


# --- the page and its security ----------------------------------------------------------------


def test_page_static_files_and_meta_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CSP
    for hook in ["play", "step", "reset", "epoch", "heatmap", "diagnostics", "upload", "error",
                 "language", "export-model", "export-code", "add-layer", "remove-layer"]:
        assert f'data-testid="{hook}"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from elsewhere
    script = client.get("/static/js/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["x-content-type-options"] == "nosniff"
    meta = client.get("/api/meta").json()
    assert [p["id"] for p in meta["presets"]] == [f"C{i}" for i in range(1, 13)]
    assert "softmax" not in meta["activations"] and "adamw" in meta["optimizers"]
    assert meta["datasets"] == ["circles", "xor", "gauss", "spiral", "plane", "multigauss"]


def test_a_foreign_host_name_is_refused(client):
    # DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends Host: evil.example
    assert client.get("/", headers={"host": "evil.example:8000"}).status_code == 403
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"host": "evil.example:8000",
                                                      "origin": "http://evil.example:8000"}):
            pass
    assert refused.value.code == 1008 and "unknown host" in refused.value.reason
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:9999", None])
def test_the_websocket_accepts_only_the_pages_own_origin(client, origin):
    headers = {"host": "127.0.0.1:8000"} | ({} if origin is None else {"origin": origin})
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers=headers):
            pass
    assert refused.value.code == 1008 and "only its own page" in refused.value.reason


def test_with_a_token_every_request_needs_it():
    app = create_app(token="s3cret")
    with TestClient(app, base_url="http://192.168.1.5:8000") as client:
        assert client.get("/").status_code == 403
        assert client.get("/api/meta?token=wrong").status_code == 403
        origin = {"host": "192.168.1.5:8000", "origin": "http://192.168.1.5:8000"}
        with pytest.raises(WebSocketDisconnect) as refused:
            with client.websocket_connect("/ws", headers=origin):
                pass
        assert "needs its token" in refused.value.reason
        page = client.get("/?token=s3cret")
        assert page.status_code == 200 and "HttpOnly" in page.headers["set-cookie"]
        assert client.get("/api/meta").status_code == 200  # the cookie now carries it
        with client.websocket_connect("/ws?token=s3cret", headers=origin) as ws:  # the page's way
            assert Tab(ws).until("config")["config"]["dataset"] == "circles"
        cookie = {**origin, "cookie": page.headers["set-cookie"].split(";")[0]}
        with client.websocket_connect("/ws", headers=cookie) as ws:  # a browser sends the cookie
            assert Tab(ws).until("config")["config"]["dataset"] == "circles"


# --- one tab -----------------------------------------------------------------------------------


def test_a_tab_gets_its_setup_points_and_binary_frames(client):
    with tab(client) as ws:
        t = Tab(ws)
        assert t.until("config")["config"]["layers"] == [4, 2]
        data = t.until("data")
        assert data["arrays"]["x_train"].shape == (250, 2)
        frame = t.until("frame")
        assert frame["epoch"] == 0 and frame["arrays"]["output"].shape == (64, 64)
        assert frame["arrays"]["output"].dtype == np.uint8 and len(frame["diagnostics"]) == 3


def test_steps_lower_the_test_loss_on_xor(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="config", config={"dataset": "xor"})
        first = t.until("frame")
        for _ in range(15):
            t.send(type="step")
        frame = first
        while frame["epoch"] < 15:
            frame = t.until("frame")
        assert frame["test_loss"] < first["test_loss"] - 0.1


@pytest.mark.parametrize(("raw", "message"), [
    ("this is not json", "not valid JSON"),
    ("[" * 100_000, "not valid JSON"),
    ('{"type": "launch"}', "message type must be one of"),
    ('["play"]', "message type must be one of"),
    ('{"type": "config", "config": {"lr": "__import__(\'os\')"}}', "lr must be a number"),
    ('{"type": "config"}', "missing field 'config'"),
    ('{"type": "set_weight", "layer": 0, "source": 0, "target": 0, "value": 1e300}',
     "a weight must be"),
    ('{"type": "export", "what": "pickle"}', "export what must be"),
    ('{"type": "preset", "id": "C99"}', "unknown preset"),
    ('{"type": "race", "surface": "rosenbrock", "optimizers": "all"}', "optimizers must be"),
    ('{"type": "upload", "name": "a.csv", "csv": "1,2"}', "line 1: expected 3 values"),
])
def test_a_bad_message_gets_an_error_and_the_connection_goes_on(client, raw, message):
    with tab(client) as ws:
        t = Tab(ws).opened()
        ws.send_text(raw)
        error = t.receive()
        assert error["type"] == "error" and message in error["message"]
        t.send(type="step")
        assert t.until("frame")["epoch"] == 1


def test_an_oversized_or_binary_message_is_refused_and_the_connection_goes_on(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        ws.send_text(json.dumps({"type": "upload", "csv": "x" * limits.MAX_MESSAGE_BYTES}))
        assert "over the limit" in t.receive()["message"]
        ws.send_bytes(b"\x00\x01")
        assert "JSON text" in t.receive()["message"]
        t.send(type="step")
        assert t.until("frame")["epoch"] == 1


@pytest.mark.parametrize("config", [
    {"layers": [8] * 7}, {"layers": [9]}, {"speed": 21}, {"batch": 501}, {"lr": 11},
    {"classes": 9}, {"reg_rate": 11},
])
def test_limits_are_enforced_by_the_server(client, config):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="config", config=config)
        assert t.receive()["type"] == "error"
        t.send(type="step")
        assert t.until("frame")["shape"] == [2, 4, 2, 2]  # the network is unchanged


def test_each_tab_trains_its_own_network(client, app):
    with tab(client) as one, tab(client) as two:
        a, b = Tab(one).opened(), Tab(two).opened()
        a.send(type="config", config={"layers": [3, 3, 3]})
        a.until("config")
        for _ in range(3):
            a.send(type="step")
        while a.until("frame")["epoch"] < 3:
            pass
        b.send(type="step")
        frame = b.until("frame")
        assert frame["epoch"] == 1 and frame["shape"] == [2, 4, 2, 2]
        sessions = [c.session for c in app.state.connections]
        assert len(sessions) == 2 and sessions[0].net is not sessions[1].net


def test_past_the_cap_a_new_tab_gets_a_clear_message(client):
    with tab(client), tab(client), tab(client):
        with tab(client) as fourth:
            message = json.loads(fourth.receive()["text"])
            assert message["type"] == "error" and "too many" in message["message"]
            assert fourth.receive()["code"] == 1013
    with tab(client) as again:  # the cap counts open tabs only
        assert Tab(again).until("config")["type"] == "config"


def test_closing_a_tab_stops_its_training(client, app):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="config", config={"speed": 2})
        t.send(type="play")
        while t.until("frame")["epoch"] < 6:
            pass
        session = next(iter(app.state.connections)).session
        at_close = session.epochs_trained
    deadline = time.monotonic() + 30  # a guard against a hang, not a timing
    while app.state.connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not app.state.connections
    with session.training:  # the step under way at the close, if any, has ended
        stopped = session.epochs_trained
    time.sleep(0.3)
    assert session.epochs_trained == stopped  # nothing trains any more
    assert stopped - at_close <= 2 * 2 + 1  # the frames in flight (2 steps each), one more step


def test_a_control_change_shows_on_the_next_frame(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="play")
        t.until("frame")
        t.send(type="config", config={"activations": ["relu", "relu"], "lr": 0.1})
        assert t.until("config")["config"]["lr"] == 0.1
        frame = t.until("frame")
        assert [d["activation"] for d in frame["diagnostics"]] == ["relu", "relu", "softmax"]
        assert frame["lr"] == 0.1 and frame["epoch"] <= 1


def test_a_diverging_network_says_so_stops_and_reset_recovers(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="config", config={"dataset": "plane", "lr": 10, "activations": ["relu"] * 2})
        t.send(type="play")
        frame = t.until("frame")
        while frame["diverged"] is None:
            frame = t.until("frame")
        assert "diverged" in frame["diverged"] and "reset" in frame["diverged"]
        assert frame["playing"] is False
        t.send(type="reset")
        t.send(type="config", config={"lr": 0.01})
        t.send(type="step")
        frame = t.until("frame")
        while frame["epoch"] < 1:
            frame = t.until("frame")
        assert frame["diverged"] is None and np.isfinite(frame["test_loss"])


def test_export_gives_a_model_file_neuralab_loads_and_a_script(client, app, tmp_path):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="step")
        t.until("frame")
        t.send(type="export", what="model")
        model = t.until("model")
        path = tmp_path / model["filename"]
        path.write_bytes(model["arrays"]["file"].tobytes())
        session = next(iter(app.state.connections)).session
        grid = np.random.default_rng(0).uniform(-1, 1, (50, 2)).astype(np.float32)
        assert np.array_equal(neuralab.load(path).predict(grid), session.net.predict(grid))
        t.send(type="export", what="code")
        code = t.until("code")
        assert code["filename"].endswith(".py") and "for epoch in range(1)" in code["code"]


def test_a_preset_sets_up_its_claim_and_starts_its_race(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        t.send(type="preset", id="C4")
        assert t.until("config")["config"]["activations"] == ["sigmoid"] * 6
        speeds = [d["speed"] for d in t.until("frame")["diagnostics"][:-1]]
        assert speeds[0] * 5 < speeds[-1]
        t.send(type="preset", id="C12")
        surface = t.until("surface")
        assert surface["surface"] == "rosenbrock" and surface["arrays"]["field"].dtype == np.uint8
        frame = t.until("frame")
        assert [r["name"] for r in frame["race"]["racers"]] == ["gd", "adagrad", "adam"]
        while frame["race"]["step"] < 20:
            frame = t.until("frame")
        t.send(type="race")  # stop: the frames already sent (CREDIT at most) still show it
        assert any("race" not in t.until("frame") for _ in range(3))


def test_an_upload_replaces_the_data_and_a_bad_one_is_explained(client):
    with tab(client) as ws:
        t = Tab(ws).opened()
        csv = "x1,x2,label\n" + "\n".join(f"{i / 30},{(i % 7) / 7},{i % 3}" for i in range(30))
        t.send(type="upload", name="mine.csv", csv=csv)
        config = t.until("config")
        assert config["config"]["dataset"] == "upload" and config["config"]["classes"] == 3
        assert any("header" in note for note in config["notes"])
        assert len(t.until("data")["arrays"]["x_train"]) == 15
        t.send(type="upload", name="bad.csv", csv="x1,x2,label\n1,2,3\n4,five,6\n")
        error = t.until("error")
        assert error["type"] == "error" and "bad.csv, line 3: 'five'" in error["message"]
