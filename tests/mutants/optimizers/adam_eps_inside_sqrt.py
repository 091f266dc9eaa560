"""Adam adds eps inside the square root: sqrt(v_hat + eps)."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("(v_hat.sqrt() + self.eps)", "(v_hat + self.eps).sqrt()"),
]
