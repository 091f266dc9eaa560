"""normal (and so xavier_normal and he_normal) returns float32 draws instead of float64."""
TARGET = "utils/init.py"


def normal(shape, std=NORMAL_STD, rng=None):
    return (std * np.random.default_rng(rng).standard_normal(shape)).astype(np.float32)
