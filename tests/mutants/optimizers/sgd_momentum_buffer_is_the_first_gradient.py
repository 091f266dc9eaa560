"""SGD creating a momentum buffer lazily as the first gradient itself (no clone): backward then adds into it."""
TARGET = "optimizers/sgd.py"
REPLACE = [("        self.buffers = [torch.zeros_like(p) for p in self.params]\n",
            "        self.buffers = [None] * len(self.params)\n"),
           ("            for p, m in zip(self.params, self.buffers):\n",
            "            for i, (p, m) in enumerate(zip(self.params, self.buffers)):\n"),
           ("                g = p.grad + self.weight_decay * p\n"
            "                m.mul_(self.momentum).add_(g)\n",
            "                g = p.grad if self.weight_decay == 0 else p.grad + self.weight_decay * p\n"
            "                if m is None:\n"
            "                    m = self.buffers[i] = g\n"
            "                else:\n"
            "                    m.mul_(self.momentum).add_(g)\n")]
