"""``warn``: the estimators' warnings, shown at the user's line and filed as scikit-learn's.

Python shows a warning at a frame some levels up the stack. The estimators' warnings
(ConvergenceWarning, the clipped batch size, an interrupted fit) are raised a varying number of
calls deep inside ``neuralab.sklearn``; counting the frames that belong to the package gives
the first one that does not — the line of the script that called ``fit`` or ``partial_fit`` —
and the warning is shown there.

For the warning filters, it is filed under the module of scikit-learn's MLP, where the same
warning comes from when MLPClassifier raises it: a script written for scikit-learn that
silences it with ``warnings.filterwarnings("ignore", category=ConvergenceWarning,
module="sklearn")`` (as scikit-learn's own examples do) keeps it silent after the swap.
"""

from __future__ import annotations

import inspect
import os
import warnings

__all__ = ["warn", "FILED_UNDER"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))

#: The module name that warning filters see: the one scikit-learn's MLP warns from.
FILED_UNDER = "sklearn.neural_network._multilayer_perceptron"


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn ``message`` at the first frame outside neuralab.sklearn, filed as scikit-learn's."""
    frame = inspect.currentframe()
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _PACKAGE:
        frame = frame.f_back
    if frame is None:  # called from outside any Python frame: no line to point at
        warnings.warn(message, category, stacklevel=2)
        return
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module=FILED_UNDER,
                           registry=frame.f_globals.setdefault("__warningregistry__", {}),
                           module_globals=frame.f_globals)
