"""Dropout drawing its mask once and keeping it for every later call on inputs of that shape."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    mask = getattr(self, "_mask", None)
    if mask is None or mask.shape != x.shape:
        mask = self._mask = torch.rand_like(x) >= self.p
    return torch.where(mask, x / (1 - self.p), torch.zeros_like(x))


Dropout.forward = _forward
