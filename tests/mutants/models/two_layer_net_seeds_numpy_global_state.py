"""TwoLayerNet also seeding numpy's global random state "for reproducibility" before drawing from its Generator."""
TARGET = "models/two_layer_net.py"
REPLACE = [("        draws = np.random.default_rng(seed)\n",
            "        np.random.seed(seed)\n        draws = np.random.default_rng(seed)\n")]
