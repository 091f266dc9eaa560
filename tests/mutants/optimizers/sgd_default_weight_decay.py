"""SGD defaults to weight_decay=1e-4 instead of the documented 0.0."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("                 weight_decay: float = 0.0):\n", "                 weight_decay: float = 1e-4):\n"),
]
