"""Optimizers: the rules that turn gradients into parameter updates.

Each class implements torch.optim's documented algorithm of the same name, with the same
hyper-parameter names and defaults. The update is written for NumPy speed: the state of a
parameter is allocated once, and a step is a short, fixed sequence of in-place ufunc calls
(``out=``) over the parameter's memory, with Python-scalar factors folded together, so a step
allocates no arrays. Hand the optimizer one flat parameter holding every weight and the whole
update is a few vectorised passes. Adam and AdamW can go further: with numba installed they run
their update as one compiled pass with bit-identical results (``fused=``, ``neuralab.kernels``).

    opt = get("adam", lr=1e-3)
    for x, y in batches:
        net.zero_grad(); net.forward(x); net.backward(y)   # fills every parameter.grad
        opt.step(net.parameters())

See docs/optimizers.md for the ideas behind each rule and when to pick it.
"""

from __future__ import annotations

import math

import numpy as np

from neuralab import checks, kernels, optimizer_state
from neuralab.registry import Registry

__all__ = ["GD", "SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "REGISTRY", "get",
           "names"]


def _rate(value, name: str) -> float:
    """A non-negative finite hyper-parameter (lr, momentum, eps, weight_decay, …) as a float."""
    return checks.real(value, name, minimum=0)


def _fraction(value, name: str, *, include_one: bool = True) -> float:
    """A hyper-parameter in [0, 1] (or [0, 1) with ``include_one=False``) as a float."""
    return checks.real(value, name, minimum=0, maximum=1, include_maximum=include_one)


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _coupled_decay(value, grad, weight_decay, out):
    """L2 weight decay as torch couples it: g ← g + λ·θ, written into ``out``.

    Returns ``grad`` untouched when λ = 0 (no pass over memory at all).
    """
    if weight_decay == 0:
        return grad
    np.multiply(value, weight_decay, out=out)
    np.add(out, grad, out=out)
    return out


