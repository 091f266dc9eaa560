"""Adam bias correction with t one too large (the count is advanced before and after the update)."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("ema_update(g, self.beta1, self.t[i], self.m[i])", "ema_update(g, self.beta1, self.t[i] + 1, self.m[i])"),
    ("ema_update(g * g, self.beta2, self.t[i], self.v[i])", "ema_update(g * g, self.beta2, self.t[i] + 1, self.v[i])"),
]
