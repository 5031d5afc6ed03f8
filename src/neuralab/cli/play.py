"""``neuralab play``: serve the playground on this machine and open it in the browser."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
import threading
import webbrowser

from neuralab.cli.common import add_command, integer

__all__ = ["add_parser", "run", "is_loopback"]


def add_parser(subparsers):
    """Add the ``play`` subcommand to ``subparsers``; return its parser."""
    parser = add_command(
        subparsers, "play", "a live neural-network playground in the browser",
        "Start the playground: a local web server that trains networks with neuralab while "
        "the page draws the decision boundary, every neuron, the losses and the seed's "
        "diagnostics. It prints the URL, opens the browser and runs until Ctrl-C.\n\n"
        "It listens on 127.0.0.1 only. --host exposes it to other machines: it then prints a "
        "warning and a URL with a random token that every request must carry.",
        "neuralab play --port 8765 --no-browser")
    parser.add_argument("--port", type=integer(0), default=0, metavar="N",
                        help="port to listen on; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1", metavar="H",
                        help="address to listen on; anything but loopback needs the token")
    parser.add_argument("--no-browser", action="store_true",
                        help="print the URL but do not open a browser")
    parser.add_argument("--max-tabs", type=integer(1), default=8, metavar="N",
                        help="most playground tabs open at once")
    return parser


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost and the rest of 127.0.0.0/8."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); port 0 takes a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ValueError(f"--host {host} --port {port}: cannot listen there: "
                         f"{error.strerror}") from None
    sock.listen(128)
    return sock


def run(args) -> int:
    """Serve until interrupted; return 0."""
    try:
        from neuralab.play.server import create_app, make_server
    except ImportError as error:
        raise ImportError(f"the playground needs the optional packages ({error.name} is "
                          "missing): pip install 'neuralab[play]'") from None
    token = None if is_loopback(args.host) else secrets.token_urlsafe(24)
    sock = _listen(args.host, args.port)
    port = sock.getsockname()[1]
    shown = socket.gethostname() if args.host in ("0.0.0.0", "::") else args.host
    shown = f"[{shown}]" if ":" in shown else shown
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    if token:
        print(f"warning: --host {args.host} makes the playground reachable from other machines;"
              " anyone with this URL (its token) can use it", file=sys.stderr)
    print(f"neuralab playground: {url}", flush=True)
    print("press Ctrl-C to stop", flush=True)
    server = make_server(create_app(token=token, max_connections=args.max_tabs))
    if not args.no_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shut down cleanly, then passes Ctrl-C on
        pass
    print("neuralab playground: stopped", flush=True)
    return 0
