"""BatchNorm module normalizing the batch with torch.var's default unbiased variance."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("            var = ((x - mean.reshape(shape)) ** 2).mean(dim=dims)\n", "            var = x.var(dim=dims)\n"),
    ("self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * count / (count - 1))",
     "self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)"),
]
