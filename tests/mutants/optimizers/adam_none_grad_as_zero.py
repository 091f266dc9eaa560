"""Adam treats a parameter whose grad is None as having a zero gradient instead of skipping it."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("                if p.grad is None:\n"
     "                    continue\n"
     "                g = p.grad + self.weight_decay * p\n",
     "                grad = torch.zeros_like(p) if p.grad is None else p.grad\n"
     "                g = grad + self.weight_decay * p\n"),
]
