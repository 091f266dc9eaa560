"""make_spirals treats seed=0 as no seed (`if seed:`), so seed=0 is not reproducible."""
TARGET = "utils/data.py"
REPLACE = [
    ("    draws = np.random.default_rng(seed)\n"
     "    r = np.linspace(0.0, 1.0, n_per_class)\n",
     "    draws = np.random.default_rng(seed) if seed else np.random.default_rng()\n"
     "    r = np.linspace(0.0, 1.0, n_per_class)\n"),
]
