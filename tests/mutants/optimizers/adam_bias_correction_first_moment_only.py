"""Adam corrects the bias of m but not of v."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("                v_hat, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])\n",
     "                _, self.v[i] = ema_update(g * g, self.beta2, self.t[i], self.v[i])\n"
     "                v_hat = self.v[i]\n"),
]
