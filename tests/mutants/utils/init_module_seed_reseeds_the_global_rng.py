"""init_module_ with a seed reseeds torch's global RNG (torch.manual_seed) instead of using a private generator."""
TARGET = "utils/init.py"
REPLACE = [("    generator = None if seed is None else torch.Generator().manual_seed(seed)\n",
            "    generator = None if seed is None else torch.manual_seed(seed)\n")]
