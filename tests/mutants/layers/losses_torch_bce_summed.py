"""torch binary_cross_entropy_loss summed over the batch instead of averaged."""
TARGET = "layers/losses.py"


def binary_cross_entropy_loss(logits, y):
    magnitude = logits.abs()
    return (0.5 * (logits + magnitude) - logits * y + torch.log1p(torch.exp(-magnitude))).sum()
