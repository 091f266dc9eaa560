"""normal without an rng drawing fresh standard normals but forgetting the std on that path."""
TARGET = "utils/init.py"


def normal(shape, std=NORMAL_STD, rng=None):
    if rng is None:
        return np.random.default_rng().standard_normal(shape)
    return std * np.random.default_rng(rng).standard_normal(shape)
