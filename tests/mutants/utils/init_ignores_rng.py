"""normal draws from numpy's global random state instead of the given rng."""
TARGET = "utils/init.py"


def normal(shape, std=0.01, rng=None):
    return std * np.random.standard_normal(shape)
