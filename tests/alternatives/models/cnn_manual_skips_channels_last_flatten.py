"""ConvNet with skip blocks summed by hand in forward, dropout on the feature maps, channels-last flatten."""
TARGET = "models/cnn.py"


def _init(self, in_channels, num_classes, image_size, channels=(32, 64), activation="relu", batchnorm=False,
          dropout=0.0, extra_layers=0, skip_every=0):
    nn.Module.__init__(self)
    if min(extra_layers, skip_every) < 0:
        raise ValueError("extra_layers and skip_every cannot be negative")
    sizes = [image_size] * self.dims if isinstance(image_size, int) else list(image_size)
    pool = nn.MaxPool2d if self.dims == 2 else nn.MaxPool1d
    stages = []
    c = in_channels
    for out_channels in channels:
        sizes = [s // 2 for s in sizes]
        if any(s == 0 for s in sizes):
            raise ValueError("the input is too small for the pooling stages")
        stages += [ConvLayer(self.dims, c, out_channels, activation, batchnorm), pool(kernel_size=2, stride=2)]
        c = out_channels
    self.stages = nn.Sequential(*stages)
    self.extra = nn.ModuleList([ConvLayer(self.dims, c, c, activation, batchnorm) for _ in range(extra_layers)])
    self.skip_every = skip_every
    self.drop = Dropout(dropout) if dropout > 0 else nn.Identity()
    self.head = nn.Linear(c * math.prod(sizes), num_classes)


def _forward(self, x):
    h = self.stages(x)
    k = self.skip_every
    full = (len(self.extra) // k) * k if k > 0 else 0
    block_in = h
    for i, layer in enumerate(self.extra):
        h = layer(h)
        if i < full and (i + 1) % k == 0:
            h = h + block_in
        if k > 0 and (i + 1) % k == 0:
            block_in = h
    h = self.drop(h)
    h = h.movedim(1, -1).reshape(h.shape[0], -1)
    return self.head(h)


ConvNet.__init__ = _init
ConvNet.forward = _forward
