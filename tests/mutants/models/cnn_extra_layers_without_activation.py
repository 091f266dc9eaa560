"""ConvNet extra layers are bare convolutions, without the activation."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    for layer in self.features:
        for m in ([layer] if isinstance(layer, ConvLayer) else list(layer.modules())):
            if isinstance(m, ConvLayer) and m.conv.in_channels == m.conv.out_channels \
                    and m is not self.features[0]:
                m.act = nn.Sequential()


ConvNet.__init__ = _init
