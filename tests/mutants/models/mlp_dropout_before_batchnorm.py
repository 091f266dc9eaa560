"""MLP applies dropout right after the linear layer, before BatchNorm and the activation."""
TARGET = "models/mlp.py"
REPLACE = [
    ("                if batchnorm:\n"
     "                    layers.append(BatchNorm(hidden_features))\n"
     "                layers.append(make_activation(activation))\n"
     "                if dropout > 0:\n"
     "                    layers.append(Dropout(dropout))\n",
     "                if dropout > 0:\n"
     "                    layers.append(Dropout(dropout))\n"
     "                if batchnorm:\n"
     "                    layers.append(BatchNorm(hidden_features))\n"
     "                layers.append(make_activation(activation))\n"),
]
