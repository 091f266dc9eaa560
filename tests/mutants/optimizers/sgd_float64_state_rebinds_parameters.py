"""SGD keeps float64 momentum buffers and rebinds p.data to p - lr * m, so float32 parameters become float64."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("        self.buffers = [torch.zeros_like(p) for p in self.params]\n",
     "        self.buffers = [torch.zeros(p.shape, dtype=torch.float64) for p in self.params]\n"),
    ("                p.sub_(self.lr * m)\n", "                p.data = p.data - self.lr * m\n"),
]
