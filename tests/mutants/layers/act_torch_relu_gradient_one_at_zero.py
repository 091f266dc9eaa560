"""ReLU module as where(x >= 0, x, 0): autograd gives a derivative of 1 at x = 0 instead of 0."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    return torch.where(x >= 0, x, torch.zeros_like(x))


ReLU.forward = _forward
