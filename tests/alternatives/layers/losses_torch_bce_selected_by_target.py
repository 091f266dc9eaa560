"""binary_cross_entropy_loss choosing softplus(-z) or softplus(z) by the 0/1 target: y is not differentiated."""
TARGET = "layers/losses.py"


def binary_cross_entropy_loss(logits, y):
    magnitude = torch.where(logits >= 0, logits, -logits)
    tail = torch.log1p(torch.exp(-magnitude))
    softplus_neg = torch.where(logits < 0, -logits, torch.zeros_like(logits)) + tail  # -log sigmoid(z)
    softplus_pos = torch.where(logits > 0, logits, torch.zeros_like(logits)) + tail   # -log(1 - sigmoid(z))
    return torch.where(y > 0.5, softplus_neg, softplus_pos).mean()
