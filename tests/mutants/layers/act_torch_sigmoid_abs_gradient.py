"""Sigmoid module built on exp(-abs(x)): right values, but autograd gives a derivative of 0 at x = 0."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


Sigmoid.forward = _forward
