"""normal builds a new Generator seeded 0 each call, so every call gives the same weights."""
TARGET = "utils/init.py"


def normal(shape, std=0.01, rng=None):
    return std * np.random.default_rng(0).standard_normal(shape)
