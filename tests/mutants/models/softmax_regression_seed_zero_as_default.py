"""SoftmaxRegression replaces a falsy seed by the default (`seed or 1024`), so seed=0 draws the default weights."""
TARGET = "models/softmax_regression.py"
REPLACE = [
    ("        draws = np.random.default_rng(seed)\n",
     "        draws = np.random.default_rng(seed or 1024)\n"),
]
