"""Tanh module as sign(x) * (1 - exp(-2|x|)) / (1 + exp(-2|x|)): autograd gives a derivative of 0 at x = 0."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    e = torch.exp(-2.0 * x.abs())
    return torch.sign(x) * (1.0 - e) / (1.0 + e)


Tanh.forward = _forward
