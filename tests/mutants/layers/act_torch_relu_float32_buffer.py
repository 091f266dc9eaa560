"""ReLU accumulating into a torch.zeros(shape) buffer, which is float32 whatever the dtype of x."""
TARGET = "layers/activations.py"


def _relu_forward(self, x):
    out = torch.zeros(x.shape)
    out += torch.where(x > 0, x, torch.zeros_like(x))
    return out


ReLU.forward = _relu_forward
