"""plot_curves reads the history with [] and fails on a History object."""
TARGET = "utils/plot.py"
_plot_curves = plot_curves


def plot_curves(history, path, title=None):
    return _plot_curves({k: history[k] for k in CURVES}, path, title)
