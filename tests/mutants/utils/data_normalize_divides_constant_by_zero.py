"""normalize divides constant features by their zero standard deviation."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    return tuple((X - mean) / std for X in (X_train, *others))
