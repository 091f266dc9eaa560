"""dropout_forward returning the caller's x itself (not a copy) where dropout is the identity: eval mode, p = 0."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x, (None,)
    keep = np.random.default_rng(seed).random(x.shape) >= p
    mask = keep / (1 - p)
    return x * mask, (mask,)
