"""dropout without the inverted 1 / (1 - p) scaling of the kept entries."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    mask = (np.random.default_rng(seed).random(x.shape) >= p).astype(x.dtype)
    return x * mask, (mask,)
