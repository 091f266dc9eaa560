"""plot_curves writes the file but returns None."""
TARGET = "utils/plot.py"
_plot_curves = plot_curves


def plot_curves(history, path, title=None):
    _plot_curves(history, path, title)
