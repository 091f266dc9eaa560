"""generate_batched_data treats seed=0 as no seed (`if seed:`), so seed=0 is not reproducible."""
TARGET = "utils/data.py"


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    rng = np.random.default_rng(seed) if seed else np.random.default_rng()
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    starts = range(0, len(X), batch_size)
    return [X[order[i:i + batch_size]] for i in starts], [y[order[i:i + batch_size]] for i in starts]
