"""dropout drawing the mask from a fresh unseeded generator, ignoring seed."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    mask = (np.random.default_rng().random(x.shape) >= p) / (1 - p)
    return x * mask, (mask,)
