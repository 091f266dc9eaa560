"""ResidualMLP passes (N, d1, ..., dk) input to linear_in without flattening it."""
TARGET = "models/mlp.py"
REPLACE = [
    ("        h = self.blocks(self.linear_in(x.flatten(1)))\n", "        h = self.blocks(self.linear_in(x))\n"),
]
