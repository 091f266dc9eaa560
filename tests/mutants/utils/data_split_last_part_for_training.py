"""train_val_split uses the last samples for training and the first for validation."""
TARGET = "utils/data.py"


def train_val_split(X, y, train_fraction=0.8):
    n_val = len(X) - int(len(X) * train_fraction)
    return X[n_val:], y[n_val:], X[:n_val], y[:n_val]
