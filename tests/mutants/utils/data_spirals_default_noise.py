"""make_spirals defaults to noise=0.1 instead of 0.2."""
TARGET = "utils/data.py"
_make_spirals = make_spirals


def make_spirals(n_per_class, n_classes=3, noise=0.1, seed=0):
    return _make_spirals(n_per_class, n_classes, noise, seed)
