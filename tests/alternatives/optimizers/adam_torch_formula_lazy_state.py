"""Adam with state created at a parameter's first step and torch's formula: step size lr / (1 - beta1**t), the
denominator sqrt(v) / sqrt(1 - beta2**t) + eps; ema_update builds new values with torch/numpy-agnostic operators."""
TARGET = "optimizers/adam.py"


def ema_update(x_t, beta, t, ema_star_old):
    if t < 1:
        raise ValueError("t starts at 1")
    ema_star_t = ema_star_old * beta + x_t * (1 - beta)
    return ema_star_t * (1 / (1 - beta ** t)), ema_star_t


def _init(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    self.params = [p for p in params]
    self.lr, (self.beta1, self.beta2), self.eps, self.weight_decay = lr, betas, eps, weight_decay
    self.state = {}


def _step(self):
    import math
    with torch.no_grad():
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad if self.weight_decay == 0 else p.grad.add(p, alpha=self.weight_decay)
            if i not in self.state:
                self.state[i] = {"t": 0, "m": torch.zeros_like(p), "v": torch.zeros_like(p)}
            s = self.state[i]
            s["t"] += 1
            s["m"].mul_(self.beta1).add_(g, alpha=1 - self.beta1)
            s["v"].mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            step_size = self.lr / (1 - self.beta1 ** s["t"])
            denom = s["v"].sqrt() / math.sqrt(1 - self.beta2 ** s["t"]) + self.eps
            p.addcdiv_(s["m"], denom, value=-step_size)


def _zero_grad(self):
    for p in self.params:
        p.grad = None


Adam.__init__ = _init
Adam.step = _step
Adam.zero_grad = _zero_grad
