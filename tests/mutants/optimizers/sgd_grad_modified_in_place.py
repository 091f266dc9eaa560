"""SGD adds the weight decay term to p.grad in place."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for p, m in zip(self.params, self.buffers):
            if p.grad is None:
                continue
            g = p.grad.add_(self.weight_decay * p)
            m.mul_(self.momentum).add_(g)
            p.sub_(self.lr * m)


SGD.step = _step
