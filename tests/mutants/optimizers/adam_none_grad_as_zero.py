"""Adam treats a parameter whose grad is None as having a zero gradient instead of skipping it."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            grad = torch.zeros_like(p) if p.grad is None else p.grad
            g = grad + self.weight_decay * p
            self.t[i] += 1
            m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])
            v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
