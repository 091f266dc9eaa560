"""generate_batched_data shuffles X and y with two different permutations."""
TARGET = "utils/data.py"


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    rng = np.random.default_rng(seed)
    if shuffle:
        X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    starts = range(0, len(X), batch_size)
    return [X[i:i + batch_size] for i in starts], [y[i:i + batch_size] for i in starts]
