"""SGD defaults to momentum=0.9 instead of the documented 0.0 (plain SGD)."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("lr: float, momentum: float = 0.0,\n", "lr: float, momentum: float = 0.9,\n"),
]
