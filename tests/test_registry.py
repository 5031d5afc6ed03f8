"""neuralab.registry: one set of rules for every family's ``get`` and ``names``."""

import pytest

from neuralab import activations, datasets, initializers, losses, optimizers, schedules
from neuralab.registry import Registry, normalise

# family module → (its base class or None, the value of get(None) or None if an error)
FAMILIES = {
    activations: (activations.Activation, "identity"),
    losses: (losses.Loss, None),
    optimizers: (optimizers.Optimizer, None),
    schedules: (schedules.Schedule, "constant"),
    initializers: (None, None),
    datasets: (None, None),
}

# arguments without a default, by name
REQUIRED = {"step": {"step_size": 2}, "exponential": {"gamma": 0.5}, "cosine": {"total": 5}}


class Thing:
    def __init__(self, size=1):
        self.size = size


class Bigger(Thing):
    pass


@pytest.fixture
def registry():
    reg = Registry("thing", base=Thing, default="small_thing")
    reg.register("small_thing", Thing, aliases=("tiny",))
    reg.register("big-thing", Bigger)
    return reg


# --- the rules, on a registry of its own --------------------------------------------------------


def test_normalise_folds_case_dashes_spaces_and_surrounding_blanks():
    assert normalise("  Leaky-ReLU ") == "leaky_relu"
    assert normalise("Gelu Tanh") == "gelu_tanh"


@pytest.mark.parametrize("spelling", ["small_thing", "Small-Thing", "SMALL THING", " tiny ",
                                      "TINY"])
def test_names_and_aliases_match_whatever_the_case_dash_or_underscore(registry, spelling):
    assert registry.canonical(spelling) == "small_thing"
    assert type(registry.get(spelling)) is Thing


def test_a_name_keeps_its_spelling_and_is_found_by_others(registry):
    assert registry.names() == ["big-thing", "small_thing"]
    assert registry.canonical("BIG_THING") == "big-thing"
    assert "big thing" in registry and "huge" not in registry and 3 not in registry


def test_names_are_sorted_and_aliases_are_kept_apart(registry):
    registry.register("another", Thing, aliases=("Other-One",))
    assert registry.names() == ["another", "big-thing", "small_thing"]
    assert list(registry) == registry.names()
    assert registry.aliases() == {"other_one": "another", "tiny": "small_thing"}


def test_none_gives_the_default_or_an_error(registry):
    assert type(registry.get(None)) is Thing
    strict = Registry("thing", base=Thing)
    strict.register("small_thing", Thing)
    with pytest.raises(ValueError, match="^a thing is required; known names: small_thing$"):
        strict.get(None)


def test_kwargs_go_to_the_entry_for_a_name_or_a_class(registry):
    assert registry.get("tiny", size=3).size == 3
    made = registry.get(Bigger, size=4)
    assert type(made) is Bigger and made.size == 4


def test_an_instance_comes_back_as_it_is_but_not_with_kwargs(registry):
    thing = Bigger(5)
    assert registry.get(thing) is thing
    with pytest.raises(ValueError, match=r"arguments \['size'\] can only be given with a name "
                                         "or a class, not with an instance"):
        registry.get(thing, size=6)


def test_unknown_names_and_other_objects_list_every_name_and_alias(registry):
    known = r"known names: big-thing, small_thing; aliases: tiny \(= small_thing\)$"
    with pytest.raises(ValueError, match="^unknown thing 'huge'; " + known):
        registry.get("huge")
    for other in (3, ["tiny"], dict, object()):
        with pytest.raises(ValueError, match=r"cannot use .* as a thing: pass a name, a Thing "
                                             "subclass or an instance; " + known):
            registry.get(other)


def test_a_name_or_alias_cannot_be_registered_twice(registry):
    with pytest.raises(ValueError, match="thing name 'Tiny' is registered twice"):
        registry.register("small", Thing, aliases=("Tiny",))
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("Big_Thing", Thing)


# --- every family follows them ------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=lambda m: m.__name__)
def test_every_family_lists_sorted_canonical_names_without_aliases(family):
    names = family.names()
    assert names == sorted(names) == family.REGISTRY.names()
    assert not set(names) & set(family.REGISTRY.aliases())
    assert all(family.REGISTRY.canonical(alias) in names for alias in family.REGISTRY.aliases())


@pytest.mark.parametrize("family", FAMILIES, ids=lambda m: m.__name__)
def test_every_family_rejects_an_unknown_name_listing_the_known_ones(family):
    call = family.load if family is datasets else family.get
    with pytest.raises(ValueError, match=f"unknown .*'no-such-name'; known names: "
                                         f"{', '.join(family.names())}"):
        call("no-such-name")


@pytest.mark.parametrize("family", [activations, losses, optimizers, schedules],
                         ids=lambda m: m.__name__)
def test_get_takes_any_spelling_a_class_and_an_instance(family):
    base, _ = FAMILIES[family]
    for name in family.names():
        kwargs = REQUIRED.get(name, {})
        made = family.get(f"  {name.upper().replace('_', '-')} ", **kwargs)
        assert isinstance(made, base)
        assert family.get(made) is made
        assert type(family.get(type(made), **kwargs)) is type(made)
    for alias, name in family.REGISTRY.aliases().items():
        kwargs = REQUIRED.get(name, {})
        assert type(family.get(alias.upper(), **kwargs)) is type(family.get(name, **kwargs))


@pytest.mark.parametrize("family", [activations, losses, optimizers, schedules],
                         ids=lambda m: m.__name__)
def test_get_of_none_is_the_default_or_an_error(family):
    _, default = FAMILIES[family]
    if default is None:
        with pytest.raises(ValueError, match="is required; known names"):
            family.get(None)
    else:
        assert family.get(None).name == default


@pytest.mark.parametrize(("family", "name", "kwargs"), [
    (activations, "leaky_relu", {"negative_slope": 0.2}),
    (optimizers, "adam", {"lr": 0.1}),
    (schedules, "step", {"step_size": 2}),
], ids=["activations", "optimizers", "schedules"])
def test_kwargs_with_an_instance_are_an_error(family, name, kwargs):
    made = family.get(name, **kwargs)
    with pytest.raises(ValueError, match="not with an instance"):
        family.get(made, **kwargs)


def test_initializers_get_the_function_itself_and_accept_callables():
    assert initializers.get("Glorot-Uniform") is initializers.xavier_uniform
    assert initializers.get(initializers.he_normal) is initializers.he_normal
    with pytest.raises(ValueError, match="default_for"):
        initializers.get(None)


def test_datasets_load_any_spelling_and_the_alias():
    assert datasets.REGISTRY.canonical("MNIST_5K") == "mnist-5k"
    assert datasets.REGISTRY.canonical("mnist5k") == "mnist-5k"
    assert datasets.load("XOR", n_samples=8).name == "xor"


def test_presets_and_aliases_of_optimizers():
    momentum = optimizers.get("Momentum", lr=0.5)
    assert (momentum.name, momentum.momentum, momentum.lr) == ("sgd", 0.9, 0.5)
    assert optimizers.get("nesterov", momentum=0.5).nesterov
    assert optimizers.get("GD").name == "gd"
