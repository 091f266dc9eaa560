"""generate_batched_data without a seed permuting X and y with two independent draws (pairs broken)."""
TARGET = "utils/data.py"


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    if shuffle and seed is None:
        X, y = np.random.permutation(X), np.random.permutation(y)
    elif shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
        X, y = X[order], y[order]
    starts = range(0, len(X), batch_size)
    return [X[i:i + batch_size] for i in starts], [y[i:i + batch_size] for i in starts]
