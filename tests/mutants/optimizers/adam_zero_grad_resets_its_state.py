"""Adam.zero_grad also resetting the moments and step counts, as if every step were the first."""
TARGET = "optimizers/adam.py"


def _zero_grad(self):
    for p in self.params:
        p.grad = None
    self.m = [torch.zeros_like(p) for p in self.params]
    self.v = [torch.zeros_like(p) for p in self.params]
    self.t = [0 for _ in self.params]


Adam.zero_grad = _zero_grad
