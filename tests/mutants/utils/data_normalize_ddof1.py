"""normalize divides by the sample standard deviation (ddof=1): the training set's variance is not 1."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return tuple((X - mean) / std for X in (X_train, *others))
