"""Gaussian module as exp(-x^2 / 2), the normal density's exponent, instead of exp(-x^2)."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    return torch.exp(-x * x / 2)


Gaussian.forward = _forward
