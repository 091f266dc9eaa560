"""plot_curves draws only the training curves."""
TARGET = "utils/plot.py"


def plot_curves(history, path, title=None):
    get = (lambda k: history[k]) if isinstance(history, dict) else (lambda k: getattr(history, k))
    fig = Figure(figsize=(10, 4), layout="constrained")
    for ax, metric in zip(fig.subplots(1, 2), ("loss", "acc")):
        values = list(get(f"train_{metric}"))
        ax.plot(range(1, len(values) + 1), values, marker="o", label="training")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.savefig(path, format="png")
    return path
