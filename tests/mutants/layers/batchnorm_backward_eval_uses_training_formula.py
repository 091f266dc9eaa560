"""batchnorm_backward uses the training-mode formula in eval mode (running statistics treated as batch ones)."""
TARGET = "layers/normalization.py"
REPLACE = [
    ("    if not training:\n        return dxhat * inv_std.reshape(shape), dgamma, dbeta\n", ""),
]
