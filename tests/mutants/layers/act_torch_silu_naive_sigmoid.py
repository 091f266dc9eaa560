"""SiLU module as x / (1 + exp(-x)): NaN gradient at x = -1e3 in float32."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    return x / (1.0 + torch.exp(-x))


SiLU.forward = _forward
