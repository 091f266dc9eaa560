"""normal defaults to std 1 instead of 0.01."""
TARGET = "utils/init.py"
_normal = normal


def normal(shape, std=1.0, rng=None):
    return _normal(shape, std, rng)
