"""The playground's screenshots in the README: docs/figures/playground*.png.

    .venv/bin/python scripts/make_playground_figures.py

Serves the playground, opens it in headless Chromium (Debian's ``chromium``; a CJK font such as
``fonts-wqy-microhei`` makes the Chinese readable), and takes two pictures: the two spirals being
learnt with every feature and three hidden layers, and claim C4 in Chinese with the speed of
learning vanishing towards the input.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from neuralab.play.server import create_app, make_server

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SPIRALS = ("#dataset=spiral&classes=2&noise=10&features=x1%2Cx2%2Cx1sq%2Cx2sq%2Cx1x2%2Csinx1"
           "%2Csinx2&layers=8%2C8%2C5&activations=tanh%2Ctanh%2Ctanh&optimizer=adam&lr=0.01"
           "&batch=10&show_test=0&lang=en")


def wait(page, expression: str, limit: float = 120):
    deadline = time.monotonic() + limit
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.1)


def main() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = make_server(create_app())
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + SPIRALS)
        wait(page, "location.hash.includes('layers=8%2C8%2C5')")
        page.click("[data-testid=play]")
        wait(page, "parseFloat(document.querySelector('[data-testid=test-accuracy]').textContent)"
                   " >= 97 || Number(document.querySelector('[data-testid=epoch]')"
                   ".textContent) > 600")
        page.click("[data-testid=play]")
        time.sleep(0.5)
        page.screenshot(path=str(OUT / "playground.png"), clip={"x": 0, "y": 0, "width": 1400,
                                                              "height": 700})
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(base + "#lang=zh")
        wait(page, "Number(document.body.dataset.frames) >= 1")
        page.click("[data-testid=preset-C4]")
        wait(page, "document.querySelector('[data-testid=speed-6]') !== null")
        time.sleep(0.5)
        page.screenshot(path=str(OUT / "playground-c4-zh.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": 1400, "height": 1180})
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
