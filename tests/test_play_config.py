"""The playground's set-up: every value checked by the server, limits included, and the losses
fitted to the data."""

import pytest

from neuralab.play import limits
from neuralab.play.config import Config, merge


def test_defaults_are_tensorflow_playgrounds():
    c = Config()
    assert (c.dataset, c.layers, c.activations, c.lr, c.batch, c.ratio) == (
        "circles", (4, 2), ("tanh", "tanh"), 0.03, 10, 50)
    assert c.features == ("x1", "x2") and c.reg == "none"


def test_merge_normalises_names_and_orders_features():
    new, notes = merge(Config(), {"optimizer": "Adam", "activations": ["ReLU", "logistic"],
                                  "features": ["sinx2", "x1"]})
    assert new.optimizer == "adam" and new.activations == ("relu", "sigmoid")
    assert new.features == ("x1", "sinx2") and notes == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"layers": [4] * (limits.MAX_HIDDEN_LAYERS + 1)}, "layers must be a list of 0 to 6"),
    ({"layers": [limits.MAX_NEURONS + 1]}, "neurons per layer must be an integer from 1 to 8"),
    ({"layers": [True]}, "neurons per layer"),
    ({"speed": limits.MAX_STEPS_PER_FRAME + 1}, "speed must be an integer from 1 to 20"),
    ({"batch": 0}, "batch must be"),
    ({"lr": float("nan")}, "lr must be a number"),
    ({"lr": 100}, "lr must be a number from 1e-06 to 10"),
    ({"lr": "0.1"}, "lr must be a number"),
    ({"noise": 51}, "noise must be an integer from 0 to 50"),
    ({"ratio": 95}, "ratio must be"),
    ({"classes": 6}, "classes must be an integer from 2 to 5"),
    ({"dropout": 0.95}, "dropout must be"),
    ({"activations": ["softmax", "tanh"]}, "output activation"),
    ({"activations": ["__import__('os')"]}, "unknown activation"),
    ({"optimizer": "lbfgs"}, "unknown optimizer"),
    ({"features": []}, "features must be a list of 1 to 7"),
    ({"features": ["x1", "x1"]}, "twice"),
    ({"features": ["x3"]}, "features must be one of"),
    ({"dataset": "mnist"}, "dataset must be one of"),
    ({"dataset": "upload"}, "needs an uploaded CSV"),
    ({"reg": "l3"}, "reg must be one of"),
    ({"colour": "red"}, "unknown setting 'colour'"),
])
def test_bad_values_name_the_setting_and_the_range(changes, message):
    with pytest.raises(ValueError, match=message):
        merge(Config(), changes)


def test_config_must_be_an_object():
    with pytest.raises(ValueError, match="config must be an object"):
        merge(Config(), ["lr", 0.1])


def test_new_layers_take_the_last_activation_and_fewer_layers_drop_theirs():
    base = merge(Config(), {"activations": ["relu", "elu"]})[0]
    grown = merge(base, {"layers": [4, 2, 3]})[0]
    assert grown.activations == ("relu", "elu", "elu")
    assert merge(grown, {"layers": [5]})[0].activations == ("relu",)
    assert merge(grown, {"layers": []})[0].activations == ()


def test_a_regression_set_switches_a_classification_loss_with_a_note():
    new, notes = merge(Config(), {"dataset": "plane"})
    assert new.loss == "quadratic" and new.classes == 0 and new.regression
    assert len(notes) == 1 and "real-valued" in notes[0] and "quadratic" in notes[0]
    back, notes = merge(new, {"dataset": "xor"})
    assert back.loss == "quadratic" and back.classes == 2 and notes == []  # quadratic fits both


def test_an_explicit_loss_that_cannot_fit_the_data_is_refused():
    plane = merge(Config(), {"dataset": "plane"})[0]
    with pytest.raises(ValueError, match="cross_entropy needs class labels"):
        merge(plane, {"loss": "cross_entropy"})
    spiral = merge(Config(), {"dataset": "spiral", "classes": 3})[0]
    with pytest.raises(ValueError, match="binary_cross_entropy needs 2 classes"):
        merge(spiral, {"loss": "binary_cross_entropy"})
    switched, notes = merge(merge(spiral, {"classes": 2, "loss": "binary_cross_entropy"})[0],
                            {"classes": 4})
    assert switched.loss == "cross_entropy" and notes


def test_two_class_sets_ignore_the_class_count():
    assert merge(Config(), {"dataset": "xor", "classes": 4})[0].classes == 2
    assert merge(Config(), {"dataset": "gauss", "classes": 4})[0].classes == 4


def test_upload_takes_the_uploads_class_count():
    new, _ = merge(Config(), {"dataset": "upload"}, upload_classes=3)
    assert new.classes == 3
    real, notes = merge(Config(), {"dataset": "upload"}, upload_classes=0)
    assert real.classes == 0 and real.loss == "quadratic" and notes


def test_to_json_round_trips_through_merge():
    c = merge(Config(), {"layers": [3, 3, 3], "lr": 0.1, "dataset": "spiral", "classes": 4})[0]
    assert merge(Config(), c.to_json())[0] == c
