"""Adam without bias correction: p -= lr * m / (sqrt(v) + eps)."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))",
     "p.sub_(self.lr * self.m[i] / (self.v[i].sqrt() + self.eps))"),
]
