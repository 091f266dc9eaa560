"""Dropout drawing its mask from an unseeded numpy generator, which torch.manual_seed does not fix."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.as_tensor(np.random.default_rng().random(tuple(x.shape)) >= self.p)
    return torch.where(keep, x / (1 - self.p), torch.zeros_like(x))


Dropout.forward = _forward
