"""ConvNet skip around the wrong operations: act(x + f(x)), the sum taken before the block's last activation."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


class _SumBeforeActivation(nn.Module):
    def __init__(self, group):
        super().__init__()
        self.group = group

    def forward(self, x):
        layers = list(self.group)
        h = x
        for layer in layers[:-1]:
            h = layer(h)
        last = layers[-1]
        y = last.conv(h)
        if last.norm is not None:
            y = last.norm(y) if y.dim() == 4 else last.norm(y.unsqueeze(-1)).squeeze(-1)
        return last.act(x + y)


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.features = nn.Sequential(*[_SumBeforeActivation(m.f) if isinstance(m, Residual) else m
                                    for m in self.features])


ConvNet.__init__ = _init
