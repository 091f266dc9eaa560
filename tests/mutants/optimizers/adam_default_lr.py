"""Adam defaults to lr=1e-2 instead of the documented 1e-3 (torch.optim.Adam's default)."""
TARGET = "optimizers/adam.py"
REPLACE = [
    ("    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-3,\n",
     "    def __init__(self, params: Iterable[torch.Tensor], lr: float = 1e-2,\n"),
]
