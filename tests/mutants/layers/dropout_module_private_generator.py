"""Dropout drawing its mask from a generator of its own seeded with 0, whatever torch.manual_seed says."""
TARGET = "layers/dropout.py"


def _forward(self, x):
    if not self.training or self.p == 0:
        return x
    generator = torch.Generator().manual_seed(0)
    keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) >= self.p
    return torch.where(keep, x / (1 - self.p), torch.zeros_like(x))


Dropout.forward = _forward
