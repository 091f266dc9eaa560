"""dropout_forward seeding numpy's global random state (np.random.seed(seed)) and drawing the mask from it."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    np.random.seed(seed)
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    return x * mask, (mask,)
