"""normal always draws with std 0.01."""
TARGET = "utils/init.py"


def normal(shape, std=0.01, rng=None):
    return 0.01 * np.random.default_rng(rng).standard_normal(shape)
