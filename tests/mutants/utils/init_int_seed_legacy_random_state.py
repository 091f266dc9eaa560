"""An int rng seeds the legacy np.random.RandomState instead of a Generator."""
TARGET = "utils/init.py"


def normal(shape, std=NORMAL_STD, rng=None):
    if isinstance(rng, (int, np.integer)):
        return std * np.random.RandomState(rng).standard_normal(shape)
    return std * np.random.default_rng(rng).standard_normal(shape)
