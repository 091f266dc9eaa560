"""Public tests of utils/plot.py: plot_curves writes a PNG file and returns its path."""
from gradescope_utils.autograder_utils.decorators import weight

from grader.testkit.probes.utils import plot_curves
from tests.public.helpers import HISTORY, assert_png


@weight(1)
def test_plot_curves_writes_a_png_and_returns_its_path(impl, tmp_path):
    path = tmp_path / "curves.png"
    got = impl.probe(plot_curves, HISTORY, str(path), title="three epochs")
    assert got == str(path), f"plot_curves returned {got!r}; expected the path it was given"
    assert_png(path, "plot_curves")


@weight(1)
def test_plot_curves_accepts_an_object_with_history_attributes(impl, tmp_path):
    path = tmp_path / "curves.png"
    impl.probe(plot_curves, HISTORY, str(path), as_object=True)
    assert_png(path, "plot_curves given a History-like object")
