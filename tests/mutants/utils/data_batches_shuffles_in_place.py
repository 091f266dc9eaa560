"""generate_batched_data shuffles X and y in place with one permutation before slicing them."""
TARGET = "utils/data.py"


def generate_batched_data(X, y, batch_size, shuffle=False, seed=None):
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(X))
        X[...] = X[order]
        y[...] = y[order]
    starts = range(0, len(X), batch_size)
    return [X[i:i + batch_size].copy() for i in starts], [y[i:i + batch_size].copy() for i in starts]
