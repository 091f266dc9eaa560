"""dropout keeping each entry with probability p (p taken as the keep probability), scaled by 1 / p."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (None,)
    mask = (np.random.default_rng(seed).random(x.shape) < p) / p
    return x * mask, (mask,)
