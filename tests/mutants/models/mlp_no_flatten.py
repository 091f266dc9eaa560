"""MLP passes (N, d1, ..., dk) input to its first linear layer without flattening it."""
TARGET = "models/mlp.py"
REPLACE = [
    ("        return self.layers(x.flatten(1))\n", "        return self.layers(x)\n"),
]
