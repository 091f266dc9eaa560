"""SGD momentum as an average, m = momentum * m + (1 - momentum) * g after a first m = g (differs from step 2 on)."""
TARGET = "optimizers/sgd.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            if not hasattr(self, "started"):
                self.started = set()
            if i in self.started:
                self.buffers[i] = self.momentum * self.buffers[i] + (1 - self.momentum) * g
            else:
                self.buffers[i] = g.clone()
                self.started.add(i)
            p.sub_(self.lr * self.buffers[i])


SGD.step = _step
