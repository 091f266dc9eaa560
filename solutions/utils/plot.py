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
    # BEGIN SOLUTION
    curves = {name: list(history[name] if isinstance(history, dict) else getattr(history, name))
              for name in CURVES}
    fig = Figure(figsize=(10, 4))
    # fixed margins, which cost nothing, instead of a layout engine, which takes most of the drawing time
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.84, wspace=0.22)
    for ax, metric, label in zip(fig.subplots(1, 2), ("loss", "acc"), ("loss", "accuracy")):
        for split, name in (("train", "training"), ("val", "validation")):
            values = curves[f"{split}_{metric}"]
            if values:
                ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=name)
        ax.set_xlabel("epoch")
        ax.set_xlim(0.5, max(1, *map(len, curves.values())) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        ax.set_ylabel(label)
        ax.set_title(label)
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    if title:
        fig.suptitle(title)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=100)
    return path
    # END SOLUTION
