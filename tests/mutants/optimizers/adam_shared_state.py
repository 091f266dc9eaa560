"""Adam moments shared between parameters of the same shape (state keyed by shape)."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("        self.t = [0 for _ in self.params]\n",
     "        self.t = [0 for _ in self.params]\n"
     "        self.by_shape = {}\n"),
    ("                m_hat, self.m[i] = ema_update(g, self.beta1, self.t[i], self.m[i])\n"
     "                v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])\n",
     "                m, v = self.by_shape.get(tuple(p.shape), (torch.zeros_like(p), torch.zeros_like(p)))\n"
     "                m_hat, m = ema_update(g, self.beta1, self.t[i], m)\n"
     "                v_hat, v = ema_update(g * g, self.beta2, self.t[i], v)\n"
     "                self.by_shape[tuple(p.shape)] = (m, v)\n"),
]
