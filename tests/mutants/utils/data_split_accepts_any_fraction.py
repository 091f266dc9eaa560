"""train_val_split never checks train_fraction, so 0 or 1.5 pass silently."""
TARGET = "utils/data.py"


def train_val_split(X, y, train_fraction=0.8):
    n_train = int(len(X) * train_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
