"""SGD with a Nesterov-style update p -= lr * (g + momentum * m) instead of p -= lr * m."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for p, m in zip(self.params, self.buffers):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            m.mul_(self.momentum).add_(g)
            p.sub_(self.lr * (g + self.momentum * m))


SGD.step = _step
