"""train_torch records the gradient L1 norm of the first epoch's last step instead of the mean over its steps."""
TARGET = "utils/train.py"
REPLACE = [
    ("l1[name] = l1.get(name, 0.0) + p.grad.detach().abs().sum()",
     "l1[name] = p.grad.detach().abs().sum() * steps_per_epoch"),
]
