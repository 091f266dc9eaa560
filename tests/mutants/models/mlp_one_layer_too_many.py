"""MLP with depth hidden layers, so depth + 1 linear layers."""
TARGET = "models/mlp.py"
REPLACE = [
    ("        sizes = [in_features] + [hidden_features] * (depth - 1) + [out_features]\n",
     "        depth += 1\n"
     "        sizes = [in_features] + [hidden_features] * (depth - 1) + [out_features]\n"),
]
