"""Learning-rate schedules: the learning rate as a function of the epoch or step index.

A schedule maps a 0-based index t and the optimizer's starting rate ``base_lr`` to the rate
for that epoch (``interval="epoch"``, the default) or that step (``interval="step"``). The
training loop uses it so::

    base_lr = opt.lr
    for t in range(n):                        # epochs, or steps when interval == "step"
        opt.lr = schedule(t, base_lr)
        ...train...
        schedule.observe(val_loss)            # after each epoch; only ReduceOnPlateau listens

Every schedule but ReduceOnPlateau is a pure function of t, so resuming at epoch t needs no
state. See docs/optimizers.md for pictures and advice.
"""

from __future__ import annotations

import math

from neuralab import checks
from neuralab.registry import Registry

__all__ = ["Constant", "Cosine", "Exponential", "InverseScaling", "ReduceOnPlateau", "Schedule",
           "StepDecay", "REGISTRY", "get", "names"]


class Schedule:
    """Base class: ``schedule(t, base_lr)`` → the learning rate for epoch or step t (0-based).

    Subclasses write ``_rate(t, base_lr)``; this class validates the arguments and returns a
    Python float. ``interval`` says what t counts: ``"epoch"`` (default) or ``"step"`` (one
    optimizer update). ``observe(metric)`` is told the monitored loss after each epoch; it does
    nothing here (only :class:`ReduceOnPlateau` uses it).
    """

    name = "schedule"

    def __init__(self, *, interval: str = "epoch"):
        if interval not in ("epoch", "step"):
            raise ValueError(f"interval must be 'epoch' or 'step', got {interval!r}")
        self.interval = interval

    def __call__(self, t: int, base_lr: float) -> float:
        return float(self._rate(checks.integer(t, "t", minimum=0),
                                checks.real(base_lr, "base_lr", minimum=0)))

    def _rate(self, t: int, base_lr: float) -> float:
        raise NotImplementedError

    def observe(self, metric: float) -> None:
        """Take note of the epoch's monitored metric (no-op for schedules that ignore it)."""

    def state_dict(self) -> dict:
        """What is needed to resume: only the name, since the rate is a function of t."""
        return {"name": self.name}

    def load_state_dict(self, state_dict: dict) -> None:
        """Check that ``state_dict`` came from a schedule of the same kind."""
        if not isinstance(state_dict, dict) or state_dict.get("name") != self.name:
            got = state_dict.get("name") if isinstance(state_dict, dict) else state_dict
            raise ValueError(f"state_dict is for schedule {got!r}, not {self.name!r}")


