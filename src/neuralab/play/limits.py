"""The playground's limits, enforced by the server whatever the page sends.

The page draws its controls inside these bounds too, but a message that asks for more (a hand-
written one, or a page of another version) is refused with an error message naming the limit.
Each limit keeps one tab's work per frame small, so that a frame stays fast, a closed tab stops
within a second, and one machine serves a classroom of tabs.
"""

from __future__ import annotations

MAX_HIDDEN_LAYERS = 6
"""Hidden layers: 0 to 6, as in TensorFlow Playground."""
MAX_NEURONS = 8
"""Neurons per hidden layer: 1 to 8."""
GENERATED_POINTS = 500
"""Points of a generated data set, split into train and test by the ratio (250 + 250 at 50%)."""
MAX_POINTS = 2000
"""Rows of an uploaded CSV."""
MAX_UPLOAD_BYTES = 1_000_000
"""Size of an uploaded CSV in bytes."""
MAX_MESSAGE_BYTES = 1_200_000
"""Size of one message from the page (an upload is the largest: the CSV plus a little JSON)."""
MAX_STEPS_PER_FRAME = 20
"""Training steps (epochs over the training set) per frame."""
MAX_BATCH = 500
"""Batch size."""
CLASSES = (2, 5)
"""Classes of the multiclass sets (gauss, spiral) and of an upload: 2 to 5."""
LEARNING_RATE = (1e-6, 10.0)
"""Learning rates the server accepts."""
MAX_REGULARIZATION = 10.0
"""L1/L2 rate."""
MAX_DROPOUT = 0.9
"""Dropout rate."""
MAX_WEIGHT = 100.0
"""A weight edited by hand lies in [−100, 100]."""
MAX_CONNECTIONS = 8
"""Open playground tabs per server (``neuralab play --max-tabs`` changes it)."""
GRID = 64
"""The output heatmap is GRID × GRID points of the input plane."""
THUMB_STRIDE = 2
"""Neuron thumbnails sample every THUMB_STRIDE-th grid point: (GRID / 2)² = 32 × 32."""
RACE_STEPS_PER_FRAME = 2
"""Optimizer steps per frame in the optimizer race."""
RACE_MAX_STEPS = 2000
"""An optimizer race ends after this many steps."""


def as_dict() -> dict:
    """The limits the page needs to draw its controls, by name."""
    return {"max_hidden_layers": MAX_HIDDEN_LAYERS, "max_neurons": MAX_NEURONS,
            "max_points": MAX_POINTS, "max_upload_bytes": MAX_UPLOAD_BYTES,
            "max_steps_per_frame": MAX_STEPS_PER_FRAME, "max_batch": MAX_BATCH,
            "classes": list(CLASSES), "learning_rate": list(LEARNING_RATE),
            "max_regularization": MAX_REGULARIZATION, "max_dropout": MAX_DROPOUT,
            "max_weight": MAX_WEIGHT, "grid": GRID, "thumb": GRID // THUMB_STRIDE}
