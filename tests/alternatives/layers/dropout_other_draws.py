"""Dropout masks drawn another way: numpy binomial keep flags from default_rng(seed), torch.bernoulli for the module."""
TARGET = "layers/dropout.py"


def dropout_forward(x, p, training=True, seed=None):
    check_probability(p)
    if not training or p == 0:
        return np.array(x, copy=True), (None,)
    keep = np.random.default_rng(seed).binomial(1, 1 - p, size=x.shape)
    mask = keep * (1.0 / (1 - p))
    return x * mask, (mask,)


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.bernoulli(torch.full_like(x, 1 - self.p))
    return x * keep / (1 - self.p)


Dropout.forward = _forward
