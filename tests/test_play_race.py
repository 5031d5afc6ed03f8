"""The optimizer race on 2-D surfaces: the library's optimizers, stepping live."""

import numpy as np
import pytest

from neuralab import optimizers
from neuralab.gradcheck import numerical_gradient
from neuralab.play import protocol, race


@pytest.mark.parametrize("surface", sorted(race.SURFACES))
def test_terms_sum_to_the_gradient_of_the_surface(surface):
    s = race.SURFACES[surface]
    for point in [np.array(s["start"], float), np.array([0.3, -0.7])]:
        numeric = numerical_gradient(lambda p: float(s["f"](*p)), point, 1e-6)
        np.testing.assert_allclose(sum(s["terms"](point)), numeric, rtol=1e-6, atol=1e-6)


def test_saddle_has_its_saddle_point_and_two_minima():
    assert race.saddle(0.0, 0.0) == 0
    for y in (2**0.5, -(2**0.5)):
        assert race.saddle(0.0, y) == pytest.approx(-1.0)
        assert np.allclose(sum(race.saddle_terms(np.array([0.0, y]))), 0)


@pytest.mark.parametrize("surface", sorted(race.SURFACES))
def test_every_optimizer_goes_downhill_at_its_rate(surface):
    r = race.Race(surface, optimizers.names())
    start = float(race.SURFACES[surface]["f"](*race.SURFACES[surface]["start"]))
    r.step(400)
    for racer in r.racers:
        assert racer.status in ("running", "converged"), racer.name
        assert racer.value < start, racer.name


def test_adam_beats_gd_down_rosenbrocks_valley():
    r = race.Race("rosenbrock", ["gd", "adam"])
    while r.running:
        r.step(50)
    gd, adam = r.racers
    assert adam.status == "converged" and gd.status == "running"  # gd still in the valley
    assert adam.value < gd.value


def test_state_hands_out_each_new_point_once():
    r = race.Race("bowl", ["gd", "momentum"])
    r.step(3)
    state = r.state()
    assert state["step"] == 3 and [len(x["points"]) for x in state["racers"]] == [3, 3]
    assert r.state()["racers"][0]["points"] == []
    np.testing.assert_allclose(state["racers"][0]["points"][-1], r.racers[0].point.value)


def test_surface_message_and_bad_requests():
    header, arrays = protocol.unpack(race.Race("saddle", ["adam"]).surface_message())
    assert header["surface"] == "saddle" and arrays["field"].shape == (128, 128)
    with pytest.raises(ValueError, match="surface must be one of"):
        race.Race("himmelblau", ["gd"])
    with pytest.raises(ValueError, match="unknown optimizer"):
        race.Race("bowl", ["lbfgs"])
    with pytest.raises(ValueError, match="optimizers must be a list"):
        race.Race("bowl", "adam")
