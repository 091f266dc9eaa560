"""MLP normalizes after the activation instead of between the linear layer and the activation."""
TARGET = "models/mlp.py"
REPLACE = [
    ("                if batchnorm:\n"
     "                    layers.append(BatchNorm(hidden_features))\n"
     "                layers.append(make_activation(activation))\n",
     "                layers.append(make_activation(activation))\n"
     "                if batchnorm:\n"
     "                    layers.append(BatchNorm(hidden_features))\n"),
]
