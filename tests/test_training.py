"""fit: accuracy it must reach, reproducibility, History, callbacks, schedules and bad input."""

import io
import tracemalloc

import numpy as np
import pytest

from neuralab import datasets, optimizers, schedules
from neuralab.callbacks import Callback, EarlyStopping, History, ProgressBar
from neuralab.layers import Dense
from neuralab.network import Network, mlp
from neuralab.training import TrainingDivergedError


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits", seed=0)


class Recorder(Callback):
    """Keeps what fit reports, batch by batch and epoch by epoch."""

    def __init__(self, optimizer=None):
        self.optimizer = optimizer
        self.batches, self.epochs, self.lrs, self.weights = [], [], [], []

    def on_batch_end(self, batch, logs=None):
        self.batches.append((batch, logs["loss"], logs["size"]))
        last = self.network.layers[-1]
        assert last.z.dtype == last.a.dtype == self.network.dtype  # no float64 upcast
        if self.optimizer is not None:
            self.lrs.append(self.optimizer.lr)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))
        self.weights.append(self.network.flat.value.copy())


# --- accuracy it must reach ---------------------------------------------------------------


def test_digits_relu_adam_reaches_97_percent(digits):
    net = mlp([64, 64, 10], activation="relu", seed=0)
    net.fit(digits.x_train, digits.y_train, epochs=30, batch_size=32, optimizer="adam", lr=0.01,
            seed=0)
    assert net.evaluate(digits.x_test, digits.y_test)["accuracy"] >= 0.97


def test_nielsen_sigmoid_network_reaches_90_percent_on_mnist_5k():
    data = datasets.load("mnist-5k", seed=0)
    net = mlp([784, 100, 10], activation="sigmoid", loss="cross_entropy", seed=0)
    net.fit(data.x_train, data.y_train, epochs=3, batch_size=10, optimizer="sgd", lr=0.5, seed=0)
    assert net.evaluate(data.x_test, data.y_test)["accuracy"] >= 0.90


@pytest.mark.parametrize(
    "name, activation",
    [("xor", "tanh"), ("xor", "relu"), ("circles", "tanh"), ("circles", "relu"),
     ("spiral", "tanh"), ("spiral", "relu")],
)
def test_toy_sets_are_learned_with_a_nonlinearity(name, activation):
    data = datasets.load(name, seed=0)
    net = mlp([2, 32, 32, data.n_classes], activation=activation, seed=0)
    net.fit(data.x_train, data.y_train, epochs=100, lr=0.01, seed=0)
    assert net.evaluate(data.x_test, data.y_test)["accuracy"] >= 0.95


@pytest.mark.parametrize("name", ["xor", "circles"])
def test_identity_activations_stay_near_chance(name):
    data = datasets.load(name, seed=0)
    net = mlp([2, 32, 32, 2], activation="identity", seed=0)
    net.fit(data.x_train, data.y_train, epochs=100, lr=0.01, seed=0)
    assert net.evaluate(data.x_test, data.y_test)["accuracy"] <= 0.65  # a linear boundary


def test_full_batch_gradient_descent_takes_one_step_per_epoch_and_learns():
    data = datasets.load("circles", seed=0)
    net = mlp([2, 16, 2], activation="tanh", seed=0)
    rec = Recorder()
    history = net.fit(data.x_train, data.y_train, epochs=300, batch_size=None, optimizer="gd",
                      lr=1.0, callbacks=[rec])
    assert len(rec.batches) == 300 and {size for _, _, size in rec.batches} == {750}
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    assert net.evaluate(data.x_test, data.y_test)["accuracy"] >= 0.95


def test_one_gd_step_from_hand_set_weights_is_w_minus_lr_times_gradient():
    net = mlp([3, 4, 2], activation="tanh", seed=0, dtype="float64")
    for layer in net.layers:  # weights set by hand, in place and by assignment
        layer.weight.value[...] = np.linspace(-1, 1, layer.weight.size).reshape(
            layer.weight.value.shape)
        layer.bias.value = np.full(layer.out_features, 0.1)
    x = np.random.default_rng(0).standard_normal((8, 3))
    y = np.array([0, 1] * 4)
    net.zero_grad()
    net.forward(x)
    net.backward(y)
    expected = [p.value - 0.3 * p.grad for p in net.parameters()]
    net.fit(x, y, epochs=1, batch_size=None, optimizer="sgd", lr=0.3)
    for p, want in zip(net.parameters(), expected, strict=True):
        np.testing.assert_allclose(p.value, want, rtol=1e-12)
    history = net.fit(x, y, epochs=50, batch_size=None, optimizer="sgd", lr=0.3)  # goes on
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


