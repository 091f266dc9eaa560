"""dropout_forward without a seed drawing a fresh mask but forgetting the 1 / (1 - p) scaling on that path."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    if seed is None:
        mask = (np.random.default_rng().random(x.shape) >= p).astype(float)
    else:
        mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)
    return x * mask, (mask,)
