"""Tests for neuralab.schedules: values at given t worked out by hand, plateau behaviour on a
crafted metric sequence, scikit-learn's invscaling, registry and validation."""

import math

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

from neuralab import schedules
from neuralab.schedules import (
    Constant,
    Cosine,
    Exponential,
    InverseScaling,
    ReduceOnPlateau,
    StepDecay,
)


def rates(schedule, ts, base_lr=1.0):
    return [schedule(t, base_lr) for t in ts]


def test_constant():
    assert rates(Constant(), [0, 1, 100], base_lr=0.3) == [0.3, 0.3, 0.3]


def test_step_decay_by_hand():
    # γ^⌊t/3⌋ with γ = 0.5: 1 for t = 0, 1, 2; 0.5 for 3…5; 0.25 from 6
    assert rates(StepDecay(3, gamma=0.5), range(8)) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert StepDecay(step_size=10)(25, 0.1) == pytest.approx(0.1 * 0.1**2)


def test_exponential_by_hand():
    # 0.1·0.9ᵗ: 0.1, 0.09, 0.081, ..., and 0.1·0.9¹⁰ at t = 10
    assert rates(Exponential(0.9), [0, 1, 2, 10], 0.1) == pytest.approx(
        [0.1, 0.09, 0.081, 0.1 * 0.9**10])


def test_cosine_without_warmup_by_hand():
    # min + (base − min)(1 + cos(π t/10))/2 with base 0.1, min 0.01
    cosine = Cosine(total=10, min_lr=0.01)
    expected = [0.1, 0.01 + 0.09 * (1 + math.cos(0.2 * math.pi)) / 2, 0.055, 0.01, 0.01]
    assert rates(cosine, [0, 2, 5, 10, 15], 0.1) == pytest.approx(expected, rel=1e-12)


def test_cosine_with_warmup_by_hand():
    # warm-up (t+1)/(W+1) with W = 4: 0.2, 0.4, 0.6, 0.8; then cosine over t = 4…12
    cosine = Cosine(total=12, warmup=4)
    assert rates(cosine, range(5)) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert cosine(8, 1.0) == pytest.approx(0.5)  # halfway through the cosine: (1 + cos π/2)/2
    assert cosine(10, 1.0) == pytest.approx((1 + math.cos(0.75 * math.pi)) / 2)
    assert rates(cosine, [12, 13, 1000]) == [0.0, 0.0, 0.0]
    values = rates(cosine, range(20))
    assert all(a < b for a, b in zip(values[:4], values[1:5], strict=True))
    assert all(a >= b for a, b in zip(values[4:], values[5:], strict=False))


def test_inverse_scaling_by_hand():
    # base/(t + 1)^0.5: t = 0 → 1, t = 3 → 1/2, t = 8 → 1/3
    assert rates(InverseScaling(), [0, 3, 8]) == pytest.approx([1.0, 0.5, 1 / 3])
    assert InverseScaling(power_t=1.0)(4, 0.5) == pytest.approx(0.1)


@pytest.mark.parametrize("t", [0, 1, 7, 100, 12345])
def test_inverse_scaling_equals_scikit_learns_invscaling(t):
    # scikit-learn sets learning_rate = init/(time_step + 1)**power_t, time_step being the
    # number of samples seen; ours at index t uses t + 1 in the same place.
    sk = SGDOptimizer([np.zeros(1)], learning_rate_init=0.2, lr_schedule="invscaling",
                      power_t=0.3)
    sk.iteration_ends(t)
    assert InverseScaling(power_t=0.3)(t, 0.2) == pytest.approx(sk.learning_rate, rel=1e-15)


def test_reduce_on_plateau_on_a_crafted_sequence():
    # min mode, relative threshold 0.1: a metric improves when it is < 0.9·best.
    # patience 2: the third bad epoch in a row cuts the rate by 0.5 and restarts the count.
    plateau = ReduceOnPlateau(factor=0.5, patience=2, threshold=0.1)
    sequence = [
        (1.00, 1.0),    # first value improves on +inf: best = 1.0
        (0.95, 1.0),    # not < 0.9: bad 1
        (0.92, 1.0),    # bad 2
        (0.91, 0.5),    # bad 3 > patience: cut to 0.5
        (0.85, 0.5),    # < 0.9·1.0: improves, best = 0.85
        (0.80, 0.5),    # not < 0.765: bad 1
        (0.70, 0.5),    # < 0.765: improves, best = 0.70
        (0.69, 0.5), (0.68, 0.5), (0.67, 0.25),   # three bad epochs: cut again
        (math.nan, 0.25), (0.2, 0.25),            # NaN never improves; 0.2 does
    ]
    for epoch, (metric, expected_lr) in enumerate(sequence):
        plateau.observe(metric)
        assert plateau(epoch + 1, 0.8) == pytest.approx(0.8 * expected_lr), f"epoch {epoch}"
    assert plateau.best == 0.2 and plateau.num_bad_epochs == 0


