"""init_module_ with seed=None draws from a fresh torch.Generator (fixed default seed) instead of the global RNG."""
TARGET = "utils/init.py"
REPLACE = [
    ("    generator = None if seed is None else torch.Generator().manual_seed(seed)\n",
     "    generator = torch.Generator() if seed is None else torch.Generator().manual_seed(seed)\n"),
]
