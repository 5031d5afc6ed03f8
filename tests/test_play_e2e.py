"""The playground end to end: the real page in headless Chromium (Debian's ``chromium``), driven
by Playwright for Python, against the real server (uvicorn, in a thread of this process, so the
tests can look at the tabs' sessions).

Without a browser these tests are skipped with the reason and the command to install one; CI
sets NEURALAB_REQUIRE_BROWSER=1 so that a missing browser fails instead. Every test saves a
screenshot of the page as it ended to ``test-artifacts/play/``.
"""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest

INSTALL = ("install a browser and Playwright: `apt-get install chromium` (Debian) and "
           "`pip install -e '.[dev]'`")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "play"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing(reason: str):
    if os.environ.get("NEURALAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (NEURALAB_REQUIRE_BROWSER=1) but {reason}; "
                    f"{INSTALL}", pytrace=False)
    pytest.skip(f"{reason}; {INSTALL}")


def chromium_path() -> str | None:
    """$NEURALAB_CHROMIUM (if that file exists), else a Chromium on the PATH."""
    named = os.environ.get("NEURALAB_CHROMIUM")
    if named:
        return named if os.path.isfile(named) else None
    return next(filter(None, map(shutil.which, ["chromium", "chromium-browser"])), None)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed")
    path = chromium_path()
    if path is None:
        _missing("no Chromium found ($NEURALAB_CHROMIUM, or chromium / chromium-browser on the "
                 "PATH)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server():
    """(base URL, app) of a playground served by uvicorn in a thread of this process."""
    pytest.importorskip("uvicorn", reason="the playground needs: pip install 'neuralab[play]'")
    from neuralab.play.server import create_app, make_server

    app = create_app()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    uvicorn_server = make_server(app)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait(lambda: uvicorn_server.started, "the server to start")
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    uvicorn_server.should_exit = True
    thread.join(30)


def wait(condition, what: str, limit: float = 30.0):
    """Poll ``condition()`` until true; the limit only guards against a hang."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit:g} s for {what}")
        time.sleep(0.02)


class Page:
    """A playground tab with what the tests read from it (the page's CSP forbids eval, so
    waiting polls page.evaluate rather than Playwright's wait_for_function)."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def open(self, url: str = "") -> "Page":
        self.page.goto(url or self.base + "/")
        self.wait("Number(document.body.dataset.frames) >= 1")
        return self

    def wait(self, expression: str, what: str = ""):
        wait(lambda: self.page.evaluate(expression), what or expression)

    def text(self, testid: str) -> str:
        return self.page.inner_text(f"[data-testid={testid}]")

    def number(self, testid: str) -> float:
        return float(self.text(testid).rstrip("%"))

    def click(self, testid: str):
        self.page.click(f"[data-testid={testid}]")

    def select(self, testid: str, value: str):
        self.page.select_option(f"[data-testid={testid}]", value)

    def settled(self, expression: str = "true"):
        """Wait until ``expression`` holds (the server's answer to a change has arrived) and a
        frame drawn after the server's last set-up message is on the page."""
        self.wait(expression)
        self.wait("Number(document.body.dataset.frames) > "
                  "Number(document.body.dataset.framesAtConfig || 0)")

    def hash_has(self, *parts: str) -> str:
        """An expression: the URL (written when the server accepts a set-up) holds ``parts``."""
        return " && ".join(f"location.hash.includes({p!r})" for p in parts)


@pytest.fixture
def page(browser, server, request):
    base, _ = server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = Page(context.new_page(), base)
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert tab.errors == [], f"console errors: {tab.errors}"


def test_the_page_loads_with_no_console_error_and_nothing_off_the_machine(page, server):
    page.open()
    page.select("language", "zh")
    assert page.page.inner_text("h1") == "neuralab 游乐场"
    page.select("language", "en")
    page.click("play")
    page.wait("Number(document.querySelector('[data-testid=epoch]').textContent) > 5")
    page.click("play")
    assert page.errors == []
    off = [u for u in page.requests
           if not u.startswith((server[0], server[0].replace("http", "ws"), "data:", "blob:"))]
    assert off == [] and len(page.requests) >= 10  # the page, CSS, modules, /api/meta, /ws


def test_play_counts_epochs_and_steps_lower_the_test_loss_on_xor(page):
    page.open()
    page.click("dataset-xor")
    page.settled(page.hash_has("dataset=xor"))
    start = page.number("test-loss")
    for _ in range(15):
        page.click("step")
    page.wait("document.querySelector('[data-testid=epoch]').textContent === '015'")
    assert page.number("test-loss") < start - 0.1
    page.click("play")
    page.wait("Number(document.querySelector('[data-testid=epoch]').textContent) > 30")
    page.click("play")


def test_changing_the_activation_changes_the_heatmap(page):
    page.open()
    page.settled()
    picture = "document.querySelector('[data-testid=heatmap]').toDataURL()"
    before = page.page.evaluate(picture)
    page.select("activation", "relu")
    page.wait(f"{picture} !== {before!r}", "the heatmap to change")
    assert page.page.input_value("[data-testid=activation]") == "relu"


def test_a_click_on_a_connection_edits_its_weight_and_a_hover_enlarges_a_neuron(page, server):
    _, app = server
    page.open()
    page.settled()
    x, y = page.page.evaluate("""() => {  // the middle of the first link, x₁ → neuron 1
        const line = document.querySelector('#links line.hit');
        const box = line.ownerSVGElement.getBoundingClientRect();
        const at = (name) => Number(line.getAttribute(name));
        return [box.left + (at('x1') + at('x2')) / 2, box.top + (at('y1') + at('y2')) / 2];
    }""")
    page.page.mouse.click(x, y)
    page.page.fill("#weight-editor", "-3.5")
    page.page.press("#weight-editor", "Enter")
    (session,) = [c.session for c in app.state.connections]
    wait(lambda: session.net.layers[0].weight.value[0, 0] == -3.5, "the weight to change")
    page.wait("Number(document.querySelector('#links line.link').getAttribute('stroke-width'))"
              " > 5", "the link to widen with |w| = 3.5")
    assert page.page.locator("#links line.link").first.get_attribute("stroke") == "rgb(245,147,34)"
    page.page.hover("#columns .layer:nth-child(2) .node")
    assert page.page.inner_text("#heatmap-label") == "Neuron 1"


def test_c4_preset_shows_the_vanishing_speed_of_learning(page):
    page.open()
    page.click("preset-C4")
    page.settled("document.querySelector('[data-testid=speed-6]') !== null")
    first, last = (float(page.page.get_attribute(f"[data-testid=speed-{i}]", "data-value"))
                   for i in (1, 6))
    assert 0 < first * 5 < last
    assert "梯度消失" in page.page.inner_text("#claim-quote")
    assert "vanishing gradients" in page.page.inner_text("#claim-translation")


def test_a_url_round_trip_restores_the_controls_and_the_data_seed(page, browser):
    page.open()
    page.click("dataset-spiral")
    page.select("learning-rate", "0.1")
    page.select("optimizer", "adam")
    page.click("add-layer")
    page.page.click("#regenerate")
    page.settled(page.hash_has("dataset=spiral", "lr=0.1", "optimizer=adam", "layers=4%2C2%2C2")
                 + " && !location.hash.includes('seed=1&')")
    page.click("step")
    page.wait("Number(document.querySelector('[data-testid=epoch]').textContent) === 1")
    url, seed = page.page.url, page.text("seed")
    again = Page(page.page.context.new_page(), page.base).open(url)
    again.settled(again.hash_has("layers=4%2C2%2C2"))
    assert again.text("seed") == seed and seed != "1"
    assert again.page.input_value("[data-testid=learning-rate]") == "0.1"
    assert again.page.input_value("[data-testid=optimizer]") == "adam"
    assert "active" in again.page.get_attribute("[data-testid=dataset-spiral]", "class")
    assert again.page.inner_text("#layer-count") == "3"
    assert again.text("epoch") == "000"  # the set-up comes back, not the trained weights
    assert again.errors == []


def test_classroom_mode_hides_the_chosen_controls_through_the_url(page):
    page.open(page.base + "/#hide=optimizer,race")
    assert not page.page.is_visible("[data-testid=optimizer]")
    assert not page.page.is_visible("#race") and page.page.is_visible("[data-testid=loss]")
    page.page.click("#classroom")
    page.page.locator("#classroom-groups label", has_text="learning-rate").locator(
        "input").check()
    page.wait("location.hash.includes('hide=optimizer%2Crace%2Clearning-rate')")
    assert not page.page.is_visible("[data-testid=learning-rate]")


def test_a_bad_csv_upload_shows_an_error(page, tmp_path):
    page.open()
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0.1,0.2,1\n0.3,oops,0\n")
    page.page.set_input_files("[data-testid=upload]", str(bad))
    page.wait("!document.querySelector('[data-testid=error]').hidden", "the error")
    assert "bad.csv, line 3: 'oops' is not a finite number" in page.text("error")


def test_a_diverging_network_offers_reset_and_the_model_downloads(page, tmp_path):
    import neuralab

    page.open()
    page.click("dataset-plane")
    page.select("learning-rate", "10")
    page.settled(page.hash_has("dataset=plane", "lr=10"))
    page.click("play")
    page.wait("!document.querySelector('[data-testid=error]').hidden", "the divergence")
    assert "diverged" in page.text("error")
    page.page.click("#error-reset")
    page.select("learning-rate", "0.03")
    page.click("step")
    page.wait("document.querySelector('[data-testid=error]').hidden", "the message to go")
    with page.page.expect_download() as download:
        page.click("export-model")
    path = tmp_path / "model.safetensors"
    download.value.save_as(path)
    assert neuralab.load(path).predict(np.zeros((1, 2), np.float32)).shape == (1, 1)


def test_closing_the_tab_stops_its_training(page, server):
    _, app = server
    page.open()
    page.click("play")
    page.wait("Number(document.querySelector('[data-testid=epoch]').textContent) > 10")
    (session,) = [c.session for c in app.state.connections]
    page.page.close()
    wait(lambda: not app.state.connections, "the server to see the tab close")
    with session.training:  # the step under way at the close, if any, has ended
        stopped = session.epochs_trained
    time.sleep(0.3)
    assert session.epochs_trained == stopped
    page.page = page.page.context.new_page()  # for the screenshot of the fixture
    page.page.goto(page.base + "/")
