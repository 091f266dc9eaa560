"""SGD momentum as an average, m = momentum * m + (1 - momentum) * g after a first m = g (differs from step 2 on)."""
TARGET = "optimizers/sgd.py"
REPLACE = [
    ("        self.buffers = [torch.zeros_like(p) for p in self.params]\n",
     "        self.buffers = [torch.zeros_like(p) for p in self.params]\n"
     "        self.started = set()\n"),
    ("                m.mul_(self.momentum).add_(g)\n",
     "                m.mul_(self.momentum).add_(g, alpha=1 - self.momentum if id(m) in self.started else 1.0)\n"
     "                self.started.add(id(m))\n"),
]
