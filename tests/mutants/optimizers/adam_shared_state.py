"""Adam moments shared between parameters of the same shape (state keyed by shape)."""
TARGET = "optimizers/adam.py"


def _step(self):
    if not hasattr(self, "by_shape"):
        self.by_shape = {}
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad + self.weight_decay * p
            self.t[i] += 1
            m, v = self.by_shape.get(tuple(p.shape), (torch.zeros_like(p), torch.zeros_like(p)))
            m_hat, m = ema_update(g, self.beta1, self.t[i], m)
            v_hat, v = ema_update(g * g, self.beta2, self.t[i], v)
            self.by_shape[tuple(p.shape)] = (m, v)
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))


Adam.step = _step
