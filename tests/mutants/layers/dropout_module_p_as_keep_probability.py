"""Dropout module keeping each entry with probability p, scaled by 1 / p."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x) < self.p
    return torch.where(keep, x / self.p, torch.zeros_like(x))


Dropout.forward = _forward
