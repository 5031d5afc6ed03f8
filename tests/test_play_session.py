"""One tab's session: training, changes, weights by hand, divergence, frames, export as code."""

import runpy

import numpy as np
import pytest

import neuralab
from neuralab import losses
from neuralab.play import limits, protocol, render, snippet
from neuralab.play.config import Config
from neuralab.play.session import Session
from neuralab.play.upload import parse_csv


def test_default_session_matches_the_issue_default_network():
    s = Session()
    assert s.shape() == [2, 4, 2, 2]  # features, 4 and 2 tanh neurons, softmax output
    assert len(s.x_train) == 250 and len(s.x_test) == 250
    assert s.epoch == 0 and s.diverged is None


def test_a_step_is_one_epoch_of_fit_and_lowers_the_loss_on_xor():
    s = Session()
    s.apply({"dataset": "xor"})
    before = render.scores(s.net, s.x_test, s.t_test, s.data.y_test, 2)[0]
    assert s.train(15) == 15 and s.epoch == 15 and s.epochs_trained == 15
    after = render.scores(s.net, s.x_test, s.t_test, s.data.y_test, 2)[0]
    assert after < before - 0.1


def test_stop_is_checked_before_every_step():
    s = Session()
    calls = []
    done = s.train(10, stop=lambda: len(calls) >= 3 or calls.append(1))
    assert done == 3 and s.epoch == 3


def test_changes_rebuild_only_what_they_touch():
    s = Session()
    s.train(2)
    net, optimizer, data = s.net, s.optimizer, s.data
    s.apply({"lr": 0.3})
    assert s.net is net and s.optimizer is optimizer and s.optimizer.lr == 0.3 and s.epoch == 2
    s.apply({"optimizer": "adam"})
    assert s.net is net and s.optimizer is not optimizer and s.epoch == 2
    s.apply({"batch": 25, "reg": "l1", "reg_rate": 0.01})
    assert s.net is net and s.epoch == 2 and s.changed_in_run == {"lr", "optimizer", "batch",
                                                                  "reg", "reg_rate"}
    generation = s.generation
    s.apply({"layers": [3]})
    assert s.net is not net and s.epoch == 0 and s.data is data and s.generation == generation + 1
    s.apply({"noise": 30})
    assert s.data is not data and s.epoch == 0


def test_a_bad_change_leaves_the_session_as_it_was():
    s = Session()
    before = s.config
    with pytest.raises(ValueError):
        s.apply({"lr": 0.1, "layers": [99]})
    assert s.config == before


def test_reset_draws_new_weights_from_the_next_seed():
    s = Session()
    first = s.net.flat.value.copy()
    s.train(3)
    s.reset()
    assert s.epoch == 0 and s.run_seed == s.config.seed + 1
    assert not np.array_equal(s.net.flat.value, first)


def test_set_weight_changes_exactly_that_weight_and_checks_it():
    s = Session()
    s.set_weight(1, 3, 0, -2.5)
    dense = [layer for layer in s.net.layers if hasattr(layer, "weight")]
    assert dense[1].weight.value[3, 0] == -2.5
    for args, message in [((3, 0, 0, 1.0), "layer must be an integer from 0 to 2"),
                          ((0, 2, 0, 1.0), "source unit must be an integer from 0 to 1"),
                          ((0, 0, 4, 1.0), "target unit"),
                          ((0, 0, 0, 1e9), "from -100 to 100"),
                          ((0, 0, 0, float("inf")), "a weight must be"),
                          ((0, 0, 0, "1"), "a weight must be")]:
        with pytest.raises(ValueError, match=message):
            s.set_weight(*args)


def test_divergence_is_reported_keeps_finite_weights_and_stops_training():
    s = Session()
    s.apply({"dataset": "plane", "optimizer": "sgd", "lr": 10.0, "activations": ["relu"] * 2})
    done = s.train(20)
    assert done < 20 and s.diverged is not None and "reset" in s.diverged
    assert np.isfinite(s.net.flat.value).all()
    assert s.train(5) == 0  # no more training until a change or a reset
    header, _ = protocol.unpack(render.frame(s))
    assert header["diverged"] == s.diverged
    s.apply({"lr": 0.01})
    assert s.diverged is None and s.train(2) == 2


