"""Adam counts steps globally (once per step() call) instead of per parameter."""
TARGET = "optimizers/adam.py"


def _step(self):
    self.calls = getattr(self, "calls", 0) + 1
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            m_hat, self.m[i] = ema_update(g, self.beta1, self.calls, self.m[i])
            v_hat, self.v[i] = ema_update(g * g, self.beta2, self.calls, self.v[i])
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
