"""plot_curves with a smaller figure, line-and-marker styles, os.makedirs, and no layout engine."""
TARGET = "utils/plot.py"


def plot_curves(history, path, title=None):
    import os

    def get(name):
        return list(history[name]) if isinstance(history, dict) else list(getattr(history, name))

    fig = Figure(figsize=(8, 3.2))
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    for ax, metric, ylabel in ((left, "loss", "cross-entropy loss"), (right, "acc", "accuracy")):
        for split, style in (("train", "o-"), ("val", "s--")):
            values = get(f"{split}_{metric}")
            if len(values):
                ax.plot(list(range(1, len(values) + 1)), values, style, label=f"{split} {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        if ax.get_lines():
            ax.legend(loc="best")
    if title is not None:
        fig.suptitle(title)
    folder = os.path.dirname(str(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(str(path), format="png", dpi=80)
    return path
