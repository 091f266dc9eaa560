"""BatchNorm module dividing by sqrt(var) + eps instead of sqrt(var + eps)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("xhat = (x - mean.reshape(shape)) / torch.sqrt(var.reshape(shape) + self.eps)",
     "xhat = (x - mean.reshape(shape)) / (torch.sqrt(var.reshape(shape)) + self.eps)"),
]
