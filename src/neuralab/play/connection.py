"""One tab's WebSocket: read its messages, train, send frames as fast as the page draws them.

Two tasks per connection. The *receiver* only queues what arrives. The *producer* handles the
queued messages in order, then — when a frame is due (playing, a race running, or something
changed) and the page has credit — trains ``speed`` steps and sends a frame. The page returns
credit with ``{"type": "ack"}`` after drawing each frame (at most :data:`CREDIT` frames are in
flight), so frames come at the rate the browser draws them and a change made on the page shows
on the very next frame, never behind a queue of stale ones.

Training and the frame's NumPy work run in a worker thread, one at a time per tab, so the event
loop stays free for the other tabs and for the receiver. When the socket closes the receiver
sets ``closed``; the worker checks it before each training step, so a closed tab stops training
after at most the step it is in (one epoch over at most ``limits.MAX_POINTS`` points).

A message the server cannot use — not JSON, too large, an unknown type, a bad value — is
answered with ``{"type": "error", "message": …}`` and the connection goes on.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile

import numpy as np
from starlette.websockets import WebSocketDisconnect

from neuralab.play import presets, protocol, render, snippet, upload
from neuralab.play.race import Race
from neuralab.play.session import Session

__all__ = ["Connection", "CREDIT"]

CREDIT = 2
"""Frames the server may send ahead of the page's acknowledgements."""
INBOX = 1024
"""Messages waiting to be handled, at most; a tab that floods the server past it loses the
excess (a page sends a few per user action and one per frame)."""


class Connection:
    """A tab: its :class:`Session`, its optimizer race, and the message loop."""

    def __init__(self, websocket) -> None:
        self.ws = websocket
        self.session = Session()
        self.race: Race | None = None
        self.playing = False
        self.credit = CREDIT
        self.pending = True  # a frame is due: the first one
        self.closed = False
        self.inbox: asyncio.Queue = asyncio.Queue(INBOX)
        self.handlers = {"config": self._config, "play": self._play, "pause": self._pause,
                         "step": self._step, "reset": self._reset, "ack": self._ack,
                         "preset": self._preset, "set_weight": self._set_weight,
                         "upload": self._upload, "export": self._export, "race": self._race}

    async def run(self) -> None:
        """Serve the tab until it closes."""
        receiver = asyncio.create_task(self._receive())
        try:
            await self._send_config([])
            await self.ws.send_bytes(render.data_message(self.session))
            await self._produce()
        except (WebSocketDisconnect, RuntimeError, OSError):  # the tab left while we sent
            pass
        finally:
            self.closed = True
            receiver.cancel()

    async def _receive(self) -> None:
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if not self.inbox.full():
                    self.inbox.put_nowait(message.get("text", message.get("bytes")))
        finally:
            self.closed = True
            while self.inbox.full():  # make room for the end mark
                self.inbox.get_nowait()
            self.inbox.put_nowait(None)  # wakes the producer, which then returns

    async def _produce(self) -> None:
        while True:
            if not self._frame_due():
                if not await self._handle(await self.inbox.get()):
                    return
            while not self.inbox.empty():
                if not await self._handle(self.inbox.get_nowait()):
                    return
            if self._frame_due():
                frame = await asyncio.to_thread(self._next_frame)
                self.credit -= 1
                self.pending = False
                await self.ws.send_bytes(frame)

    def _frame_due(self) -> bool:
        racing = self.race is not None and self.race.running
        return self.credit > 0 and (self.pending or self.playing or racing)

    def _next_frame(self) -> bytes:
        """Train, step the race, and draw (in the worker thread)."""
        if self.playing:
            self.session.train(self.session.config.speed, stop=lambda: self.closed)
            if self.session.diverged is not None:
                self.playing = False
        if self.race is not None and self.race.running:
            self.race.step()
        return render.frame(self.session, self.race, self.playing)

    async def _handle(self, raw) -> bool:
        """Handle one queued message; False when the socket has closed."""
        if raw is None or self.closed:  # what is still queued after a close is dropped
            return False
        message: dict = {}
        try:
            message = protocol.parse(raw)
            await self.handlers[message["type"]](message)
        except (ValueError, TypeError, KeyError) as error:
            text = str(error) if not isinstance(error, KeyError) else f"missing field {error}"
            await self.ws.send_text(json.dumps(
                {"type": "error", "about": message.get("type"), "message": text}))
        return True

    # --- the handlers, one per message type ---------------------------------------------------

    async def _config(self, message: dict) -> None:
        data = self.session.data
        notes = await asyncio.to_thread(self.session.apply, message["config"])
        await self._after_change(notes, data)

    async def _after_change(self, notes: list[str], data) -> None:
        """Tell the page the set-up as accepted, new points if any, and draw a frame."""
        await self._send_config(notes)
        if self.session.data is not data:
            await self.ws.send_bytes(render.data_message(self.session))
        self.pending = True

    async def _send_config(self, notes: list[str]) -> None:
        await self.ws.send_text(json.dumps({"type": "config", "notes": notes,
                                            "config": self.session.config.to_json()}))

    async def _play(self, message: dict) -> None:
        self.playing = True

    async def _pause(self, message: dict) -> None:
        self.playing, self.pending = False, True

    async def _step(self, message: dict) -> None:
        self.playing = False
        await asyncio.to_thread(self.session.train, 1, lambda: self.closed)
        self.pending = True

    async def _reset(self, message: dict) -> None:
        self.playing = False
        self.session.reset()
        self.pending = True

    async def _ack(self, message: dict) -> None:
        self.credit = min(self.credit + 1, CREDIT)

    async def _preset(self, message: dict) -> None:
        preset = presets.get(message.get("id"))
        data = self.session.data
        self.playing = False
        notes = await asyncio.to_thread(self.session.load_preset, preset)
        if preset.race is not None:
            await self._race(preset.race)
        await self._after_change(notes, data)

    async def _set_weight(self, message: dict) -> None:
        self.session.set_weight(message["layer"], message["source"], message["target"],
                                message["value"])
        self.pending = True

    async def _upload(self, message: dict) -> None:
        data = self.session.data
        table, notes = await asyncio.to_thread(upload.parse_csv, message["csv"],
                                               message.get("name", "upload.csv"))
        notes += await asyncio.to_thread(self.session.set_upload, table)
        self.playing = False
        await self._after_change(notes, data)

    async def _export(self, message: dict) -> None:
        what = message.get("what")
        if what == "code":
            await self.ws.send_text(json.dumps({"type": "code", "filename": "playground_run.py",
                                                "code": snippet.python_snippet(self.session)}))
        elif what == "model":
            content = await asyncio.to_thread(_model_file, self.session.net)
            await self.ws.send_bytes(protocol.pack(
                {"type": "model", "filename": "playground.safetensors"},
                {"file": np.frombuffer(content, np.uint8)}))
        else:
            raise ValueError(f"export what must be 'model' or 'code', got {what!r}")

    async def _race(self, message: dict) -> None:
        if message.get("surface") is None:  # stop the race
            self.race, self.pending = None, True
            return
        self.race = Race(message["surface"], message.get("optimizers"))
        await self.ws.send_bytes(self.race.surface_message())
        self.pending = True


def _model_file(net) -> bytes:
    """The network as the bytes of a ``.safetensors`` model file (``neuralab.load`` reads it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "playground.safetensors")
        net.save(path)
        with open(path, "rb") as file:
            return file.read()
