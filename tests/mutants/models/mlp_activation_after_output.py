"""MLP with the hidden activation after the output layer too."""
TARGET = "models/mlp.py"
REPLACE = [
    ("                if dropout > 0:\n"
     "                    layers.append(Dropout(dropout))\n",
     "                if dropout > 0:\n"
     "                    layers.append(Dropout(dropout))\n"
     "            else:\n"
     "                layers.append(make_activation(activation))\n"),
]
