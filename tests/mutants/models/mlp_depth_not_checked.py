"""MLP accepts depth < 1 and builds a network without any linear layer instead of raising ValueError."""
TARGET = "models/mlp.py"
REPLACE = [
    ("        if depth < 1:\n"
     "            raise ValueError(f\"depth counts the linear layers and must be at least 1, got {depth}\")\n",
     ""),
]
