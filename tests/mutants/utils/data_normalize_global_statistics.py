"""normalize uses one mean and std over all features instead of one per feature."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean()
    std = X_train.std()
    std = std if std > 0 else 1.0
    return tuple((X - mean) / std for X in (X_train, *others))
