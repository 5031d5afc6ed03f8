"""float32 in, float32 throughout: no silent float64 upcast anywhere in the training hot path.

A float64 temporary doubles the memory traffic of every op it touches and is easy to create
by accident in NumPy (a ``np.float64`` scalar, an int64 array in arithmetic, a ``dtype=`` left
at its default). Three nets catch one:

1. ``Float32Only``, an ndarray subclass that the network's parameters and gradients are viewed
   as. Every ufunc and array function that touches one of them — or any array computed from
   one (results are handed back as ``Float32Only`` too) — is checked: no input, output or
   requested loop type may be float64. That covers matrix products, bias adds, activations
   fed from them, the loss's delta, the backward products and the optimizer's update.
2. The ufuncs in NumPy's namespace (``np.multiply``, ``np.exp`` …) are replaced by checking
   wrappers while the net trains, which also catches explicit ufunc calls on plain arrays
   (inside an activation, a loss, a moment update).
3. After every batch, every array the network, its layers (caches and work buffers) and the
   optimizer (its state) hold is inspected: all floating arrays must be float32.

The detector itself is tested: planting a float64 scalar in the optimizer or an activation must
be reported.
"""

from __future__ import annotations

import traceback

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

import neuralab as nl
from neuralab import activations, losses, optimizers, schedules
from neuralab.callbacks import Callback
from neuralab.layers import Dense, Dropout
from neuralab.network import Network

UPCASTS: list[str] = []


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _bad_dtype(obj) -> np.dtype | None:
    """The dtype of an array or NumPy scalar if it is a float other than float32, else None."""
    dtype = getattr(obj, "dtype", None)
    if isinstance(obj, np.ndarray | np.generic) and dtype.kind in "fc" and dtype != np.float32:
        return dtype
    return None


def _flat(items):
    for item in items:
        if isinstance(item, tuple | list):
            yield from _flat(item)
        else:
            yield item


def _float_dtypes(operands, kwargs) -> set[str]:
    """Names of the floating dtypes among the operands and the loop types asked for."""
    found = {a.dtype.name for a in _flat(operands)
             if isinstance(a, np.ndarray | np.generic) and a.dtype.kind in "fc"}
    for key in ("dtype", "signature", "sig"):
        if kwargs.get(key) is not None:
            found |= {np.dtype(t).name for t in _flat([kwargs[key]]) if t is not None
                      and np.dtype(t).kind in "fc"}
    return found


def _check(what: str, inputs, outputs, kwargs) -> None:
    """Record an upcast: an op where float32 meets another float type (float64, say).

    An op on float64 alone (the bookkeeping of float64 sample weights) is not an upcast.
    """
    found = _float_dtypes([*inputs, *outputs], kwargs)
    if "float32" in found and len(found) > 1:
        where = "".join(traceback.format_stack(limit=6)[:-3])
        UPCASTS.append(f"{what} mixed {sorted(found)}\n{where}")


def _plain(x):
    return x.view(np.ndarray) if isinstance(x, Float32Only) else x


def _guarded(x):
    return x.view(Float32Only) if type(x) is np.ndarray else x


class Float32Only(np.ndarray):
    """An ndarray whose every ufunc / array function is checked for float64 (see module doc)."""

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        outs = () if out is None else out
        plain_out = tuple(_plain(o) for o in outs)
        if out is not None:
            kwargs["out"] = plain_out
        result = getattr(ufunc, method)(*map(_plain, inputs), **kwargs)
        results = result if isinstance(result, tuple) else (result,)
        _check(f"{ufunc.__name__}.{method}", inputs, results, kwargs)
        if out is not None:  # hand back the caller's out arrays, guarded from now on
            wrapped = tuple(_guarded(o) for o in outs)
            return wrapped if isinstance(result, tuple) else wrapped[0]
        return tuple(map(_guarded, results)) if isinstance(result, tuple) else _guarded(result)

    def __array_function__(self, func, types, args, kwargs):
        result = super().__array_function__(func, types, args, kwargs)
        _check(func.__name__, [*args, *kwargs.values()], [result], kwargs)
        return result


class CheckedUfunc:
    """Stands in for a NumPy ufunc in the ``np`` namespace and checks each call."""

    def __init__(self, ufunc):
        self._ufunc = ufunc

    def __call__(self, *inputs, **kwargs):
        result = self._ufunc(*inputs, **kwargs)
        _check(self._ufunc.__name__, inputs, [result, kwargs.get("out")], kwargs)
        return result

    def __getattr__(self, name):  # reduce, accumulate, at, nin, …
        return getattr(self._ufunc, name)


