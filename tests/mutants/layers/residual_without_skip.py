"""Residual returning f(x) without adding x."""
TARGET = "layers/residual.py"


def _forward(self, x):
    return self.f(x)


Residual.forward = _forward
