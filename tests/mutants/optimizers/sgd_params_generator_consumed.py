"""SGD keeps the params iterable itself: a generator (model.parameters()) is exhausted after the first pass."""
TARGET = "optimizers/sgd.py"


def _init(self, params, lr, momentum=0.0, weight_decay=0.0):
    self.params = params
    self.lr = lr
    self.momentum = momentum
    self.weight_decay = weight_decay
    self.buffers = {}


def _step(self):
    with torch.no_grad():
        for p in self.params:
            if p.grad is None:
                continue
            m = self.buffers.setdefault(id(p), torch.zeros_like(p))
            m.mul_(self.momentum).add_(p.grad + self.weight_decay * p)
            p.sub_(self.lr * m)


SGD.__init__ = _init
SGD.step = _step
