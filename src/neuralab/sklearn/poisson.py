"""The exponential output and the half Poisson deviance: ``NeuralNetRegressor(loss="poisson")``.

scikit-learn's MLPRegressor offers ``loss="poisson"`` for counts and other non-negative targets:
the output unit is a = exp(z) (always positive, the mean of a Poisson variable) and the loss is
half the Poisson deviance. The two make a canonical pair, like softmax and cross-entropy: σ′ of
the output cancels and ∂C/∂z = (a − y)/n.

They live here, not in :mod:`neuralab.activations` and :mod:`neuralab.losses`, because only the
scikit-learn regressor uses them; they follow the same interfaces (forward and derivative side
by side, ``_terms`` and ``_grad``), so a :class:`~neuralab.Network` trains with them unchanged.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from neuralab.activations import Activation
from neuralab.losses import Loss

__all__ = ["Exp", "HalfPoissonDeviance"]


class Exp(Activation):
    """Exponential: f(z) = e^z, f′(z) = e^z.

    Range (0, ∞): the mean of a Poisson variable as a function of z (the log link). The
    derivative equals the output, so ``backward`` reads the cached output: f′ = a. Overflows
    to inf for z > 709 (float64) or z > 88 (float32), as scikit-learn's does.
    """

    name = "exp"
    output_range = "(0, inf)"
    max_derivative = None
    uses_output = True

    def _forward(self, z, out):
        return np.exp(z, out=out)

    def _derivative(self, z, out):
        return np.exp(z, out=out)

    def _backward(self, z, a, grad_a, out):
        return np.multiply(grad_a, a, out=out)


class HalfPoissonDeviance(Loss):
    """Half the Poisson deviance: C = 1/n Σᵢ Σⱼ [y ln(y/a) − y + a], with y ln(y/a) = 0 at y = 0.

    ∂C/∂a = (1 − y/a)/n. With the exponential output a = e^z, f′ = a cancels and
    ∂C/∂z = (a − y)/n. Targets must be ≥ 0 (the regressor checks that, with scikit-learn's
    message); C is 0 when a = y. Equals scikit-learn's ``poisson_loss``
    (``sklearn.neural_network._base``), which keeps the constant y ln y − y so that a perfect
    fit costs 0.
    """

    name = "half_poisson_deviance"
    default_output = "exp"
    required_output = "exp"
    fused_with = "exp"

    def _terms(self, a, y):
        return xlogy(y, y / a) - y + a

    def _grad(self, a, y):
        return 1 - y / a
