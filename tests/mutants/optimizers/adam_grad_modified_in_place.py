"""Adam adds the weight decay term to p.grad in place."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad.add_(self.weight_decay * p)
            self.t[i] += 1
            m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])
            v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
