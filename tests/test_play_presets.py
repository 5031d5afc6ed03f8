"""Each claim preset sets up a network that shows its claim: trained here, measured, checked."""

import numpy as np
import pytest

from neuralab.lab.claims import CLAIMS
from neuralab.play import presets, render
from neuralab.play.session import Session


def loaded(claim):
    s = Session()
    s.apply({"lr": 1.0, "layers": [1]})  # whatever was on screen before
    s.load_preset(presets.get(claim))
    return s


def hidden(s, key):
    return [d[key] for d in render.layer_diagnostics(s)[:-1]]


def test_one_preset_per_claim_with_the_seeds_words():
    assert list(presets.PRESETS) == list(CLAIMS)
    for entry in presets.as_json():
        claim = CLAIMS[entry["id"]]
        assert entry["quote"] == claim.quote and entry["translation"] == claim.translation
        assert entry["watch"]["en"] and entry["watch"]["zh"] != entry["watch"]["en"]
    with pytest.raises(ValueError, match="unknown preset 'C13'"):
        presets.get("C13")


def test_a_preset_ignores_what_was_on_screen():
    a, b = loaded("C4"), Session()
    b.load_preset(presets.get("C4"))
    assert a.config == b.config and np.array_equal(a.net.flat.value, b.net.flat.value)


def test_c1_each_neuron_is_a_function_of_the_layer_before():
    s = loaded("C1")
    s.train(5)
    grid = render.grid_points(s.data.domain)
    out = s.net.forward(grid)
    hidden, output = s.net.layers
    np.testing.assert_allclose(hidden.a, np.tanh(grid @ hidden.weight.value + hidden.bias.value),
                               rtol=1e-5, atol=1e-6)
    z = hidden.a @ output.weight.value + output.bias.value
    softmax = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out, softmax / softmax.sum(axis=1, keepdims=True), atol=1e-6)


def test_c2_linear_network_stays_near_chance_on_circles():
    s = loaded("C2")
    s.train(40)
    accuracy = render.scores(s.net, s.x_test, s.t_test, s.data.y_test, 2)[1]
    assert 0.35 < accuracy < 0.7
    s.apply({"activations": ["tanh"] * 3})
    s.train(60)
    assert render.scores(s.net, s.x_test, s.t_test, s.data.y_test, 2)[1] > 0.9


def test_c3_sigmoid_units_saturate_as_the_weights_grow():
    s = loaded("C3")
    assert max(hidden(s, "saturated")) < 0.05
    s.train(60)
    assert max(hidden(s, "saturated")) > 0.15


def test_c4_first_hidden_layer_learns_far_slower_than_the_last():
    speed = hidden(loaded("C4"), "speed")
    assert len(speed) == 6 and speed[0] * 5 < speed[-1]
    assert all(a < b for a, b in zip(speed[:-1], speed[1:], strict=True))  # layer by layer


def test_c5_c6_sigmoid_is_offset_tanh_is_centred_and_learns_faster():
    sigmoid, tanh = loaded("C5"), loaded("C6")
    assert all(abs(m - 0.5) < 0.1 for m in hidden(sigmoid, "mean"))
    assert all(abs(m) < 0.15 for m in hidden(tanh, "mean"))
    sigmoid.train(60)
    tanh.train(60)
    loss = [render.scores(s.net, s.x_train, s.t_train, s.data.y_train, 2)[0]
            for s in (sigmoid, tanh)]
    assert loss[1] < loss[0] - 0.2


def test_c7_relu_speeds_stay_of_one_order_where_sigmoid_vanishes():
    relu, sigmoid = hidden(loaded("C7"), "speed"), hidden(loaded("C4"), "speed")
    assert max(relu) / min(relu) < 10 < max(sigmoid) / min(sigmoid)


def test_c8_large_learning_rate_kills_relu_units():
    s = loaded("C8")
    assert max(hidden(s, "dead")) == 0
    s.train(60)
    assert max(hidden(s, "dead")) >= 0.25


def test_c9_quadratic_cost_learns_slowly_from_a_wrong_start_and_c10_fast():
    quadratic, cross_entropy = loaded("C9"), loaded("C10")
    assert np.array_equal(quadratic.net.flat.value, cross_entropy.net.flat.value)
    drop = []
    for s in (quadratic, cross_entropy):
        start = render.scores(s.net, s.x_train, s.t_train, s.data.y_train, 2)[0]
        s.train(5)
        drop.append(1 - render.scores(s.net, s.x_train, s.t_train, s.data.y_train, 2)[0] / start)
    assert drop[0] < 0.05 and drop[1] > 0.5  # the loss barely moves vs. falls by more than half


def test_c11_training_loss_is_the_logistic_cross_entropy_formula():
    s = loaded("C11")
    s.train(3)
    a = s.net.predict(s.x_train)[:, 0].astype(np.float64)
    y = s.data.y_train
    formula = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert render.scores(s.net, s.x_train, s.t_train, y, 2)[0] == pytest.approx(formula, rel=1e-5)


def test_c12_races_gd_adagrad_and_adam():
    preset = presets.get("C12")
    assert preset.race == {"surface": "rosenbrock", "optimizers": ["gd", "adagrad", "adam"]}
    assert loaded("C12").config.optimizer == "adam"
