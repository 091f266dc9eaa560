"""make_spirals returns float32 points."""
TARGET = "utils/data.py"
_make_spirals = make_spirals


def make_spirals(n_per_class, n_classes=3, noise=0.2, seed=0):
    X, y = _make_spirals(n_per_class, n_classes, noise, seed)
    return X.astype(np.float32), y
