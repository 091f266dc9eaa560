"""Adam counts steps globally (once per step() call) instead of per parameter."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("        with torch.no_grad():\n"
     "            for i, p in enumerate(self.params):\n",
     '        self.calls = getattr(self, "calls", 0) + 1\n'
     "        with torch.no_grad():\n"
     "            for i, p in enumerate(self.params):\n"),
    ("self.t[i] += 1", "self.t[i] = self.calls"),
]
