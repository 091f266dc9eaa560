"""Hidden tests of utils/plot.py: edge-case histories, and every curve and panel drawn."""
import numpy as np
import pytest
from gradescope_utils.autograder_utils.decorators import weight
from matplotlib.image import imread

from grader.testkit.probes.utils import plot_curves
from tests.public.helpers import HISTORY, assert_png

_BASE = []


def render(impl, tmp_path, history, name, **kwargs):
    """Returns the pixels of the PNG plot_curves draws for ``history``."""
    path = tmp_path / f"{name}.png"
    impl.probe(plot_curves, history, str(path), **kwargs)
    assert_png(path, "plot_curves")
    return imread(path)


def base_image(impl, tmp_path):
    """Returns the pixels of the plot of HISTORY without a title, drawn once for the module."""
    if not _BASE:
        _BASE.append(render(impl, tmp_path, HISTORY, "base"))
    return _BASE[0]


@weight(1)
@pytest.mark.parametrize("history, as_object", [
    ({"train_loss": [0.7], "train_acc": [0.5], "val_loss": [0.9], "val_acc": [0.4]}, False),
    ({"train_loss": [0.7, 0.5], "train_acc": [0.5, 0.6], "val_loss": [], "val_acc": []}, True),
    ({"train_loss": [0.7], "train_acc": [0.5], "val_loss": [], "val_acc": []}, False),
], ids=["one epoch", "no validation", "one epoch without validation"])
def test_plot_curves_handles_short_histories(impl, tmp_path, history, as_object):
    path = tmp_path / "nested" / "curves.png"
    got = impl.probe(plot_curves, history, str(path), as_object=as_object)
    assert got == str(path), "plot_curves should return the path it was given"
    assert_png(path, "plot_curves on a short history")


@weight(2)
@pytest.mark.parametrize("curve", ["train_loss", "train_acc", "val_loss", "val_acc"])
def test_plot_curves_draws_every_curve(impl, tmp_path, curve):
    changed = {**HISTORY, curve: [v * 0.5 for v in HISTORY[curve]]}
    assert not np.array_equal(base_image(impl, tmp_path), render(impl, tmp_path, changed, "changed")), \
        "plot_curves draws the same image when one curve changes: plot loss and accuracy, training and validation"


@weight(1)
def test_plot_curves_shows_the_title(impl, tmp_path):
    titled = render(impl, tmp_path, HISTORY, "titled", title="learning curves")
    assert not np.array_equal(base_image(impl, tmp_path), titled), "plot_curves ignores its title argument"
