"""LeakyReLU module with the slope 0.01 hard-coded instead of self.slope."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    return torch.where(x > 0, x, 0.01 * x)


LeakyReLU.forward = _forward
