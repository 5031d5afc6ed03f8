"""Changing an experiment's parameters: `neuralab lab --only ID --set key=value`, `--list-params`,
`lab.run(params=...)`; every value checked against the declaration."""

import json

import pytest

import neuralab.lab as lab
from neuralab.cli import main
from neuralab.lab import settings
from neuralab.lab.experiment import selected

LOSS = lab.EXPERIMENTS.entry("loss_slowdown")
DEAD = lab.EXPERIMENTS.entry("dead_relu")


@pytest.mark.parametrize("exp", selected(), ids=lambda e: e.id)
def test_every_experiment_declares_settable_parameters_that_exist(exp):
    assert exp.settable, f"{exp.id} lets nothing be set"
    for key, quick, full in settings.describe(exp):
        assert type(quick) is type(full), key
        assert settings.check(exp, key, quick) == quick  # the declared value passes its check
    for key in exp.choices:
        assert key in exp.settable


@pytest.mark.parametrize(("key", "text", "value"), [
    ("neuron.lr", "0.6", 0.6), ("neuron.epochs", "50", 50), ("digits.lr", "1", 1.0),
    ("neuron.output_threshold", "0.1", 0.1)])
def test_text_is_parsed_into_the_declared_kind(key, text, value):
    checked = settings.check(LOSS, key, text)
    assert checked == value and type(checked) is type(value)


def test_lists_parse_from_python_or_commas():
    assert settings.check(DEAD, "learning_rates", "[1e-3, 1e-2]") == [0.001, 0.01]
    assert settings.check(DEAD, "learning_rates", "0.001,0.01,0.1") == [0.001, 0.01, 0.1]
    assert settings.check(DEAD, "learning_rates", "0.02") == [0.02]


@pytest.mark.parametrize(("exp", "key", "text", "message"), [
    (LOSS, "neuron.epochs", "1.5", "whole number"),
    (LOSS, "neuron.lr", "-0.1", "must be positive"),
    (LOSS, "neuron.lr", "fast", "cannot read 'fast'"),
    (LOSS, "neuron.lr", "inf", "cannot read"),
    (LOSS, "neuron.lr", "true", "is a number"),
    (LOSS, "neuron.x", "2", "no settable parameter 'neuron.x'"),
    (LOSS, "nothing", "2", "settable: neuron.lr, neuron.epochs"),
    (DEAD, "learning_rates", "[]", "at least one"),
    (lab.EXPERIMENTS.entry("vanishing_gradient"), "data", "cifar", "one of digits, mnist-5k"),
])
def test_bad_values_are_refused_with_a_message(exp, key, text, message):
    with pytest.raises(ValueError, match=message):
        settings.check(exp, key, text)


def test_assignments_need_key_and_value():
    assert settings.parse_assignments(["epochs=50", " neuron.lr = 0.3 "]) == {
        "epochs": "50", "neuron.lr": "0.3"}
    with pytest.raises(ValueError, match="key=value"):
        settings.parse_assignments(["epochs"])


def test_a_changed_parameter_changes_the_run_its_text_and_the_report(tmp_path):
    (result,) = lab.run(["loss_slowdown"], quick=True, out=tmp_path, progress=False,
                        params={"loss_slowdown": {"neuron.lr": "0.6"}})
    assert result.parameters["neuron"]["lr"] == 0.6
    assert result.numbers["neuron_summary"]["quadratic/far"]["epochs_below_threshold"] == 76
    assert "η = 0.6" in result.setup.en and "η = 0.6" in result.setup.zh
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["meta"]["changed"] == {"loss_slowdown": {"neuron.lr": 0.6}}
    assert "<code>loss_slowdown neuron.lr=0.6</code>" in (tmp_path / "report.html").read_text(
        encoding="utf-8")
    assert LOSS.parameters(True)["neuron"]["lr"] == 0.15  # the declaration is untouched


def test_parameters_of_an_experiment_not_run_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not among the experiments run"):
        lab.run(["loss_slowdown"], quick=True, out=tmp_path, params={"dead_relu": {"epochs": 2}})


def test_changed_parameters_reach_the_workers_of_a_process_pool(tmp_path):
    """--set with --backend loky: the workers measure with the changed parameter, so the
    numbers and the setup text are the serial run's (76 epochs at η = 0.6, not η = 0.15's)."""
    change = {"loss_slowdown": {"neuron.lr": "0.6"}}
    (serial,) = lab.run(["loss_slowdown"], quick=True, out=tmp_path / "serial", progress=False,
                        params=change)
    (pooled,) = lab.run(["loss_slowdown"], quick=True, out=tmp_path / "loky", progress=False,
                        params=change, backend="loky", n_jobs=2)
    assert pooled.numbers["neuron_summary"]["quadratic/far"]["epochs_below_threshold"] == 76
    assert pooled.numbers == serial.numbers
    assert pooled.setup.en == serial.setup.en and "η = 0.6" in pooled.setup.en


def test_a_changed_list_reaches_the_workers_too(tmp_path):
    change = {"dead_relu": {"learning_rates": "0.01,0.1"}}
    (serial,) = lab.run(["dead_relu"], quick=True, out=tmp_path / "serial", progress=False,
                        params=change)
    (pooled,) = lab.run(["dead_relu"], quick=True, out=tmp_path / "loky", progress=False,
                        params=change, backend="loky", n_jobs=2)
    assert serial.parameters["learning_rates"] == [0.01, 0.1]
    assert pooled.numbers == serial.numbers


def test_cli_set_needs_one_experiment(capsys, tmp_path):
    assert main(["lab", "--set", "epochs=3", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--set changes the parameters of one experiment" in err and err.count("\n") == 1
    assert main(["lab", "--only", "loss_slowdown", "--set", "neuron.lr=abc", "--out",
                 str(tmp_path)]) == 2
    assert "cannot read 'abc'" in capsys.readouterr().err


def test_cli_list_params(capsys):
    assert main(["lab", "--list-params", "--only", "loss_slowdown", "dead_relu"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["experiment", "parameter", "quick", "full"]
    rows = [line.split() for line in lines[2:]]
    assert ["loss_slowdown", "neuron.lr", "0.15", "0.15"] in rows
    assert ["loss_slowdown", "digits.epochs", "8", "30"] in rows
    assert ["dead_relu", "learning_rates", "0.001,", "0.01,", "0.1", "0.001,", "0.003,", "0.01,",
            "0.03,", "0.1"] in rows


def test_cli_help_points_to_the_parameters(capsys):
    assert main(["lab", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--set KEY=VALUE" in out and "--list-params" in out
