"""ConvNet extra layers are bare convolutions, without the activation."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    stages = sum(isinstance(m, (nn.MaxPool1d, nn.MaxPool2d)) for m in self.features)
    for layer in [m for m in self.features.modules() if isinstance(m, ConvLayer)][stages:]:
        layer.act = nn.Sequential()


ConvNet.__init__ = _init
