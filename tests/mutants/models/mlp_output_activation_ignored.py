"""MLP ignores output_activation."""
TARGET = "models/mlp.py"

_original_init = MLP.__init__


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    _original_init(self, in_features, hidden_features, out_features, depth, activation, batchnorm, dropout, None)


MLP.__init__ = _init
