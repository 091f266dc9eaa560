"""load_mnist1d standardizes the signals with the training statistics instead of keeping the dataset's own scale."""
TARGET = "utils/data.py"
_load_mnist1d = load_mnist1d


def load_mnist1d(seed=42):
    X_train, y_train, X_test, y_test = _load_mnist1d(seed)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, y_train, (X_test - mean) / std, y_test
