"""load_digits returns the raw 0..16 pixel values."""
TARGET = "utils/data.py"


def load_digits(flatten=True):
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.data.astype(np.float64)
    return (X if flatten else X.reshape(-1, 1, 8, 8)), digits.target.astype(np.int64)