def test_dropout_layers_and_per_layer_activations_are_built():
    s = Session()
    s.apply({"layers": [5, 3], "activations": ["elu", "sigmoid"], "dropout": 0.3})
    kinds = [type(layer).__name__ for layer in s.net.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.activation.name for layer in s.net.layers[::2]] == ["elu", "sigmoid", "softmax"]
    assert s.train(2) == 2


@pytest.mark.parametrize(("changes", "units", "activation"), [
    ({"dataset": "plane"}, 1, "identity"),
    ({"loss": "binary_cross_entropy"}, 1, "sigmoid"),
    ({"loss": "quadratic"}, 1, "sigmoid"),
    ({"dataset": "spiral", "classes": 4, "loss": "quadratic"}, 4, "sigmoid"),
    ({"dataset": "gauss", "classes": 5}, 5, "softmax"),
])
def test_the_output_layer_follows_the_loss_and_the_data(changes, units, activation):
    s = Session()
    s.apply(changes)
    assert s.net.layers[-1].out_features == units
    assert s.net.layers[-1].activation.name == activation
    assert s.train(1) == 1


# --- frames -----------------------------------------------------------------------------------


def test_frame_heatmap_is_the_networks_class_1_probability_over_the_grid():
    s = Session()
    s.train(5)
    header, arrays = protocol.unpack(render.frame(s))
    grid = render.grid_points(s.data.domain)
    p1 = s.net.predict(grid)[:, 1]  # the features are x1, x2: the grid points themselves
    expected = np.rint(p1 * 255).clip(0, 255).astype(np.uint8).reshape(limits.GRID, limits.GRID)
    assert np.abs(arrays["output"].astype(int) - expected).max() <= 1  # float32 rounding
    assert header["epoch"] == 5 and header["shape"] == [2, 4, 2, 2]
    loss, accuracy = render.scores(s.net, s.x_test, s.t_test, s.data.y_test, 2)
    assert header["test_loss"] == pytest.approx(loss) and header["test_accuracy"] == accuracy


def test_frame_thumbnails_span_each_neurons_range_and_weights_are_the_networks():
    s = Session()
    _, arrays = protocol.unpack(render.frame(s))
    side = limits.GRID // limits.THUMB_STRIDE
    assert arrays["neurons"].shape == (6, side, side)
    grid = render.grid_points(s.data.domain)
    hidden = np.tanh(grid @ s.net.layers[0].weight.value + s.net.layers[0].bias.value)
    step = limits.THUMB_STRIDE  # the thumbnails sample every second grid point
    hidden = hidden.reshape(limits.GRID, limits.GRID, 4)[::step, ::step].reshape(-1, 4)
    np.testing.assert_allclose(arrays["neuron_range"][:4, 0], hidden.min(axis=0), atol=1e-5)
    np.testing.assert_allclose(arrays["neuron_range"][:4, 1], hidden.max(axis=0), atol=1e-5)
    assert arrays["neurons"].min() == 0 and arrays["neurons"].max() == 255
    assert np.array_equal(arrays["weights"][:8], s.net.layers[0].weight.value.ravel())


def test_frame_diagnostics_are_layer_stats_on_the_training_set():
    from neuralab import diagnostics

    s = Session()
    s.train(3)
    header, _ = protocol.unpack(render.frame(s))
    stats = diagnostics.layer_stats(s.net, s.x_train, s.t_train)
    assert [d["speed"] for d in header["diagnostics"]] == pytest.approx(
        [x["grad_norm_bias"] for x in stats])
    assert [d["dead"] for d in header["diagnostics"]] == [x["dead_fraction"] for x in stats]


def test_a_default_frame_is_small():
    size = len(render.frame(Session()))
    assert 6_000 < size < 16_000  # 4 KB heatmap, 6 × 1 KB thumbnails, weights and the header


