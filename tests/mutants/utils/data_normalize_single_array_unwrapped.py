"""normalize(X_train) alone returns the array itself instead of a tuple of one."""
TARGET = "utils/data.py"
_normalize = normalize


def normalize(X_train, *others):
    out = _normalize(X_train, *others)
    return out if others else out[0]
