"""ResidualBlock that uses the activation as pre even when norm=True (no BatchNorm)."""
TARGET = "layers/residual.py"

_original_init = ResidualBlock.__init__


def _init(self, dim, hidden_dim, activation="relu", norm=False):
    _original_init(self, dim, hidden_dim, activation, False)


ResidualBlock.__init__ = _init
