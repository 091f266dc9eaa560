"""SGD zero_grad fills the gradients with zeros instead of setting them to None."""
TARGET = "optimizers/sgd.py"


def _zero_grad(self):
    for p in self.params:
        if p.grad is not None:
            p.grad.zero_()


SGD.zero_grad = _zero_grad
