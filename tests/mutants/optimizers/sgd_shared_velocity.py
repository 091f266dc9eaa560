"""SGD velocity shared between parameters of the same shape (one buffer per shape)."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("        self.buffers = [torch.zeros_like(p) for p in self.params]\n",
     "        by_shape = {}\n"
     "        self.buffers = [by_shape.setdefault(tuple(p.shape), torch.zeros_like(p)) for p in self.params]\n"),
]
