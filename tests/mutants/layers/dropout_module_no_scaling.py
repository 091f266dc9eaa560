"""Dropout module without the 1 / (1 - p) scaling of the kept entries."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    return x * (torch.rand_like(x) >= self.p)


Dropout.forward = _forward
