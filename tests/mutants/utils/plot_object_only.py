"""plot_curves reads the history's attributes and fails on a dict."""
TARGET = "utils/plot.py"
_plot_curves = plot_curves


def plot_curves(history, path, title=None):
    return _plot_curves({k: getattr(history, k) for k in CURVES}, path, title)
