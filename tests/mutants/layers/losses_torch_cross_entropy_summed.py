"""torch cross_entropy_loss summed over the batch instead of averaged."""
TARGET = "layers/losses.py"


def cross_entropy_loss(logits, y):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    return -log_probs[torch.arange(logits.shape[0]), y].sum()
