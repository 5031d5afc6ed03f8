"""solver="sgd" and solver="adam": scikit-learn's epoch loop, on a neuralab network.

The loop of ``BaseMultilayerPerceptron._fit_stochastic`` (scikit-learn 1.9), step for step, so
that with the same ``random_state`` the two libraries see the same batches in the same order:

    for each epoch (at most max_iter):
        order ← order[permutation(n)]           if shuffle (sklearn.utils.shuffle, same draws)
        for each batch of batch_size rows:      C + P and its gradient (model.Objective), a step
                                                (SGD adds the penalty's gradient in its step)
        loss_ = Σ batch cost × batch rows / n   → loss_curve_; t_ += n
        stopping rule: an epoch "does not improve" when
            loss_ > best_loss_ − tol                              (early_stopping=False)
            validation score < best_validation_score_ + tol       (early_stopping=True)
        more than n_iter_no_change such epochs in a row: stop (or, with learning_rate=
        "adaptive", divide the learning rate by 5 and go on)
    max_iter reached: ConvergenceWarning. early_stopping: the best epoch's weights come back.

Where neuralab is faster: each batch runs the network's forward and backward passes into
reused arrays, and the optimizer updates the whole network as one flat vector (Adam in one
compiled pass when numba is installed), where scikit-learn allocates per layer and per step.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from neuralab import optimizers
from neuralab.network import Network
from neuralab.sklearn.caller import warn
from neuralab.sklearn.model import Objective, check_finite, take_rows
from neuralab.sklearn.solvers import LearningRate, ScikitAdam, ScikitSGD

__all__ = ["StochasticSolver", "Epochs", "new_optimizer", "batch_size", "validation_split"]


class Epochs:
    """Passes over one training set in scikit-learn's mini-batches, each step taken.

    Args:
        net, optimizer: what is trained, and how. data: (x, targets, sample_weight or None).
        batch_size: rows per batch (the last one may be shorter). alpha: the L2 strength.
        value_scale: see :class:`~neuralab.sklearn.model.Objective`.
        random_state: the RandomState that shuffles, or None for no shuffling.

    With scikit-learn's SGD the penalty's gradient goes to the optimizer
    (``optimizer.penalty``), which adds it during its one pass over the parameters.
    """

    def __init__(self, net, optimizer, data, batch_size: int, alpha: float, value_scale: float,
                 random_state):
        self.x, self.targets, self.weights = data
        self.n = self.x.shape[0]
        self.batch_size, self.random_state = batch_size, random_state
        self.objective = Objective(net, alpha, batch_size, value_scale)
        if isinstance(optimizer, ScikitSGD):  # its one pass over θ adds the penalty's gradient
            optimizer.penalty = self.objective.defer_penalty_gradient()
        self.optimizer, self.flat = optimizer, [net.flat]
        self.order = np.arange(self.n) if random_state is not None else None
        gather = random_state is not None or sp.issparse(self.x)
        self.buffer = np.empty((batch_size, self.x.shape[1]), net.dtype) if gather else None

    def run(self) -> float:
        """One epoch; returns the mean batch cost, weighted by the batches' row counts."""
        if self.order is not None:  # sklearn.utils.shuffle(sample_idx): one more permutation
            self.order = self.order[self.random_state.permutation(self.n)]
        total = 0.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked after
            for start in range(0, self.n, self.batch_size):
                total += self._step(start)
        return total / self.n

    def _step(self, start: int) -> float:
        """One batch from position ``start`` of this epoch's order; its cost × its rows."""
        rows = slice(start, min(start + self.batch_size, self.n))
        index = rows if self.order is None else self.order[rows]
        weights = None if self.weights is None else self.weights[index]
        if weights is not None and not weights.sum() > 0:
            return 0.0  # a batch of weight 0 has no cost to follow (scikit-learn: 0/0)
        cost = self.objective(take_rows(self.x, index, self.buffer), self.targets[index],
                              weights)
        self.optimizer.step(self.flat)
        return cost * (rows.stop - rows.start)


