"""The sweep's space (grid, seeded random draws), its parameter names, its checks before any run,
and the TOML config. No worker process is started here: each bad input must fail in planning."""

import math

import numpy as np
import pytest

import neuralab as nl
from neuralab.sweep import Space, choice, loguniform, plan, randint, sweep, uniform
from neuralab.sweep.config import load_config
from neuralab.sweep.runs import run_id


def test_a_dict_is_a_grid_of_every_combination_last_key_fastest():
    space = Space(grid={"activation": ["sigmoid", "relu"], "lr": [0.1, 0.01, 0.001]})
    assert space.configurations() == [
        {"activation": a, "lr": lr} for a in ("sigmoid", "relu") for lr in (0.1, 0.01, 0.001)]


def test_random_draws_follow_the_seed_and_come_from_one_generator():
    space = Space(random={"lr": loguniform(1e-4, 1e-1), "width": randint(8, 9),
                          "act": choice(["tanh", "relu"]), "m": uniform(0.5, 0.9)},
                  n=50, seed=7)
    draws = space.configurations()
    rng = np.random.default_rng(7)  # the same draws, by hand: key order, one generator
    for draw in draws:
        assert draw["lr"] == math.exp(rng.uniform(math.log(1e-4), math.log(1e-1)))
        assert draw["width"] == rng.integers(8, 9, endpoint=True)
        assert draw["act"] == ("tanh", "relu")[rng.integers(2)]
        assert draw["m"] == rng.uniform(0.5, 0.9)
    assert {d["width"] for d in draws} == {8, 9}  # randint includes both ends
    assert all(1e-4 <= d["lr"] < 1e-1 for d in draws)
    assert Space(random={"lr": loguniform(1e-4, 1e-1)}, n=50, seed=8).configurations() != [
        {"lr": d["lr"]} for d in draws]


def test_grid_and_random_together_give_each_grid_point_every_draw():
    space = Space(grid={"activation": ["tanh", "relu"]}, random={"lr": uniform(0, 1)}, n=3)
    configs = space.configurations()
    draws = [d["lr"] for d in Space(random={"lr": uniform(0, 1)}, n=3).configurations()]
    assert configs == [{"activation": a, "lr": lr} for a in ("tanh", "relu") for lr in draws]


@pytest.mark.parametrize(("space", "message"), [
    ({}, "the space is empty"),
    ({"lr": []}, "empty list"),
    ({"lr": 0.1}, "maps to a list"),
    ({"lr": loguniform(1e-3, 1e-1)}, "random search needs the number of draws"),
    (lambda: Space(grid={"lr": [0.1]}, random={"lr": uniform(0, 1)}), "in both"),
    (lambda: Space(), "the space is empty"),
])
def test_a_space_with_nothing_to_run_or_ambiguous_is_an_error(space, message):
    with pytest.raises(ValueError, match=message):
        plan(space() if callable(space) else space, data="xor", hidden=[4])


@pytest.mark.parametrize(("make", "message"), [
    (lambda: loguniform(0, 1), "low"), (lambda: uniform(1, 1), "below"),
    (lambda: randint(3, 2), "exceed"), (lambda: choice([]), "non-empty")])
def test_distributions_check_their_bounds(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- names and values, checked before any run ----------------------------------------------


def test_an_unknown_name_is_an_error_that_lists_the_names_a_sweep_takes():
    with pytest.raises(ValueError, match="unknown parameter 'lerning_rate'") as info:
        plan({"lerning_rate": [0.1]}, data="xor", hidden=[4])
    for name in ("hidden", "activation", "epochs", "batch_size", "momentum", "betas"):
        assert name in str(info.value)


@pytest.mark.parametrize("name", ["seed", "sizes", "validation_data", "callbacks"])
def test_what_the_sweep_sets_itself_cannot_be_given(name):
    with pytest.raises(ValueError, match=f"'{name}' cannot be set in a sweep"):
        plan({name: [1]}, data="xor", hidden=[4])


@pytest.mark.parametrize(("space", "fixed", "message"), [
    ({"activation": ["relu", "nope"]}, {}, "unknown activation 'nope'"),
    ({"lr": [0.1, -1.0]}, {}, "lr"),
    ({"batch_size": [0]}, {}, "batch_size"),
    ({"epochs": [0]}, {}, "epochs"),
    ({"momentum": [0.9]}, {"optimizer": "adam"}, "optimizer 'adam' takes no momentum"),
    ({"dtype": ["float16"]}, {}, "dtype"),
    ({"hidden": [[4, 0]]}, {}, "hidden width"),
    ({"loss": ["binary_cross_entropy"]}, {"output": "softmax"}, "sigmoid"),
])
def test_a_value_mlp_or_fit_would_reject_fails_before_any_run(tmp_path, space, fixed, message):
    results = tmp_path / "results.jsonl"
    fixed = {**({} if "hidden" in space else {"hidden": [4]}), **fixed}
    with pytest.raises((ValueError, TypeError), match=message):
        sweep(space, data="xor", seeds=1, backend="serial", results=results, **fixed)
    assert not results.exists()  # nothing ran, nothing was written


def test_a_bad_configuration_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"in the configuration activation='nope', lr=0\.5"):
        plan({"activation": ["relu", "nope"], "lr": [0.5]}, data="xor", hidden=[4])


