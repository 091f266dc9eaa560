"""normalize standardizes every set with its own statistics."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    out = []
    for X in (X_train, *others):
        std = X.std(axis=0)
        out.append((X - X.mean(axis=0)) / np.where(std > 0, std, 1.0))
    return tuple(out)
