"""normalize flattens (N, d1, ...) samples to (N, D) and returns them flattened."""
TARGET = "utils/data.py"
_normalize = normalize


def normalize(X_train, *others):
    return _normalize(X_train.reshape(len(X_train), -1), *[X.reshape(len(X), -1) for X in others])
