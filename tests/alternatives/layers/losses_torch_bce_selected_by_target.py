"""binary_cross_entropy_loss choosing softplus(-z) or softplus(z) by the 0/1 target: y is not differentiated."""
TARGET = "layers/losses.py"


def _softplus(u):
    # log(1 + exp(u)) = max(u, 0) + log1p(exp(-|u|)); both selections send u = 0 the same way, so the kinks cancel
    # and autograd gives softplus'(0) = 1/2 exactly
    positive = u > 0
    return torch.where(positive, u, torch.zeros_like(u)) + torch.log1p(torch.exp(torch.where(positive, -u, u)))


def binary_cross_entropy_loss(logits, y):
    softplus_neg = _softplus(-logits)  # -log sigmoid(z)
    softplus_pos = _softplus(logits)   # -log(1 - sigmoid(z))
    return torch.where(y > 0.5, softplus_neg, softplus_pos).mean()
