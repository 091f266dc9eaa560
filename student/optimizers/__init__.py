"""Optimizers: SGD for the numpy models, and SGD and Adam that match torch.optim."""
