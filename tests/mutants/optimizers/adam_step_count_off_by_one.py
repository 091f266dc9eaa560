"""Adam bias correction with t one too large (the count is advanced before and after the update)."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            t = self.t[i] + 2
            self.t[i] += 1
            m_hat, self.m[i] = ema_update(g, self.beta1, t, self.m[i])
            v_hat, self.v[i] = ema_update(g * g, self.beta2, t, self.v[i])
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