class Optimizer:
    """Base class: walks the parameters and owns the state; subclasses write only ``_update``.

    ``step(parameters)`` accepts any iterable of objects with ``.value`` and ``.grad`` arrays
    of one shape (such as :class:`neuralab.layers.Parameter`); the i-th object must be the same
    parameter at every step. For parameter i the first step creates ``state[i]`` —
    ``{"t": 0}`` plus the arrays of ``state_spec()``, named as in the algorithm's paper — then
    every step adds 1 to ``t`` and calls ``_update(value, grad, state, scratch)``, which
    changes ``value`` in place. ``scratch`` is a list of work arrays shaped like the parameter,
    allocated at the first step and never part of the state.

    Zero state: a new optimizer, or one after ``reset()``, holds no state. Its next step is step
    t = 1 of the algorithm, with every running average at its initial value (zeros; Adagrad's
    sum at ``initial_accumulator_value``; SGD's velocity starts as the first gradient). Call
    ``reset()`` when the parameters are re-initialised. Gradients are never zeroed here: that
    is the network's ``zero_grad``.

    ``lr`` may be changed between steps (schedules do); it is validated on assignment.
    ``state_dict()`` / ``load_state_dict()`` save and restore everything needed to resume.
    """

    name = "optimizer"

    def __init__(self, lr: float):
        self.lr = lr
        self.state: list[dict] = []
        self._scratch: list[list[np.ndarray]] = []

    @property
    def lr(self) -> float:
        """The learning rate γ used by the next step."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _rate(value, "lr")

    def hyperparameters(self) -> dict:
        """The constructor's arguments, as plain numbers: ``type(opt)(**opt.hyperparameters())``."""
        raise NotImplementedError

    def state_spec(self) -> dict[str, float]:
        """The per-parameter state arrays, by name, with their initial fill value.

        ``Adam().state_spec()`` is ``{"m": 0.0, "v": 0.0}``: the two moments it keeps for
        every parameter, both starting at zero.
        """
        raise NotImplementedError

    def _n_scratch(self) -> int:
        """How many parameter-shaped work arrays ``_update`` needs."""
        return 1

    def _update(self, value, grad, state, scratch) -> None:
        raise NotImplementedError

    def step(self, parameters) -> None:
        """Update every parameter's ``.value`` in place from its ``.grad``."""
        for i, parameter in enumerate(parameters):
            value, grad = parameter.value, parameter.grad
            state, scratch = self._slot(i, value, grad)
            state["t"] += 1
            self._update(value, grad, state, scratch)

    def reset(self) -> None:
        """Forget all state: the next step starts the algorithm afresh at t = 1."""
        self.state = []
        self._scratch = []

    def _slot(self, i: int, value, grad):
        """State and scratch of parameter i, created on first sight and checked every step."""
        if i == len(self.state):
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise TypeError(
                    f"parameter {i}: value must be a floating-point ndarray, got "
                    f"{type(value).__name__} of dtype {getattr(value, 'dtype', None)}")
            self.state.append(
                {"t": 0, **{k: np.full_like(value, f) for k, f in self.state_spec().items()}})
        state = self.state[i]
        optimizer_state.check_matches(i, value, grad, state)
        if i == len(self._scratch):
            self._scratch.append([np.empty_like(value) for _ in range(self._n_scratch())])
        return state, self._scratch[i]

    def state_dict(self) -> dict:
        """A snapshot to resume from: name, hyper-parameters, and per-parameter state copies.

        ``{"name": "adam", "hyperparameters": {"lr": 0.001, ...},
        "state": [{"t": 12, "m": ndarray, "v": ndarray}, ...]}`` — numbers and arrays only.
        """
        return {
            "name": self.name,
            "hyperparameters": self.hyperparameters(),
            "state": [
                {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in s.items()}
                for s in self.state
            ],
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and state from :meth:`state_dict` output (arrays copied).

        Raises ValueError when the dict is for another algorithm, has other hyper-parameter
        names, or holds state arrays whose names, shapes or dtypes do not fit. Shapes are
        checked against the parameters at the next ``step``. Nothing changes unless it all fits.
        """
        hyper, entries = optimizer_state.check_state_dict(
            state_dict, self.name, self.hyperparameters(), _ALGORITHM)
        fresh = type(self)(**hyper)  # validates every value
        spec, owner = fresh.state_spec(), repr(fresh)
        states = [optimizer_state.checked_entry(i, entry, spec, owner)
                  for i, entry in enumerate(entries)]
        self.__dict__.update(fresh.__dict__)
        self.state = states

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, dampening and Nesterov.

    Update (torch.optim.SGD), with g the gradient and b the velocity::

        g ← g + λ·θ                          (weight_decay λ > 0)
        b ← g  at t = 1,  else  b ← μ·b + (1 − τ)·g      (momentum μ > 0, dampening τ)
        g ← g + μ·b  if nesterov  else  g ← b            (only when μ > 0)
        θ ← θ − γ·g

    As code, without options: ``value -= lr * grad``.

    Papers: Robbins & Monro (1951), https://doi.org/10.1214/aoms/1177729586; momentum and
    Nesterov as in Sutskever et al. (2013), https://proceedings.mlr.press/v28/sutskever13.html.

    When to pick it: the baseline that every other rule is measured against; with momentum
    0.9 and a tuned, decaying learning rate it often generalises best. It needs that tuning:
    one γ for all parameters, so ill-conditioned losses make it zig-zag.
    """

    name = "sgd"

    def __init__(self, lr: float = 0.01, momentum: float = 0, dampening: float = 0,
                 nesterov: bool = False, weight_decay: float = 0):
        super().__init__(lr)
        self.momentum = _rate(momentum, "momentum")
        self.dampening = _fraction(dampening, "dampening")
        self.nesterov = _flag("nesterov", nesterov)
        self.weight_decay = _rate(weight_decay, "weight_decay")
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={self.momentum}, dampening={self.dampening}")

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "momentum": self.momentum, "dampening": self.dampening,
                "nesterov": self.nesterov, "weight_decay": self.weight_decay}

    def state_spec(self) -> dict[str, float]:
        return {"velocity": 0.0} if self.momentum else {}

    def _n_scratch(self) -> int:
        return 2 if self.momentum and self.weight_decay else 1

    def _update(self, value, grad, state, scratch) -> None:
        lr, s = self.lr, scratch[0]
        if not self.momentum:
            if self.weight_decay:  # θ − γ(g + λθ) = (1 − γλ)θ − γg: saves a pass
                np.multiply(value, 1.0 - lr * self.weight_decay, out=value)
            np.multiply(grad, lr, out=s)
            np.subtract(value, s, out=value)
            return
        g = _coupled_decay(value, grad, self.weight_decay, scratch[-1])
        velocity = self._velocity(g, state, s)
        if self.nesterov:  # θ ← θ − γ(g + μb), as two scaled subtractions
            np.multiply(g, lr, out=s)
            np.subtract(value, s, out=value)
            np.multiply(velocity, lr * self.momentum, out=s)
        else:
            np.multiply(velocity, lr, out=s)
        np.subtract(value, s, out=value)

    def _velocity(self, g, state, s):
        """b ← g at the first step (no dampening, as torch), else b ← μb + (1 − τ)g."""
        velocity = state["velocity"]
        if state["t"] == 1:
            np.copyto(velocity, g)
            return velocity
        np.multiply(velocity, self.momentum, out=velocity)
        if self.dampening:
            g = np.multiply(g, 1.0 - self.dampening, out=s)
        np.add(velocity, g, out=velocity)
        return velocity


