"""The messages between a playground page and the server, over one WebSocket per tab.

Page → server: JSON text, one object with a ``type``:

    {"type": "config", "config": {"lr": 0.1, …}}     change the set-up (any subset of settings)
    {"type": "play"} · {"type": "pause"} · {"type": "step"} · {"type": "reset"}
    {"type": "ack"}                                   the page drew a frame: send the next
    {"type": "preset", "id": "C4"}                    the set-up that shows a claim of the seed
    {"type": "set_weight", "layer": 0, "source": 1, "target": 2, "value": -0.5}
    {"type": "upload", "name": "mine.csv", "csv": "x1,x2,label\\n…"}
    {"type": "export", "what": "model" | "code"}
    {"type": "race", "surface": "rosenbrock", "optimizers": ["gd", "adam"]} · {"type": "race"}

Server → page: JSON text for ``config`` (the set-up as accepted, with notes), ``error``,
``code`` (the Python snippet); binary messages for everything carrying arrays — ``frame``
(heatmap, neuron thumbnails, weights), ``data`` (the points), ``model`` (the .safetensors
file), ``surface`` (the race's loss surface). A binary message is::

    uint32 (little-endian) n · n bytes of JSON header · the arrays, each padded to 4 bytes

and the header's ``arrays`` lists each array's name, dtype (``|u1`` or ``<f4``), shape and byte
offset after the header, so the page views them as typed arrays without copying.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

from neuralab.play import limits

__all__ = ["MessageError", "pack", "unpack", "parse", "TYPES", "clean"]

TYPES = frozenset({"config", "play", "pause", "step", "reset", "ack", "preset", "set_weight",
                   "upload", "export", "race"})
"""The message types a page may send."""
_DTYPES = {"|u1", "<f4"}


class MessageError(ValueError):
    """A message the server cannot read (not JSON, too large, no known type)."""


def pack(header: dict, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    """A binary message: ``header`` (JSON) and the ``arrays`` (uint8 or float32) after it."""
    specs, chunks, offset = [], [], 0
    for name, array in (arrays or {}).items():
        array = np.ascontiguousarray(array)
        if array.dtype.str not in _DTYPES:
            raise TypeError(f"array {name!r} has dtype {array.dtype}; send uint8 or float32")
        data = array.tobytes()
        data += b"\0" * (-len(data) % 4)
        specs.append({"name": name, "dtype": array.dtype.str, "shape": list(array.shape),
                      "offset": offset})
        chunks.append(data)
        offset += len(data)
    head = json.dumps(clean({**header, "arrays": specs}), separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode()
    head += b" " * (-len(head) % 4)  # the arrays start 4-byte aligned (a Float32Array needs it)
    return struct.pack("<I", len(head)) + head + b"".join(chunks)


def unpack(message: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and arrays of a binary message made by :func:`pack` (tests and benchmarks)."""
    (size,) = struct.unpack_from("<I", message)
    header = json.loads(message[4:4 + size])
    body = memoryview(message)[4 + size:]
    arrays = {}
    for spec in header.pop("arrays"):
        dtype = np.dtype(spec["dtype"])
        count = math.prod(spec["shape"])
        arrays[spec["name"]] = np.frombuffer(body, dtype, count, spec["offset"]).reshape(
            spec["shape"])
    return header, arrays


def parse(text) -> dict:
    """A page's message as a dict with a known ``type``; :class:`MessageError` otherwise.

    Refuses a message over ``limits.MAX_MESSAGE_BYTES`` before parsing it, and binary ones.
    """
    if not isinstance(text, str):
        raise MessageError("messages must be JSON text, not binary")
    size = len(text.encode())
    if size > limits.MAX_MESSAGE_BYTES:
        raise MessageError(f"message of {size:,} bytes is over the limit of "
                           f"{limits.MAX_MESSAGE_BYTES:,} bytes")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep
        raise MessageError(f"message is not valid JSON: {error}") from None
    if not isinstance(message, dict) or message.get("type") not in TYPES:
        kind = message.get("type") if isinstance(message, dict) else None
        raise MessageError(f"message type must be one of {', '.join(sorted(TYPES))}; "
                           f"got {kind!r}")
    return message


def clean(value):
    """``value`` with NaN and ±inf replaced by None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value
