"""binary_cross_entropy_loss writing max(z, 0) as torch.clamp(z, min=0), whose autograd slope at z = 0 is 1."""
TARGET = "layers/losses.py"


def binary_cross_entropy_loss(logits, y):
    return (torch.clamp(logits, min=0) - logits * y + torch.log1p(torch.exp(-logits.abs()))).mean()
