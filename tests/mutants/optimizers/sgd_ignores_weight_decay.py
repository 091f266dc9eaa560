"""SGD ignores weight_decay."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for p, m in zip(self.params, self.buffers):
            if p.grad is None:
                continue
            m.mul_(self.momentum).add_(p.grad)
            p.sub_(self.lr * m)


SGD.step = _step
