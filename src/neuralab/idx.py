"""Reading MNIST's IDX files, and finding or downloading them with a SHA-256 check.

The IDX format (http://yann.lecun.com/exdb/mnist/) stores one n-dimensional array:

* a 32-bit **big-endian magic number** ``0x00 0x00 TT DD``: two zero bytes, the element type
  ``TT`` (``0x08`` = unsigned byte, the only type MNIST uses) and the number of dimensions
  ``DD``. The image files are 3-D, magic ``0x00000803`` = **2051**; the label files are 1-D,
  magic ``0x00000801`` = **2049**. Checking the magic number catches swapped files;
* ``DD`` sizes, each a 32-bit **big-endian** unsigned integer: (n_images, 28, 28) or (n_labels,);
* the data, one byte per element, in C (row-major) order: exactly the product of the sizes.

For example a file holding two 2×3 images starts ``00 00 08 03 | 00 00 00 02 | 00 00 00 02 |
00 00 00 03`` followed by 12 pixel bytes. The published files are gzipped; :func:`read_idx` reads
either form.

:func:`find_mnist` looks the four files up, first match wins:

1. the folder ``path`` when one is given (and nowhere else);
2. ``$NEURALAB_DATA/mnist``, then ``$NEURALAB_DATA`` itself;
3. the user cache ``$XDG_CACHE_HOME/neuralab/mnist`` (by default ``~/.cache/neuralab/mnist``);
4. a download into that cache from the first mirror that answers. Each file goes to a temporary
   name beside its target and is renamed only once its SHA-256 matches :data:`MNIST_SHA256`, so
   a broken or tampered download never leaves a file behind.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import math
import os
import stat
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "read_idx",
    "find_mnist",
    "read_mnist_split",
    "MNIST_MIRRORS",
    "MNIST_SHA256",
    "MNIST_FILES",
    "IMAGES_MAGIC",
    "LABELS_MAGIC",
]

#: Where a missing MNIST file is downloaded from, tried in order (file name appended).
MNIST_MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
]
#: SHA-256 of the four gzipped IDX files as published by LeCun, Cortes and Burges.
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
#: The four MNIST file names without ``.gz``, in download order.
MNIST_FILES = tuple(name.removesuffix(".gz") for name in MNIST_SHA256)
#: Magic numbers of the unsigned-byte image (3-D) and label (1-D) files.
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049


# --- reading ------------------------------------------------------------------------------------


#: Deflate never expands data more than about 1032 times: a gzipped IDX file whose header
#: declares more than that many bytes per compressed byte is lying (or is a gzip bomb).
MAX_DEFLATE_RATIO = 1032


def read_idx(path, magic: int | None = None) -> np.ndarray:
    """Read an unsigned-byte IDX file (gzipped or not) into a uint8 array of its shape.

    Layout (see the module docstring): a big-endian 32-bit magic number 0x0000 08 d
    (08 = unsigned byte, d = number of dimensions; 2051 for the 3-D image files, 2049 for the
    1-D label files), then d big-endian 32-bit sizes, then the bytes in C order.
    ``magic``, when given, is the magic number the file must have.

    Reads exactly what the header declares, decompressing no further: a file shorter or longer
    than its header says, or whose header declares more data than the file could hold (over
    ``MAX_DEFLATE_RATIO`` times its size when gzipped), is a ValueError; memory stays bounded
    by the declared size.
    """
    path = Path(path)
    with _open_idx(path) as (stream, file_size, gzipped):
        head = stream.read(4)
        found = int.from_bytes(head, "big") if len(head) == 4 else None
        if found is None or (magic is None and (found >> 8) != 0x08) or found >> 16:
            raise ValueError(f"{path} is not an unsigned-byte IDX file (magic number {found})")
        if magic is not None and found != magic:
            raise ValueError(f"{path} has magic number {found}, expected {magic}: wrong file?")
        dims = stream.read(4 * (found & 0xFF))
        if len(dims) < 4 * (found & 0xFF):
            raise ValueError(f"{path} is truncated: {4 + len(dims)} bytes, shorter than its "
                             "header")
        shape = tuple(int(d) for d in np.frombuffer(dims, ">u4"))
        data = _read_data(stream, shape, file_size, gzipped, path)
        if stream.read(1):
            raise ValueError(f"{path} has extra bytes: its header promises {shape} = "
                             f"{math.prod(shape)} bytes of data, and the file goes on after them")
    return np.frombuffer(data, np.uint8).reshape(shape)


@contextlib.contextmanager
def _open_idx(path: Path):
    """(stream of the IDX bytes, file size, gzipped?) for a regular file, gunzipping on the fly."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block
    with os.fdopen(fd, "rb") as raw:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{path} is not a regular file; give the path of an IDX file")
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if gzipped else raw
        try:
            yield stream, info.st_size, gzipped
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(f"{path} is a damaged gzip file ({err}); fetch it again") from None


