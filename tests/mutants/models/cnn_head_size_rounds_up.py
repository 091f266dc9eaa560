"""ConvNet sizes its head as if each pool rounded up (7 -> 4): wrong for odd image sizes."""
TARGET = "models/cnn.py"

_original_init = ConvNet.__init__


def _init(self, in_channels, num_classes, image_size, channels=(32, 64), *args, **kwargs):
    _original_init(self, in_channels, num_classes, image_size, channels, *args, **kwargs)
    sizes = [image_size] * self.dims if isinstance(image_size, int) else list(image_size)
    for _ in channels:
        sizes = [(s + 1) // 2 for s in sizes]
    c = channels[-1] if len(channels) else in_channels
    self.head = nn.Linear(c * math.prod(sizes), num_classes)


ConvNet.__init__ = _init
