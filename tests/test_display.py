"""What a Network, a History and layer_stats show in a terminal and in Jupyter."""

import re

import numpy as np

import neuralab as nl
from neuralab import diagnostics, display, svg
from neuralab.callbacks import History
from neuralab.layers import Dense, Dropout


def small_net():
    return nl.Network([Dense(4, 8, "relu", seed=0), Dropout(0.25),
                       Dense(8, 3, "softmax", seed=1)])


def test_summary_prints_the_layer_table(capsys):
    small_net().summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["#", "layer", "output", "shape", "activation", "parameters"]
    assert lines[2].split() == ["input", "(batch,", "4)"]
    assert lines[3].split() == ["0", "Dense", "(batch,", "8)", "relu", "40"]
    assert lines[4].split() == ["1", "Dropout(rate=0.25)", "(batch,", "8)", "0"]
    assert lines[5].split() == ["2", "Dense", "(batch,", "3)", "softmax", "27"]
    assert lines[-2] == "parameters: 67 (float32, 268 bytes)"
    assert lines[-1] == "loss: cross_entropy"


def test_parameter_counts_add_up_with_thousands_separators():
    net = nl.mlp([784, 100, 10], seed=0, dtype="float64")
    rows = display.summary_rows(net)
    assert [r[4] for r in rows] == ["", "78,500", "1,010"]
    assert "parameters: 79,510 (float64, 621.2 KiB)" in display.summary_text(net)


def test_network_html_is_the_same_table():
    html = small_net()._repr_html_()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells[:5] == ["", "input", "(batch, 4)", "", ""]
    assert "Dropout(rate=0.25)" in cells and "27" in cells
    assert "<script" not in html


def test_history_draws_one_point_per_epoch():
    history = History()
    for epoch, (loss, acc) in enumerate([(1.0, 0.5), (0.5, 0.7), (0.25, 0.9)]):
        history.on_epoch_end(epoch, {"loss": loss, "accuracy": acc, "val_loss": loss * 1.1})
    html = history._repr_html_()
    lines = re.findall(r'<polyline[^>]*points="([^"]*)"', html)
    assert len(lines) == 3  # loss, val_loss; accuracy
    assert all(len(points.split()) == 3 for points in lines)
    assert "3 epochs" in html and "loss 0.25" in html


def test_empty_history_says_so():
    assert "no epochs" in History()._repr_html_()


def test_layer_stats_is_still_a_list_and_draws_a_bar_per_layer():
    net = nl.mlp([4, 6, 5, 3], activation="tanh", seed=0)
    x = np.random.default_rng(0).standard_normal((30, 4)).astype("float32")
    y = np.arange(30) % 3
    stats = diagnostics.layer_stats(net, x, y)
    assert isinstance(stats, list) and len(stats) == 3 and stats[0]["activation"] == "tanh"
    assert stats == [dict(s) for s in stats]
    html = stats._repr_html_()
    heights = [float(h) for h in re.findall(r'<rect[^>]*height="([^"]*)"', html)]
    speeds = [s["grad_norm_bias"] for s in stats]
    assert len(heights) == 3
    np.testing.assert_allclose(np.array(heights) / max(heights),
                               np.array(speeds) / max(speeds), atol=0.01)


def test_svg_charts_skip_what_is_not_finite():
    chart = svg.line_chart({"loss": [1.0, float("nan"), 0.5]}, "loss")
    assert len(re.search(r'points="([^"]*)"', chart)[1].split()) == 2
    bars = svg.bar_chart(["a", "b"], [1.0, None], "speed")
    assert bars.count("<rect") == 1


def test_history_html_keeps_monitor_keys_out_of_the_caption():
    history = History()
    history.on_epoch_end(0, {"loss": 1.0, "layers.0.grad_norm_bias": 0.3})
    assert "layers.0" not in history._repr_html_()
