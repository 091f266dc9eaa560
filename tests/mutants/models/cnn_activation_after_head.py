"""ConvNet applies the activation to the logits as well."""
TARGET = "models/cnn.py"

_original_forward = ConvNet.forward


def _forward(self, x):
    out = _original_forward(self, x)
    return torch.where(out > 0, out, torch.zeros_like(out))


ConvNet.forward = _forward