@pytest.fixture
def upcasts(monkeypatch):
    """The list of upcasts seen while the test runs, with NumPy's ufuncs checked."""
    for name in dir(np):
        if isinstance(getattr(np, name), np.ufunc):
            monkeypatch.setattr(np, name, CheckedUfunc(getattr(np, name)))
    UPCASTS.clear()
    yield UPCASTS
    UPCASTS.clear()


def _guard(obj, seen=None):
    """``obj`` with every float ndarray it holds viewed as Float32Only, changed in place.

    Walks the attributes of neuralab objects (a network, its layers and their parameters, work
    buffers and caches) and the lists, tuples and dicts in them; returns what should replace
    ``obj`` in its parent (a new view for an array, a new tuple for a tuple).
    """
    seen = set() if seen is None else seen
    if type(obj) is np.ndarray:
        return obj.view(Float32Only) if obj.dtype.kind == "f" else obj
    if id(obj) in seen:
        return obj
    seen.add(id(obj))
    if isinstance(obj, tuple):
        return tuple(_guard(item, seen) for item in obj)
    if isinstance(obj, list | dict):
        for key, item in list(enumerate(obj) if isinstance(obj, list) else obj.items()):
            obj[key] = _guard(item, seen)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("neuralab"):
        for name, value in list(vars(obj).items()):
            setattr(obj, name, _guard(value, seen))
    return obj


def _arrays(obj, seen=None):
    """Every ndarray reachable from obj's attributes, lists, tuples and dicts (id-deduplicated)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _arrays(value, seen)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _arrays(value, seen)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("neuralab"):
        yield from _arrays(vars(obj), seen)


class HeldArrays(Callback):
    """After each batch: every float array held by the network and the optimizer is float32."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.seen = 0
        self.wrong: list[str] = []

    def on_train_begin(self, logs=None):
        _guard(self.network)  # the work buffers exist now: guard them too

    def on_batch_end(self, batch, logs=None):
        held = list(_arrays(self.network)) + list(_arrays(self.optimizer))
        self.seen = max(self.seen, len(held))
        self.wrong += [f"batch {batch}: {a.dtype} {a.shape}" for a in held if _bad_dtype(a)]


def _train(net, optimizer, steps=3, **fit_args):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16 * steps, net.n_inputs)).astype(np.float32)
    y = rng.integers(0, net.n_outputs, len(x))
    if net.loss.name != "cross_entropy":
        y = np.eye(net.n_outputs, dtype=np.float32)[y]
    holder = HeldArrays(optimizer)
    net.fit(x, y, epochs=1, batch_size=16, optimizer=optimizer, progress=False, seed=0,
            callbacks=[holder], **fit_args)
    return holder


OPTIMIZERS = [
    ("sgd", {}), ("sgd", {"momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-3}),
    ("nesterov", {"weight_decay": 1e-3}), ("adagrad", {"lr_decay": 0.01, "weight_decay": 1e-3}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "weight_decay": 1e-3}),
    # Adam's NumPy passes (fused=False) are what the ufunc nets can see; the compiled kernel
    # (fused=True) is bit-identical to them (tests/test_kernels.py), and its state is checked here
    ("adam", {"fused": False}), ("adam", {"amsgrad": True, "weight_decay": 1e-3, "fused": False}),
    ("adamw", {"fused": False}), ("adam", {"fused": True}), ("adamw", {"amsgrad": True}),
]


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS)
def test_training_step_stays_float32_with_every_optimizer(name, options, upcasts):
    net = nl.mlp([6, 8, 5, 3], activation="relu", seed=0)
    _guard(net)
    optimizer = optimizers.get(name, **options)
    holder = _train(net, optimizer, validation_data=None)
    assert upcasts == []
    assert holder.wrong == []
    assert holder.seen >= 12  # 3 layers × (W, b, grads, caches), the moments: really looked
    held = [a for a in _arrays(optimizer) if a.dtype.kind == "f"]
    assert held and all(a.dtype == np.float32 for a in held)
    assert all(p.value.dtype == p.grad.dtype == np.float32 for p in net.parameters())


HIDDEN = [name for name in activations.names() if name != "softmax"]
OUTPUT_FOR = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid",
              "quadratic": "tanh", "mse": "identity"}


