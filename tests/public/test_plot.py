"""Public tests of utils/plot.py: plot_curves writes a PNG file and returns its path."""
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit.probes.utils import plot_curves
from tests.public.helpers import HISTORY, assert_png


@weight(1)
def test_plot_curves_writes_a_png_and_returns_its_path(impl):
    path = impl.workdir() / "curves.png"
    got = impl.probe(plot_curves, HISTORY, str(path), title="three epochs")
    assert got["returned"] == str(path), f"plot_curves returned {got['returned']!r}; expected the path it was given"
    assert_png(got, "plot_curves")


@weight(1)
def test_plot_curves_accepts_an_object_with_history_attributes(impl):
    path = impl.workdir() / "curves.png"
    assert_png(impl.probe(plot_curves, HISTORY, str(path), as_object=True), "plot_curves given a History-like object")
