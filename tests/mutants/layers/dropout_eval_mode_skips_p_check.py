"""dropout_forward returning early in eval mode before it checks p."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    if not training:
        return x.copy(), (None,)
    check_probability(p)
    if p == 0:
        return x.copy(), (None,)
    mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)
    return x * mask, (mask,)
