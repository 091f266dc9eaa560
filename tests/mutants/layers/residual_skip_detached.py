"""Residual adding x.detach(), so no gradient flows through the skip connection."""
TARGET = "layers/residual.py"


def _forward(self, x):
    return x.detach() + self.f(x)


Residual.forward = _forward
