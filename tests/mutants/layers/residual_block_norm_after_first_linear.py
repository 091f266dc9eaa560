"""ResidualBlock with norm=True placing BatchNorm after the first Linear: x + fc2(act(bn(fc1(x))))."""
TARGET = "layers/residual.py"

_original_init = ResidualBlock.__init__


def _init(self, dim, hidden_dim, activation="relu", norm=False):
    _original_init(self, dim, hidden_dim, activation, norm)
    self.norm = norm
    if norm:
        self.pre = BatchNorm(hidden_dim)


def _forward(self, x):
    if not self.norm:
        return x + self.fc2(self.act(self.fc1(self.act(x))))
    return x + self.fc2(self.act(self.pre(self.fc1(x))))


ResidualBlock.__init__ = _init
ResidualBlock.forward = _forward
