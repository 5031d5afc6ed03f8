"""Frames per second of the playground in a real browser, and the size of one frame.

    .venv/bin/python benchmarks/play_fps.py [--repeats 5] [--seconds 5] [--json out.json]

Serves the playground (uvicorn in a thread), opens it in headless Chromium (Debian's
``chromium``, driven by Playwright), presses play on the default network — 2 hidden layers of 4
and 2 tanh neurons, 250 training points, one epoch (25 batches of 10) per frame — and counts the
frames the page draws (``document.body.dataset.frames``) over ``--seconds`` of wall time, after a
second of warm-up. Each frame carries the 64 × 64 heatmap, every neuron's 32 × 32 thumbnail, the
weights, the losses and the seed's diagnostics of every layer, and the page draws all of them.
Repetitions are a pause and a new play in the same tab; the median is the figure. Frame sizes are
the binary WebSocket messages of type "frame" as the browser received them.

Also timed, in this process without a browser: the server's work per frame (one epoch of
training plus building the frame), so that the browser's rate can be compared with it.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine  # noqa: E402

from neuralab.play import protocol, render  # noqa: E402
from neuralab.play.server import create_app, make_server  # noqa: E402
from neuralab.play.session import Session  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="measurements (median)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one measurement")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the browser")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args(argv)


def serve():
    """Start the playground on a free loopback port; return (url, uvicorn server, thread)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = make_server(create_app())
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{sock.getsockname()[1]}/", server, thread


def frames(page) -> int:
    return int(page.evaluate("document.body.dataset.frames"))


def measure(page, seconds: float) -> float:
    """Frames drawn per second while playing, after a second of warm-up."""
    page.click("[data-testid=play]")
    time.sleep(1.0)
    start_frames, start = frames(page), time.perf_counter()
    time.sleep(seconds)
    rate = (frames(page) - start_frames) / (time.perf_counter() - start)
    page.click("[data-testid=play]")
    time.sleep(0.3)
    return rate


def browser_figures(url: str, args) -> dict:
    from playwright.sync_api import sync_playwright

    sizes: list[int] = []

    def on_frame(payload):
        if isinstance(payload, bytes) and protocol.unpack(payload)[0]["type"] == "frame":
            sizes.append(len(payload))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        page.goto(url)
        while frames(page) < 1:
            time.sleep(0.05)
        rates = [measure(page, args.seconds) for _ in range(args.repeats)]
        version = browser.version
        browser.close()
    return {"fps": rates, "fps_median": statistics.median(rates), "browser": version,
            "frame_bytes_median": statistics.median(sizes), "frame_bytes_max": max(sizes),
            "frames_seen": len(sizes)}


def server_figures(rounds: int = 200) -> dict:
    """Milliseconds of server work per frame (train one epoch, build the frame), median."""
    session = Session()
    train, build = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        session.train(1)
        t1 = time.perf_counter()
        render.frame(session)
        t2 = time.perf_counter()
        train.append(t1 - t0)
        build.append(t2 - t1)
    return {"train_ms": 1e3 * statistics.median(train), "frame_ms": 1e3 * statistics.median(build)}


def main(argv=None) -> int:
    args = _parse(argv)
    url, server, thread = serve()
    try:
        results = {"machine": machine.describe(machine.default_threads()),
                   **browser_figures(url, args), **server_figures()}
    finally:
        server.should_exit = True
        thread.join(10)
    print(f"{results['machine']['cpu']}, {results['machine']['cores']} cores; {results['browser']}")
    print(f"frames/s in the browser, default network: median {results['fps_median']:.1f} "
          f"(runs: {', '.join(f'{r:.1f}' for r in results['fps'])})")
    print(f"one frame: {results['frame_bytes_median']:,.0f} bytes (largest "
          f"{results['frame_bytes_max']:,}, {results['frames_seen']} frames)")
    print(f"server work per frame: {results['train_ms']:.2f} ms training one epoch + "
          f"{results['frame_ms']:.2f} ms building the frame")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
