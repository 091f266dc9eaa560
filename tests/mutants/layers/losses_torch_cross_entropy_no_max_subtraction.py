"""torch cross_entropy_loss without the row maximum: exp overflows to inf for float32 logits of 1e3."""
TARGET = "layers/losses.py"


def cross_entropy_loss(logits, y):
    log_probs = logits - torch.log(torch.exp(logits).sum(dim=1, keepdim=True))
    return -log_probs[torch.arange(logits.shape[0]), y].mean()
