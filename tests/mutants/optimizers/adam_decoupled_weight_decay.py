"""Adam with decoupled weight decay (AdamW: p -= lr * weight_decay * p) instead of L2 in the gradient."""
TARGET = "optimizers/adam.py"


def _step(self):
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            self.t[i] += 1
            m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])
            v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])
            p.sub_(self.lr * self.weight_decay * p)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
