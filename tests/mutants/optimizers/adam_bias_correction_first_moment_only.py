"""Adam corrects the bias of m but not of v."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            self.t[i] += 1
            m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])
            self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * g * g
            p.sub_(self.lr * m_hat / (self.v[i].sqrt() + self.eps))


Adam.step = _step
