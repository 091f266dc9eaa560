"""SGD keeps the params iterable itself: a generator (model.parameters()) is exhausted after the first pass."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("        self.params = list(params)\n", "        self.params = params\n"),
    ("        self.buffers = [torch.zeros_like(p) for p in self.params]\n", "        self.buffers = {}\n"),
    ("            for p, m in zip(self.params, self.buffers):\n", "            for p in self.params:\n"),
    ("                g = p.grad + self.weight_decay * p\n",
     "                m = self.buffers.setdefault(id(p), torch.zeros_like(p))\n"
     "                g = p.grad + self.weight_decay * p\n"),
]