class StochasticSolver:
    """scikit-learn's SGD/Adam training of one estimator, and what it remembers between fits.

    As in scikit-learn, the stopping rule's count and the best weights so far (early stopping)
    live as long as the network (a warm-started ``fit`` goes on counting), while the optimizer
    and its learning-rate schedule are new for each ``fit`` and carry over between
    ``partial_fit`` calls.

    ``fit`` reads the estimator's parameters and writes its public records (``n_iter_``,
    ``t_``, ``loss_``, ``loss_curve_``, ``best_loss_``, ``validation_scores_``,
    ``best_validation_score_``); what is private to the estimator comes as arguments.
    """

    def __init__(self, net: Network) -> None:
        self.no_improvement_count = 0
        self.best_state = net.flat.value.copy()
        self.optimizer: optimizers.Optimizer | None = None
        self.schedule: LearningRate | None = None

    def fit(self, est, X, y, targets, weights, *, incremental: bool, random_state,
            value_scale: float, score) -> None:
        """Train ``est.network_`` by mini-batches: until the stopping rule or ``max_iter``
        epochs, or one epoch (``incremental``, for partial_fit).

        y: the encoded targets (n, n_outputs) for the validation split; targets: the same as
        the network's loss takes them. score(X_val, y_val, w_val): the early-stopping score.
        """
        if not incremental or self.optimizer is None or self.schedule is None:
            self.optimizer = new_optimizer(est)
            kind = est.learning_rate if est.solver == "sgd" else "constant"
            self.schedule = LearningRate(self.optimizer, kind, est.power_t)
        if est.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        train, validation = (X, targets, weights), None
        if est.early_stopping:
            train, validation = validation_split(est, (X, y, targets, weights), random_state)
        epochs = Epochs(est.network_, self.optimizer, train,
                        batch_size(est.batch_size, train[0].shape[0]), est.alpha, value_scale,
                        random_state if est.shuffle else None)
        scoring = None if validation is None else (score, validation)
        try:
            self._run(est, epochs, self.schedule, scoring, incremental)
        except KeyboardInterrupt:
            warn("Training interrupted by user.")
        finally:
            est.network_.clear()
        if est.early_stopping:
            est.network_.flat.value[...] = self.best_state

    def _run(self, est, epochs: Epochs, schedule: LearningRate, validation,
             incremental: bool) -> None:
        """scikit-learn's epoch loop: record, check, count, maybe stop, maybe warn."""
        est.n_iter_ = 0
        for _ in range(est.max_iter):
            est.loss_ = epochs.run()
            est.n_iter_ += 1
            est.t_ += epochs.n
            est.loss_curve_.append(est.loss_)
            if est.verbose:
                print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
            if not math.isfinite(est.loss_):
                check_finite(est.network_, est.n_iter_, est.loss_)
            self._count_no_improvement(est, validation)
            schedule.iteration_ends(est.t_)
            if self.no_improvement_count > est.n_iter_no_change:
                if schedule.trigger_stopping(_stall_message(est), est.verbose):
                    break
                self.no_improvement_count = 0
            if incremental:
                break
            if est.n_iter_ == est.max_iter:
                warn(f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached and "
                     "the optimization hasn't converged yet.", ConvergenceWarning)

    def _count_no_improvement(self, est, validation) -> None:
        """scikit-learn's rule: count epochs that miss the best loss (or score) by tol."""
        if validation is None:
            worse = est.loss_curve_[-1] > est.best_loss_ - est.tol
            est.best_loss_ = min(est.best_loss_, est.loss_curve_[-1])
        else:
            score, data = validation
            value = score(*data)
            est.validation_scores_.append(value)
            if est.verbose:
                print(f"Validation score: {value:f}")
            worse = value < est.best_validation_score_ + est.tol
            if value > est.best_validation_score_:
                est.best_validation_score_ = value
                self.best_state = est.network_.flat.value.copy()
        self.no_improvement_count = self.no_improvement_count + 1 if worse else 0


def new_optimizer(est) -> optimizers.Optimizer:
    """scikit-learn's SGD or Adam with the estimator's parameters, or its neuralab optimizer."""
    lr = est.learning_rate_init
    if est.optimizer is not None:
        return optimizers.get(est.optimizer, lr=lr)
    if est.solver == "sgd":
        return ScikitSGD(lr, momentum=est.momentum, nesterov=est.nesterovs_momentum)
    return ScikitAdam(lr, betas=(est.beta_1, est.beta_2), eps=est.epsilon)


def batch_size(value, n: int) -> int:
    """"auto" is min(200, n); a larger int is clipped to n, with scikit-learn's warning."""
    if value == "auto":
        return min(200, n)
    if value > n:
        warn("Got `batch_size` less than 1 or larger than sample size. It is going to be "
             "clipped")
    return int(np.clip(value, 1, n))


def validation_split(est, data, random_state):
    """((X, targets, w) to train on, (X, y, w) to score), split as scikit-learn splits.

    The same call of ``train_test_split`` with the same RandomState, so the same rows are
    held out; stratified for one-output classifiers only (scikit-learn's rule).
    """
    X, y, targets, weights = data
    stratify = y if is_classifier(est) and est.n_outputs_ == 1 else None
    arrays = [X, y, targets] + ([] if weights is None else [weights])
    parts = train_test_split(*arrays, random_state=random_state,
                             test_size=est.validation_fraction, stratify=stratify)
    train, val = parts[0::2], parts[1::2]
    if val[0].shape[0] < 2:
        raise ValueError("The validation set is too small. Increase 'validation_fraction' or "
                         "the size of your dataset.")
    w_train, w_val = (None, None) if weights is None else (train[3], val[3])
    return (train[0], train[2], w_train), (val[0], val[1], w_val)


def _stall_message(est) -> str:
    what = "Validation score" if est.early_stopping else "Training loss"
    return (f"{what} did not improve more than tol={est.tol:f} for {est.n_iter_no_change} "
            "consecutive epochs.")
