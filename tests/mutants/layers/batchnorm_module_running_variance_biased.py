"""BatchNorm module updating running_var with the biased batch variance."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))",
     "self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)"),
]
