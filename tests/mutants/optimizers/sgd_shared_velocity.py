"""SGD velocity shared between parameters of the same shape (one buffer per shape)."""
TARGET = "optimizers/sgd.py"


def _step(self):
    if not hasattr(self, "by_shape"):
        self.by_shape = {}
    with torch.no_grad():
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            m = self.by_shape.setdefault(tuple(p.shape), torch.zeros_like(p))
            m.mul_(self.momentum).add_(g)
            p.sub_(self.lr * m)


SGD.step = _step