def test_swept_and_fixed_at_once_and_swept_data_are_errors():
    with pytest.raises(ValueError, match="both swept and fixed"):
        plan({"lr": [0.1]}, data="xor", hidden=[4], lr=0.2)
    with pytest.raises(ValueError, match="cannot be swept"):
        plan({"data": ["xor", "moons"]}, data="xor", hidden=[4])
    with pytest.raises(ValueError, match="give hidden"):
        plan({"lr": [0.1]}, data="xor")


def test_seeds_are_a_count_or_a_list():
    assert [t.seed for t in plan({"lr": [0.1]}, data="xor", hidden=[4], seeds=3).tasks] \
        == [0, 1, 2]
    assert [t.seed for t in plan({"lr": [0.1]}, data="xor", hidden=[4], seeds=[5, 2]).tasks] \
        == [5, 2]
    for bad in (0, [], [1, 1], [-1]):
        with pytest.raises(ValueError, match="seed"):
            plan({"lr": [0.1]}, data="xor", hidden=[4], seeds=bad)


def test_a_run_is_named_by_its_parameters_in_canonical_spelling():
    a = plan({"activation": ["ReLU"]}, data="XOR", hidden=4, optimizer="Adam").tasks[0]
    b = plan({"activation": ["relu"]}, data="xor", hidden=[4], optimizer="adam").tasks[0]
    assert a.params == b.params == {"data": "xor", "hidden": [4], "optimizer": "adam",
                                    "activation": "relu"}
    assert a.id == b.id == run_id(b.params, 0)
    assert plan({"activation": ["relu"]}, data="xor", hidden=[4], seeds=[1]).tasks[0].id != a.id


def test_neuralab_sweep_is_the_package_and_the_function():
    assert callable(nl.sweep) and nl.sweep.sweep is sweep and nl.sweep.Space is Space


# --- the TOML config --------------------------------------------------------------------------

DESIGN_EXAMPLE = """
data = "digits"            # any datasets.load name
seeds = 5                  # a count or a list
metric = "val_accuracy"    # what best() maximizes

[fixed]                    # any mlp()/fit() argument
hidden = [64, 32]
epochs = 20
optimizer = "adam"

[grid]                     # every combination
activation = ["sigmoid", "tanh", "relu"]
lr = [0.001, 0.01]

[random]                   # optional: n draws, seeded
n = 20
seed = 0
weight_decay = { loguniform = [1e-6, 1e-2] }
"""


def test_the_design_example_config_reads_into_the_space_it_describes(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(DESIGN_EXAMPLE, encoding="utf-8")
    config = load_config(path)
    assert (config.data, config.seeds, config.metric) == ("digits", 5, "val_accuracy")
    assert config.fixed == {"hidden": [64, 32], "epochs": 20, "optimizer": "adam"}
    assert config.space.grid == {"activation": ["sigmoid", "tanh", "relu"], "lr": [0.001, 0.01]}
    assert config.space.random == {"weight_decay": loguniform(1e-6, 1e-2)}
    assert (config.space.n, config.space.seed) == (20, 0)
    the_plan = plan(config.space, data=config.data, seeds=config.seeds, **config.fixed)
    assert len(the_plan.tasks) == 3 * 2 * 20 * 5


def test_a_data_file_in_a_config_is_found_next_to_the_config(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text('data = "mine.csv"\n[grid]\nlr = [0.1]\n', encoding="utf-8")
    assert load_config(path).data == str(tmp_path / "mine.csv")


@pytest.mark.parametrize(("text", "message"), [
    ('data = "digits"\n[grid\nlr = [0.1]\n', "not valid TOML"),
    ('data = "digits"\nepochs = 3\n[grid]\nlr = [0.1]\n', "unknown key epochs"),
    ('seeds = 2\n[grid]\nlr = [0.1]\n', "data must name"),
    ('data = "digits"\n[grid]\nlr = []\n', "empty list"),
    ('data = "digits"\n[random]\nn = 3\nlr = { normal = [0, 1] }\n', "random.lr"),
    ('data = "digits"\n[random]\nn = 3\nlr = { uniform = [1] }\n', "two numbers"),
    ('data = "digits"\n[random]\nlr = { uniform = [0, 1] }\n', "needs n"),
    ('data = "digits"\ngrid = 3\n', "grid must be a table"),
])
def test_a_bad_config_is_a_clear_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)
