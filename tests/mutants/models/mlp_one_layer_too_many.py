"""MLP with depth hidden layers, so depth + 1 linear layers."""
TARGET = "models/mlp.py"


def _init(self, in_features, hidden_features, out_features, depth, activation="relu", batchnorm=False,
          dropout=0.0, output_activation=None):
    nn.Module.__init__(self)
    sizes = [in_features] + [hidden_features] * depth + [out_features]
    layers = []
    for i in range(depth + 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < depth:
            if batchnorm:
                layers.append(BatchNorm(hidden_features))
            layers.append(make_activation(activation))
            if dropout > 0:
                layers.append(Dropout(dropout))
    if output_activation is not None:
        layers.append(make_activation(output_activation))
    self.layers = nn.Sequential(*layers)


MLP.__init__ = _init
