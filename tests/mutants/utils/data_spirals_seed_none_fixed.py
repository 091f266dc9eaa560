"""make_spirals treats seed=None as seed 0, so None never draws fresh noise."""
TARGET = "utils/data.py"
_make_spirals = make_spirals


def make_spirals(n_per_class, n_classes=3, noise=0.2, seed=0):
    return _make_spirals(n_per_class, n_classes, noise, 0 if seed is None else seed)