def _read_data(stream, shape, file_size: int, gzipped: bool, path: Path) -> bytes:
    """The ``prod(shape)`` data bytes, after checking the file can hold that many."""
    size = math.prod(shape)
    if gzipped and size > file_size * MAX_DEFLATE_RATIO:
        raise ValueError(f"{path} has an absurd header: it declares {shape} = {size:,} bytes "
                         f"of data, more than a gzip file of {file_size:,} bytes can hold")
    header = 4 + 4 * len(shape)
    if not gzipped and size > file_size - header:
        raise ValueError(f"{path} is truncated: its header promises {shape} = {size} bytes of "
                         f"data, the file holds {file_size - header}")
    data = stream.read(size)
    if len(data) != size:
        raise ValueError(f"{path} is truncated: its header promises {shape} = {size} bytes of "
                         f"data, the file holds {len(data)}")
    return data


def _locate(folder: Path, name: str) -> Path | None:
    """``folder/name`` or ``folder/name.gz``, whichever exists (uncompressed first)."""
    return next((p for p in (folder / name, folder / f"{name}.gz") if p.is_file()), None)


def read_mnist_split(folder: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, rows·cols) uint8 and labels (n,) int64 of the ``train`` or ``t10k`` split."""
    images = read_idx(_locate(folder, f"{prefix}-images-idx3-ubyte"), IMAGES_MAGIC)
    labels = read_idx(_locate(folder, f"{prefix}-labels-idx1-ubyte"), LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(
            f"MNIST {prefix} files in {folder} disagree: {len(images)} images, {len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise ValueError(f"MNIST {prefix} labels in {folder} go up to {labels.max()}, expected 0…9")
    return images.reshape(len(images), -1), labels.astype(np.int64)


# --- finding and downloading --------------------------------------------------------------------


def _cache_dir() -> Path:
    """``$XDG_CACHE_HOME/neuralab/mnist``, by default ``~/.cache/neuralab/mnist``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "neuralab" / "mnist"


def _where_to_put() -> str:
    return (
        f"put the four MNIST files ({', '.join(MNIST_FILES)}, gzipped or not) in {_cache_dir()}, "
        "or in a folder named by $NEURALAB_DATA, or pass path=FOLDER"
    )


def _fetch_verified(url: str, target: Path, sha256: str) -> None:
    """Download ``url`` to a temporary file beside ``target``; rename it if the SHA-256 matches."""
    fd, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            while chunk := response.read(1 << 16):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise ValueError(f"SHA-256 mismatch: expected {sha256}, got {digest.hexdigest()}")
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.unlink(part)


def _download_mnist(folder: Path, mirrors, sha256: dict[str, str]) -> None:
    """Fetch every MNIST file missing from ``folder``, trying each mirror in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem in MNIST_FILES:
        if _locate(folder, stem) is not None:
            continue
        name = f"{stem}.gz"
        errors = []
        for mirror in mirrors:
            url = f"{mirror.rstrip('/')}/{name}"
            try:
                _fetch_verified(url, folder / name, sha256[name])
                break
            except (OSError, ValueError) as err:  # urllib's URLError is an OSError
                errors.append(f"{url}: {err}")
        else:
            raise ValueError(f"could not download {name} ({'; '.join(errors)}); {_where_to_put()}")


def find_mnist(path=None, *, download: bool = True, mirrors=None, sha256=None) -> Path:
    """The folder holding the four MNIST files, downloading them into the cache if need be.

    Looks in ``path``, else ``$NEURALAB_DATA/mnist``, ``$NEURALAB_DATA``, the user cache; then,
    when ``download``, fetches the missing files from ``mirrors`` (default :data:`MNIST_MIRRORS`)
    checked against ``sha256`` (default :data:`MNIST_SHA256`). Raises ValueError saying where to
    put the files when they cannot be found or fetched.
    """
    if path is not None:
        folder = Path(path).expanduser()
        if all(_locate(folder, name) for name in MNIST_FILES):
            return folder
        raise ValueError(f"{folder} lacks MNIST files: it needs {', '.join(MNIST_FILES)} (or .gz)")
    env = os.environ.get("NEURALAB_DATA")
    candidates = [Path(env) / "mnist", Path(env)] if env else []
    for folder in [*candidates, _cache_dir()]:
        if all(_locate(folder, name) for name in MNIST_FILES):
            return folder
    if not download:
        raise ValueError(f"MNIST not found and download=False: {_where_to_put()}")
    mirrors = MNIST_MIRRORS if mirrors is None else mirrors
    _download_mnist(_cache_dir(), mirrors, MNIST_SHA256 if sha256 is None else sha256)
    return _cache_dir()
