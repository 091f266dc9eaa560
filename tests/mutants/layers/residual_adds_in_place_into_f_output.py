"""Residual adding x in place into what f returned (out = self.f(x); out += x): wrong when f returns x itself."""
TARGET = "layers/residual.py"


def _forward(self, x):
    out = self.f(x)
    out += x
    return out


Residual.forward = _forward
