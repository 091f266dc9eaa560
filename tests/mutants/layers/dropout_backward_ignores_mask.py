"""dropout backward scaling dout by 1 / (1 - p) everywhere instead of using the mask."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return x.copy(), (1.0,)
    mask = (np.random.default_rng(seed).random(x.shape) >= p) / (1 - p)
    return x * mask, (1 / (1 - p),)


def dropout_backward(dout, cache):
    (scale,) = cache
    return dout * scale
