"""ConvNet normalizes after the activation instead of between convolution and activation."""
TARGET = "models/cnn.py"


def _forward(self, x):
    x = self.act(self.conv(x))
    if self.norm is not None:
        x = self.norm(x) if x.dim() == 4 else self.norm(x.unsqueeze(-1)).squeeze(-1)
    return x


ConvLayer.forward = _forward
