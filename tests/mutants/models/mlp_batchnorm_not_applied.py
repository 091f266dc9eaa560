"""MLP builds its BatchNorm layers (the parameter count is right) but never applies them."""
TARGET = "models/mlp.py"

_original_init = MLP.__init__


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    _original_init(self, in_features, hidden_features, out_features, depth, activation, False, dropout,
                   output_activation)
    if batchnorm:
        self.norms = nn.ModuleList([BatchNorm(hidden_features) for _ in range(depth - 1)])


MLP.__init__ = _init
