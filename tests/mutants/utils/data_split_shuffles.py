"""train_val_split shuffles before splitting."""
TARGET = "utils/data.py"


def train_val_split(X, y, train_fraction=0.8):
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    n_train = int(len(X) * train_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
