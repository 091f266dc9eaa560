"""Tanh module as (exp(2x) - 1) / (exp(2x) + 1): inf / inf = NaN at x = 1e3 in float32."""
TARGET = "layers/activations.py"
TESTS = ["test_activations_torch.py"]


def _forward(self, x):
    e = torch.exp(2.0 * x)
    return (e - 1.0) / (e + 1.0)


Tanh.forward = _forward
