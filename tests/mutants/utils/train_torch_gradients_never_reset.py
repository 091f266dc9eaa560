"""train_torch never resets the gradients, so every step uses the sum of all gradients so far."""
TARGET = "utils/train.py"

_train_torch = train_torch


class _NoReset:
    def __init__(self, optimizer):
        self.optimizer = optimizer

    def zero_grad(self):
        pass

    def step(self):
        self.optimizer.step()


def train_torch(model, optimizer, *args, **kwargs):
    return _train_torch(model, _NoReset(optimizer), *args, **kwargs)
