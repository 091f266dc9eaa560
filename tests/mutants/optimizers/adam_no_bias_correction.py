"""Adam without bias correction: p -= lr * m / (sqrt(v) + eps)."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * g
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            p.sub_(self.lr * self.m[i] / (self.v[i].sqrt() + self.eps))


Adam.step = _step
