"""BatchNorm module that never updates running_mean and running_var in training mode."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            with torch.no_grad():\n"
     "                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)\n"
     "                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))\n",
     ""),
]
