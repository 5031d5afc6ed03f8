"""Safe safetensors files: read only what is there, check before allocating, write atomically.

Model files (:mod:`neuralab.modelfile`) and checkpoints (:mod:`neuralab.checkpoint`) are plain
``.safetensors`` files: 8 bytes giving the length N of a JSON header, the header (each array's
dtype, shape and byte range, plus a ``__metadata__`` dict of strings), then the raw bytes. This
module holds the rules both follow, so that a hostile or broken file can only ever give an error:

Reading
- only a regular file is opened for reading (a FIFO, a device, a socket or a folder is refused
  at once, without blocking), and at most its size in bytes is read;
- the header is parsed here, bounded by the file's size, and every array in it is checked
  against what the caller expects (names, shapes, dtypes) BEFORE any array is allocated, so a
  500-byte file cannot ask for gigabytes;
- JSON nested too deeply is an error like any other malformed JSON;
- arrays holding NaN or inf are refused, naming the array.

Writing
- the bytes go to a temporary file in the target's folder, flushed to disk, then renamed over
  the target in one step: a crash leaves the old file whole;
- a temporary left by a writer that was killed is removed by the next save into that folder
  (temporaries carry their writer's process id);
- a path that exists but is not a regular file is refused and left as it was; a symbolic link
  is followed, and the file it points to is replaced;
- error messages name the user's path, never the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import math
import os
import stat
import tempfile

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load as tensors_from_bytes

__all__ = [
    "read_regular_file", "read_header", "read_described", "check_format", "data_size",
    "check_arrays",
    "load_arrays", "write_atomic", "check_finite", "writable_target", "check_writable",
    "json_loads",
]

#: safetensors dtype codes for the two dtypes neuralab writes.
DTYPE_CODES = {"F32": np.dtype("float32"), "F64": np.dtype("float64")}
_TEMP_PREFIX = ".neuralab-"
_KINDS = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO (named pipe)",
          stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device",
          stat.S_ISSOCK: "a socket"}


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")


# --- reading ------------------------------------------------------------------------------------


def read_regular_file(path: str, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``: at most its size, never blocking on a FIFO."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (POSIX; absent on Windows)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        if err.errno == errno.ENXIO:  # a socket cannot be opened as a file
            raise ValueError(f"{path} is a socket, not a {what}") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is {_kind(info.st_mode)}, not a {what}")
        chunks, left = [], info.st_size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def json_loads(text, what: str):
    """``json.loads`` whose every failure (deep nesting included) is a ValueError about ``what``."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise ValueError(f"{what} is not valid JSON (or is nested too deeply)") from None


def read_header(path: str, data: bytes, not_ours: str) -> tuple[dict, dict]:
    """(arrays, metadata) of a safetensors file's header: name → entry, and the string dict.

    ``not_ours`` starts every error ("x.safetensors is not a neuralab model file").
    """
    if not data:
        raise ValueError(f"{not_ours}: the file is empty")
    size = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if not 0 < size <= len(data) - 8:
        raise ValueError(f"{not_ours}: not a complete safetensors file (its header length does "
                         "not fit the file); it may be truncated or corrupted")
    header = json_loads(data[8:8 + size], f"{not_ours}: its header")
    if not isinstance(header, dict):
        raise ValueError(f"{not_ours}: its header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise ValueError(f"{not_ours}: its metadata is not a JSON object")
    return header, metadata


def read_described(path: str, what: str, format_name: str, key: str, hint: str):
    """(bytes, array headers, description) of a neuralab file: a regular file, a safetensors
    header, metadata ``format`` equal to ``format_name`` and a JSON description under ``key``.

    ``what`` names the kind of file in errors; ``hint`` says what a file without the
    description probably is.
    """
    data = read_regular_file(path, what)
    not_ours = f"{path} is not a {what}"
    header, metadata = read_header(path, data, not_ours)
    if metadata.get("format") != format_name or key not in metadata:
        raise ValueError(f"{not_ours}: {hint}")
    return data, header, json_loads(metadata[key], f"{not_ours}: its description")


def check_format(path: str, described, format_name: str, max_version: int, what: str) -> None:
    """ValueError unless ``described`` is a dict of ``format_name`` in a version this neuralab
    reads (a positive int up to ``max_version``); ``what`` names the description in errors."""
    bad = f"{path}: invalid {what}"
    if not isinstance(described, dict) or described.get("format") != format_name:
        raise ValueError(f"{bad}: format is not {format_name!r}")
    version = described.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{bad}: format_version must be a positive int, got {version!r}")
    if version > max_version:
        raise ValueError(f"{path} was written in neuralab format version {version}; this "
                         f"neuralab reads up to version {max_version}: upgrade neuralab")


def data_size(data: bytes) -> int:
    """Bytes after a safetensors file's header: what its arrays' byte ranges must fit in."""
    return len(data) - 8 - int.from_bytes(data[:8], "little")


def check_arrays(path: str, header: dict, expected: dict, data_size: int) -> None:
    """Every header entry matches ``expected`` (name → (shape, dtype)) and fits the data.

    Runs before anything is allocated: the sizes come from the header, not from arrays.
    """
    missing = sorted(set(expected) - set(header))
    extra = sorted(set(header) - set(expected))
    if missing or extra:
        raise ValueError(f"{path}: arrays do not match the description: missing {missing}, "
                         f"unexpected {extra}")
    for name, (shape, dtype) in expected.items():
        entry = header[name]
        got_dtype = DTYPE_CODES.get(str(entry.get("dtype"))) if isinstance(entry, dict) else None
        got_shape = tuple(entry.get("shape", ())) if isinstance(entry, dict) else None
        if got_dtype != dtype or got_shape != tuple(shape):
            code = entry.get("dtype") if isinstance(entry, dict) else entry
            shown = got_dtype or code
            raise ValueError(f"{path}: array {name} has shape {got_shape} and dtype {shown}; "
                             f"the description says {tuple(shape)} {dtype}")
        start, end = _offsets(path, name, entry)
        if end - start != math.prod(shape) * dtype.itemsize or end > data_size:
            raise ValueError(f"{path}: array {name} claims bytes {start}..{end} of a data section "
                             f"of {data_size} bytes; the file is truncated or corrupted")


def _offsets(path: str, name: str, entry: dict) -> tuple[int, int]:
    offsets = entry.get("data_offsets")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]):
        raise ValueError(f"{path}: array {name} has invalid data_offsets {offsets!r}")
    return offsets[0], offsets[1]


