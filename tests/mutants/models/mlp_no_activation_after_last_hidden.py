"""MLP without the activation (and BatchNorm, Dropout) after the last hidden layer."""
TARGET = "models/mlp.py"
REPLACE = [
    ("            if i < depth - 1:\n", "            if i < depth - 2:\n"),
]
