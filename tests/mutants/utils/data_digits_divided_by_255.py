"""load_digits divides the pixels by 255 as if they were bytes."""
TARGET = "utils/data.py"


def load_digits(flatten=True):
    from sklearn.datasets import load_digits as sklearn_digits

    digits = sklearn_digits()
    X = digits.data.astype(np.float64) / 255.0
    return (X if flatten else X.reshape(-1, 1, 8, 8)), digits.target.astype(np.int64)
