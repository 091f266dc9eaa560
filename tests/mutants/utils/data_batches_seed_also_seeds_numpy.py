"""generate_batched_data also calling np.random.seed(seed) "for reproducibility" before its own Generator."""
TARGET = "utils/data.py"
REPLACE = [("    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))\n",
            "    if shuffle and seed is not None:\n        np.random.seed(seed)\n"
            "    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))\n")]
