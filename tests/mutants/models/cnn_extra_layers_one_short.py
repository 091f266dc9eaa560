"""ConvNet builds extra_layers - 1 extra convolutions."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


def _init(self, in_channels, num_classes, image_size, channels=(32, 64), activation="relu", batchnorm=False,
          dropout=0.0, extra_layers=0, skip_every=0):
    _original_init(self, in_channels, num_classes, image_size, channels, activation, batchnorm, dropout,
                   max(extra_layers - 1, 0), skip_every if skip_every < extra_layers else 0)


ConvNet.__init__ = _init
