"""The playground's web app (Starlette): the page, its static files, ``/api/meta``, ``/ws``.

Security, in the order a request meets it (:class:`Guard`, then the WebSocket endpoint):

- the ``Host`` header must name this machine's loopback (``127.0.0.1``, ``localhost``,
  ``[::1]``) unless the server was started with a token — a page on another site whose name
  resolves to 127.0.0.1 (DNS rebinding) is refused;
- with a token (``neuralab play --host …``), every request must carry it, as ``?token=`` or as
  the cookie the first such request sets (as Jupyter does);
- the WebSocket accepts only the page's own origin: ``Origin`` must be ``http://`` + ``Host``,
  so a page on another site cannot drive the training server;
- HTTP answers carry a Content-Security-Policy that lets the page load and connect only to
  this server: no request leaves the machine;
- past ``max_connections`` open tabs, a new one gets a clear error and is closed.
"""

from __future__ import annotations

import hmac
import importlib.resources
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from neuralab import __version__, activations, initializers, losses, optimizers, schedules
from neuralab.play import config, limits, presets, race
from neuralab.play.connection import Connection

__all__ = ["create_app", "make_server", "LOOPBACK", "CSP"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
"""Host names a server without a token answers to."""
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'none'")
"""The page may load from and connect to this server only."""
_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer", "x-frame-options": "DENY",
            "cache-control": "no-store"}
TOO_MANY = 1013  # WebSocket close code "try again later"


def _hostname(host: str) -> str:
    """'127.0.0.1:8000' → '127.0.0.1'; '[::1]:8000' → '::1'."""
    if host.startswith("["):
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware: checks Host and the token; adds the security headers to HTTP answers."""

    def __init__(self, app, token: str | None = None):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.token is None and _hostname(host) not in LOOPBACK:
            return await _refuse(scope, receive, send, f"unknown host {host!r}")
        from_query = self._token_in_query(scope)
        if self.token is not None and not (from_query or self._token_in_cookie(headers, host)):
            return await _refuse(scope, receive, send, "this playground needs its token: open "
                                 "the URL that 'neuralab play' printed")
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        async def secured(message):
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for key, value in _HEADERS.items():
                    out.setdefault(key, value)
                if from_query:
                    out.append("set-cookie", f"{_cookie_name(host)}={self.token}; Path=/; "
                               "HttpOnly; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, secured)

    def _token_in_query(self, scope) -> bool:
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])[0]
        return self.token is not None and hmac.compare_digest(given, self.token)

    def _token_in_cookie(self, headers: Headers, host: str) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            return False
        morsel = cookie.get(_cookie_name(host))
        return morsel is not None and hmac.compare_digest(morsel.value, self.token or "")


def _cookie_name(host: str) -> str:
    """One cookie per port: two playgrounds on one machine keep their own tokens."""
    port = host.rsplit(":", 1)[-1] if ":" in host else "80"
    return f"neuralab_play_{''.join(ch for ch in port if ch.isdigit())}"


async def _refuse(scope, receive, send, reason: str) -> None:
    if scope["type"] == "websocket":
        await WebSocket(scope, receive, send).close(code=1008, reason=reason[:120])
    else:
        await PlainTextResponse(reason, status_code=403)(scope, receive, send)


# --- routes ---------------------------------------------------------------------------------------


def _static(name: str) -> str:
    return (importlib.resources.files("neuralab.play") / "static" / name).read_text("utf-8")


async def index(request: Request) -> HTMLResponse:
    """The page."""
    return HTMLResponse(_static("index.html"))


def meta() -> dict:
    """What the page builds its controls from: the registries, limits, defaults, presets."""
    return {"version": __version__, "datasets": list(config.DATASETS),
            "regression": list(config.REGRESSION), "multiclass": list(config.MULTICLASS),
            "features": list(config.FEATURES), "limits": limits.as_dict(),
            "activations": [n for n in activations.names() if n != "softmax"],
            "losses": losses.names(), "optimizers": optimizers.names(),
            "initializers": ["auto", *initializers.names()], "schedules": schedules.names(),
            "defaults": config.Config().to_json(), "presets": presets.as_json(),
            "surfaces": {name: sorted(rates) for name, rates in race.RATES.items()}}


async def meta_route(request: Request) -> JSONResponse:
    return JSONResponse(meta())


async def socket(websocket: WebSocket) -> None:
    """One tab's WebSocket: same-origin only, at most ``max_connections`` at once."""
    state = websocket.app.state
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host", "")
    if origin != f"http://{host}":
        await websocket.close(code=1008, reason="the playground accepts only its own page")
        return
    await websocket.accept()
    if len(state.connections) >= state.max_connections:
        await websocket.send_json({"type": "error", "about": "connect", "message":
                                   f"too many open playground tabs (the limit is "
                                   f"{state.max_connections}); close one and reload"})
        await websocket.close(code=TOO_MANY)
        return
    connection = Connection(websocket)
    state.connections.add(connection)
    try:
        await connection.run()
    finally:
        state.connections.discard(connection)


def create_app(token: str | None = None,
               max_connections: int = limits.MAX_CONNECTIONS) -> Starlette:
    """The playground app. ``token``: required on every request (when exposed beyond
    loopback); ``app.state.connections`` holds the open tabs' connections."""
    static = StaticFiles(packages=[("neuralab.play", "static")])
    app = Starlette(routes=[Route("/", index), Route("/api/meta", meta_route),
                            WebSocketRoute("/ws", socket), Mount("/static", static)])
    app.state.connections = set()
    app.state.max_connections = max_connections
    app.add_middleware(Guard, token=token)
    return app


def make_server(app: Starlette):
    """A uvicorn server for ``app``: quiet logs, WebSocket frames up to 16 MiB (the app answers
    anything over ``limits.MAX_MESSAGE_BYTES`` with an error), 2 s to close open tabs on
    shutdown. Run it with ``server.run(sockets=[a listening socket])``."""
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="websockets-sansio",
                                         ws_max_size=16 * 2**20, timeout_graceful_shutdown=2))