@pytest.mark.parametrize("activation", HIDDEN)
def test_every_hidden_activation_stays_float32(activation, upcasts):
    net = Network([Dense(4, 6, activation, seed=0), Dropout(0.25, seed=0),
                   Dense(6, 3, "softmax", seed=1)])
    _guard(net)
    holder = _train(net, optimizers.get("adam"), steps=2)
    assert upcasts == []
    assert holder.wrong == []


@pytest.mark.parametrize("loss", sorted(OUTPUT_FOR))
def test_every_loss_with_sample_weights_and_a_schedule_stays_float32(loss, upcasts):
    net = nl.mlp([5, 7, 3], activation="tanh", output=OUTPUT_FOR[loss], loss=loss, seed=0)
    _guard(net)
    weights = np.linspace(0.5, 2.0, 32)  # float64 on purpose: only the loss's scale may see it
    holder = _train(net, optimizers.get("momentum"), steps=2, sample_weight=weights,
                    schedule=schedules.Cosine(total=2, interval="step"))
    assert upcasts == []
    assert holder.wrong == []


def test_outputs_of_predict_evaluate_and_backward_are_float32(upcasts):
    net = nl.mlp([6, 8, 3], seed=0)
    _guard(net)
    x = np.random.default_rng(0).normal(size=(10, 6)).astype(np.float32)
    assert net.predict(x).dtype == np.float32
    assert net.forward(x).dtype == np.float32
    net.zero_grad()
    loss = net.backward(np.arange(10) % 3)
    assert isinstance(loss, float)
    assert all(p.grad.dtype == np.float32 for p in net.parameters())
    assert np.isfinite(net.evaluate(x, np.arange(10) % 3)["loss"])
    assert upcasts == []


@pytest.mark.parametrize("name", sorted(OUTPUT_FOR))
def test_loss_value_gradient_and_delta_keep_float32(name, upcasts):
    loss = losses.get(name)
    act = activations.get(OUTPUT_FOR[name])
    z = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    a = act.forward(z)
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 1]]
    assert a.dtype == np.float32
    assert loss.gradient(a, y).dtype == np.float32
    assert loss.delta(z, a, y, act).dtype == np.float32
    assert loss.delta(z, a, y, act, sample_weight=np.ones(4)).dtype == np.float32
    assert isinstance(loss.value(a, y), float)
    assert upcasts == []


# --- the detector itself must see an upcast ---------------------------------------------------


def test_detector_reports_a_float64_scalar_planted_in_adam(monkeypatch, upcasts):
    net = nl.mlp([6, 8, 3], seed=0)
    _guard(net)
    optimizer = optimizers.get("adam", fused=False)
    real = optimizer._step  # noqa: SLF001 -- plants a float64 upcast inside the update rule
    monkeypatch.setattr(optimizer, "_step", lambda t: tuple(map(np.float64, real(t))))
    _train(net, optimizer, steps=1)
    assert any("float64" in report and "float32" in report for report in upcasts)


def test_detector_reports_a_float64_temporary_inside_an_activation(monkeypatch, upcasts):
    relu = activations.get("relu")
    net = Network([Dense(6, 8, relu, seed=0), Dense(8, 3, "softmax", seed=1)])
    _guard(net)
    monkeypatch.setattr(relu, "_backward",
                        lambda z, a, grad_a, out: np.multiply(grad_a, (z > 0).astype(float),
                                                              out=out))
    _train(net, optimizers.get("sgd"), steps=1)
    assert any("float64" in report and "float32" in report for report in upcasts)


def test_detector_reports_float64_arrays_held_by_the_optimizer():
    net = nl.mlp([6, 8, 3], seed=0)
    optimizer = optimizers.get("adam")
    holder = _train(net, optimizer, steps=1)
    assert holder.wrong == []
    optimizer.state[0]["m"] = optimizer.state[0]["m"].astype(np.float64)
    holder.on_batch_end(0)
    assert holder.wrong == [f"batch 0: float64 {optimizer.state[0]['m'].shape}"]


def test_detector_reports_a_float64_delta_made_with_an_operator(monkeypatch, upcasts):
    """``a * np.float64(1)`` calls no np.* function: the guarded weights must catch it."""
    net = nl.mlp([6, 8, 3], seed=0)
    _guard(net)
    assert isinstance(net.layers[0].weight.value, Float32Only)
    real = net.loss._fused_delta  # noqa: SLF001 -- plants a float64 upcast inside the loss
    monkeypatch.setattr(net.loss, "_fused_delta", lambda a, y, s: real(a, y, s) * np.float64(1))
    _train(net, optimizers.get("sgd"), steps=1)
    assert any("matmul" in report and "float64" in report for report in upcasts)
