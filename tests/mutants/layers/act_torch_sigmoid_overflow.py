"""Sigmoid module as 1 / (1 + exp(-x)): exp overflows at x = -1e3 in float32 and the gradient is NaN."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    return 1.0 / (1.0 + torch.exp(-x))


Sigmoid.forward = _forward
