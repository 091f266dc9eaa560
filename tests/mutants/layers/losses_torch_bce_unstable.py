"""torch binary_cross_entropy_loss through log(1 / (1 + exp(-z))): inf for float32 logits of 1e3."""
TARGET = "layers/losses.py"


def binary_cross_entropy_loss(logits, y):
    s = 1.0 / (1.0 + torch.exp(-logits))
    return -(y * torch.log(s) + (1 - y) * torch.log(1 - s)).mean()
