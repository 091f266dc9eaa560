"""Public tests of utils/plot.py: plot_curves writes a PNG file and returns its path."""
from gradescope_utils.autograder_utils.decorators import weight

from grader.probes.utils import plot_curves

HISTORY = {"train_loss": [2.0, 1.2, 0.8], "train_acc": [0.3, 0.6, 0.75],
           "val_loss": [2.1, 1.4, 1.1], "val_acc": [0.25, 0.5, 0.6]}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def assert_png(path, what):
    """Checks that ``path`` holds a non-empty PNG file."""
    assert path.is_file(), f"{what} wrote no file at {path}"
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > len(PNG_MAGIC), \
        f"{what} wrote a file that is not a PNG image (save the figure with format='png')"


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