class Constant(Schedule):
    """The same rate throughout: η_t = base_lr."""

    name = "constant"

    def _rate(self, t: int, base_lr: float) -> float:
        return base_lr


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs (torch's StepLR).

    η_t = base_lr · γ^⌊t / step_size⌋. With step_size=30, gamma=0.1: base_lr for t = 0…29,
    base_lr/10 for t = 30…59, and so on.
    """

    name = "step"

    def __init__(self, step_size: int, gamma: float = 0.1, *, interval: str = "epoch"):
        super().__init__(interval=interval)
        self.step_size = checks.integer(step_size, "step_size", minimum=1)
        self.gamma = checks.real(gamma, "gamma", minimum=0, maximum=1, include_minimum=False)

    def _rate(self, t: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (t // self.step_size)


class Exponential(Schedule):
    """Multiply the rate by ``gamma`` every epoch (torch's ExponentialLR): η_t = base_lr · γᵗ."""

    name = "exponential"

    def __init__(self, gamma: float, *, interval: str = "epoch"):
        super().__init__(interval=interval)
        self.gamma = checks.real(gamma, "gamma", minimum=0, maximum=1, include_minimum=False)

    def _rate(self, t: int, base_lr: float) -> float:
        return base_lr * self.gamma**t


class Cosine(Schedule):
    """Linear warm-up, then half a cosine from base_lr down to ``min_lr`` at t = ``total``.

    With W = warmup and T = total::

        η_t = base_lr · (t + 1) / (W + 1)                                    t < W
        η_t = min_lr + (base_lr − min_lr) · (1 + cos(π (t − W) / (T − W))) / 2   W ≤ t ≤ T
        η_t = min_lr                                                        t > T

    The warm-up climbs from base_lr/(W + 1) (never exactly 0, so no step is wasted) and meets
    the cosine at base_lr when t = W. With W = 0 this is torch's CosineAnnealingLR(T_max=T,
    eta_min=min_lr) for t ≤ T; torch keeps oscillating after T, this one stays at min_lr.
    Reference: Loshchilov & Hutter, SGDR (2017), https://arxiv.org/abs/1608.03983.
    """

    name = "cosine"

    def __init__(self, total: int, min_lr: float = 0.0, warmup: int = 0, *,
                 interval: str = "epoch"):
        super().__init__(interval=interval)
        self.total = checks.integer(total, "total", minimum=1)
        self.min_lr = checks.real(min_lr, "min_lr", minimum=0)
        self.warmup = checks.integer(warmup, "warmup", minimum=0)
        if self.warmup >= self.total:
            raise ValueError(f"warmup must be smaller than total, got warmup={self.warmup}, "
                             f"total={self.total}")

    def _rate(self, t: int, base_lr: float) -> float:
        if t < self.warmup:
            return base_lr * (t + 1) / (self.warmup + 1)
        progress = min(t - self.warmup, self.total - self.warmup) / (self.total - self.warmup)
        return self.min_lr + (base_lr - self.min_lr) * (1.0 + math.cos(math.pi * progress)) / 2


class InverseScaling(Schedule):
    """scikit-learn's "invscaling": η_t = base_lr / (t + 1)^power_t.

    scikit-learn's MLP documents ``learning_rate_init / pow(t, power_t)`` and computes
    ``learning_rate_init / (time_step + 1) ** power_t`` with time_step the number of training
    samples seen so far, refreshed at the end of each epoch. Here t is the 0-based count of
    epochs (or of steps, with ``interval="step"``) done before this one, so t + 1 plays
    scikit-learn's t; the two agree when t counts samples (interval="step", batch size 1).
    """

    name = "inverse_scaling"

    def __init__(self, power_t: float = 0.5, *, interval: str = "epoch"):
        super().__init__(interval=interval)
        self.power_t = checks.real(power_t, "power_t", minimum=0)

    def _rate(self, t: int, base_lr: float) -> float:
        return base_lr / (t + 1) ** self.power_t


class ReduceOnPlateau(Schedule):
    """Cut the rate by ``factor`` when the monitored metric stops improving (torch's
    ReduceLROnPlateau with threshold_mode="rel" and no cooldown).

    ``observe(metric)`` after each epoch: the metric counts as an improvement when it beats
    the best so far by a relative margin — ``metric < best·(1 − threshold)`` in mode "min",
    ``metric > best·(1 + threshold)`` in mode "max". After more than ``patience`` epochs in a
    row without one, the multiplier is multiplied by ``factor`` and the count restarts. The rate
    is ``max(base_lr · multiplier, min_lr)``; it changes only in ``observe``, whatever t is.
    (torch also skips a cut smaller than 1e-8; with the floor at min_lr the rates agree.)
    """

    name = "reduce_on_plateau"

    def __init__(self, factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                 min_lr: float = 0.0, mode: str = "min", *, interval: str = "epoch"):
        super().__init__(interval=interval)
        self.factor = checks.real(factor, "factor", minimum=0, maximum=1, include_maximum=False)
        self.patience = checks.integer(patience, "patience", minimum=0)
        self.threshold = checks.real(threshold, "threshold", minimum=0)
        self.min_lr = checks.real(min_lr, "min_lr", minimum=0)
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' (for a loss) or 'max' (for an accuracy), "
                             f"got {mode!r}")
        self.mode = mode
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.multiplier = 1.0

    def _rate(self, t: int, base_lr: float) -> float:
        return max(base_lr * self.multiplier, self.min_lr)

    def observe(self, metric: float) -> None:
        """Record one epoch's metric; cut the multiplier after ``patience`` + 1 bad epochs."""
        metric = float(metric)
        if self._improves(metric):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1  # NaN never improves, as in torch
        if self.num_bad_epochs > self.patience:
            self.multiplier *= self.factor
            self.num_bad_epochs = 0

    def _improves(self, metric: float) -> bool:
        if self.mode == "min":
            return metric < self.best * (1.0 - self.threshold)
        return metric > self.best * (1.0 + self.threshold)

    def state_dict(self) -> dict:
        """The running state (best, bad-epoch count, multiplier); constructor args are not kept."""
        return {"name": self.name, "best": self.best, "num_bad_epochs": self.num_bad_epochs,
                "multiplier": self.multiplier}

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict(state_dict)
        if set(state_dict) != {"name", "best", "num_bad_epochs", "multiplier"}:
            raise ValueError("state_dict must have the keys 'name', 'best', 'num_bad_epochs' "
                             f"and 'multiplier', got {sorted(state_dict)}")
        best = float(state_dict["best"])
        if math.isnan(best):
            raise ValueError("state_dict 'best' must be a number or ±inf, got nan")
        bad = checks.integer(state_dict["num_bad_epochs"], "num_bad_epochs", minimum=0)
        multiplier = checks.real(state_dict["multiplier"], "multiplier", minimum=0, maximum=1)
        self.best, self.num_bad_epochs, self.multiplier = best, bad, multiplier


#: Every schedule by name (see :mod:`neuralab.registry`); ``get`` and ``names`` read it.
REGISTRY = Registry("schedule", base=Schedule, default="constant")
REGISTRY.register("constant", Constant)
REGISTRY.register("step", StepDecay, aliases=("step_decay",))
REGISTRY.register("exponential", Exponential)
REGISTRY.register("cosine", Cosine)
REGISTRY.register("inverse_scaling", InverseScaling, aliases=("invscaling",))
REGISTRY.register("reduce_on_plateau", ReduceOnPlateau, aliases=("plateau",))


def names() -> list[str]:
    """The canonical schedule names, sorted (aliases not included: see ``REGISTRY.aliases()``)."""
    return REGISTRY.names()


def get(identifier, **kwargs) -> Schedule:
    """A schedule from None (constant rate), a name, a class or an instance.

    The rules of :mod:`neuralab.registry`: names are case-insensitive with ``-`` and ``_``
    equivalent (``"step"``, ``"cosine"``, ``"invscaling"``, ``"plateau"``, ...); ``kwargs`` go
    to the constructor, e.g. ``get("cosine", total=50, warmup=5)``. An instance is returned as
    it is, without kwargs.
    """
    return REGISTRY.get(identifier, **kwargs)
