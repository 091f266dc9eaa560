"""ConvNet convolutions without padding: every 3x3 convolution shrinks the maps by 2."""
TARGET = "models/cnn.py"

_original_init = ConvLayer.__init__


def _init(self, dims, in_channels, out_channels, activation, batchnorm):
    _original_init(self, dims, in_channels, out_channels, activation, batchnorm)
    conv = nn.Conv2d if dims == 2 else nn.Conv1d
    self.conv = conv(in_channels, out_channels, kernel_size=3, padding=0)


ConvLayer.__init__ = _init
