"""ResidualBlock with a default activation of "tanh" instead of "relu"."""
TARGET = "layers/residual.py"

_original_init = ResidualBlock.__init__


def _init(self, dim, hidden_dim, activation="tanh", norm=False):
    _original_init(self, dim, hidden_dim, activation, norm)


ResidualBlock.__init__ = _init
