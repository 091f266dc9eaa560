"""Adam with decoupled weight decay (AdamW: p -= lr * weight_decay * p) instead of L2 in the gradient."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("g = p.grad + self.weight_decay * p", "g = p.grad"),
    ("                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))\n",
     "                p.sub_(self.lr * self.weight_decay * p)\n"
     "                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))\n"),
]
