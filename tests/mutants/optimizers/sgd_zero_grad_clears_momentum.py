"""SGD.zero_grad also zeroing the momentum buffers, so momentum never builds up in a training loop."""
TARGET = "optimizers/sgd.py"


def _zero_grad(self):
    for p, m in zip(self.params, self.buffers):
        p.grad = None
        m.zero_()


SGD.zero_grad = _zero_grad
