"""ResidualBlock always using ReLU, whatever activation is named."""
TARGET = "layers/residual.py"

_original_init = ResidualBlock.__init__


def _init(self, dim, hidden_dim, activation="relu", norm=False):
    _original_init(self, dim, hidden_dim, "relu", norm)


ResidualBlock.__init__ = _init
