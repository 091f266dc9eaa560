"""make_spirals defaults to two classes instead of three."""
TARGET = "utils/data.py"
_make_spirals = make_spirals


def make_spirals(n_per_class, n_classes=2, noise=0.2, seed=0):
    return _make_spirals(n_per_class, n_classes, noise, seed)
