"""plot_curves sets the y limits from the maximum of every curve, which fails on an empty validation list."""
TARGET = "utils/plot.py"
_plot_curves = plot_curves


def plot_curves(history, path, title=None):
    get = (lambda k: history[k]) if isinstance(history, dict) else (lambda k: getattr(history, k))
    max(max(get("train_loss")), max(get("val_loss")))
    return _plot_curves(history, path, title)
