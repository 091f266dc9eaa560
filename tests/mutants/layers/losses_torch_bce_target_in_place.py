"""binary_cross_entropy_loss multiplying the targets by the logits in place (y *= logits)."""
TARGET = "layers/losses.py"


def binary_cross_entropy_loss(logits, y):
    magnitude = logits.abs()
    y *= logits
    return (0.5 * (logits + magnitude) - y + torch.log1p(torch.exp(-magnitude))).mean()
