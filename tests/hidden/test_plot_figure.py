"""Hidden tests of utils/plot.py read from the saved figure itself: the epochs on the x axis, a one-epoch history
drawn as markers, no pyplot figure left open."""
import numpy as np
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit.probes.utils import plot_curves_figure
from tests.public.helpers import HISTORY

ONE_EPOCH = {"train_loss": [0.7], "train_acc": [0.5], "val_loss": [0.9], "val_acc": [0.4]}
_FIGURES = {}


def figure(impl, name, history):
    """Returns what the figure plot_curves saves for ``history`` shows (``plot_curves_figure``), drawn once."""
    if name not in _FIGURES:
        got = impl.probe(plot_curves_figure, history, str(impl.workdir() / f"{name}.png"))
        assert got["saved"] >= 1, "plot_curves should save its figure with savefig"
        assert len(got["axes"]) == 2, f"plot_curves should draw 2 panels (loss, accuracy), drew {len(got['axes'])}"
        _FIGURES[name] = got
    return _FIGURES[name]


def curves(ax):
    """Returns (x, y, visible as points) of every line and scatter of a panel."""
    lines = [(np.asarray(x), np.asarray(y), marker) for x, y, marker in zip(ax["xs"], ax["lines"], ax["markers"])]
    return lines + [(np.asarray(p)[:, 0], np.asarray(p)[:, 1], True) for p in ax["points"]]


def drawn_as(history, got):
    """Yields (curve name, the panel's curves whose y values are that curve's) for every curve of ``history``."""
    for ax, metric in zip(got["axes"], ("loss", "acc")):
        for split in ("train", "val"):
            values = np.asarray(history[f"{split}_{metric}"], dtype=np.float64)
            yield f"{split}_{metric}", [c for c in curves(ax) if c[1].shape == values.shape
                                        and np.allclose(c[1], values, rtol=0, atol=1e-9)]


@weight(1)
def test_plot_curves_draws_every_curve_against_the_epochs_1_2_3(impl):
    """Epoch e of the history is drawn at x = e, counting from 1."""
    for name, found in drawn_as(HISTORY, figure(impl, "three_epochs", HISTORY)):
        assert found, f"plot_curves does not draw History.{name}"
        want = np.arange(1, len(HISTORY[name]) + 1)
        assert any(np.array_equal(x, want) for x, _, _ in found), (
            f"plot_curves draws History.{name} at the wrong x values\n  hint: the epochs are 1, 2, ...: "
            "ax.plot(range(1, len(values) + 1), values), not ax.plot(values) (which counts from 0)")


@weight(1)
def test_plot_curves_draws_a_one_epoch_history_as_markers(impl):
    """A history of one epoch shows: each curve's single point is drawn as a marker at x = 1."""
    for name, found in drawn_as(ONE_EPOCH, figure(impl, "one_epoch", ONE_EPOCH)):
        assert any(visible and np.array_equal(x, [1]) for x, _, visible in found), (
            f"plot_curves draws History.{name} of a one-epoch history invisibly (or not at x = 1)\n  hint: a line "
            "through one point draws nothing: give the curves a marker (ax.plot(epochs, values, marker='o'))")


@weight(1)
def test_plot_curves_leaves_no_pyplot_figure_open(impl):
    """plot_curves closes what it opens: no pyplot figure stays open after it returns."""
    for name, history in (("three_epochs", HISTORY), ("one_epoch", ONE_EPOCH)):
        assert figure(impl, name, history)["open_figures"] == 0, (
            "plot_curves left a pyplot figure open: each call leaks its memory\n  hint: draw on "
            "matplotlib.figure.Figure() without pyplot, or plt.close(fig) after fig.savefig(path)")
