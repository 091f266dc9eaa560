"""train_val_split ignores train_fraction and always keeps 80%."""
TARGET = "utils/data.py"


def train_val_split(X, y, train_fraction=0.8):
    n_train = int(len(X) * 0.8)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
