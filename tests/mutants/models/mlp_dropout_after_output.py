"""MLP applies dropout after the output layer as well."""
TARGET = "models/mlp.py"

_original_init = MLP.__init__


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    _original_init(self, in_features, hidden_features, out_features, depth, activation, batchnorm, dropout,
                   output_activation)
    if dropout > 0:
        self.layers.append(Dropout(dropout))


MLP.__init__ = _init
