"""ResidualBlock looking the activation up without checking it, so an unknown name raises KeyError."""
TARGET = "layers/residual.py"


def _init(self, dim, hidden_dim, activation="relu", norm=False):
    nn.Module.__init__(self)
    self.pre = BatchNorm(dim) if norm else ACTIVATIONS[activation]()
    self.fc1 = nn.Linear(dim, hidden_dim)
    self.act = ACTIVATIONS[activation]()
    self.fc2 = nn.Linear(hidden_dim, dim)


ResidualBlock.__init__ = _init