# --- reproducibility and History ----------------------------------------------------------


def test_same_seed_gives_identical_weights_and_history(digits):
    runs = []
    for _ in range(2):
        net = mlp([64, 32, 10], seed=3)
        history = net.fit(digits.x_train, digits.y_train, epochs=3, seed=5,
                          validation_data=(digits.x_test, digits.y_test))
        runs.append((net.flat.value.copy(), history.history))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    other = mlp([64, 32, 10], seed=3).fit(digits.x_train, digits.y_train, epochs=3, seed=6)
    assert other.history["loss"] != runs[0][1]["loss"]  # the fit seed orders the batches


def test_history_holds_epoch_means_of_the_batches(digits):
    net = mlp([64, 16, 10], seed=0)
    rec = Recorder()
    history = net.fit(digits.x_train, digits.y_train, epochs=2, batch_size=100, seed=0,
                      validation_data=(digits.x_test, digits.y_test), callbacks=[rec])
    assert isinstance(history, History) and history.epoch == [0, 1]
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    first_epoch = rec.batches[:15]  # 1437 rows: 14 batches of 100 and one of 37
    assert [size for _, _, size in first_epoch] == [100] * 14 + [37]
    mean = sum(loss * size for _, loss, size in first_epoch) / 1437
    assert history.history["loss"][0] == pytest.approx(mean, rel=1e-9)
    assert history.history["val_loss"][-1] == pytest.approx(
        net.evaluate(digits.x_test, digits.y_test)["loss"], rel=1e-9)
    assert all(isinstance(v, float) for v in history.history["accuracy"])
    assert 0 < history.history["accuracy"][1] <= 1


def test_training_accuracy_is_measured_on_the_batches(digits):
    x, y = digits.x_train[:64], digits.y_train[:64]
    net = mlp([64, 16, 10], seed=0)
    before = net.predict_classes(x)
    history = net.fit(x, y, epochs=1, batch_size=None, shuffle=False, optimizer="sgd", lr=1e-9)
    assert history.history["accuracy"][0] == pytest.approx(np.mean(before == y))


def test_optimizer_instance_keeps_its_state_across_fit_calls(digits):
    x, y = digits.x_train[:200], digits.y_train[:200]
    a, b = mlp([64, 16, 10], seed=0), mlp([64, 16, 10], seed=0)
    opt = optimizers.Adam(lr=0.01)
    a.fit(x, y, epochs=1, optimizer=opt, shuffle=False)
    a.fit(x, y, epochs=1, optimizer=opt, shuffle=False)
    assert opt.state[0]["t"] == 2 * 7
    b.fit(x, y, epochs=2, optimizer=optimizers.Adam(lr=0.01), shuffle=False)
    np.testing.assert_allclose(a.flat.value, b.flat.value, rtol=1e-6)


def test_one_hot_targets_train_like_labels(digits):
    x, y = digits.x_train[:300], digits.y_train[:300]
    a, b = mlp([64, 16, 10], seed=0), mlp([64, 16, 10], seed=0)
    ha = a.fit(x, y, epochs=3, seed=1)
    hb = b.fit(x, datasets.one_hot(y, 10, np.float32), epochs=3, seed=1)
    np.testing.assert_allclose(a.flat.value, b.flat.value, rtol=1e-4, atol=1e-6)
    assert ha.history["accuracy"] == hb.history["accuracy"]


def test_integer_sample_weights_equal_repeating_rows():
    rng = np.random.default_rng(0)
    x, y, w = rng.standard_normal((30, 3)), rng.integers(0, 2, 30), rng.integers(1, 4, 30)
    a, b = mlp([3, 5, 2], seed=0, dtype="float64"), mlp([3, 5, 2], seed=0, dtype="float64")
    ha = a.fit(x, y, epochs=5, batch_size=None, optimizer="sgd", lr=0.5, sample_weight=w)
    hb = b.fit(np.repeat(x, w, axis=0), np.repeat(y, w), epochs=5, batch_size=None,
               optimizer="sgd", lr=0.5)
    np.testing.assert_allclose(a.flat.value, b.flat.value, rtol=1e-10)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-10)
    np.testing.assert_allclose(ha.history["accuracy"], hb.history["accuracy"], rtol=1e-12)


def test_zero_epochs_returns_an_empty_history():
    net = mlp([2, 3, 2], seed=0)
    before = net.flat.value.copy()
    history = net.fit(np.ones((4, 2)), [0, 1, 0, 1], epochs=0)
    assert history.history == {} and history.epoch == []
    np.testing.assert_array_equal(net.flat.value, before)


