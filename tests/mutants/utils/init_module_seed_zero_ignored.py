"""init_module_ treats seed=0 as no seed (`if seed:`) and draws from the global RNG."""
TARGET = "utils/init.py"
REPLACE = [
    ("generator = None if seed is None else torch.Generator().manual_seed(seed)",
     "generator = torch.Generator().manual_seed(seed) if seed else None"),
]
