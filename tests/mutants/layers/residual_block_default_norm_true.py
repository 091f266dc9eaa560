"""ResidualBlock normalizing by default (norm=True)."""
TARGET = "layers/residual.py"

_original_init = ResidualBlock.__init__


def _init(self, dim, hidden_dim, activation="relu", norm=True):
    _original_init(self, dim, hidden_dim, activation, norm)


ResidualBlock.__init__ = _init