def test_regression_history_has_no_accuracy():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, 1)).astype(np.float32)
    net = mlp([1, 16, 1], activation="tanh", loss="mse", seed=0)
    history = net.fit(x, np.sin(3 * x[:, 0]), epochs=200, lr=0.01, seed=0)
    assert set(history.history) == {"loss"}
    assert history.history["loss"][-1] < 0.01


# --- schedules, callbacks, progress bar -----------------------------------------------------


def test_epoch_and_step_schedules_set_the_learning_rate():
    x, y = np.ones((10, 2)), np.arange(10) % 2
    net = mlp([2, 3, 2], seed=0)
    opt = optimizers.SGD(lr=0.1)
    rec = Recorder(opt)
    net.fit(x, y, epochs=3, batch_size=5, optimizer=opt, callbacks=[rec],
            schedule=schedules.StepDecay(step_size=1, gamma=0.5))
    assert rec.lrs == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert opt.lr == 0.1  # the base rate is put back for the next fit call
    rec = Recorder(opt)
    net.fit(x, y, epochs=2, batch_size=5, optimizer=opt, callbacks=[rec],
            schedule=schedules.Exponential(gamma=0.5, interval="step"))
    assert rec.lrs == pytest.approx([0.1, 0.05, 0.025, 0.0125])


def test_plateau_schedule_by_name_cuts_the_rate_when_the_loss_stalls():
    x, y = np.ones((10, 2)), np.arange(10) % 2
    opt = optimizers.SGD(lr=1e-9)  # too small to move the loss: every epoch after the first is bad
    rec = Recorder(opt)
    mlp([2, 3, 2], seed=0).fit(x, y, epochs=13, batch_size=None, optimizer=opt, callbacks=[rec],
                               schedule="plateau")  # patience 10: cut after epoch 11
    assert rec.lrs == pytest.approx([1e-9] * 12 + [1e-10], rel=1e-9)


class StopAfter(Callback):
    def __init__(self, n):
        self.n = n

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.n:
            self.network.stop_training = True


def test_a_callback_can_stop_training():
    history = mlp([2, 3, 2], seed=0).fit(np.ones((4, 2)), [0, 1, 0, 1], epochs=10,
                                         callbacks=[StopAfter(3)])
    assert history.epoch == [0, 1, 2]


def noisy_validation(digits):
    """Validation labels that have nothing to do with x: val_loss soon rises."""
    rng = np.random.default_rng(0)
    return digits.x_test, rng.permutation(digits.y_test)


def test_early_stopping_stops_and_restores_the_best_weights(digits):
    net = mlp([64, 64, 10], seed=0)
    rec, stop = Recorder(), EarlyStopping(patience=2)
    history = net.fit(digits.x_train, digits.y_train, epochs=50, lr=0.01, seed=0,
                      validation_data=noisy_validation(digits), callbacks=[rec, stop])
    val_losses = history.history["val_loss"]
    assert len(val_losses) < 50
    assert stop.best_epoch == int(np.argmin(val_losses)) and stop.best == min(val_losses)
    assert stop.stopped_epoch == stop.best_epoch + 2 == history.epoch[-1]
    np.testing.assert_array_equal(net.flat.value, rec.weights[stop.best_epoch])
    assert net.evaluate(*noisy_validation(digits))["loss"] == pytest.approx(stop.best, rel=1e-6)


def test_early_stopping_can_keep_the_last_weights_and_watch_accuracy(digits):
    net = mlp([64, 64, 10], seed=0)
    rec = Recorder()
    stop = EarlyStopping(monitor="val_accuracy", patience=1, restore_best_weights=False)
    net.fit(digits.x_train, digits.y_train, epochs=40, lr=0.01, seed=0,
            validation_data=(digits.x_test, digits.y_test), callbacks=[rec, stop])
    assert stop.mode == "max" and stop.stopped_epoch is not None
    np.testing.assert_array_equal(net.flat.value, rec.weights[-1])


def test_early_stopping_needs_the_monitored_key():
    with pytest.raises(ValueError, match="pass validation_data"):
        mlp([2, 3, 2]).fit(np.ones((4, 2)), [0, 1, 0, 1], epochs=2, callbacks=[EarlyStopping()])


@pytest.mark.parametrize("kwargs", [{"patience": -1}, {"min_delta": -1}, {"mode": "up"}])
def test_early_stopping_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        EarlyStopping(**kwargs)


def test_progress_bar_shows_epochs_loss_and_accuracy():
    out = io.StringIO()
    mlp([2, 3, 2], seed=0).fit(np.ones((4, 2)), [0, 1, 0, 1], epochs=3,
                               callbacks=[ProgressBar(file=out)])
    text = out.getvalue()
    assert "3/3" in text and "loss=" in text and "acc=" in text and "epoch" in text