def load_arrays(path: str, data: bytes, not_ours: str) -> dict[str, np.ndarray]:
    """The arrays of a file whose header ``check_arrays`` accepted, each checked finite."""
    try:
        arrays = tensors_from_bytes(data)
    except SafetensorError as err:
        raise ValueError(f"{not_ours}: not a complete safetensors file ({err}); it may be "
                         "truncated or corrupted") from None
    check_finite(arrays, f"{path}: ")
    return arrays


def check_finite(arrays: dict[str, np.ndarray], where: str = "") -> None:
    """ValueError naming the first array that holds NaN or inf (``where`` starts the message)."""
    for name, array in arrays.items():
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"{where}array {name} holds NaN or infinite values: the network "
                             "diverged; train it again with a smaller learning rate")


# --- writing ------------------------------------------------------------------------------------


def writable_target(path: str) -> str:
    """The file to replace for ``path``: symbolic links followed; a non-regular file refused."""
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    if not stat.S_ISREG(mode):
        raise ValueError(f"{path} is {_kind(mode)}; give the path of a file to write "
                         "(nothing was written, and it was left as it was)")
    return target


def check_writable(path: str, what: str = "file") -> None:
    """ValueError now, before any work, if ``write_atomic`` could not write ``path``.

    An empty path, a folder, a special file, a missing folder or one this process cannot write
    into (tried by making an unnamed temporary file there) are each named.
    """
    if not path:
        raise ValueError(f"the {what} path is empty; give a file name such as model.safetensors")
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder; give a file path inside it for the {what}")
    target = writable_target(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write {path}: the folder {folder} does not exist")
    try:  # the real test: a file can be made there (root passes access(), not a read-only disk)
        with tempfile.TemporaryFile(dir=folder, prefix=_TEMP_PREFIX):
            pass
    except OSError as err:
        raise ValueError(f"cannot write {path}: {folder} is not writable "
                         f"({err.strerror or err})") from None


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and one rename (see module doc)."""
    target = writable_target(path)
    folder = os.path.dirname(target)
    _remove_stale_temporaries(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{_TEMP_PREFIX}{os.getpid()}-",
                                   suffix=".tmp")
    except OSError as err:
        raise _about(err, path) from None
    try:  # mkstemp makes the file private (0600); keep the old file's mode, or use 0644
        os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode) if os.path.exists(target) else 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as err:
        os.unlink(tmp)
        raise _about(err, path) from None
    except BaseException:
        os.unlink(tmp)
        raise


def _about(err: OSError, path: str) -> OSError:
    """The same kind of error, about the user's path (not the temporary file)."""
    reason = err.strerror or str(err.args[0] if err.args else err)
    new = type(err)(f"could not save {path}: {reason}")
    new.errno = err.errno
    return new


def _remove_stale_temporaries(folder: str) -> None:
    """Delete temporaries of this module whose writing process is gone (killed mid-save)."""
    for tmp in glob.glob(os.path.join(glob.escape(folder), f"{_TEMP_PREFIX}*-*.tmp")):
        pid = os.path.basename(tmp)[len(_TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 tests it on POSIX; on Windows os.kill would
    end the process, so there every writer counts as alive and nothing is removed)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True
