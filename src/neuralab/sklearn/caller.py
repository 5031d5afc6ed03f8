"""``warn``: a warning attributed to the user's line, not to a line inside this package.

Python reports a warning at the frame ``stacklevel`` levels up. The estimators' warnings
(ConvergenceWarning, the clipped batch size, an interrupted fit) are raised a varying number of
calls deep inside ``neuralab.sklearn``; counting the frames that belong to the package gives
the first one that does not — the line of the script that called ``fit`` or ``partial_fit``.
"""

from __future__ import annotations

import inspect
import os
import warnings

__all__ = ["warn"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn(message, category)`` at the first frame outside neuralab.sklearn."""
    level, frame = 1, inspect.currentframe()
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == _PACKAGE:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