def test_fit_prints_nothing_without_a_terminal(capsys):
    for progress in (None, False):
        mlp([2, 3, 2]).fit(np.ones((4, 2)), [0, 1, 0, 1], epochs=2, progress=progress)
    assert capsys.readouterr() == ("", "")


# --- divergence and bad input ---------------------------------------------------------------


class RaiseLrAt(Callback):
    def __init__(self, optimizer, epoch, lr):
        self.optimizer, self.epoch, self.lr = optimizer, epoch, lr

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            self.optimizer.lr = self.lr


def test_divergence_names_the_epoch_and_restores_the_weights():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    net = mlp([4, 16, 1], activation="relu", loss="mse", seed=0)
    opt = optimizers.SGD(lr=0.01)
    rec = Recorder()
    with pytest.raises(TrainingDivergedError, match=r"epoch 3.*smaller") as err:
        net.fit(x, x.sum(axis=1), epochs=5, batch_size=8, optimizer=opt,
                callbacks=[rec, RaiseLrAt(opt, 2, 1e6)])
    assert err.value.epoch == 2 and isinstance(err.value, ValueError)
    np.testing.assert_array_equal(net.flat.value, rec.weights[1])  # as after epoch 2


def test_training_frees_its_buffers_and_copies_the_data_once():
    x = np.random.default_rng(0).standard_normal((20000, 200)).astype(np.float32)
    y = np.arange(20000) % 10
    net = mlp([200, 32, 10], seed=0)
    tracemalloc.start()
    net.fit(x, y, epochs=1, batch_size=256)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.5 * x.nbytes  # the shuffled copy plus small buffers
    assert all(layer.x is None and layer.z is None and layer.a is None for layer in net.layers)


FEW = np.zeros((6, 4), np.float32)
LABELS = np.array([0, 1, 2, 0, 1, 2])


@pytest.mark.parametrize(
    "x, y, kwargs, error, match",
    [
        (np.where(np.eye(6, 4) > 0, np.nan, 0), LABELS, {}, ValueError, "NaN or infinite"),
        (np.full((6, 4), np.inf), LABELS, {}, ValueError, r"NaN or infinite .*row 0"),
        (np.full((6, 4), 1e300), LABELS, {}, ValueError, r"beyond float32's range \(max 3.4e\+38"),
        (np.zeros((6, 3)), LABELS, {}, ValueError, "layer 1 expects 4 input features, got 3"),
        (np.zeros(4), LABELS, {}, ValueError, "2-D"),
        (np.zeros((0, 4)), LABELS[:0], {}, ValueError, "empty"),
        (np.array([["a"] * 4] * 6), LABELS, {}, TypeError, "numbers"),
        (FEW, LABELS[:5], {}, ValueError, r"one target per row of x \(6 rows\)"),
        (FEW, LABELS + 1, {}, ValueError, "labels from 1 to 3.*0..2"),
        (FEW, -LABELS, {}, ValueError, "labels from -2 to 0"),
        (FEW, LABELS + 0.5, {}, ValueError, "whole numbers"),
        (FEW, LABELS * 1e300, {}, ValueError, "labels from 0 to 2e.300"),
        (FEW, np.array(list("abcabc")), {}, TypeError, "LabelEncoder"),
        (FEW, np.zeros((6, 4)), {}, ValueError, "4 columns but the network has 3 outputs"),
        (FEW, LABELS, {"batch_size": 0}, ValueError, "batch_size"),
        (FEW, LABELS, {"batch_size": -3}, ValueError, "batch_size"),
        (FEW, LABELS, {"batch_size": 2.5}, ValueError, "batch_size"),
        (FEW, LABELS, {"optimizer": "adamm"}, ValueError, "unknown optimizer"),
        (FEW, LABELS, {"schedule": "sometimes"}, ValueError, "unknown schedule"),
        (FEW, LABELS, {"lr": -1.0}, ValueError, "lr"),
        (FEW, LABELS, {"validation_data": (FEW,)}, ValueError, "pair"),
        (FEW, LABELS, {"validation_data": (FEW[:, :2], LABELS)}, ValueError, "x_val"),
        (FEW, LABELS, {"sample_weight": -np.ones(6)}, ValueError, "sample_weight"),
        (FEW, LABELS, {"sample_weight": np.ones(5)}, ValueError, "sample_weight"),
        (FEW, LABELS, {"progress": "yes"}, ValueError, "progress"),
        (FEW, LABELS, {"callbacks": [print]}, TypeError, "Callback"),
    ],
)
def test_bad_input_is_named(x, y, kwargs, error, match):
    net = mlp([4, 5, 3], seed=0)
    before = net.flat.value.copy()
    with pytest.raises(error, match=match):
        net.fit(x, y, epochs=1, **kwargs)
    np.testing.assert_array_equal(net.flat.value, before)


