"""rng=None is taken as seed 0, so every call without rng gives the same weights."""
TARGET = "utils/init.py"


def normal(shape, std=NORMAL_STD, rng=None):
    return std * np.random.default_rng(0 if rng is None else rng).standard_normal(shape)
