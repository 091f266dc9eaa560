"""plot_curves draws the loss panel only."""
TARGET = "utils/plot.py"


def plot_curves(history, path, title=None):
    get = (lambda k: history[k]) if isinstance(history, dict) else (lambda k: getattr(history, k))
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.subplots()
    for split in ("train", "val"):
        values = list(get(f"{split}_loss"))
        ax.plot(range(1, len(values) + 1), values, marker="o", label=split)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    if title:
        fig.suptitle(title)
    fig.savefig(path, format="png")
    return path