def test_epochs_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match="epochs"):
        mlp([4, 5, 3]).fit(FEW, LABELS, epochs=-1)


def test_binary_targets_must_be_probabilities():
    net = Network([Dense(2, 1, "sigmoid")], loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        net.fit(np.ones((3, 2)), [0, 1, 2], epochs=1)
    net.fit(np.ones((3, 2)), [0, 1, 1], epochs=1)  # a 1-D 0/1 vector is one column


# --- L1 and L2 penalties on the weights -------------------------------------------------------


@pytest.mark.parametrize("l1, l2", [(0.0, 0.3), (0.2, 0.0), (0.05, 0.1)])
def test_penalty_adds_its_gradient_to_the_weights_only(l1, l2):
    """One full-batch GD step by hand: W ← W − lr(∂C/∂W + l1·sign W + l2·W), b ← b − lr·∂C/∂b."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((12, 3)), rng.integers(0, 2, 12)
    net, ref = mlp([3, 4, 2], seed=0, dtype="float64"), mlp([3, 4, 2], seed=0, dtype="float64")
    ref.forward(x)
    data_loss = ref.backward(y)
    lr = 0.1
    expected = {}
    for layer in ref.layers:
        w, b = layer.weight, layer.bias
        expected[w.name] = w.value - lr * (w.grad + l1 * np.sign(w.value) + l2 * w.value)
        expected[b.name] = b.value - lr * b.grad
    penalty = sum(l1 * np.abs(layer.weight.value).sum()
                  + 0.5 * l2 * (layer.weight.value ** 2).sum() for layer in ref.layers)
    history = net.fit(x, y, epochs=1, batch_size=None, optimizer="gd", lr=lr, shuffle=False,
                      l1=l1, l2=l2)
    for name, value in net.state_dict().items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-12, atol=1e-15)
    assert history.history["loss"][0] == pytest.approx(data_loss + penalty, rel=1e-12)


def test_l2_shrinks_the_weights_and_l1_zeroes_some():
    data = datasets.load("digits", seed=0)
    norms, zeros = {}, {}
    for name, kwargs in {"none": {}, "l2": {"l2": 0.01}, "l1": {"l1": 0.001}}.items():
        net = mlp([64, 32, 10], seed=0)
        net.fit(data.x_train, data.y_train, epochs=10, lr=0.01, seed=0, **kwargs)
        w = net.layers[0].weight.value
        norms[name], zeros[name] = np.linalg.norm(w), np.mean(np.abs(w) < 1e-3)
        assert net.evaluate(data.x_test, data.y_test)["accuracy"] > 0.85
    assert norms["l2"] < 0.8 * norms["none"]
    assert zeros["l1"] > 2 * zeros["none"]


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "0.1"])
def test_penalties_must_be_non_negative_numbers(bad):
    with pytest.raises(ValueError, match="l2"):
        mlp([2, 2], seed=0).fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]), l2=bad)


# --- what a divergence is blamed on ------------------------------------------------------------


def test_overflow_before_any_step_does_not_blame_the_learning_rate():
    """Targets so large that the quadratic cost overflows float32 on the very first batch."""
    x = np.ones((8, 2), np.float32)
    y = np.full((8, 1), 1e30, np.float32)
    net = mlp([2, 3, 1], loss="quadratic", seed=0)
    with pytest.raises(TrainingDivergedError, match="before any step") as err:
        net.fit(x, y, epochs=2, batch_size=4, optimizer="sgd", lr=0.01)
    assert "learning rate" not in str(err.value).split(":")[0]
    assert "too large" in str(err.value) and "smaller one" not in str(err.value)
    with pytest.raises(TrainingDivergedError, match="before any step"):
        mlp([2, 3, 1], loss="quadratic", seed=0).fit(x, y, epochs=1, optimizer="sgd", lr=0.0)


def test_callbacks_none_means_no_callbacks(digits):
    history = mlp([64, 8, 10], seed=0).fit(digits.x_train[:64], digits.y_train[:64], epochs=2,
                                           callbacks=None)
    assert len(history.history["loss"]) == 2


def test_sample_weights_whose_sum_overflows_are_named():
    weights = np.full(6, 1e308)
    with pytest.raises(ValueError, match="sums to infinity"):
        mlp([4, 3], seed=0).fit(FEW, LABELS, sample_weight=weights)
