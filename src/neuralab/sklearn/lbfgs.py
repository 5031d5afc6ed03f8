"""solver="lbfgs": SciPy's L-BFGS-B on the network's flat parameter vector.

L-BFGS (Nocedal 1980; Liu & Nocedal 1989) is a quasi-Newton method: from the last m gradients
it builds an estimate of the inverse Hessian and steps along it, with a line search. It uses the
whole training set at every step (no mini-batches), so it suits small data sets, where
scikit-learn's documentation recommends it ("converges faster and performs better").

The objective is scikit-learn's: the loss over all samples plus α/(2n)·Σ‖W‖² (see
:class:`~neuralab.sklearn.model.Objective`). SciPy works in float64; the network computes
in its own dtype, as scikit-learn's does. Each evaluation writes θ into ``net.flat.value``,
runs one forward and one backward pass, and hands back a float64 copy of ``net.flat.grad``.
A sparse X is evaluated in chunks of rows, densified one at a time.

``max_iter`` bounds the iterations, ``max_fun`` the function evaluations and ``tol`` the
projected gradient (SciPy's ``gtol``), exactly the options scikit-learn passes.
"""

from __future__ import annotations

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from neuralab.network import CHUNK
from neuralab.sklearn.caller import warn
from neuralab.sklearn.model import Objective, take_rows

__all__ = ["minimize", "FullBatch"]


class FullBatch:
    """C + P over a whole training set as a function of the flat parameters θ, for SciPy.

    ``FullBatch(...)(theta)`` → (cost, gradient as a new float64 array). A dense x is one
    batch; a sparse x is summed over chunks of ``chunk_rows`` rows, each weighted by its share
    of the samples (or of the total sample weight), and densified one at a time.
    """

    chunk_rows = 4 * CHUNK

    def __init__(self, net, data, alpha: float, value_scale: float):
        self.net, (self.x, self.targets, self.weights) = net, data
        n = self.x.shape[0]
        rows = min(n, self.chunk_rows) if sp.issparse(self.x) else n
        self.chunks = [slice(start, min(start + rows, n)) for start in range(0, n, rows)]
        self.objective = Objective(net, alpha, rows, value_scale)
        self.buffer = np.empty((rows, self.x.shape[1]), net.dtype) if sp.issparse(self.x) \
            else None
        self.calls = 0

    def __call__(self, theta) -> tuple[float, np.ndarray]:
        self.calls += 1
        self.net.flat.value[...] = theta
        if len(self.chunks) == 1:
            x = take_rows(self.x, self.chunks[0], self.buffer)
            cost = self.objective(x, self.targets, self.weights)
            return cost, self.net.flat.grad.astype(np.float64)
        return self._chunked()

    def _chunked(self) -> tuple[float, np.ndarray]:
        """Σ over chunks of share × (C, ∂C/∂θ) of the chunk, then the penalty once."""
        total = self.x.shape[0] if self.weights is None else float(self.weights.sum())
        cost, grad = 0.0, np.zeros(self.net.flat.grad.shape, np.float64)
        for rows in self.chunks:
            w = None if self.weights is None else self.weights[rows]
            size = rows.stop - rows.start if w is None else float(w.sum())
            if size == 0:
                continue
            part = self.objective.data_term(take_rows(self.x, rows, self.buffer),
                                            self.targets[rows], w)
            cost += part * size / total
            grad += self.net.flat.grad * (size / total)
        self.net.flat.grad[...] = grad
        cost += self.objective.penalty(total)
        return cost, self.net.flat.grad.astype(np.float64)


def minimize(net, data, alpha: float, value_scale: float, *, max_iter: int, max_fun: int,
             tol: float) -> tuple[int, float]:
    """Minimise C + P over ``data`` = (X, targets, weights) with L-BFGS-B from the current
    weights, which it leaves at the minimum found; returns (iterations, final cost)."""
    function = FullBatch(net, data, alpha, value_scale)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked after
            result = scipy.optimize.minimize(
                function, net.flat.value.astype(np.float64), method="L-BFGS-B", jac=True,
                options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol})
    finally:
        net.clear()
    net.flat.value[...] = result.x
    return _iterations(result, max_iter), float(result.fun)


def _iterations(result, max_iter: int) -> int:
    """The iterations L-BFGS took; a ConvergenceWarning with scikit-learn's text if it stopped
    short of convergence (``sklearn.utils.optimize._check_optimize_result``)."""
    n_iter = min(result.nit, max_iter)
    if result.status != 0:
        message = (f"lbfgs failed to converge after {n_iter} iteration(s) "
                   f"(status={result.status}):\n{result.message}\n")
        if n_iter == max_iter:
            message += ("\nIncrease the number of iterations to improve the convergence "
                        f"(max_iter={max_iter}).")
        message += ("\nYou might also want to scale the data as shown in:\n"
                    "    https://scikit-learn.org/stable/modules/preprocessing.html")
        warn(message, ConvergenceWarning)
    return n_iter