class GD(SGD):
    """Gradient descent under the seed's name: the same algorithm and options as :class:`SGD`.

    "GD" and "SGD" differ only in the gradient they are given: the full training set's
    (``fit(..., batch_size=None)``, gradient descent proper) or a random mini-batch's
    (stochastic gradient descent). The update is ``θ ← θ − γ·∇C`` either way.
    """

    name = "gd"


class Adagrad(Optimizer):
    """Adagrad: a learning rate per parameter, shrinking with its summed squared gradients.

    Update (torch.optim.Adagrad); ε sits outside the square root::

        g ← g + λ·θ                              (weight_decay λ > 0)
        γ̃ ← γ / (1 + (t − 1)·η)                  (lr_decay η)
        sum ← sum + g²                           (sum₀ = initial_accumulator_value)
        θ ← θ − γ̃ · g / (√sum + ε)

    As code: ``sum += grad**2; value -= clr * grad / (np.sqrt(sum) + eps)``.

    Paper: Duchi, Hazan & Singer (2011), https://jmlr.org/papers/v12/duchi11a.html.

    When to pick it: sparse or rarely active features (word counts, embeddings), where rare
    parameters should keep large steps. Its step sizes only ever shrink, so long dense
    trainings stall; RMSprop and Adam fix that with a moving average.
    """

    name = "adagrad"

    def __init__(self, lr: float = 0.01, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10):
        super().__init__(lr)
        self.lr_decay = _rate(lr_decay, "lr_decay")
        self.weight_decay = _rate(weight_decay, "weight_decay")
        self.initial_accumulator_value = _rate(initial_accumulator_value,
                                               "initial_accumulator_value")
        self.eps = _rate(eps, "eps")

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "lr_decay": self.lr_decay, "weight_decay": self.weight_decay,
                "initial_accumulator_value": self.initial_accumulator_value, "eps": self.eps}

    def state_spec(self) -> dict[str, float]:
        return {"sum": self.initial_accumulator_value}

    def _n_scratch(self) -> int:
        return 2 if self.weight_decay else 1

    def _update(self, value, grad, state, scratch) -> None:
        s, total = scratch[0], state["sum"]
        g = _coupled_decay(value, grad, self.weight_decay, scratch[-1])
        clr = self.lr / (1.0 + (state["t"] - 1) * self.lr_decay)
        np.multiply(g, g, out=s)
        np.add(total, s, out=total)
        np.sqrt(total, out=s)
        np.add(s, self.eps, out=s)
        np.divide(g, s, out=s)
        np.multiply(s, clr, out=s)
        np.subtract(value, s, out=value)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a moving root-mean-square of recent gradients.

    Update (torch.optim.RMSprop)::

        g ← g + λ·θ                              (weight_decay λ > 0)
        v ← α·v + (1 − α)·g²
        g_avg ← α·g_avg + (1 − α)·g;  ṽ ← v − g_avg²    (centered; otherwise ṽ ← v)
        b ← μ·b + g / (√ṽ + ε);  θ ← θ − γ·b     (momentum μ > 0)
        θ ← θ − γ · g / (√ṽ + ε)                 (otherwise)

    As code: ``v = alpha*v + (1-alpha)*grad**2; value -= lr * grad / (np.sqrt(v) + eps)``.
    In the centered variant rounding can make ṽ a hair below 0 where it is 0 in exact
    arithmetic; it is clipped at 0 (torch would produce NaN there).

    Paper: Hinton, Neural Networks for Machine Learning, lecture 6e (2012),
    https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf; centered:
    Graves (2013), https://arxiv.org/abs/1308.0850.

    When to pick it: non-stationary problems and recurrent networks; Adagrad's per-parameter
    scaling without its ever-shrinking steps.
    """

    name = "rmsprop"

    def __init__(self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False):
        super().__init__(lr)
        self.alpha = _fraction(alpha, "alpha")
        self.eps = _rate(eps, "eps")
        self.weight_decay = _rate(weight_decay, "weight_decay")
        self.momentum = _rate(momentum, "momentum")
        self.centered = _flag("centered", centered)

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps,
                "weight_decay": self.weight_decay, "momentum": self.momentum,
                "centered": self.centered}

    def state_spec(self) -> dict[str, float]:
        spec = {"v": 0.0}
        if self.centered:
            spec["g_avg"] = 0.0
        if self.momentum:
            spec["velocity"] = 0.0
        return spec

    def _n_scratch(self) -> int:
        return 2 if self.weight_decay else 1

    def _update(self, value, grad, state, scratch) -> None:
        s, alpha = scratch[0], self.alpha
        g = _coupled_decay(value, grad, self.weight_decay, scratch[-1])
        _moving_average(state["v"], np.multiply(g, g, out=s), alpha)
        if self.centered:  # s ← √max(v − g_avg², 0)
            _moving_average(state["g_avg"], g, alpha, s)
            np.multiply(state["g_avg"], state["g_avg"], out=s)
            np.subtract(state["v"], s, out=s)
            np.maximum(s, 0.0, out=s)
            np.sqrt(s, out=s)
        else:
            np.sqrt(state["v"], out=s)
        np.add(s, self.eps, out=s)
        direction = np.divide(g, s, out=s)
        if self.momentum:
            direction = state["velocity"]
            np.multiply(direction, self.momentum, out=direction)
            np.add(direction, s, out=direction)
        np.multiply(direction, self.lr, out=s)
        np.subtract(value, s, out=value)


def _moving_average(average, x, decay, work=None):
    """average ← decay·average + (1 − decay)·x, in place; ``x`` is scaled inside ``work``.

    With ``work=None`` the scaling happens inside ``x`` itself (it must be scratch).
    """
    work = x if work is None else work
    np.multiply(average, decay, out=average)
    np.multiply(x, 1.0 - decay, out=work)
    np.add(average, work, out=average)


class Adam(Optimizer):
    """Adam: momentum (first moment m) divided by the RMS of recent gradients (second moment v).

    Update (torch.optim.Adam)::

        g ← g + λ·θ                              (weight_decay λ > 0: L2, coupled)
        m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
        v_max ← max(v_max, v) and use v_max for v below     (amsgrad)
        m̂ ← m / (1 − β₁ᵗ);   v̂ ← v / (1 − β₂ᵗ)
        θ ← θ − γ · m̂ / (√v̂ + ε)

    As code, with the two bias corrections folded into scalars (see ``_step``)::

        m = b1*m + (1-b1)*grad; v = b2*v + (1-b2)*grad**2
        value -= step_size * m / (np.sqrt(v) + eps_hat)

    Papers: Kingma & Ba (2015), https://arxiv.org/abs/1412.6980; AMSGrad: Reddi, Kale & Kumar
    (2018), https://openreview.net/forum?id=ryQu7f-RZ.

    ``fused`` (as in torch): ``None`` runs the whole update as one compiled pass
    (:func:`neuralab.kernels.fused_adam`) when numba is installed, the arrays allow it and the
    parameter is large enough to repay numba's start-up (``kernels.MIN_AUTO_SIZE`` elements),
    else the NumPy passes below; ``True`` insists on the kernel, ``False`` on NumPy. Both give
    bit-identical numbers; on large parameters the kernel is about 4× faster.

    When to pick it: the default for neural networks — robust to the scale of each parameter's
    gradient and to noisy mini-batches, good results with little tuning (lr 1e-3). Prefer
    AdamW when you want weight decay.
    """

    name = "adam"

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False,
                 fused: bool | None = None):
        super().__init__(lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2) such as (0.9, 0.999), "
                            f"got {betas!r}")
        self.betas = tuple(_fraction(b, f"betas[{k}]", include_one=False)
                           for k, b in enumerate(betas))
        self.eps = _rate(eps, "eps")
        self.weight_decay = _rate(weight_decay, "weight_decay")
        self.amsgrad = _flag("amsgrad", amsgrad)
        self.fused = None if fused is None else _flag("fused", fused)
        if self.fused and not kernels.available():
            raise ImportError("fused=True needs numba, which is not installed or does not import: "
                              "pip install 'neuralab[fast]' (or pass fused=None or False)")

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps,
                "weight_decay": self.weight_decay, "amsgrad": self.amsgrad, "fused": self.fused}

    def state_spec(self) -> dict[str, float]:
        return {"m": 0.0, "v": 0.0, "v_max": 0.0} if self.amsgrad else {"m": 0.0, "v": 0.0}

    def _n_scratch(self) -> int:
        return 2 if self.weight_decay else 1

    def _decayed_grad(self, value, grad, scratch):
        """Adam's L2 decay: the gradient becomes g + λθ (AdamW overrides this)."""
        return _coupled_decay(value, grad, self.weight_decay, scratch[-1])

    def _update(self, value, grad, state, scratch) -> None:
        if self._use_kernel(value, grad, state):
            self._fused_update(value, grad, state)
            return
        s, (beta1, beta2) = scratch[0], self.betas
        g = self._decayed_grad(value, grad, scratch)
        m, v = state["m"], state["v"]
        _moving_average(m, g, beta1, s)
        _moving_average(v, np.multiply(g, g, out=s), beta2)
        if self.amsgrad:
            v = np.maximum(state["v_max"], v, out=state["v_max"])
        step_size, eps_hat = self._step(state["t"])
        np.sqrt(v, out=s)
        np.add(s, eps_hat, out=s)
        np.divide(m, s, out=s)
        np.multiply(s, step_size, out=s)
        np.subtract(value, s, out=value)

    def _step(self, t: int) -> tuple[float, float]:
        """Fold the bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ into two Python scalars.

        γ·(m/c₁)/(√(v/c₂) + ε): multiply numerator and denominator by √c₂ to get
        (γ√c₂/c₁)·m/(√v + ε√c₂) — the same number in exact arithmetic (torch computes the
        left form), with no array ever divided by c₁ or c₂.
        """
        beta1, beta2 = self.betas
        root_c2 = math.sqrt(1.0 - beta2**t)
        return self.lr * root_c2 / (1.0 - beta1**t), self.eps * root_c2

    def _use_kernel(self, value, grad, state) -> bool:
        """Whether this step runs as the one-pass kernel (see ``fused`` in the class doc)."""
        too_small = self.fused is None and value.size < kernels.MIN_AUTO_SIZE
        if self.fused is False or too_small or not kernels.available():  # size first: no import
            return False
        arrays = [value, grad, *(a for a in state.values() if isinstance(a, np.ndarray))]
        if kernels.fusable(*arrays):
            return True
        if self.fused:
            raise ValueError("fused=True needs C-contiguous float32 or float64 parameters, got "
                             f"{value.dtype} with shape {value.shape}; pass fused=None to "
                             "fall back to NumPy for such arrays")
        return False

    def _fused_update(self, value, grad, state) -> None:
        step_size, eps_hat = self._step(state["t"])
        l2, shrink = self._decay_factors()
        beta1, beta2 = self.betas
        kernels.fused_adam(value, grad, state["m"], state["v"], state.get("v_max"),
                           beta1=beta1, beta2=beta2, step_size=step_size, eps_hat=eps_hat,
                           l2=l2, shrink=shrink)

    def _decay_factors(self) -> tuple[float, float]:
        """(λ added to the gradient as λ·θ, factor θ is multiplied by first): Adam's is L2."""
        return self.weight_decay, 1.0


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay — shrink θ directly, not through the gradient.

    Update (torch.optim.AdamW)::

        θ ← θ − γ·λ·θ                            (weight_decay λ, default 0.01)
        then Adam's update with the raw gradient g (no λ·θ added to it).

    As code: ``value *= 1 - lr * weight_decay`` followed by Adam's step.

    Paper: Loshchilov & Hutter (2019), https://arxiv.org/abs/1711.05101.

    When to pick it: whenever you want weight decay with Adam. Added to the gradient (Adam's
    ``weight_decay``) the decay is divided by √v̂ like everything else, so parameters with large
    gradients are barely regularised; decoupled, every weight shrinks at the same rate γλ.
    """

    name = "adamw"

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01, amsgrad: bool = False,
                 fused: bool | None = None):
        super().__init__(lr, betas, eps, weight_decay, amsgrad, fused)

    def _n_scratch(self) -> int:
        return 1

    def _decayed_grad(self, value, grad, scratch):
        """Decoupled decay: θ ← (1 − γλ)·θ in place; the gradient is left as it is."""
        if self.weight_decay:
            np.multiply(value, 1.0 - self.lr * self.weight_decay, out=value)
        return grad

    def _decay_factors(self) -> tuple[float, float]:
        """Decoupled: nothing added to the gradient; θ is multiplied by 1 − γλ first."""
        return 0.0, (1.0 - self.lr * self.weight_decay) if self.weight_decay else 1.0


# GD and SGD are one algorithm under two names: their state dicts are interchangeable.
_ALGORITHM = {"gd": "sgd"}


def _momentum(**kwargs) -> SGD:
    """The "momentum" preset: ``SGD(momentum=0.9)``; kwargs override it."""
    return SGD(**{"momentum": 0.9, **kwargs})


def _nesterov(**kwargs) -> SGD:
    """The "nesterov" preset: ``SGD(momentum=0.9, nesterov=True)``; kwargs override it."""
    return SGD(**{"momentum": 0.9, "nesterov": True, **kwargs})


#: Every optimizer by name (see :mod:`neuralab.registry`); ``get`` and ``names`` read it.
REGISTRY = Registry("optimizer", base=Optimizer)
REGISTRY.register("sgd", SGD)
REGISTRY.register("gd", GD)
REGISTRY.register("momentum", _momentum)
REGISTRY.register("nesterov", _nesterov)
REGISTRY.register("adagrad", Adagrad)
REGISTRY.register("rmsprop", RMSprop)
REGISTRY.register("adam", Adam)
REGISTRY.register("adamw", AdamW)


def names() -> list[str]:
    """Every name :func:`get` accepts, sorted ("momentum" and "nesterov" are SGD presets)."""
    return REGISTRY.names()


def get(identifier, **kwargs) -> Optimizer:
    """An optimizer from a name, a class or an instance.

    The rules of :mod:`neuralab.registry`: names are case-insensitive with ``-`` and ``_``
    equivalent; ``kwargs`` go to the constructor. ``"momentum"`` is ``SGD(momentum=0.9)`` and
    ``"nesterov"`` is ``SGD(momentum=0.9, nesterov=True)``; kwargs override those values. An
    instance is returned as it is, and then kwargs are not allowed.
    """
    return REGISTRY.get(identifier, **kwargs)
