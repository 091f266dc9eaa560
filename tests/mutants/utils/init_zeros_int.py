"""zeros returns an integer array."""
TARGET = "utils/init.py"


def zeros(shape):
    return np.zeros(shape, dtype=np.int64)