def test_reduce_on_plateau_max_mode_and_floor():
    # max mode (an accuracy), patience 0: every non-improving epoch cuts by 10×, floor 1e-3
    plateau = ReduceOnPlateau(mode="max", patience=0, threshold=0.0, min_lr=1e-3)
    observed = []
    for accuracy in [0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7, 0.7]:
        plateau.observe(accuracy)
        observed.append(plateau(0, 0.1))
    assert observed == pytest.approx([0.1, 0.1, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001])


def test_reduce_on_plateau_changes_only_in_observe():
    plateau = ReduceOnPlateau(patience=0)
    assert rates(plateau, [0, 5, 50], 0.1) == [0.1, 0.1, 0.1]


def test_reduce_on_plateau_state_dict_resumes_the_same_decisions():
    metrics = [1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7, 0.8]
    original = ReduceOnPlateau(factor=0.5, patience=1)
    for metric in metrics[:4]:
        original.observe(metric)
    resumed = ReduceOnPlateau(factor=0.5, patience=1)
    resumed.load_state_dict(original.state_dict())
    for metric in metrics[4:]:
        original.observe(metric)
        resumed.observe(metric)
        assert resumed(0, 1.0) == original(0, 1.0)
    assert original(0, 1.0) < 0.5  # it did cut, more than once


def test_other_schedules_have_a_name_only_state():
    cosine = Cosine(total=5)
    assert cosine.state_dict() == {"name": "cosine"}
    cosine.load_state_dict({"name": "cosine"})
    with pytest.raises(ValueError, match="state_dict is for schedule 'step', not 'cosine'"):
        cosine.load_state_dict({"name": "step"})


def test_observe_is_a_no_op_for_fixed_schedules():
    step = StepDecay(2)
    before = rates(step, range(6))
    for metric in [5.0, 4.0, 3.0]:
        step.observe(metric)
    assert rates(step, range(6)) == before


def test_interval_defaults_to_epoch_and_can_be_step():
    assert Cosine(10).interval == "epoch"
    assert Cosine(10, interval="step").interval == "step"
    assert schedules.get("plateau", interval="step").interval == "step"


def test_rates_are_python_floats():
    for schedule in [Constant(), StepDecay(2), Exponential(0.5), Cosine(4, warmup=1),
                     InverseScaling(), ReduceOnPlateau()]:
        assert type(schedule(np.int64(3), np.float32(0.5))) is float


def test_get_and_names():
    assert isinstance(schedules.get(None), Constant)
    assert isinstance(schedules.get("Reduce-On-Plateau"), ReduceOnPlateau)
    assert isinstance(schedules.get("invscaling"), InverseScaling)
    assert schedules.get("step", step_size=4).step_size == 4
    assert schedules.get(Cosine, total=8).total == 8
    instance = Exponential(0.9)
    assert schedules.get(instance) is instance
    assert schedules.names() == ["constant", "cosine", "exponential", "inverse_scaling",
                                 "reduce_on_plateau", "step"]
    assert schedules.REGISTRY.aliases() == {"invscaling": "inverse_scaling",
                                            "plateau": "reduce_on_plateau",
                                            "step_decay": "step"}


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: Cosine(10, interval="batch"), ValueError, "interval must be 'epoch' or 'step'"),
    (lambda: Cosine(10, warmup=10), ValueError, "warmup must be smaller than total"),
    (lambda: Cosine(0), ValueError, "total must be an integer >= 1"),
    (lambda: Cosine(10, min_lr=-1), ValueError, "min_lr must be"),
    (lambda: StepDecay(0), ValueError, "step_size must be an integer >= 1"),
    (lambda: StepDecay(2.5), TypeError, "step_size must be an integer"),
    (lambda: StepDecay(2, gamma=0), ValueError, r"gamma must be a finite number in \(0, 1\]"),
    (lambda: Exponential(1.5), ValueError, r"gamma must be a finite number in \(0, 1\]"),
    (lambda: InverseScaling(power_t=-0.5), ValueError, "power_t must be"),
    (lambda: ReduceOnPlateau(factor=1.0), ValueError, r"factor must be a finite .* \[0, 1\)"),
    (lambda: ReduceOnPlateau(patience=-1), ValueError, "patience must be an integer >= 0"),
    (lambda: ReduceOnPlateau(mode="median"), ValueError, "mode must be 'min'"),
    (lambda: Constant()(-1, 0.1), ValueError, "t must be an integer >= 0"),
    (lambda: Constant()(1.5, 0.1), TypeError, "t must be an integer"),
    (lambda: Constant()(1, -0.1), ValueError, "base_lr must be"),
    (lambda: schedules.get("warm"), ValueError, "unknown schedule 'warm'; known names: "
                                                "constant, cosine, exponential"),
    (lambda: schedules.get(Constant(), interval="step"), ValueError,
     "can only be given with a name or a class"),
    (lambda: ReduceOnPlateau().load_state_dict({"name": "reduce_on_plateau"}), ValueError,
     "must have the keys"),
])
def test_invalid_arguments_are_rejected_with_a_clear_message(make, error, match):
    with pytest.raises(error, match=match):
        make()
