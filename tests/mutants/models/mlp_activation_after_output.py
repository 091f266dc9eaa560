"""MLP with the hidden activation after the output layer too."""
TARGET = "models/mlp.py"


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    nn.Module.__init__(self)
    sizes = [in_features] + [hidden_features] * (depth - 1) + [out_features]
    layers = []
    for i in range(depth):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < depth - 1 and batchnorm:
            layers.append(BatchNorm(hidden_features))
        layers.append(make_activation(activation))
        if i < depth - 1 and dropout > 0:
            layers.append(Dropout(dropout))
    if output_activation is not None:
        layers.append(make_activation(output_activation))
    self.layers = nn.Sequential(*layers)


MLP.__init__ = _init
