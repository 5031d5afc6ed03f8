"""scikit-learn's stochastic solvers as neuralab optimizers, and its learning-rate schedules.

``solver="sgd"`` and ``solver="adam"`` must take the very steps MLPClassifier takes, so that a
script switched to neuralab gets the same numbers. Two of scikit-learn's rules differ from
torch.optim's (which :mod:`neuralab.optimizers` follows):

- its SGD keeps the learning rate inside the velocity (``velocity = μ·velocity − γ·g``), so a
  learning rate that changes between epochs ("invscaling", "adaptive") changes only new steps;
- its Adam adds ε to √v, not to √v̂ = √(v / (1 − β₂ᵗ)).

Both run on the network's one flat parameter vector, like every neuralab optimizer; Adam keeps
neuralab's one-pass compiled kernel (``neuralab.kernels``) when numba is installed.

Reference: ``sklearn/neural_network/_stochastic_optimizers.py`` (scikit-learn 1.9).
"""

from __future__ import annotations

import numpy as np

from neuralab import checks
from neuralab.optimizers import Adam, Optimizer
from neuralab.sklearn import kernels
from neuralab.sklearn.model import L2Gradient

__all__ = ["ScikitSGD", "ScikitAdam", "LearningRate"]


class ScikitSGD(Optimizer):
    """scikit-learn's SGD with (Nesterov) momentum: the learning rate lives in the velocity.

    Update, with g the gradient, γ the learning rate and μ the momentum::

        velocity ← μ·velocity − γ·g
        θ ← θ + velocity                  (nesterov=False: classical momentum)
        θ ← θ + μ·velocity − γ·g          (nesterov=True: the look-ahead step)

    As code: ``velocity = momentum * velocity - lr * grad; value += velocity``. With a constant
    γ this is torch's SGD (velocity_sklearn = −γ·velocity_torch); when γ changes it is not.

    ``penalty`` (an :class:`~neuralab.sklearn.model.L2Gradient`, or None): the L2 penalty's
    gradient, g ← g + (α/n_b)·W on the weights, added during the step instead of in a pass of
    its own; ``.grad`` itself is left unchanged.

    Papers: Polyak (1964); Sutskever et al. (2013), https://proceedings.mlr.press/v28/sutskever13.html.
    """

    name = "sklearn_sgd"

    def __init__(self, lr: float = 0.1, momentum: float = 0.9, nesterov: bool = True):
        super().__init__(lr)
        self.momentum = checks.real(momentum, "momentum", minimum=0, maximum=1)
        self.nesterov = bool(nesterov)
        self.penalty: L2Gradient | None = None

    def hyperparameters(self) -> dict:
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def state_spec(self) -> dict[str, float]:
        return {"velocity": 0.0}

    def _n_scratch(self) -> int:
        return 3

    def load_state_dict(self, state_dict: dict) -> None:
        """As :meth:`Optimizer.load_state_dict`; the ``penalty`` handed to this optimizer stays."""
        penalty = self.penalty
        super().load_state_dict(state_dict)
        self.penalty = penalty

    def _update(self, value, grad, state, scratch) -> None:
        """Six NumPy passes at most (more with the penalty), in scikit-learn's order of
        operations (same rounding); one compiled pass with the same result when numba is there
        (``sklearn.kernels``)."""
        velocity, step, look_ahead = state["velocity"], scratch[0], scratch[1]
        penalty = self.penalty
        if penalty is not None:
            penalty.check_covers(value)
        if kernels.usable(value, grad, velocity):
            kernels.sgd_step(value, grad, velocity, lr=self.lr, momentum=self.momentum,
                             nesterov=self.nesterov,
                             segments=None if penalty is None else penalty.segments,
                             decay=0.0 if penalty is None else penalty.factor)
            return
        if penalty is not None:
            grad = penalty.added_to(grad, value, out=scratch[2])
        np.multiply(velocity, self.momentum, out=velocity)
        np.multiply(grad, self.lr, out=step)
        np.subtract(velocity, step, out=velocity)
        if not self.nesterov:
            np.add(value, velocity, out=value)
            return
        np.multiply(velocity, self.momentum, out=look_ahead)
        np.subtract(look_ahead, step, out=look_ahead)
        np.add(value, look_ahead, out=value)


class ScikitAdam(Adam):
    """Adam as scikit-learn writes it: ε is added to √v, not to the bias-corrected √v̂.

    Update::

        m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
        γₜ ← γ·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
        θ ← θ − γₜ · m / (√v + ε)

    torch's Adam (:class:`neuralab.optimizers.Adam`) divides by √v̂ + ε, that is by
    √v + ε·√(1 − β₂ᵗ): the same rule with a smaller ε in the first steps. Only the pair of
    scalars of ``Adam._step`` differs, so the NumPy passes and the compiled kernel serve both.

    Paper: Kingma & Ba (2015), https://arxiv.org/abs/1412.6980 (scikit-learn follows its
    Algorithm 1 with the "more efficient" ordering of section 2).
    """

    name = "sklearn_adam"

    def _step(self, t: int) -> tuple[float, float]:
        """(γₜ, ε): scikit-learn's step size, and ε itself added to √v."""
        step_size, _ = super()._step(t)
        return step_size, self.eps


class LearningRate:
    """scikit-learn's learning-rate schedules for ``solver="sgd"``, applied to ``optimizer.lr``.

    - "constant": γ = learning_rate_init throughout.
    - "invscaling": after each epoch, γ = learning_rate_init / (t + 1)^power_t, t the number
      of samples seen so far (the estimator's ``t_``).
    - "adaptive": γ stays until the stopping rule fires (``n_iter_no_change`` epochs without
      improvement); then γ ← γ/5 and training goes on, until γ ≤ 1e-6.

    Any other solver behaves as "constant". Messages are printed only when ``verbose``, with
    scikit-learn's wording.
    """

    def __init__(self, optimizer: Optimizer, schedule: str, power_t: float):
        self.optimizer, self.schedule, self.power_t = optimizer, schedule, power_t
        self.initial = optimizer.lr

    def iteration_ends(self, samples_seen: int) -> None:
        """Update γ at the end of an epoch ("invscaling")."""
        if self.schedule == "invscaling":
            self.optimizer.lr = float(self.initial) / (samples_seen + 1) ** self.power_t

    def trigger_stopping(self, message: str, verbose) -> bool:
        """The stopping rule fired: True to stop, False after dividing γ by 5 ("adaptive")."""
        if self.schedule != "adaptive":
            _say(verbose, message + " Stopping.")
            return True
        if self.optimizer.lr <= 1e-6:
            _say(verbose, message + " Learning rate too small. Stopping.")
            return True
        self.optimizer.lr /= 5.0
        _say(verbose, message + f" Setting learning rate to {self.optimizer.lr:f}")
        return False


def _say(verbose, message: str) -> None:
    """Print ``message`` when ``verbose`` (scikit-learn's estimators print to stdout)."""
    if verbose:
        print(message)
