"""SGD treats a parameter whose grad is None as having a zero gradient instead of skipping it."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for p, m in zip(self.params, self.buffers):
            grad = torch.zeros_like(p) if p.grad is None else p.grad
            m.mul_(self.momentum).add_(grad + self.weight_decay * p)
            p.sub_(self.lr * m)


SGD.step = _step
