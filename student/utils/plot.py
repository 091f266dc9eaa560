"""Learning curves: loss and accuracy per epoch, training against validation, saved as a PNG."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

CURVES = ("train_loss", "train_acc", "val_loss", "val_acc")


def plot_curves(history: Any, path: str | Path, title: str | None = None) -> str | Path:
    """Returns ``path`` after writing there a PNG of the learning curves in ``history``.

    history: a ``History`` from utils/train.py, or any object with the
    attributes ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc`` (lists
    with one number per epoch), or a dict with these keys. The figure has two
    panels, loss (left) and accuracy (right), each with the training and the
    validation curve against the epoch (1, 2, ...), axis labels and a legend;
    an empty list is simply not drawn, and one epoch shows as a single marker.
    ``title`` goes above both panels. Uses matplotlib's ``Figure`` (the Agg
    renderer) without pyplot, so it works without a display, opens no window and
    leaves no pyplot figure open (with pyplot, close the figure before
    returning). Missing parent folders are created.
    """
    raise NotImplementedError("plot_curves in student/utils/plot.py is not implemented yet")
