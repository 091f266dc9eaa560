"""SGD weight decay added after the momentum buffer: p -= lr * (m + weight_decay * p)."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for p, m in zip(self.params, self.buffers):
            if p.grad is None:
                continue
            m.mul_(self.momentum).add_(p.grad)
            p.sub_(self.lr * (m + self.weight_decay * p))


SGD.step = _step
