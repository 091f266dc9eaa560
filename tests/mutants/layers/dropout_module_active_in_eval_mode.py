"""Dropout module that drops entries in eval mode too (ignores self.training)."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if self.p == 0:
        return x
    keep = torch.rand_like(x) >= self.p
    return torch.where(keep, x / (1 - self.p), torch.zeros_like(x))


Dropout.forward = _forward
