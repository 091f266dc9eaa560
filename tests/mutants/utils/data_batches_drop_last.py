"""generate_batched_data drops the last partial batch."""
TARGET = "utils/data.py"


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    starts = range(0, len(X) - batch_size + 1, batch_size)
    return [X[order[i:i + batch_size]] for i in starts], [y[order[i:i + batch_size]] for i in starts]