def test_multiclass_frame_sends_class_and_confidence():
    s = Session()
    s.apply({"dataset": "spiral", "classes": 4})
    _, arrays = protocol.unpack(render.frame(s))
    grid = render.grid_points(s.data.domain)
    out = s.net.predict(grid)
    assert np.array_equal(arrays["output"].ravel(), out.argmax(axis=1))
    assert set(arrays) >= {"confidence", "neurons"}


def test_data_message_carries_the_split():
    s = Session()
    header, arrays = protocol.unpack(render.data_message(s))
    assert header["classes"] == 2 and header["domain"] == 1.6
    assert np.array_equal(arrays["x_train"], s.data.x_train)
    assert np.array_equal(arrays["y_test"], s.data.y_test.astype(np.float32))


# --- upload, export -------------------------------------------------------------------------------


def test_an_upload_becomes_the_data_with_its_classes():
    rows = "\n".join(f"{i / 10},{-i / 10},{'-1' if i % 2 else '1'}" for i in range(40))
    table, notes = parse_csv("a,b,label\n" + rows, "mine.csv")
    assert table.classes == 2 and table.header and any("header" in n for n in notes)
    assert set(table.y) == {0, 1} and any("read as classes" in n for n in notes)
    s = Session()
    s.set_upload(table)
    assert s.config.dataset == "upload" and len(s.x_train) + len(s.x_test) == 40
    assert s.train(2) == 2


def test_exported_model_file_loads_with_neuralab(tmp_path):
    s = Session()
    s.train(3)
    path = tmp_path / "m.safetensors"
    s.net.save(path)
    grid = render.grid_points(1.0)
    assert np.array_equal(neuralab.load(path).predict(grid), s.net.predict(grid))


@pytest.mark.parametrize("changes", [
    {},
    {"dataset": "spiral", "classes": 3, "loss": "quadratic", "dropout": 0.2, "reg": "l2",
     "reg_rate": 0.001, "schedule": "step", "ratio": 70},
    {"dataset": "multigauss", "features": ["x1", "x2", "x1x2", "sinx1"], "optimizer": "adam",
     "init": "he_normal", "layers": [5, 3], "reg": "l1", "reg_rate": 0.003, "batch": 7},
])
def test_the_python_snippet_repeats_the_run_bit_for_bit(tmp_path, monkeypatch, changes):
    s = Session()
    s.apply(changes)
    s.set_weight(0, 0, 0, 0.75)
    s.train(4)
    path = tmp_path / "run.py"
    path.write_text(snippet.python_snippet(s))
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path(str(path))
    assert np.array_equal(namespace["net"].flat.value, s.net.flat.value)
    assert (tmp_path / "playground.safetensors").exists()
    assert "Changed during the run" not in path.read_text()


def test_the_snippet_says_what_changed_during_the_run():
    s = Session()
    s.train(2)
    s.apply({"lr": 0.1})
    s.set_weight(0, 0, 0, 1.0)
    assert "Changed during the run in the playground: lr, weights" in snippet.python_snippet(s)


def test_snippet_for_an_upload_reads_the_csv(tmp_path, monkeypatch):
    text = "x1,x2,y\n" + "\n".join(f"{np.sin(i)},{np.cos(i)},{i % 3}" for i in range(60))
    (tmp_path / "three.csv").write_text(text)
    table, _ = parse_csv(text, "three.csv")
    s = Session()
    s.set_upload(table)
    s.train(3)
    (tmp_path / "run.py").write_text(snippet.python_snippet(s))
    monkeypatch.chdir(tmp_path)
    namespace = runpy.run_path("run.py")
    assert np.array_equal(namespace["net"].flat.value, s.net.flat.value)


def test_targets_for_a_quadratic_multiclass_run_are_one_hot():
    s = Session(Config())
    s.apply({"dataset": "gauss", "classes": 3, "loss": "quadratic"})
    assert np.array_equal(s.t_train, losses.one_hot(s.data.y_train, 3, np.dtype(np.float32)))
