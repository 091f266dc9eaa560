"""normalize standardizing copies in place (X = X.copy(); X -= mean; X /= std): fails on integer pixels."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    out = []
    for X in (X_train, *others):
        X = X.copy()
        X -= mean
        X /= std
        out.append(X)
    return tuple(out)
