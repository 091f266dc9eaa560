"""torch cross_entropy_loss indexes the true-class scores as [y, arange(N)] instead of [arange(N), y]."""
TARGET = "layers/losses.py"


def cross_entropy_loss(logits, y):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    return -log_probs[y, torch.arange(logits.shape[0])].mean()
