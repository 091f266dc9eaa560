"""Adam adds the weight decay term to p.grad in place."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("g = p.grad + self.weight_decay * p", "g = p.grad.add_(self.weight_decay * p)"),
]
