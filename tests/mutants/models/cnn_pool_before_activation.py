"""ConvNet stage as convolution, (BatchNorm), max-pool, activation: equal to the spec for monotone activations only."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


class _ConvPoolAct(nn.Module):
    def __init__(self, layer, pool):
        super().__init__()
        self.layer, self.pool = layer, pool

    def forward(self, x):
        y = self.layer.conv(x)
        if self.layer.norm is not None:
            y = self.layer.norm(y) if y.dim() == 4 else self.layer.norm(y.unsqueeze(-1)).squeeze(-1)
        return self.layer.act(self.pool(y))


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    layers, out = list(self.features), []
    while layers:
        layer = layers.pop(0)
        if layers and isinstance(layers[0], (nn.MaxPool1d, nn.MaxPool2d)):
            out.append(_ConvPoolAct(layer, layers.pop(0)))
        else:
            out.append(layer)
    self.features = nn.Sequential(*out)


ConvNet.__init__ = _init
