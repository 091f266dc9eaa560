"""plot_curves never shows its title."""
TARGET = "utils/plot.py"
_plot_curves = plot_curves


def plot_curves(history, path, title=None):
    return _plot_curves(history, path)
