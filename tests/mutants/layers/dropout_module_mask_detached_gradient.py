"""Dropout module computed on x.data, so the output is cut off from the autograd graph."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    keep = torch.rand_like(x) >= self.p
    return torch.where(keep, x.data / (1 - self.p), torch.zeros_like(x))


Dropout.forward = _forward
