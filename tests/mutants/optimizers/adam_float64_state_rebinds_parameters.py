"""Adam keeps float64 moments and rebinds p.data to the updated value, so float32 parameters become float64."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("        self.m = [torch.zeros_like(p) for p in self.params]\n"
     "        self.v = [torch.zeros_like(p) for p in self.params]\n",
     "        self.m = [torch.zeros(p.shape, dtype=torch.float64) for p in self.params]\n"
     "        self.v = [torch.zeros(p.shape, dtype=torch.float64) for p in self.params]\n"),
    ("                p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))\n",
     "                p.data = p.data - self.lr * m_hat / (v_hat.sqrt() + self.eps)\n"),
]
