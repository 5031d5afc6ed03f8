// Binary messages from the server (see neuralab/play/protocol.py):
//   uint32 little-endian n · n bytes of JSON header · arrays, each 4-byte aligned.
// The header's `arrays` lists name, dtype ("|u1" or "<f4"), shape and byte offset; each array
// becomes a typed array viewing the message's buffer (no copy).

const TYPED = { "|u1": Uint8Array, "<f4": Float32Array };

/** Decode a binary message into {header, arrays}. */
export function decode(buffer) {
  const size = new DataView(buffer).getUint32(0, true);
  const text = new TextDecoder().decode(new Uint8Array(buffer, 4, size));
  const header = JSON.parse(text);
  const start = 4 + size;
  const arrays = {};
  for (const spec of header.arrays) {
    const Type = TYPED[spec.dtype];
    const count = spec.shape.reduce((a, b) => a * b, 1);
    arrays[spec.name] = { data: new Type(buffer, start + spec.offset, count), shape: spec.shape };
  }
  delete header.arrays;
  return { header, arrays };
}

/** A WebSocket to this server (with the page's token, if any) that hands every message,
 *  decoded, to onMessage(message, isBinary); returns {send(object), socket}. */
export function connect(onMessage, onClose) {
  const token = new URLSearchParams(location.search).get("token");
  const url = `ws://${location.host}/ws${token ? "?token=" + encodeURIComponent(token) : ""}`;
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  const queue = [];
  socket.addEventListener("open", () => { while (queue.length) socket.send(queue.shift()); });
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") onMessage(JSON.parse(event.data), false);
    else onMessage(decode(event.data), true);
  });
  socket.addEventListener("close", (event) => onClose(event));
  return {
    socket,
    send(object) {
      const text = JSON.stringify(object);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else if (socket.readyState === WebSocket.CONNECTING) queue.push(text);
    },
  };
}
