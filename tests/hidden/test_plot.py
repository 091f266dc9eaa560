"""Hidden tests of utils/plot.py: edge-case histories, and every curve and panel drawn."""
import io

import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from matplotlib.image import imread

from grader.testkit.probes.utils import plot_curves
from tests.public.helpers import HISTORY, assert_png

_BASE = []


def render(impl, history, name, **kwargs):
    """Returns the pixels of the PNG plot_curves draws for ``history``."""
    got = impl.probe(plot_curves, history, str(impl.workdir() / f"{name}.png"), **kwargs)
    return imread(io.BytesIO(assert_png(got, "plot_curves")), format="png")


def base_image(impl):
    """Returns the pixels of the plot of HISTORY without a title, drawn once for the module."""
    if not _BASE:
        _BASE.append(render(impl, HISTORY, "base"))
    return _BASE[0]


@weight(1)
@pytest.mark.parametrize("history, as_object", [
    ({"train_loss": [0.7], "train_acc": [0.5], "val_loss": [0.9], "val_acc": [0.4]}, False),
    ({"train_loss": [0.7, 0.5], "train_acc": [0.5, 0.6], "val_loss": [], "val_acc": []}, True),
    ({"train_loss": [0.7], "train_acc": [0.5], "val_loss": [], "val_acc": []}, False),
], ids=["one epoch", "no validation", "one epoch without validation"])
def test_plot_curves_handles_short_histories(impl, history, as_object):
    path = impl.workdir() / "nested" / "curves.png"
    got = impl.probe(plot_curves, history, str(path), as_object=as_object)
    assert got["returned"] == str(path), "plot_curves should return the path it was given"
    assert_png(got, "plot_curves on a short history")


@weight(2)
@pytest.mark.parametrize("curve", ["train_loss", "train_acc", "val_loss", "val_acc"])
def test_plot_curves_draws_every_curve(impl, curve):
    changed = {**HISTORY, curve: [v * 0.5 for v in HISTORY[curve]]}
    assert not np.array_equal(base_image(impl), render(impl, changed, "changed")), \
        "plot_curves draws the same image when one curve changes: plot loss and accuracy, training and validation"


@weight(1)
def test_plot_curves_shows_the_title(impl):
    titled = render(impl, HISTORY, "titled", title="learning curves")
    assert not np.array_equal(base_image(impl), titled), "plot_curves ignores its title argument"


@weight(1)
def test_plot_curves_creates_missing_parent_folders(impl):
    """plot_curves creates every missing folder on the way to path, however deep."""
    path = impl.workdir() / "runs" / "first" / "plots" / "curves.png"
    got = impl.probe(plot_curves, HISTORY, str(path))
    assert got["returned"] == str(path), "plot_curves should return the path it was given"
    assert_png(got, "plot_curves into folders that do not exist yet")


@weight(1)
@pytest.mark.parametrize("title", [None, "run 3"])
def test_plot_curves_draws_loss_and_accuracy_panels_with_labels_and_legends(impl, title):
    """plot_curves draws loss and accuracy panels with labels and legends.

    Two panels, loss then accuracy, each with the training and validation curves, axis labels and a legend;
    the title above both."""
    from grader.testkit.probes.utils import plot_curves_figure
    got = impl.probe(plot_curves_figure, HISTORY, str(impl.workdir() / "curves.png"), title)
    assert got["saved"] >= 1, "plot_curves should save its figure with savefig"
    assert len(got["axes"]) == 2, f"plot_curves should draw 2 panels (loss, accuracy), drew {len(got['axes'])}"
    for ax, metric in zip(got["axes"], ("loss", "acc")):
        want = sorted(tuple(np.round(HISTORY[f"{split}_{metric}"], 9)) for split in ("train", "val"))
        drawn = sorted(tuple(np.round(line, 9)) for line in ax["lines"])
        assert drawn == want, f"the {metric} panel should hold the training and the validation {metric} curves"
        assert ax["xlabel"].strip() and ax["ylabel"].strip(), f"the {metric} panel needs axis labels"
        assert len(ax["legend"]) == 2, f"the {metric} panel needs a legend naming its two curves"
    assert got["suptitle"] == (title or ""), "the title goes above both panels (Figure.suptitle)"
