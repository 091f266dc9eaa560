"""SGD with torch's bookkeeping: a parameter's momentum buffer is a clone of its first gradient, created lazily."""
TARGET = "optimizers/sgd.py"


def _init(self, params, lr, momentum=0.0, weight_decay=0.0):
    self.params = list(params)
    self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
    self.buffers = {}


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            d_p = p.grad.add(p, alpha=self.weight_decay) if self.weight_decay != 0 else p.grad
            if self.momentum != 0:
                if i not in self.buffers:
                    self.buffers[i] = torch.clone(d_p).detach()
                else:
                    self.buffers[i].mul_(self.momentum).add_(d_p)
                d_p = self.buffers[i]
            p.add_(d_p, alpha=-self.lr)


def _zero_grad(self):
    for p in self.params:
        p.grad = None


SGD.__init__ = _init
SGD.step = _step
SGD.zero_grad = _zero_grad
