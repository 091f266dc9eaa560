"""train_torch records the mean |gradient| per entry instead of the L1 norm (sum of |gradient|)."""
TARGET = "utils/train.py"
REPLACE = [
    ("l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()",
     "l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().mean()"),
]
