"""torch cross_entropy_loss as -log(softmax + 1e-9): about 20.7 instead of 1e3 far below the maximum."""
TARGET = "layers/losses.py"


def cross_entropy_loss(logits, y):
    e = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
    p = e / e.sum(dim=1, keepdim=True)
    return -torch.log(p[torch.arange(logits.shape[0]), y] + 1e-9).mean()
