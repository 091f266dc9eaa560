"""normalize standardizes the arrays in place (X -= mean; X /= std) and returns them."""
TARGET = "utils/data.py"


def normalize(X_train, *others):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    for X in (*others, X_train):
        X -= mean
        X /= std
    return (X_train, *others)
